"""Shared pieces of the apps' ``demo_recent.py`` loaders, which carry the demo county's records
on from mid-2024 up to yesterday, so that the current year has figures (see reports.demo)."""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable
from datetime import date, timedelta

from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

CHANGE_REASON = "载入演示数据"
FIRST_YEAR = 2024  # the seed's plan year: its first half is in the apps' own demo.py


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def years_until(until: date) -> range:
    return range(FIRST_YEAR, until.year + 1)


def spread(
    rng: random.Random, year: int, count: int, start: tuple[int, int] = (1, 1)
) -> list[date]:
    """``count`` dates of ``year`` from ``start`` (month, day) to 31 December, in order."""
    first = date(year, *start)
    span = (date(year, 12, 31) - first).days
    return sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(count))


def grown(base: float, year: int, rate: float = 0.06) -> int:
    """A yearly figure growing from its 2023 value."""
    return round(base * (1 + rate) ** (year - 2023))


def create_missing(
    model: type[models.Model], objs: Iterable[models.Model], key: Callable[[models.Model], Hashable]
) -> int:
    existing = {key(obj) for obj in model.objects.all()}
    missing = []
    for obj in objs:
        if key(obj) not in existing:
            existing.add(key(obj))
            missing.append(obj)
    if missing:
        bulk_create_with_history(
            missing, model, batch_size=500, default_change_reason=CHANGE_REASON
        )
    return len(missing)
