from django.db.models import Q
from django.urls import reverse

from kejiju.choices import Section
from kejiju.worklist import WorkItem

from .choices import MemberRole
from .models import DrawMember

# The bureau sections whose staff see these items (kejiju.worklist); others see none
SECTIONS = (Section.HIGH_TECH, Section.OFFICE)


def items(user) -> list[WorkItem]:
    if not user.is_bureau_staff:
        return []
    waiting = (
        DrawMember.objects.filter(draw__superseded_by__isnull=True, responses__isnull=True)
        .filter(Q(role=MemberRole.MAIN, replacement__isnull=True) | Q(replacing__isnull=False))
        .count()
    )
    return [WorkItem("抽取的专家待联系确认", waiting, reverse("experts:draw_list"))]
