"""The enterprise indicators of DESIGN.md §4 at the edges of their definitions."""

from datetime import date
from decimal import Decimal

import pytest

from enterprises.choices import InstitutionType, QualificationType, RecognitionKind
from enterprises.indicators import INDICATORS
from enterprises.models import Enterprise, Qualification, RDInstitution
from kejiju.choices import Level, ReportSection
from kejiju.codes import make_credit_code

pytestmark = pytest.mark.django_db

HNTE, TECH_SME = QualificationType.HNTE, QualificationType.TECH_SME
NATIONAL, PROVINCIAL, CITY, COUNTY = Level.NATIONAL, Level.PROVINCIAL, Level.CITY, Level.COUNTY
RENEWAL = RecognitionKind.RENEWAL


def value(key: str, year: int = 2023) -> Decimal:
    return next(i for i in INDICATORS if i.key == key).compute(year)


@pytest.fixture
def firms(town):
    return [
        Enterprise.objects.create(
            credit_code=make_credit_code(8000 + n), name=f"瑞安测试企业{n}号有限公司", town=town
        )
        for n in range(6)
    ]


def qualify(enterprise, kind, level, on, until=None, recognition=RecognitionKind.FIRST):
    return Qualification.objects.create(
        enterprise=enterprise,
        kind=kind,
        level=level,
        recognized_on=on,
        valid_until=until,
        recognition=recognition,
    )


def institute(enterprise, kind, level, on, name):
    return RDInstitution.objects.create(
        enterprise=enterprise, kind=kind, level=level, recognized_on=on, name=name
    )


def test_keys_units_and_sections():
    keys = {i.key for i in INDICATORS}
    assert {
        "hnte.new",
        "hnte.rerecognized",
        "hnte.total",
        "tech_sme.new",
        "tech_sme.total",
        "city_tech.new",
        "top100.count",
        "patent_demo.provincial.new",
        "patent_demo.city.new",
        "patent_demo.county.new",
    } | {f"rd.{k}.{n}" for k in ("key_institute", "institute", "hnte_center", "city_center")
         for n in ("new", "total")} == keys  # fmt: skip
    assert all(i.unit == "家" for i in INDICATORS)
    for indicator in INDICATORS:
        expected = (
            ReportSection.IP
            if indicator.key.startswith("patent_demo")
            else ReportSection.ENTERPRISE
        )
        assert indicator.section == expected, indicator.key
    assert all(i.label for i in INDICATORS)


def test_hnte_new_counts_first_recognitions_dated_in_the_year(firms):
    a, b, c, d, e, _ = firms
    qualify(a, HNTE, NATIONAL, date(2023, 1, 1), date(2025, 12, 31))
    qualify(b, HNTE, NATIONAL, date(2023, 12, 31), date(2026, 12, 30))
    qualify(c, HNTE, NATIONAL, date(2022, 12, 31), date(2025, 12, 30))  # the year before
    qualify(d, HNTE, NATIONAL, date(2024, 1, 1), date(2026, 12, 31))  # the year after
    qualify(e, HNTE, NATIONAL, date(2023, 11, 20), date(2026, 11, 19), RENEWAL)
    qualify(e, TECH_SME, PROVINCIAL, date(2023, 6, 1))  # another kind
    assert value("hnte.new") == 2
    assert value("hnte.rerecognized") == 1
    assert value("hnte.new", 2022) == 1
    assert value("hnte.rerecognized", 2022) == 0


def test_hnte_rerecognized_is_not_a_first_recognition(firms):
    a, b, *_ = firms
    qualify(a, HNTE, NATIONAL, date(2020, 12, 1), date(2023, 11, 30))
    qualify(a, HNTE, NATIONAL, date(2023, 12, 8), date(2026, 12, 7), RENEWAL)
    qualify(b, HNTE, NATIONAL, date(2023, 12, 8), date(2026, 12, 7))
    assert (value("hnte.new"), value("hnte.rerecognized")) == (1, 1)
    assert (value("hnte.new", 2020), value("hnte.rerecognized", 2020)) == (1, 0)


def test_hnte_total_counts_certificates_valid_on_31_december(firms):
    a, b, c, d, e, f = firms
    qualify(a, HNTE, NATIONAL, date(2021, 1, 1), date(2023, 12, 31))  # last valid day
    qualify(b, HNTE, NATIONAL, date(2020, 12, 31), date(2023, 12, 30))  # expired the day before
    qualify(c, HNTE, NATIONAL, date(2023, 12, 31), date(2026, 12, 30))  # recognised that day
    qualify(d, HNTE, NATIONAL, date(2024, 1, 1), date(2026, 12, 31))  # not yet recognised
    qualify(e, HNTE, NATIONAL, date(2022, 5, 1), date(2025, 4, 30))
    qualify(f, TECH_SME, PROVINCIAL, date(2022, 5, 1))  # another kind
    assert value("hnte.total") == 3
    assert value("hnte.total", 2022) == 3  # a, b and e
    assert value("hnte.total", 2025) == 2  # c and d


def test_hnte_total_counts_an_enterprise_once(firms):
    a, *_ = firms
    # renewed before the old certificate ran out: two valid certificates on 31 December
    qualify(a, HNTE, NATIONAL, date(2021, 3, 1), date(2024, 2, 28))
    qualify(a, HNTE, NATIONAL, date(2023, 11, 20), date(2026, 11, 19), RENEWAL)
    assert value("hnte.total") == 1


def test_hnte_without_expiry_date_is_valid_three_years(firms):
    a, b, *_ = firms
    qualify(a, HNTE, NATIONAL, date(2021, 1, 1))  # valid through 31 Dec 2023
    qualify(b, HNTE, NATIONAL, date(2020, 12, 31))  # valid through 30 Dec 2023
    assert value("hnte.total", 2022) == 2
    assert value("hnte.total") == 1
    assert value("hnte.total", 2024) == 0


def test_tech_sme_new_and_total(firms):
    a, b, c, d, e, f = firms
    qualify(a, TECH_SME, PROVINCIAL, date(2019, 6, 18))  # no 有效期至: no expiry
    qualify(b, TECH_SME, PROVINCIAL, date(2019, 6, 18), date(2023, 6, 30))  # ended in 2023
    qualify(c, TECH_SME, PROVINCIAL, date(2022, 6, 18), date(2023, 12, 31))  # valid on the day
    qualify(d, TECH_SME, PROVINCIAL, date(2023, 10, 26))
    qualify(e, TECH_SME, PROVINCIAL, date(2024, 1, 1))
    qualify(f, TECH_SME, CITY, date(2023, 10, 26))  # another level
    assert value("tech_sme.new") == 1
    assert value("tech_sme.total") == 3  # a, c, d
    assert value("tech_sme.total", 2022) == 3  # a, b, c
    assert value("tech_sme.total", 2030) == 3  # a, d, e


def test_tech_sme_total_counts_an_enterprise_once(firms):
    a, *_ = firms
    qualify(a, TECH_SME, PROVINCIAL, date(2020, 6, 18))
    qualify(a, TECH_SME, PROVINCIAL, date(2023, 6, 18))
    assert value("tech_sme.new") == 1
    assert value("tech_sme.total") == 1


def test_city_tech_top100_and_patent_demo_count_recognitions_in_the_year(firms):
    a, b, c, d, *_ = firms
    kind = QualificationType.TECH_ENTERPRISE
    qualify(a, kind, CITY, date(2023, 8, 30))
    qualify(b, kind, CITY, date(2022, 8, 30))
    qualify(c, kind, PROVINCIAL, date(2023, 8, 30))  # not the city's
    assert value("city_tech.new") == 1

    qualify(a, QualificationType.TOP100, CITY, date(2023, 4, 10))
    qualify(a, QualificationType.TOP100, CITY, date(2022, 4, 10))
    qualify(b, QualificationType.TOP100, CITY, date(2023, 4, 10))
    assert (value("top100.count"), value("top100.count", 2022)) == (2, 1)

    demo = QualificationType.PATENT_DEMO
    qualify(a, demo, PROVINCIAL, date(2023, 11, 15))
    qualify(b, demo, CITY, date(2023, 9, 1))
    qualify(c, demo, COUNTY, date(2023, 7, 1))
    qualify(d, demo, COUNTY, date(2023, 7, 1))
    qualify(a, demo, COUNTY, date(2022, 7, 1))
    assert [value(f"patent_demo.{level}.new") for level in ("provincial", "city", "county")] == [
        1,
        1,
        2,
    ]
    assert value("patent_demo.county.new", 2022) == 1


@pytest.mark.parametrize(
    "key, kind, level",
    [
        ("key_institute", InstitutionType.KEY_INSTITUTE, PROVINCIAL),
        ("institute", InstitutionType.INSTITUTE, PROVINCIAL),
        ("hnte_center", InstitutionType.HNTE_CENTER, PROVINCIAL),
        ("city_center", InstitutionType.TECH_CENTER, CITY),
    ],
)
def test_rd_institutions_new_in_the_year_and_total_by_31_december(firms, key, kind, level):
    a, b, c, d, *_ = firms
    institute(a, kind, level, date(2015, 12, 10), "研发机构甲")
    institute(b, kind, level, date(2023, 1, 1), "研发机构乙")
    institute(c, kind, level, date(2023, 12, 31), "研发机构丙")
    institute(d, kind, level, date(2024, 1, 1), "研发机构丁")
    other_level = COUNTY if level != COUNTY else CITY
    institute(a, kind, other_level, date(2023, 5, 1), "研发机构戊")
    institute(a, InstitutionType.ENGINEERING_CENTER, level, date(2023, 5, 1), "研发机构己")
    assert value(f"rd.{key}.new") == 2
    assert value(f"rd.{key}.total") == 3
    assert value(f"rd.{key}.total", 2022) == 1
    assert value(f"rd.{key}.new", 2024) == 1


def test_no_records_give_zero():
    assert all(indicator.compute(2023) == 0 for indicator in INDICATORS)
