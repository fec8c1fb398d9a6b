"""Yearly indicators of earthquake-safety work (DESIGN.md §4)."""

from django.db.models import Count, QuerySet, Sum

from kejiju.choices import ReportSection
from kejiju.indicators import Indicator

from .choices import ActivityKind
from .models import SeismicActivity


def _publicity(year: int) -> QuerySet:
    return SeismicActivity.objects.in_year(year).filter(kind=ActivityKind.PUBLICITY)


def _activities(year: int) -> QuerySet:
    return SeismicActivity.objects.in_year(year)


def _drills(year: int) -> QuerySet:
    return SeismicActivity.objects.in_year(year).filter(kind=ActivityKind.DRILL)


INDICATORS: list[Indicator] = [
    Indicator(
        "seismic.publicity.participants",
        "防震减灾宣传参与人次",
        "人次",
        ReportSection.SEISMIC,
        _publicity,
        Sum("participants"),
        10,
        date_field="held_on",
    ),
    Indicator(
        "seismic.publicity.materials",
        "发放宣传资料",
        "份",
        ReportSection.SEISMIC,
        _activities,
        Sum("materials"),
        20,
        date_field="held_on",
    ),
    Indicator(
        "seismic.drills",
        "地震应急演练",
        "次",
        ReportSection.SEISMIC,
        _drills,
        Count("pk"),
        30,
        date_field="held_on",
    ),
]
