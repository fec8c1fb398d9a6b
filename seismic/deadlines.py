"""What becomes due with time in earthquake-safety work (kejiju.notifications.registry): the
monthly observation report missing after the due day, a plan not drilled for three years, a
demonstration site's 复核."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from kejiju.choices import Section
from kejiju.notifications.registry import Due, Reminder, staff_ids, stage

from .models import DemoSite
from .querysets import missing_reports, plans_needing_drill

SECTIONS = (Section.SEISMIC,)


def report_missing(today: dt.date):
    month, points = missing_reports(today)
    points = list(points)
    if not points:
        return
    staff = staff_ids(*SECTIONS)
    link = reverse("seismic:point_list")
    for point in points:
        text = (
            f"宏观观测点「{point.name}」（{point.code}）{month:%Y年%m月}的观测月报"
            f"超过每月 {settings.SEISMIC_REPORT_DUE_DAY} 日仍未报送。"
        )
        yield Due(point, f"month-{month:%Y%m}", text, link, staff)


def plan_not_drilled(today: dt.date):
    plans = list(plans_needing_drill(today))
    if not plans:
        return
    staff = staff_ids(*SECTIONS)
    years = settings.SEISMIC_DRILL_INTERVAL_YEARS
    for plan in plans:
        since = plan.last_drill_on or plan.first_approved_on
        what = f"最近一次演练为 {since:%Y-%m-%d}" if plan.last_drill_on else "从未演练"
        text = f"地震应急预案「{plan.name}」{what}，已超过 {years} 年，请组织演练。"
        threshold = f"since-{since:%Y%m%d}"
        yield Due(plan, threshold, text, reverse("seismic:plan_detail", args=[plan.pk]), staff)


def site_review_due(today: dt.date):
    sites = list(
        DemoSite.objects.filter(
            next_review_on__lte=today + dt.timedelta(days=30),
            next_review_on__gte=today - dt.timedelta(days=365),
        ).only("pk", "name", "next_review_on")
    )
    if not sites:
        return
    staff = staff_ids(*SECTIONS)
    for site in sites:
        left = (site.next_review_on - today).days
        threshold = stage(left, (30, 0), past="overdue")
        when = (
            f"已逾期（应于 {site.next_review_on:%Y-%m-%d}）"
            if left < 0
            else f"应于 {site.next_review_on:%Y-%m-%d} 进行"
        )
        text = f"示范点「{site.name}」的复核{when}。"
        yield Due(
            site,
            f"{threshold}-{site.next_review_on:%Y%m%d}",
            text,
            reverse("seismic:site_detail", args=[site.pk]),
            staff,
        )


REMINDERS = [
    Reminder(
        "seismic.report_missing",
        "宏观观测月报缺报",
        order=40,
        who="防震减灾科",
        when=f"每月 {settings.SEISMIC_REPORT_DUE_DAY} 日之后",
        find=report_missing,
    ),
    Reminder(
        "seismic.plan_not_drilled",
        "应急预案超期未演练",
        order=41,
        who="防震减灾科",
        when=f"{settings.SEISMIC_DRILL_INTERVAL_YEARS} 年未演练",
        find=plan_not_drilled,
    ),
    Reminder(
        "seismic.site_review_due",
        "示范点复核到期",
        order=42,
        who="防震减灾科",
        when="复核日期前 30 天、当天、逾期",
        find=site_review_due,
    ),
]
