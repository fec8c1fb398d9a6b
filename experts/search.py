"""What the site search finds in the expert pool (kejiju/search.py): experts by name, for the
staff who draw them, through the pool list's queryset. No personal data beyond the list's."""

from django.urls import reverse
from django.utils.http import urlencode

from kejiju.search import group

from .models import Expert
from .permissions import DRAW_STAFF

KIND = "专家"
ROLES = DRAW_STAFF


def search(user, text):
    rows = Expert.objects.filter(name__icontains=text).order_by("name", "pk")
    pool = reverse("experts:expert_list")
    return group(
        KIND,
        rows,
        title=lambda e: e.name,
        detail=lambda e: f"{e.get_title_display()} · {e.employer} · {e.get_status_display()}",
        url=lambda e: f"{pool}?{urlencode({'q': e.name})}",
        more_url=pool,
    )
