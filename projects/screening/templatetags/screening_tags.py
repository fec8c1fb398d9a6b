from django import template
from django.utils import timezone

from ..models import DuplicatePair, IntegrityRecord, TownRecommendation
from ..permissions import EDITORS
from ..services import application_flags

register = template.Library()


def _staff(context) -> bool:
    user = getattr(context.get("request"), "user", None)
    return bool(user and user.is_authenticated and user.has_role(*EDITORS))


@register.inclusion_tag("screening/_records.html", takes_context=True)
def integrity_records(context, *, enterprise=None, expert=None):
    """The integrity records of an enterprise or an expert, shown to the bureau's staff only."""
    if not _staff(context):
        return {"show": False}
    records = IntegrityRecord.objects.none()
    if enterprise is not None:
        records = IntegrityRecord.objects.filter(enterprise=enterprise)
    elif expert is not None:
        records = IntegrityRecord.objects.filter(expert=expert)
    today = timezone.localdate()
    return {"show": True, "records": [(r, r.is_active_on(today)) for r in records]}


@register.inclusion_tag("screening/_project_panel.html", takes_context=True)
def screening_panel(context, project):
    """On an application's page, for staff: the town's recommendation, the duplicate findings
    and the integrity flags formal review looks at."""
    if not _staff(context) or not project.call_id:
        return {"show": False}
    return {
        "show": True,
        "project": project,
        "recommendation": TownRecommendation.objects.filter(project=project).first(),
        "pairs": DuplicatePair.objects.filter(project=project).select_related("other"),
        "flags": application_flags(enterprise=project.enterprise, user=project.applicant),
    }
