"""Counting per client address, from the audit log.

Login failures, registrations and password-reset requests are audit events with the client's
address and time, so the same table that the auditor reads is the counter: it works across
processes and servers, needs no cache, and an auditor can see exactly what was counted.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kejiju.audit import client_ip
from kejiju.choices import AuditAction
from kejiju.models import AuditEvent


def count(action: str, *, minutes: int, address=..., user=None) -> int:
    """How many ``action`` events in the last ``minutes``, from ``address`` (``None`` is the
    bucket of requests whose address is unknown) and/or for ``user``."""
    events = AuditEvent.objects.filter(
        action=action, at__gte=timezone.now() - timedelta(minutes=minutes)
    )
    if address is not ...:
        events = (
            events.filter(ip_address__isnull=True)
            if address is None
            else events.filter(ip_address=address)
        )
    if user is not None:
        events = events.filter(user=user)
    return events.count()


def login_failures(request) -> int:
    """Failed logins from the request's address, whatever the user names, in the window."""
    return count(
        AuditAction.LOGIN_FAILED,
        minutes=settings.KEJIJU_CAPTCHA_WINDOW_MINUTES,
        address=client_ip(request),
    )


def captcha_required(request) -> bool:
    """Whether a login from this address must answer the picture captcha (图形验证码): after
    ``KEJIJU_CAPTCHA_AFTER_FAILURES`` failures from it within ``KEJIJU_CAPTCHA_WINDOW_MINUTES``
    (0: always). The address is never locked out: an office behind one NAT address keeps
    logging in, one captcha per login, and each account keeps working from other addresses."""
    threshold = settings.KEJIJU_CAPTCHA_AFTER_FAILURES
    return threshold <= 0 or login_failures(request) >= threshold


def registrations_exhausted(request) -> bool:
    """Whether this address has filed ``KEJIJU_REGISTRATION_PER_HOUR`` registrations this hour."""
    return (
        count(AuditAction.REGISTRATION_REQUESTED, minutes=60, address=client_ip(request))
        >= settings.KEJIJU_REGISTRATION_PER_HOUR
    )


def password_resets_exhausted(request) -> bool:
    """Whether this address has asked ``KEJIJU_PASSWORD_RESET_PER_HOUR`` resets this hour."""
    return (
        count(AuditAction.PASSWORD_RESET_REQUESTED, minutes=60, address=client_ip(request))
        >= settings.KEJIJU_PASSWORD_RESET_PER_HOUR
    )


def reset_mails_exhausted(user) -> bool:
    """Whether ``user`` has been sent ``KEJIJU_PASSWORD_RESET_PER_ACCOUNT`` reset mails this
    hour (from any address): then no further mail goes out, and the answer stays the same."""
    return (
        count(AuditAction.PASSWORD_RESET_REQUESTED, minutes=60, user=user)
        >= settings.KEJIJU_PASSWORD_RESET_PER_ACCOUNT
    )
