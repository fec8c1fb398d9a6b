"""Receivers that write authentication events to the append-only audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .choices import AuditAction
from .models import AuditEvent


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
