from django.urls import reverse

from kejiju.choices import Role, Section
from kejiju.worklist import WorkItem

from .models import Call, Project

# The bureau sections whose staff see these items (kejiju.worklist); others see none
SECTIONS = (Section.HIGH_TECH, Section.RURAL, Section.OFFICE)


def items(user) -> list[WorkItem]:
    if user.is_bureau_staff:
        listing = reverse("projects:project_list")
        return [
            WorkItem(
                "项目申报待形式审查",
                Project.objects.filter(stage="submitted").count(),
                f"{listing}?stage=submitted",
            ),
            WorkItem(
                "项目验收申请待处理",
                Project.objects.filter(stage="acceptance_applied").count(),
                f"{listing}?stage=acceptance_applied",
            ),
            WorkItem(
                "逾期未验收的项目",
                Project.objects.overdue().count(),
                f"{listing}?overdue=true",
                urgent=True,
            ),
        ]
    if user.role == Role.ENTERPRISE:
        return [
            WorkItem(
                "被退回修改的项目申报",
                Project.objects.visible_to(user).filter(stage="returned").count(),
                reverse("projects:my_projects"),
                urgent=True,
            ),
            WorkItem(
                "正在受理的申报通知",
                Call.objects.open_now().count(),
                reverse("projects:my_projects"),
            ),
        ]
    return []
