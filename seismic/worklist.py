from django.urls import reverse
from django.utils import timezone

from kejiju.worklist import WorkItem

from .models import MonthlyReport
from .querysets import missing_reports, plans_needing_drill


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
            "应急预案超期未演练", plans_needing_drill(today).count(), reverse("seismic:plan_list")
        ),
    ]
