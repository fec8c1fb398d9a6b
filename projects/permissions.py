"""Who may use the project pages. Reads of single projects go through
``Project.objects.visible_to(user)``: an enterprise reaches only its own (others are 404)."""

from kejiju.choices import Role
from kejiju.permissions import BUREAU

# Bureau staff run calls and the lifecycle; leaders may read the lists. (The security auditor
# reads the audit log and nothing else: kejiju.permissions.)
EDITORS = BUREAU
READERS = (*BUREAU, Role.LEADER)
# Who may act on a project's page: the bureau's staff, and the owning enterprise on its own
# project (the page is reached through ``visible_to``). Leaders only read it.
ACTORS = (*EDITORS, Role.ENTERPRISE)
