"""What the site search finds in the patent register (kejiju/search.py): by 申请号 (as typed, or
normalised: ``CN201410123456.7``, ``2014101234567``) or title, through the register list's
queryset (an enterprise finds only its own patents)."""

from django.db.models import Q
from django.urls import reverse

from kejiju.search import group

from .models import Patent
from .numbers import InvalidApplicationNumber, parse
from .permissions import PATENT_READERS

KIND = "专利"
ROLES = PATENT_READERS


def search(user, text):
    query = Q(application_number__icontains=text.upper()) | Q(title__icontains=text)
    try:
        query |= Q(application_number=parse(text).value)
    except (InvalidApplicationNumber, ValueError):
        pass
    # (no select_related: the hits show the patent's own columns, and the join made PostgreSQL
    # sort every matching row of the register with its enterprise and town)
    rows = Patent.objects.visible_to(user).filter(query).order_by("-filed_on", "pk")
    return group(
        KIND,
        rows,
        title=lambda p: p.title,
        detail=lambda p: f"{p.application_number} · {p.get_kind_display()} · {p.applicants}",
        url=lambda p: reverse("patents:detail", args=[p.pk]),
        more_url=reverse("patents:list"),
    )
