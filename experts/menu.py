from kejiju.choices import Role
from kejiju.navigation import MenuItem

from .permissions import DRAW_STAFF

MENU = [
    MenuItem("专家库", "experts:expert_list", DRAW_STAFF, group="专家", order=40),
    MenuItem("专家抽取", "experts:draw_list", DRAW_STAFF, group="专家", order=41),
    MenuItem("我的评审任务", "experts:my_reviews", (Role.EXPERT,), order=1),
]
