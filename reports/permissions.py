"""Who may use the reports pages: leadership and the bureau read; the bureau edits."""

from kejiju.choices import Role
from kejiju.permissions import BUREAU

READERS = (Role.LEADER, *BUREAU)
EDITORS = BUREAU
