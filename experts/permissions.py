"""Who may see what of the expert pool and its draws, decided here only."""

from django.conf import settings

from kejiju.choices import Role
from kejiju.permissions import BUREAU

DRAW_STAFF = BUREAU


def manages_pool(user) -> bool:
    """Staff of the pool's sections and administrators see personal data in full."""
    if not user.is_authenticated:
        return False
    return user.has_role(Role.ADMIN) or (
        user.has_role(Role.STAFF) and user.section in settings.EXPERT_POOL_SECTIONS
    )


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "****"


def mask_email(value: str) -> str:
    if "@" not in value:
        return value and "****"
    name, domain = value.split("@", 1)
    return f"{name[:1]}***@{domain}"
