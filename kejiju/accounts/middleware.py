from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from . import second_factor

# What a user who still owes the second factor may open: the two pages that settle it, the way
# out, and what the login page itself needs.
OPEN_URL_NAMES = frozenset(
    {"otp_setup", "otp_verify", "logout", "login", "captcha-image", "healthz"}
)


class SecondFactorMiddleware:
    """Sends a logged-in user who must use a second factor and has not in this session to
    enrolment (no authenticator yet) or verification; every other page answers with that
    redirect until it is done. After django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and second_factor.pending(request):
            if not self.is_open(request):
                next_url = request.get_full_path() if request.method == "GET" else ""
                return redirect(second_factor.redirect_url(request, next_url))
        return self.get_response(request)

    @staticmethod
    def is_open(request) -> bool:
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            return resolve(request.path_info).url_name in OPEN_URL_NAMES
        except Resolver404:
            return False
