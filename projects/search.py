"""What the site search finds among projects (kejiju/search.py): by 项目编号 or name, through
the project list's queryset (an enterprise finds only its own projects)."""

from django.db.models import Q
from django.urls import reverse

from kejiju.choices import Role
from kejiju.search import group

from .models import Project
from .permissions import READERS

KIND = "科技项目"
ROLES = (*READERS, Role.ENTERPRISE)


def search(user, text):
    rows = (
        Project.objects.visible_to(user)
        .filter(Q(number__icontains=text) | Q(name__icontains=text))
        .select_related("category")
        .order_by("-applied_on", "number")
    )
    return group(
        KIND,
        rows,
        title=lambda p: p.name,
        detail=lambda p: f"{p.number} · {p.undertaker} · {p.get_status_display()}",
        url=lambda p: reverse("projects:detail", args=[p.pk]),
        more_url=reverse("projects:project_list") if user.has_role(*READERS) else "",
    )
