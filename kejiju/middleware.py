import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

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
                return redirect(f"{reverse('login')}?next={request.path}")
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
