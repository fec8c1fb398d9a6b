"""Background work of the notifications: the morning reminders and the SMS deliveries."""

from celery import shared_task


@shared_task(name="notifications.send_reminders")
def send_reminders() -> dict:
    """The daily job (beat, each morning): due reminders, the e-mail digests, pending SMS."""
    from .daily import run_daily

    return run_daily().as_dict()


@shared_task(name="notifications.deliver_sms")
def deliver_sms(ids: list[int] | None = None) -> dict:
    """Sends pending SMS (of ``ids``, or all that are due, failed ones included)."""
    from .delivery import deliver_sms as deliver

    return deliver(ids)
