"""Yearly indicators of the enterprise registry (DESIGN.md §4): qualifications and R&D institutions.

Qualifications count enterprises (家), each once; R&D institutions count institutions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Count, QuerySet

from kejiju.choices import Level, ReportSection
from kejiju.indicators import Indicator

from .choices import InstitutionType, QualificationType
from .models import Qualification, RDInstitution
from .querysets import HNTE_VALIDITY_YEARS, year_end

ENTERPRISES = Count("enterprise", distinct=True)
INSTITUTIONS = Count("pk")
UNIT = "家"


def _qualifications(
    kind: QualificationType, level: Level | None = None
) -> Callable[[int], QuerySet]:
    return lambda year: Qualification.objects.of_kind(kind, level).recognized_in(year)


def _hnte_first(year: int) -> QuerySet:
    return Qualification.objects.hnte().first_recognitions().recognized_in(year)


def _hnte_renewed(year: int) -> QuerySet:
    return Qualification.objects.hnte().renewals().recognized_in(year)


def _hnte_valid(year: int) -> QuerySet:
    return Qualification.objects.hnte().valid_on(year_end(year), HNTE_VALIDITY_YEARS)


def _tech_sme_valid(year: int) -> QuerySet:
    return Qualification.objects.of_kind(QualificationType.TECH_SME, Level.PROVINCIAL).valid_on(
        year_end(year)
    )


def _institutions_new(kind: InstitutionType, level: Level) -> Callable[[int], QuerySet]:
    return lambda year: RDInstitution.objects.of_kind(kind, level).recognized_in(year)


def _institutions_total(kind: InstitutionType, level: Level) -> Callable[[int], QuerySet]:
    return lambda year: RDInstitution.objects.of_kind(kind, level).recognized_by(year_end(year))


def _hnte_valid_on(day: date) -> QuerySet:
    return Qualification.objects.hnte().valid_on(day, HNTE_VALIDITY_YEARS)


def _tech_sme_valid_on(day: date) -> QuerySet:
    return Qualification.objects.of_kind(QualificationType.TECH_SME, Level.PROVINCIAL).valid_on(day)


def _enterprise(
    key: str, label: str, queryset: Callable[[int], QuerySet], order: int, as_of=None
) -> Indicator:
    return Indicator(
        key,
        label,
        UNIT,
        ReportSection.ENTERPRISE,
        queryset,
        ENTERPRISES,
        order,
        date_field="" if as_of else "recognized_on",
        as_of=as_of,
    )


def _rd(key: str, name: str, kind: InstitutionType, level: Level, order: int) -> list[Indicator]:
    return [
        Indicator(
            f"rd.{key}.new",
            f"新增{name}",
            UNIT,
            ReportSection.ENTERPRISE,
            _institutions_new(kind, level),
            INSTITUTIONS,
            order,
            date_field="recognized_on",
        ),
        Indicator(
            f"rd.{key}.total",
            f"{name}总数",
            UNIT,
            ReportSection.ENTERPRISE,
            _institutions_total(kind, level),
            INSTITUTIONS,
            order + 1,
            as_of=lambda day: RDInstitution.objects.of_kind(kind, level).recognized_by(day),
        ),
    ]


def _patent_demo(key: str, name: str, level: Level, order: int) -> Indicator:
    return Indicator(
        f"patent_demo.{key}.new",
        f"新增{name}专利示范企业",
        UNIT,
        ReportSection.IP,
        _qualifications(QualificationType.PATENT_DEMO, level),
        ENTERPRISES,
        order,
        date_field="recognized_on",
    )


INDICATORS: list[Indicator] = [
    _enterprise("hnte.new", "新增高新技术企业", _hnte_first, 40),
    _enterprise("hnte.rerecognized", "重新认定高新技术企业", _hnte_renewed, 41),
    _enterprise("hnte.total", "高新技术企业总数", _hnte_valid, 42, as_of=_hnte_valid_on),
    _enterprise(
        "tech_sme.new",
        "新增省科技型中小企业",
        _qualifications(QualificationType.TECH_SME, Level.PROVINCIAL),
        43,
    ),
    _enterprise(
        "tech_sme.total", "省科技型中小企业总数", _tech_sme_valid, 44, as_of=_tech_sme_valid_on
    ),
    _enterprise(
        "city_tech.new",
        "新增市科技型企业",
        _qualifications(QualificationType.TECH_ENTERPRISE, Level.CITY),
        45,
    ),
    _enterprise("top100.count", "科技创新百强企业", _qualifications(QualificationType.TOP100), 46),
    *_rd(
        "key_institute", "省级重点企业研究院", InstitutionType.KEY_INSTITUTE, Level.PROVINCIAL, 60
    ),
    *_rd("institute", "省级企业研究院", InstitutionType.INSTITUTE, Level.PROVINCIAL, 62),
    *_rd(
        "hnte_center",
        "省级高新技术企业研究开发中心",
        InstitutionType.HNTE_CENTER,
        Level.PROVINCIAL,
        64,
    ),
    *_rd("city_center", "市级企业技术研发中心", InstitutionType.TECH_CENTER, Level.CITY, 66),
    _patent_demo("provincial", "省级", Level.PROVINCIAL, 60),
    _patent_demo("city", "市级", Level.CITY, 61),
    _patent_demo("county", "县级", Level.COUNTY, 62),
]
