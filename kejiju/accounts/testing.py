"""For tests: a session that has passed the second factor, as after a real verification."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .second_factor import (
    BACKUP_DEVICE_NAME,
    ENROLLED_SESSION_KEY,
    has_any_device,
    role_requires,
    totp_device,
)


def needs_second_factor(user) -> bool:
    return role_requires(user) or has_any_device(user)


def mark_verified(client, user) -> None:
    """Stores in ``client``'s session a confirmed authenticator of ``user`` (made when missing)
    as the one that verified it — what ``django_otp.login`` does after a right code."""
    device = totp_device(user) or TOTPDevice.objects.create(
        user=user, name="测试用验证器", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[ENROLLED_SESSION_KEY] = True
    session.save()


def fresh_backup_code(user) -> str:
    """One more backup code for ``user`` (a browser test types it at the verification page)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    code = StaticToken.random_token()
    device.token_set.create(token=code)
    return code
