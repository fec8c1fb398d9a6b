from kejiju.choices import Role
from kejiju.navigation import MenuItem

from .permissions import REGISTRY_READERS, STAFF

MENU = [
    MenuItem("企业名录", "enterprises:list", REGISTRY_READERS, group="企业", order=20),
    MenuItem("申报审核", "enterprises:review_queue", STAFF, group="企业", order=21),
    MenuItem("企业账号审核", "enterprises:account_requests", STAFF, group="企业", order=22),
    MenuItem("认定申报", "enterprises:my_applications", (Role.ENTERPRISE,), order=20),
    MenuItem("企业信息", "enterprises:profile", (Role.ENTERPRISE,), order=21),
]
