"""The second factor (等保 三级 双因素认证): a TOTP authenticator app, with backup codes.

Required for the roles in ``KEJIJU_OTP_REQUIRED_ROLES`` (system administrator, security
administrator and auditor by default) and for everyone who enrolled voluntarily; offered to
everyone. A session counts as verified once django-otp's ``login`` has stored the device that
verified it (``user.is_verified()``).
"""

import re
from base64 import b32encode

from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set at login: whether the user had a confirmed device then (a voluntary enrolment), so that
# the middleware need not ask the database on every request.
ENROLLED_SESSION_KEY = "_kejiju_second_factor"
# Backup codes just made, shown once on the next page.
NEW_CODES_SESSION_KEY = "_kejiju_new_backup_codes"

BACKUP_DEVICE_NAME = "备用验证码"
TOTP_DEVICE_NAME = "验证器应用"


def role_requires(user) -> bool:
    """Whether ``user``'s role must have a second factor (``KEJIJU_OTP_REQUIRED_ROLES``)."""
    return bool(getattr(user, "role", "")) and user.role in settings.KEJIJU_OTP_REQUIRED_ROLES


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def pending(request) -> bool:
    """Whether the logged-in user still has to enrol or verify in this session."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    return role_requires(user) or bool(request.session.get(ENROLLED_SESSION_KEY))


def totp_device(user, *, confirmed: bool = True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def backup_device(user):
    return StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME).first()


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_any_device(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def issue_backup_codes(user) -> list[str]:
    """A new set of ``KEJIJU_OTP_BACKUP_CODES`` one-time codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.KEJIJU_OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_backup_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME).count()


def secret_text(device) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(text: str) -> str:
    """``text`` as an inline SVG QR code, drawn on the server (no outside service)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    # Drawn in millimetres; shown at a size a phone reads from the screen.
    return re.sub(r'width="[^"]+" height="[^"]+"', 'width="200" height="200"', svg, count=1)


def safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("home")


def redirect_url(request, next_url: str = "") -> str:
    """Where a user who still owes the second factor goes: enrolment when they have no
    authenticator yet, otherwise verification; ``next`` comes along."""
    name = "otp_verify" if has_any_device(request.user) else "otp_setup"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def forget(request) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(ENROLLED_SESSION_KEY, None)
