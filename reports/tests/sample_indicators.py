"""Indicators used by the reports tests, independent of what the other apps declare."""

from datetime import date

from django.db.models import Count, Sum

from enterprises.models import Qualification
from kejiju.choices import ReportSection
from kejiju.indicators import Indicator
from projects.models import TechContract


def _year(field: str, year: int) -> dict:
    return {f"{field}__gte": date(year, 1, 1), f"{field}__lte": date(year, 12, 31)}


INDICATORS = [
    Indicator(
        key="hnte.new",
        label="新增高新技术企业",
        unit="家",
        section=ReportSection.ENTERPRISE,
        queryset=lambda y: Qualification.objects.filter(
            kind="hnte", level="national", recognition="first", **_year("recognized_on", y)
        ),
        aggregate=Count("pk"),
        order=10,
        date_field="recognized_on",
    ),
    Indicator(
        key="hnte.total",
        label="高新技术企业总数",
        unit="家",
        section=ReportSection.ENTERPRISE,
        queryset=lambda y: Qualification.objects.filter(
            kind="hnte", recognized_on__lte=date(y, 12, 31), valid_until__gte=date(y, 12, 31)
        ),
        aggregate=Count("enterprise", distinct=True),
        order=20,
        as_of=lambda day: Qualification.objects.filter(
            kind="hnte", recognized_on__lte=day, valid_until__gte=day
        ),
    ),
    Indicator(
        key="techmarket.turnover",
        label="技术市场交易额",
        unit="万元",
        section=ReportSection.COOPERATION,
        queryset=lambda y: TechContract.objects.filter(**_year("registered_on", y)),
        aggregate=Sum("amount"),
        order=10,
        date_field="registered_on",
    ),
    Indicator(
        key="techmarket.contracts",
        label="登记技术合同",
        unit="项",
        section=ReportSection.COOPERATION,
        queryset=lambda y: TechContract.objects.filter(**_year("registered_on", y)),
        aggregate=Count("pk"),
        order=20,
        date_field="registered_on",
    ),
]
