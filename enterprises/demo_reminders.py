"""Demo records that make reminders due on the day the demo is loaded (kejiju.notifications):
the demo enterprise's 高新技术企业 certificate ends in 60 days. Loaded again, the dates move
with the current date."""

from datetime import timedelta

from django.utils import timezone

from kejiju.choices import Level
from kejiju.codes import make_credit_code
from kejiju.models import Town

from .choices import QualificationType
from .models import Enterprise, Qualification

CERTIFICATE_NO = "GR演示33000001"


def demo_enterprise() -> Enterprise:
    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code=make_credit_code(1),
        defaults={
            "name": "瑞安华科智能装备有限公司",
            "town": Town.objects.get(name="安阳街道"),
            "industry": "专用设备制造业",
            "contact": "陈经办",
            "phone": "0577-65800001",
        },
    )
    return enterprise


def load(today=None) -> None:
    today = today or timezone.localdate()
    enterprise = demo_enterprise()
    ends = today + timedelta(days=60)
    recognized = ends.replace(year=ends.year - 3) + timedelta(days=1)
    qualification = Qualification.objects.filter(
        enterprise=enterprise, certificate_no=CERTIFICATE_NO
    ).first() or Qualification(
        enterprise=enterprise,
        kind=QualificationType.HNTE,
        level=Level.NATIONAL,
        certificate_no=CERTIFICATE_NO,
    )
    if qualification.pk and (qualification.recognized_on, qualification.valid_until) == (
        recognized,
        ends,
    ):
        return  # loaded again the same day: nothing to change, no history row
    qualification.recognized_on, qualification.valid_until = recognized, ends
    qualification._change_reason = "演示数据：到期提醒"
    qualification.save()
