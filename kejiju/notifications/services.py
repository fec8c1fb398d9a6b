"""Telling users something: :func:`notify` stores one notification per recipient (the 消息中心
shows it) and arranges its e-mail (at once, or in the daily digest) and SMS; reading and the
channels' deliveries are here too. Each takes model instances and keyword arguments."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import MOBILE_VALIDATOR, Contact, Delivery, Notification, Preference

log = logging.getLogger(__name__)

MAIL_PREFIX = "【科技局】"
MOBILE_PATTERN = MOBILE_VALIDATOR.regex


def _user_ids(recipients) -> list[int]:
    ids: list[int] = []
    for recipient in recipients:
        if recipient is None:
            continue
        pk = getattr(recipient, "pk", recipient)
        if pk is not None:
            ids.append(int(pk))
    return list(dict.fromkeys(ids))


def known_kinds() -> dict[str, str]:
    """kind → label of every kind the portal declares (reminders and events)."""
    from .registry import kinds

    return kinds()


def channels_for(user_ids: Iterable[int], kind: str) -> dict[int, tuple[bool, str]]:
    """user id → (e-mail digest wanted, mobile for SMS or ""), in two queries."""
    user_ids = list(user_ids)
    chosen = {
        row["user_id"]: row
        for row in Preference.objects.filter(user_id__in=user_ids, kind=kind).values(
            "user_id", "email", "sms"
        )
    }
    mobiles = dict(
        Contact.objects.filter(user_id__in=user_ids)
        .exclude(mobile="")
        .values_list("user_id", "mobile")
    )
    result = {}
    for user_id in user_ids:
        row = chosen.get(user_id, {"email": True, "sms": False})
        result[user_id] = (row["email"], mobiles.get(user_id, "") if row["sms"] else "")
    return result


def notify(
    recipients,
    *,
    kind: str,
    text: str,
    link: str = "",
    about=None,
    key: str = "",
    mail_subject: str = "",
    mail_body: str = "",
) -> list[Notification]:
    """One notification per distinct active recipient (users or user ids), skipping a recipient
    who already holds ``key``. With ``mail_subject`` the mail goes out at once, after the commit,
    to the recipients with an e-mail address; otherwise the e-mail waits for the recipient's daily
    digest, if their preferences want it. SMS goes to those who chose it for ``kind``."""
    from kejiju.models import User

    ids = _user_ids(recipients)
    if not ids:
        return []
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=ids, is_active=True).only("id", "email")
    }
    if key:
        held = set(
            Notification.objects.filter(key=key, recipient_id__in=list(users)).values_list(
                "recipient_id", flat=True
            )
        )
    else:
        held = set()
    targets = [users[pk] for pk in ids if pk in users and pk not in held]
    if not targets:
        return []
    channels = channels_for([u.pk for u in targets], kind)
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    now = timezone.now()
    rows = []
    for user in targets:
        digest, mobile = channels[user.pk]
        if not user.email:
            email_state = Delivery.NONE
        elif mail_subject or digest:
            email_state = Delivery.PENDING
        else:
            email_state = Delivery.NONE
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                text=text,
                link=link,
                content_type=content_type,
                object_id=about.pk if about is not None else None,
                key=key,
                created_at=now,
                email_state=email_state,
                sms_state=Delivery.PENDING if mobile else Delivery.NONE,
            )
        )
    created = _store(rows)
    if mail_subject:
        immediate = [n.pk for n in created if n.email_state == Delivery.PENDING]
        if immediate:
            subject, body = f"{MAIL_PREFIX}{mail_subject}", mail_body or text
            transaction.on_commit(lambda: send_now(immediate, subject=subject, body=body))
    if any(n.sms_state == Delivery.PENDING for n in created):
        pending = [n.pk for n in created if n.sms_state == Delivery.PENDING]
        transaction.on_commit(lambda: _queue_sms(pending))
    return created


def _store(rows: list[Notification]) -> list[Notification]:
    """Inserts the rows; one that another process stored meanwhile (same key) is skipped."""
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                row.pk = None
                continue
            created.append(row)
        return created


# ---- reading ------------------------------------------------------------------------------------


def mark_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.for_user(user).unread().count()


# ---- e-mail ------------------------------------------------------------------------------------


def send_now(ids: list[int], *, subject: str, body: str) -> int:
    """Sends one mail per notification of ``ids`` still pending (each recipient gets their own,
    nobody sees the others' addresses); a mail server failure leaves them pending for the
    digest. Returns how many were sent."""
    pending = list(
        Notification.objects.filter(pk__in=ids, email_state=Delivery.PENDING).select_related(
            "recipient"
        )
    )
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
        for n in pending
    ]
    if not messages:
        return 0
    try:
        get_connection().send_messages(messages)
    except Exception:  # a mail server problem must not undo the workflow step
        log.exception("could not send %s to %d recipients", subject, len(messages))
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
        email_state=Delivery.SENT, emailed_at=timezone.now()
    )
    return len(messages)


def _queue_sms(ids: list[int]) -> None:
    from .tasks import deliver_sms

    try:
        deliver_sms.delay(ids)
    except Exception:  # the queue is down: the next morning's run retries every pending SMS
        log.exception("could not queue the SMS of %d notifications", len(ids))


# ---- preferences -------------------------------------------------------------------------------


def preferences_of(user) -> dict[str, tuple[bool, bool]]:
    """kind → (e-mail digest, SMS) the user chose; kinds the portal no longer knows are left out
    with a log line."""
    from .registry import kinds

    known = kinds()
    chosen = {}
    for kind, email, sms in Preference.objects.filter(user=user).values_list(
        "kind", "email", "sms"
    ):
        if kind not in known:
            log.warning("preferences of user %s: unknown kind %r ignored", user.pk, kind)
            continue
        chosen[kind] = (email, sms)
    return chosen


def mobile_of(user) -> str:
    contact = Contact.objects.filter(user=user).first()
    if contact is not None:
        return contact.mobile
    return user.phone if MOBILE_PATTERN.fullmatch(user.phone or "") else ""


@transaction.atomic
def save_preferences(user, *, mobile: str, chosen: dict[str, tuple[bool, bool]]) -> None:
    """Stores the mobile number and the choices of the known kinds (the defaults need no row)."""
    from .registry import kinds

    known = kinds()
    contact, _ = Contact.objects.get_or_create(user=user)
    contact.mobile = mobile
    contact.full_clean()
    contact.save()
    for kind, (email, sms) in chosen.items():
        if kind not in known:
            log.warning("preferences of user %s: unknown kind %r ignored", user.pk, kind)
            continue
        if email and not sms:
            Preference.objects.filter(user=user, kind=kind).delete()
        else:
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": email, "sms": sms}
            )
