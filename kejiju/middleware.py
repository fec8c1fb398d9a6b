import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .audit import record
from .choices import AuditAction

LAST_SEEN_KEY = "_kejiju_last_seen"


class IdleTimeoutMiddleware:
    """Ends a session left idle for longer than ``SESSION_IDLE_TIMEOUT`` seconds and says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                record(AuditAction.SESSION_EXPIRED, request, user=user)
                logout(request)
                minutes = settings.SESSION_IDLE_TIMEOUT // 60
                messages.warning(
                    request, f"您已超过 {minutes} 分钟未操作，为保障安全已自动退出，请重新登录。"
                )
                return redirect_to_login(request.get_full_path())
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Sends a user whose password is older than ``PASSWORD_MAX_AGE_DAYS`` to change it first.

    Off when the setting is 0 (the default); 等保 assessments usually ask for 90 days.
    """

    # The second factor comes first (kejiju.accounts.middleware), so its pages stay open here.
    allowed_url_names = (
        "password_change",
        "password_change_done",
        "logout",
        "login",
        "otp_setup",
        "otp_verify",
        "otp_backup_codes",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        user = getattr(request, "user", None)
        if max_age > 0 and user is not None and user.is_authenticated:
            if password_expired(user, max_age) and not self.is_allowed(request):
                messages.warning(request, f"您的密码已超过 {max_age} 天未修改，请先修改密码。")
                return redirect("password_change")
        return self.get_response(request)

    def is_allowed(self, request) -> bool:
        if request.path.startswith((settings.STATIC_URL, "/" + settings.STATIC_URL)):
            return True
        allowed = {reverse(name) for name in self.allowed_url_names}
        return request.path in allowed or request.path == reverse("healthz")


def password_expired(user, max_age_days: int) -> bool:
    changed = user.password_changed_at
    # A password of unknown age (set before rotation was switched on) counts as expired.
    return changed is None or timezone.now() - changed > timedelta(days=max_age_days)
