"""The indicator registry: every installed app's ``indicators.py`` declares its indicators once
(see :mod:`kejiju.indicators`); this module collects them, checks their keys are unique and orders
them by the sections of the annual summary."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from kejiju.choices import ReportSection
from kejiju.indicators import Indicator

KEY_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
SECTION_ORDER = {value: index for index, value in enumerate(ReportSection.values)}


def _declared_by(module) -> list[Indicator]:
    declared = getattr(module, "INDICATORS", [])
    if callable(declared):
        declared = declared()
    return list(declared)


def validate(indicators: Iterable[Indicator]) -> list[Indicator]:
    """Checks keys (unique, dotted lower case, not ending in ``.yoy``) and sorts by section."""
    seen: dict[str, Indicator] = {}
    for indicator in indicators:
        if not isinstance(indicator, Indicator):
            raise ImproperlyConfigured(f"Not an Indicator: {indicator!r}")
        if not KEY_PATTERN.match(indicator.key) or indicator.key.endswith(".yoy"):
            raise ImproperlyConfigured(f"Invalid indicator key: {indicator.key!r}")
        if indicator.key in seen:
            raise ImproperlyConfigured(f"Indicator key declared twice: {indicator.key!r}")
        if indicator.section not in SECTION_ORDER:
            raise ImproperlyConfigured(f"Unknown section for {indicator.key!r}")
        seen[indicator.key] = indicator
    return sorted(seen.values(), key=lambda i: (SECTION_ORDER[i.section], i.order, i.key))


def discover(app_configs=None) -> list[Indicator]:
    """Indicators declared by every installed app, ordered by section, then ``order``, then key."""
    found: list[Indicator] = []
    for config in app_configs if app_configs is not None else apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.indicators")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.indicators":
                raise
            continue
        found.extend(_declared_by(module))
    return validate(found)


def all_indicators() -> list[Indicator]:
    """The registry. Not cached: per-category keys follow the plan categories in the database."""
    return discover()


def by_key() -> dict[str, Indicator]:
    return {indicator.key: indicator for indicator in all_indicators()}


def compute_all(year: int, indicators: Iterable[Indicator] | None = None) -> dict[str, Decimal]:
    """One aggregate query per indicator: the number of queries never depends on the rows."""
    indicators = all_indicators() if indicators is None else indicators
    return {indicator.key: indicator.compute(year) for indicator in indicators}
