from kejiju.choices import Role
from kejiju.navigation import MenuItem

from .permissions import READERS

MENU = [
    MenuItem("知识产权", "patents:list", READERS, order=40),
    MenuItem("我的专利", "patents:list", (Role.ENTERPRISE,), order=40),
]
