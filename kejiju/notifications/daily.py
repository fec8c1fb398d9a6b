"""The daily job: every declared reminder that is due today becomes a notification for each of
its recipients, once (the key: kind, record, threshold); then the pending SMS go out (failed ones
retried) and each user with notifications waiting for e-mail gets one digest.

The job is idempotent. Notifications are written in batches, each in its own transaction with
conflicting keys ignored (the database's unique constraint), so a job stopped between two
batches and run again writes the rest and nothing twice; the deliveries work from the stored
states (kejiju.notifications.delivery). Its queries do not grow with the number of records:
each reminder reads what is due in a few queries, the existing keys, the users, the preferences
and mobile numbers are read once, and the writes go ``batch_size`` rows at a time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .delivery import deliver_sms, send_digests
from .models import Contact, Delivery, Notification, Preference
from .registry import Due, Reminder, reminders

log = logging.getLogger(__name__)

# Keys older than this are not looked up again: every threshold of a reminder falls within it.
KEY_MEMORY_DAYS = 400


@dataclass
class Outcome:
    today: date
    due: list[tuple[Reminder, Due]] = field(default_factory=list)
    created: int = 0
    sms: dict = field(default_factory=dict)
    digests: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "due": len(self.due),
            "created": self.created,
            "sms": self.sms,
            "digests": self.digests,
        }


def collect(today: date) -> list[tuple[Reminder, Due]]:
    """What every declared reminder finds due on ``today``."""
    found = []
    for reminder in reminders():
        for due in reminder.find(today):
            if due.recipients:
                found.append((reminder, due))
    return found


def after_batch(written: int) -> None:
    """Called after each committed batch (the tests stop the job here)."""


def run_daily(
    today: date | None = None, *, dry_run: bool = False, batch_size: int = 500, deliver: bool = True
) -> Outcome:
    today = today or timezone.localdate()
    outcome = Outcome(today=today, dry_run=dry_run)
    outcome.due = collect(today)
    if dry_run:
        return outcome
    rows = _new_rows(outcome.due)
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        with transaction.atomic():
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
        outcome.created += len(batch)
        after_batch(outcome.created)
    if deliver:
        outcome.sms = deliver_sms()
        outcome.digests = send_digests()
    return outcome


def _new_rows(due: list[tuple[Reminder, Due]]) -> list[Notification]:
    """The notifications not yet told: one per (recipient, key), active recipients only."""
    from kejiju.models import User

    if not due:
        return []
    kinds = {reminder.kind for reminder, _ in due}
    since = timezone.now() - timedelta(days=KEY_MEMORY_DAYS)
    told = set(
        Notification.objects.filter(kind__in=kinds, created_at__gte=since)
        .exclude(key="")
        .values_list("recipient_id", "key")
    )
    emails = dict(User.objects.filter(is_active=True).values_list("pk", "email"))
    chosen = {
        (user_id, kind): (email, sms)
        for user_id, kind, email, sms in Preference.objects.filter(kind__in=kinds).values_list(
            "user_id", "kind", "email", "sms"
        )
    }
    mobiles = dict(Contact.objects.exclude(mobile="").values_list("user_id", "mobile"))
    content_types: dict[type, ContentType] = {}
    now = timezone.now()
    rows = []
    for reminder, item in due:
        model = type(item.about)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        key = reminder.key(item)
        for user_id in dict.fromkeys(item.recipients):
            if user_id not in emails or (user_id, key) in told:
                continue
            told.add((user_id, key))
            wants_email, wants_sms = chosen.get((user_id, reminder.kind), (True, False))
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=reminder.kind,
                    text=item.text,
                    link=item.link,
                    content_type=content_types[model],
                    object_id=item.about.pk,
                    key=key,
                    created_at=now,
                    email_state=Delivery.PENDING
                    if wants_email and emails[user_id]
                    else Delivery.NONE,
                    sms_state=Delivery.PENDING
                    if wants_sms and mobiles.get(user_id)
                    else Delivery.NONE,
                )
            )
    return rows
