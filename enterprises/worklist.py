from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from kejiju.choices import Role, Section
from kejiju.worklist import WorkItem

from .choices import ApplicationStatus
from .models import AccountRequest, Application, Enterprise, Qualification
from .services import join_requests_for

# The bureau sections whose staff see these items (kejiju.worklist); others see none
SECTIONS = (Section.HIGH_TECH, Section.OFFICE)


def items(user) -> list[WorkItem]:
    if user.is_bureau_staff:
        today = timezone.localdate()
        registry = reverse("enterprises:list")
        return [
            WorkItem(
                "企业资质90天内到期",
                _holding(Qualification.objects.expiring(today)),
                f"{registry}?validity=expiring",
            ),
            WorkItem(
                "企业资质近一年内已过期、未重新认定",
                _holding(Qualification.objects.expired(today)),
                f"{registry}?validity=expired",
                urgent=True,
            ),
            WorkItem(
                "企业申报待审核",
                Application.objects.in_review().count(),
                reverse("enterprises:review_queue"),
            ),
            WorkItem(
                "企业账号待激活",
                AccountRequest.objects.filter(status=AccountRequest.Status.PENDING).count(),
                reverse("enterprises:account_requests"),
            ),
        ]
    if user.role == Role.ENTERPRISE:
        counts = Application.objects.visible_to(user).aggregate(
            returned=Count("pk", filter=Q(status=ApplicationStatus.RETURNED)),
            drafts=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        )
        return [
            WorkItem(
                "待您同意的加入本企业申请",
                join_requests_for(user).count(),
                reverse("enterprises:profile"),
                urgent=True,
            ),
            WorkItem(
                "被退回修改的认定申报",
                counts["returned"],
                reverse("enterprises:my_applications"),
                urgent=True,
            ),
            WorkItem(
                "尚未提交的申报草稿",
                counts["drafts"],
                reverse("enterprises:my_applications"),
            ),
        ]
    return []


def _holding(qualifications) -> int:
    """How many enterprises hold one of ``qualifications``."""
    return Enterprise.objects.filter(pk__in=qualifications.values("enterprise")).count()
