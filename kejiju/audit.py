"""Receivers that write authentication events to the append-only audit log."""

import ipaddress

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .choices import AuditAction
from .models import AuditEvent


def client_ip(request) -> str | None:
    """The client's address, shared by the audit log and the lockout (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``KEJIJU_TRUSTED_PROXIES`` reverse proxies the address is taken from X-Forwarded-For,
    counting from the right, so a client cannot choose its own address by sending that header.
    """
    if request is None:
        return None
    proxies = settings.KEJIJU_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies and _is_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    address = request.META.get("REMOTE_ADDR")
    return address if address and _is_ip(address) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def record(action: str, request=None, *, user=None, username: str = "", detail: str = "") -> None:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    AuditEvent.objects.create(
        action=action,
        user=user,
        username=username or (user.get_username() if user else ""),
        ip_address=client_ip(request),
        path=(request.get_full_path()[:500] if request is not None else ""),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        detail=detail[:500],
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGIN, request, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, request, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record(AuditAction.LOGIN_FAILED, request, username=credentials.get("username", "")[:150])


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    record(
        AuditAction.LOCKOUT,
        request,
        username=(username or "")[:150],
        detail=f"连续登录失败，账户已被锁定（来源 {ip_address or '未知'}）",
    )
