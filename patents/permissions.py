"""Who may use the patent pages, in one place.

The bureau's staff keep the register (import, link applicants, disputes, activities); leaders
read it; an enterprise user sees only their own enterprise's patents, through
``Patent.objects.visible_to(user)`` — anything else answers 404."""

from kejiju.choices import Role
from kejiju.permissions import BUREAU

EDITORS = BUREAU
READERS = (*BUREAU, Role.LEADER)
PATENT_READERS = (*READERS, Role.ENTERPRISE)


def sees_whole_register(user) -> bool:
    return user.has_role(*READERS)
