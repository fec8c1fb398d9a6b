"""What the site search finds in the registry (kejiju/search.py): enterprises by name or
统一社会信用代码, for the registry's readers, through the registry list's queryset."""

from django.urls import reverse

from kejiju.search import group

from .models import Enterprise
from .permissions import REGISTRY_READERS

KIND = "企业"
ROLES = REGISTRY_READERS


def search(user, text):
    rows = Enterprise.objects.visible_to(user).search(text).select_related("town").order_by("name")
    return group(
        KIND,
        rows,
        title=lambda e: e.name,
        detail=lambda e: f"{e.credit_code} · {e.town}",
        url=lambda e: reverse("enterprises:detail", args=[e.pk]),
        more_url=reverse("enterprises:list"),
    )
