"""Demo records that make reminders due on the day the demo is loaded (kejiju.notifications):
a project of the demo enterprise whose end date passed four months ago without acceptance.
Loaded again, the dates move with the current date."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kejiju.codes import make_credit_code
from kejiju.models import PlanCategory

from .choices import STAGE_STATUS, Stage
from .models import Project

NUMBER = "GY演示0001"


def load(today=None) -> None:
    from enterprises.models import Enterprise

    today = today or timezone.localdate()
    enterprise = Enterprise.objects.filter(credit_code=make_credit_code(1)).first()
    if enterprise is None:
        return
    ends = today - timedelta(days=125)
    project = Project.objects.filter(number=NUMBER).first() or Project(
        number=NUMBER,
        name="智能装备远程运维平台研发",
        category=PlanCategory.objects.get(code="industrial"),
        undertaker=enterprise.name,
        enterprise=enterprise,
        funding=Decimal("30"),
        funding_mode="upfront",
    )
    starts = ends - timedelta(days=730)
    wanted = {
        "stage": Stage.EXECUTING,
        "status": STAGE_STATUS[Stage.EXECUTING],
        "starts_on": starts,
        "ends_on": ends,
        "applied_on": starts - timedelta(days=120),
        "approved_on": starts - timedelta(days=30),
    }
    if project.pk and all(getattr(project, name) == value for name, value in wanted.items()):
        return  # loaded again the same day: nothing to change, no history row
    for name, value in wanted.items():
        setattr(project, name, value)
    project._change_reason = "演示数据：到期提醒"
    project.save()
