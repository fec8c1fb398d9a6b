"""Who may use the earthquake-safety pages: the bureau's staff keep the records; leaders read the
section overview."""

from kejiju.choices import Role
from kejiju.permissions import BUREAU

EDITORS = BUREAU
READERS = (*BUREAU, Role.LEADER)
