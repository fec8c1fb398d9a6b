"""Who may use the screening pages. The integrity ledger and the duplicate findings are the
bureau's (staff and the system administrator), never shown to enterprises, experts or towns; a
town user (镇街科技员) reaches only applications of its own town's enterprises (others are 404)."""

from kejiju.choices import Role
from kejiju.permissions import BUREAU

EDITORS = BUREAU
TOWN = (Role.TOWN,)
# The 推荐函 is read by the town that wrote it and by the bureau.
LETTER_READERS = (*BUREAU, Role.TOWN)
