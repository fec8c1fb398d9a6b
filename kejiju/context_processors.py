from django.conf import settings

from .navigation import flat_menu_for, menu_for


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_name": settings.KEJIJU_PORTAL_NAME,
        "bureau_name": settings.KEJIJU_BUREAU_NAME,
        "menu": menu_for(user) if user is not None else [],
        "menu_flat": flat_menu_for(user) if user is not None else [],
    }
