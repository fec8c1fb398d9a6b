"""Yearly indicators of the expert pool (DESIGN.md §4)."""

from django.db.models import Count, QuerySet

from enterprises.querysets import year_end
from kejiju.choices import ReportSection
from kejiju.indicators import Indicator

from .models import Expert


def _in_pool(year: int) -> QuerySet:
    return Expert.objects.in_pool_on(year_end(year))


INDICATORS: list[Indicator] = [
    Indicator(
        "experts.total",
        "专家库专家",
        "人",
        ReportSection.REFORM,
        _in_pool,
        Count("pk"),
        30,
        as_of=lambda day: Expert.objects.in_pool_on(day),
    ),
]
