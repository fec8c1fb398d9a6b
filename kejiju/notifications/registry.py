"""How an app declares what it tells people.

Each app lists, once:

- in ``<app>/reminders.py``, ``EVENTS``: a list of :class:`Kind` — the things it tells as they
  happen (an application returned, a project step), sent with
  :func:`kejiju.notifications.services.notify`;
- in ``<app>/deadlines.py``, ``REMINDERS``: a list of :class:`Reminder` — what becomes due with
  time. Each says whom it concerns and when (``who``, ``when``, shown on the preferences page)
  and has ``find(today)``: what is due that day, as :class:`Due` items, read in a fixed number
  of queries whatever the number of records (the daily job runs over the whole county).

The daily job (:mod:`kejiju.notifications.reminders`) collects them; a reminder is sent once per
kind, record, threshold and recipient (the notification's ``key``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
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


def _declared(name: str) -> list:
    return [
        item
        for module_name in ("deadlines", "reminders")
        for _, module in app_modules(module_name)
        for item in getattr(module, name, [])
    ]


@cache
def reminders() -> tuple[Reminder, ...]:
    return tuple(sorted(_declared("REMINDERS"), key=lambda r: (r.order, r.kind)))


@cache
def events() -> tuple[Kind, ...]:
    return tuple(sorted([*EVENTS, *_declared("EVENTS")], key=lambda k: (k.order, k.kind)))


def kinds() -> dict[str, str]:
    """kind → label, the reminders first."""
    return {k.kind: k.label for k in (*reminders(), *events())}


def stage(
    days_left: int, thresholds: tuple[int, ...] = (90, 30), past: str = "expired"
) -> str | None:
    """The threshold a date ``days_left`` days away has reached: ``past`` once it has gone
    (``days_left`` < 0), else the smallest threshold it is within ("30" at 30 days or fewer),
    else None (not due yet)."""
    if days_left < 0:
        return past
    reached = [t for t in thresholds if days_left <= t]
    return str(min(reached)) if reached else None


# ---- whom to tell: one query each, whatever the number of records ------------------------------


def start_of_day_before(today: date, days: int) -> datetime:
    """The start of the day ``days`` days before ``today``, as an aware datetime: a record made
    before it has waited more than ``days`` whole days."""
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))


def staff_ids(*sections: str) -> list[int]:
    """The active bureau staff (局机关工作人员) of ``sections``."""
    from kejiju.choices import Role
    from kejiju.models import User

    return list(
        User.objects.filter(role=Role.STAFF, section__in=sections, is_active=True).values_list(
            "pk", flat=True
        )
    )


def leader_ids() -> list[int]:
    from kejiju.choices import Role
    from kejiju.models import User

    return list(User.objects.filter(role=Role.LEADER, is_active=True).values_list("pk", flat=True))


def enterprise_user_ids(enterprise_ids=None) -> dict[int, list[int]]:
    """enterprise id → the ids of its active enterprise users (all enterprises when None)."""
    from kejiju.choices import Role
    from kejiju.models import User

    users = User.objects.filter(role=Role.ENTERPRISE, is_active=True)
    if enterprise_ids is not None:
        users = users.filter(enterprise_id__in=enterprise_ids)
    found: dict[int, list[int]] = {}
    for pk, enterprise_id in users.values_list("pk", "enterprise_id"):
        found.setdefault(enterprise_id, []).append(pk)
    return found


def expert_user_ids() -> dict[int, int]:
    """expert id → the id of the expert's active account."""
    from kejiju.choices import Role
    from kejiju.models import User

    return dict(
        User.objects.filter(role=Role.EXPERT, is_active=True, expert__isnull=False).values_list(
            "expert_id", "pk"
        )
    )
