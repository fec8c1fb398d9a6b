from kejiju.choices import Role
from kejiju.navigation import MenuItem

from .permissions import EDITORS, READERS

# What anonymous visitors see at / (kejiju.navigation.public_home): open calls and notices
PUBLIC_HOME = "projects.views.portal"

MENU = [
    MenuItem("科技项目", "projects:project_list", READERS, group="科技项目", order=30),
    MenuItem("申报通知", "projects:call_list", EDITORS, group="科技项目", order=31),
    MenuItem("科技特派员", "projects:commissioner_list", READERS, group="科技项目", order=32),
    MenuItem("项目申报", "projects:my_projects", (Role.ENTERPRISE,), order=10),
    MenuItem("项目评审材料", "projects:review_tasks", (Role.EXPERT,), order=2),
]
