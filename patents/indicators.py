"""Yearly indicators driven by patents and dispute cases (DESIGN.md §4).

申请量 counts by 申请日, 授权量 by 授权公告日; 有效发明专利 are granted inventions not lapsed at year end.
"""

from django.db.models import Count

from kejiju.choices import ReportSection
from kejiju.indicators import Indicator

from .choices import LegalStatus, PatentType
from .models import DisputeCase, Patent

COUNT = Count("pk")
SECTION = ReportSection.IP

INDICATORS = [
    Indicator(
        key="patent.invention.applications",
        label="发明专利申请量",
        unit="件",
        section=SECTION,
        queryset=lambda year: Patent.objects.inventions().filed_in(year),
        aggregate=COUNT,
        order=10,
        date_field="filed_on",
    ),
    Indicator(
        key="patent.invention.grants",
        label="发明专利授权量",
        unit="件",
        section=SECTION,
        queryset=lambda year: Patent.objects.inventions().granted_in(year),
        aggregate=COUNT,
        order=11,
        date_field="granted_on",
    ),
    Indicator(
        key="patent.utility.applications",
        label="实用新型专利申请量",
        unit="件",
        section=SECTION,
        queryset=lambda year: Patent.objects.of_kind(PatentType.UTILITY).filed_in(year),
        aggregate=COUNT,
        order=12,
        date_field="filed_on",
    ),
    Indicator(
        key="patent.design.applications",
        label="外观设计专利申请量",
        unit="件",
        section=SECTION,
        queryset=lambda year: Patent.objects.of_kind(PatentType.DESIGN).filed_in(year),
        aggregate=COUNT,
        order=13,
        date_field="filed_on",
    ),
    Indicator(
        key="patent.all.grants",
        label="专利授权总量",
        unit="件",
        section=SECTION,
        queryset=lambda year: Patent.objects.granted_in(year),
        aggregate=COUNT,
        order=14,
        date_field="granted_on",
    ),
    Indicator(
        key="patent.invention.valid",
        label="有效发明专利",
        unit="件",
        section=SECTION,
        queryset=lambda year: Patent.objects.inventions().valid_at_end_of(year),
        aggregate=COUNT,
        order=15,
        as_of=lambda day: (
            Patent.objects.inventions()
            .filter(granted_on__lte=day)
            .exclude(legal_status=LegalStatus.LAPSED)
        ),
    ),
    Indicator(
        key="patent.disputes.mediated",
        label="调解专利纠纷",
        unit="件",
        section=SECTION,
        queryset=lambda year: DisputeCase.objects.mediated_in(year),
        aggregate=COUNT,
        order=30,
        date_field="closed_on",
    ),
]
