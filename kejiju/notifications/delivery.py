"""The channels beside the centre: the daily e-mail digest and SMS.

Both work from the stored notifications' states, so a run that stops midway leaves the rest
pending for the next run and sends nothing twice: a digest marks its notifications sent in the
same transaction it is prepared in (and puts them back when the mail server fails); an SMS is
marked sent or failed one by one, and a failed one is retried by later runs up to
``KEJIJU_SMS_MAX_ATTEMPTS`` times."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Delivery, Notification
from .sms import SMSError, backend

log = logging.getLogger(__name__)


def sms_text(notification: Notification) -> str:
    return f"【{settings.KEJIJU_BUREAU_NAME}】{notification.text}"[:300]


def deliver_sms(ids: list[int] | None = None, *, gateway=None) -> dict:
    """Sends the pending SMS (of ``ids`` when given) and retries the failed ones; one gateway
    failure or timeout marks that message failed and goes on with the rest."""
    gateway = gateway or backend()
    due = Notification.objects.filter(
        sms_state__in=[Delivery.PENDING, Delivery.FAILED],
        sms_attempts__lt=settings.KEJIJU_SMS_MAX_ATTEMPTS,
    )
    if ids is not None:
        due = due.filter(pk__in=ids)
    rows = list(due.order_by("pk").values_list("pk", "text", "recipient_id"))
    from .models import Contact

    mobiles = dict(
        Contact.objects.filter(user_id__in={r[2] for r in rows}).values_list("user_id", "mobile")
    )
    sent = failed = 0
    for pk, text, user_id in rows:
        mobile = mobiles.get(user_id, "")
        notification = Notification(pk=pk, text=text)
        if not mobile:
            Notification.objects.filter(pk=pk).update(
                sms_state=Delivery.NONE, sms_error="未填写手机号码"
            )
            continue
        try:
            gateway.send(mobile, sms_text(notification))
        except SMSError as exc:
            failed += 1
            log.warning("SMS %s to %s failed: %s", pk, mobile, exc)
            Notification.objects.filter(pk=pk).update(
                sms_state=Delivery.FAILED,
                sms_attempts=F("sms_attempts") + 1,
                sms_error=str(exc)[:300],
            )
            continue
        sent += 1
        Notification.objects.filter(pk=pk).update(
            sms_state=Delivery.SENT,
            sms_attempts=F("sms_attempts") + 1,
            sms_sent_at=timezone.now(),
            sms_error="",
        )
    return {"sent": sent, "failed": failed}


def send_digests(*, until=None, batch: int = 200) -> int:
    """One mail per user holding the notifications whose e-mail waits for the digest (created
    up to ``until``, by default now). Returns the number of mails sent."""
    until = until or timezone.now()
    users = list(
        Notification.objects.filter(email_state=Delivery.PENDING, created_at__lte=until)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    mails = 0
    for start in range(0, len(users), batch):
        mails += _digest_batch(users[start : start + batch], until)
    return mails


def _digest_batch(user_ids: list[int], until) -> int:
    from .registry import kinds

    labels = kinds()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient_id__in=user_ids, email_state=Delivery.PENDING, created_at__lte=until)
            .select_related("recipient")
            .order_by("recipient_id", "created_at", "pk")
        )
        by_user: dict[int, list[Notification]] = defaultdict(list)
        for row in rows:
            by_user[row.recipient_id].append(row)
        now = timezone.now()
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            email_state=Delivery.SENT, emailed_at=now
        )
    messages = []
    for items in by_user.values():
        user = items[0].recipient
        body = render_to_string(
            "notifications/digest.txt",
            {
                "user": user,
                "items": [(labels.get(n.kind, n.kind), n) for n in items],
                "bureau_name": settings.KEJIJU_BUREAU_NAME,
                "portal_name": settings.KEJIJU_PORTAL_NAME,
            },
        )
        messages.append(
            (
                [n.pk for n in items],
                EmailMessage(
                    f"【科技局】今日提醒：{len(items)} 条消息",
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                ),
            )
        )
    sent = 0
    connection = get_connection()
    for pks, message in messages:
        try:
            connection.send_messages([message])
        except Exception:
            log.exception("could not send the digest to %s", message.to)
            Notification.objects.filter(pk__in=pks).update(
                email_state=Delivery.PENDING, emailed_at=None
            )
            continue
        sent += 1
    return sent
