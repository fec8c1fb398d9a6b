from django.urls import reverse
from django.utils import timezone

from kejiju.choices import Section
from kejiju.worklist import WorkItem

from .models import DemoSite, MonthlyReport
from .querysets import missing_reports, plans_needing_drill

# The bureau sections whose staff see these items (kejiju.worklist); others see none
SECTIONS = (Section.SEISMIC, Section.OFFICE)


def items(user) -> list[WorkItem]:
    if not user.is_bureau_staff:
        return []
    today = timezone.localdate()
    _, missing = missing_reports(today)
    return [
        WorkItem(
            "宏观观测异常待核实",
            MonthlyReport.objects.awaiting_check().count(),
            reverse("seismic:point_list"),
            urgent=True,
        ),
        WorkItem("观测月报缺报", missing.count(), reverse("seismic:point_list")),
        WorkItem(
            "示范点复核逾期",
            DemoSite.objects.review_overdue(today).count(),
            reverse("seismic:site_list") + "?review=overdue",
            urgent=True,
        ),
        WorkItem(
            "应急预案超期未演练", plans_needing_drill(today).count(), reverse("seismic:plan_list")
        ),
    ]
