from django.conf import settings

from .accounts import second_factor
from .navigation import flat_menu_for, menu_for
from .search import searchable_kinds


def portal(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and second_factor.pending(request):
        user = None  # no menu until the second factor is done: every page leads back to it
    return {
        "portal_name": settings.KEJIJU_PORTAL_NAME,
        "bureau_name": settings.KEJIJU_BUREAU_NAME,
        "footer": {
            "sponsor": settings.KEJIJU_SPONSOR,
            "contact": settings.KEJIJU_CONTACT,
            "icp_number": settings.KEJIJU_ICP_NUMBER,
            "icp_url": settings.KEJIJU_ICP_URL,
        },
        "menu": menu_for(user) if user is not None else [],
        "menu_flat": flat_menu_for(user) if user is not None else [],
        "search_kinds": searchable_kinds(user) if user is not None else [],
    }
