"""How an app declares what it tells people.

Each app lists, once, in ``<app>/reminders.py``:

- ``EVENTS``: a list of :class:`Kind` — the things it tells as they happen (an application
  returned, a project step), sent with :func:`kejiju.notifications.services.notify`;
- ``REMINDERS``: a list of :class:`Reminder` — what becomes due with time. Each says whom it
  concerns and when (``who``, ``when``, for the people choosing their channels) and has
  ``find(today)``: what is due that day, as :class:`Due` items, read in a fixed number of
  queries whatever the number of records (the daily job runs over the whole county).

The daily job (:mod:`kejiju.notifications.reminders`) collects them; a reminder is sent once per
kind, record, threshold and recipient (the notification's ``key``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.db.models import Model

from kejiju.discovery import app_modules


@dataclass(frozen=True)
class Kind:
    kind: str  # "<app>.<name>", the key preferences are stored under
    label: str
    order: int = 100


@dataclass(frozen=True)
class Due:
    """One record due for one threshold, and whom to tell (user ids)."""

    about: Model
    threshold: str  # "90", "30", "expired", "overdue" …: part of the idempotency key
    text: str
    link: str
    recipients: Iterable[int] = field(default=())


@dataclass(frozen=True)
class Reminder(Kind):
    who: str = ""
    when: str = ""
    find: Callable[[date], Iterable[Due]] | None = None

    def key(self, due: Due) -> str:
        return f"{self.kind}:{due.about._meta.label_lower}:{due.about.pk}:{due.threshold}"


# Kinds the notification centre itself uses.
EVENTS = [Kind("notifications.message", "系统消息", order=999)]


@cache
def reminders() -> tuple[Reminder, ...]:
    found = [r for _, module in app_modules("reminders") for r in getattr(module, "REMINDERS", [])]
    return tuple(sorted(found, key=lambda r: (r.order, r.kind)))


@cache
def events() -> tuple[Kind, ...]:
    found = [*EVENTS]
    for _, module in app_modules("reminders"):
        found.extend(getattr(module, "EVENTS", []))
    return tuple(sorted(found, key=lambda k: (k.order, k.kind)))


def kinds() -> dict[str, str]:
    """kind → label, the reminders first."""
    return {k.kind: k.label for k in (*reminders(), *events())}


def stage(days_left: int, thresholds: tuple[int, ...] = (90, 30)) -> str | None:
    """The threshold a date ``days_left`` away has reached: "expired" on the day and after, else
    the smallest threshold it is within ("30" at 30 days or fewer), else None (not due yet)."""
    if days_left <= 0:
        return "expired"
    reached = [t for t in thresholds if days_left <= t]
    return str(min(reached)) if reached else None
