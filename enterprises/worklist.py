from django.db.models import Count, Q
from django.urls import reverse

from kejiju.choices import Role
from kejiju.worklist import WorkItem

from .choices import ApplicationStatus
from .models import AccountRequest, Application


def items(user) -> list[WorkItem]:
    if user.is_bureau_staff:
        return [
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
