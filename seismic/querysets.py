"""Reads of the earthquake-safety records."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractMonth

# A site's 下次复核 is flagged this many days ahead (即将复核), and 复核逾期 once it has passed.
REVIEW_NOTICE_DAYS = 90


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    first = first_of_month(day)
    return (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class ActivityQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(held_on__year=year)

    def by_month(self):
        """Rows of {month, count, participants, materials}, one per month that has activities."""
        return (
            self.annotate(month=ExtractMonth("held_on"))
            .values("month")
            .annotate(
                count=Count("pk"), participants=Sum("participants"), materials=Sum("materials")
            )
            .order_by("month")
        )


class EmergencyPlanQuerySet(models.QuerySet):
    def with_status(self):
        from .models import PlanVersion

        in_force = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-approved_on", "-pk")
        return self.annotate(
            last_drill_on=Max("drills__activity__held_on"),
            first_approved_on=Subquery(
                PlanVersion.objects.filter(plan=OuterRef("pk"))
                .order_by("approved_on")
                .values("approved_on")[:1]
            ),
            version_in_force=Subquery(in_force.values("version")[:1]),
            version_in_force_on=Subquery(in_force.values("approved_on")[:1]),
        )

    def needing_drill(self, today: date, years: int):
        """Plans not drilled within ``years`` of ``today`` (and approved at least that long ago
        when never drilled)."""
        limit = years_before(today, years)
        return self.with_status().filter(
            Q(last_drill_on__lt=limit) | Q(last_drill_on__isnull=True, first_approved_on__lt=limit)
        )


class PlanVersionQuerySet(models.QuerySet):
    def in_force_on(self, day: date):
        """The latest version approved on or before ``day`` (per plan: filter by plan first)."""
        return self.filter(approved_on__lte=day).order_by("-approved_on", "-pk").first()


class ObservationPointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def missing_report_for(self, month: date):
        """Active points, set up by that month, without a report for ``month``."""
        from .models import MonthlyReport

        return (
            self.active()
            .filter(Q(established_on__isnull=True) | Q(established_on__lt=_next_month(month)))
            .exclude(pk__in=MonthlyReport.objects.filter(month=month).values("point"))
        )


def _next_month(month: date) -> date:
    return (
        month.replace(year=month.year + 1, month=1)
        if month.month == 12
        else month.replace(month=month.month + 1)
    )


class MonthlyReportQuerySet(models.QuerySet):
    def awaiting_check(self):
        return self.filter(anomaly=True, checked_on__isnull=True)


class DemoSiteQuerySet(models.QuerySet):
    def count_by_status(self) -> dict[str, int]:
        return dict(self.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))

    def due_for_review(self, today: date):
        return self.filter(next_review_on__lte=today)

    def review_overdue(self, today: date):
        """Sites whose 下次复核 date has passed (复核逾期)."""
        return self.filter(next_review_on__lt=today)

    def review_soon(self, today: date, days: int = REVIEW_NOTICE_DAYS):
        """Sites whose 下次复核 falls today or within ``days`` days."""
        return self.filter(next_review_on__gte=today, next_review_on__lt=today + timedelta(days))


# The two warnings of the section, read by its pages and by the staff's to-do list.


def missing_reports(today: date):
    """Points whose report for last month is missing, once the due day has passed."""
    from .models import ObservationPoint

    month = previous_month(today)
    if today.day <= settings.SEISMIC_REPORT_DUE_DAY:
        return month, ObservationPoint.objects.none()
    return month, ObservationPoint.objects.missing_report_for(month).select_related("town")


def plans_needing_drill(today: date):
    """Plans not drilled within the configured number of years."""
    from .models import EmergencyPlan

    return EmergencyPlan.objects.needing_drill(today, settings.SEISMIC_DRILL_INTERVAL_YEARS)
