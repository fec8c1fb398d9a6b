from kejiju.choices import Role
from kejiju.navigation import MenuItem

from .permissions import EDITORS, READERS

MENU = [
    MenuItem(
        "年度指标",
        "reports:dashboard",
        tuple(r for r in READERS if r != Role.LEADER),
        group="统计报告",
        order=80,
    ),
    MenuItem("工作总结", "reports:summary", READERS, group="统计报告", order=81),
    MenuItem("目标与总结素材", "reports:manage", EDITORS, group="统计报告", order=82),
]
