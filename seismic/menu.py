from kejiju.navigation import MenuItem

from .permissions import READERS

MENU = [MenuItem("防震减灾", "seismic:overview", READERS, order=60)]
