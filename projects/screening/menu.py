from kejiju.navigation import MenuItem

from .permissions import EDITORS, TOWN

MENU = [
    MenuItem("科研诚信记录", "screening:integrity_list", EDITORS, group="科技项目", order=35),
    MenuItem("查重比对", "screening:duplicate_list", EDITORS, group="科技项目", order=36),
    MenuItem("镇街推荐", "screening:town_home", TOWN, order=0),
]
