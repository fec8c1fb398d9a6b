import datetime as dt
from decimal import Decimal

import pytest

from patents import demo
from patents.indicators import INDICATORS
from patents.models import DisputeCase, Patent

from .factories import make_patent

pytestmark = pytest.mark.django_db
VALUES = {i.key: i for i in INDICATORS}


def value(key: str, year: int) -> Decimal:
    return VALUES[key].compute(year)


def test_declared_keys():
    assert set(VALUES) == {
        "patent.invention.applications",
        "patent.invention.grants",
        "patent.utility.applications",
        "patent.design.applications",
        "patent.all.grants",
        "patent.invention.valid",
        "patent.disputes.mediated",
    }


def test_counts_follow_filing_and_grant_dates():
    make_patent(
        1, filed_on=dt.date(2022, 12, 31), granted_on=dt.date(2023, 1, 2), legal_status="granted"
    )
    make_patent(2, filed_on=dt.date(2023, 1, 1))
    make_patent(3, type_digit="8", filed_on=dt.date(2023, 5, 1))
    make_patent(4, type_digit="2", filed_on=dt.date(2023, 5, 1), granted_on=dt.date(2023, 9, 1))
    make_patent(5, type_digit="3", filed_on=dt.date(2023, 5, 1))
    make_patent(
        6, filed_on=dt.date(2020, 1, 1), granted_on=dt.date(2021, 1, 1), legal_status="lapsed"
    )
    make_patent(
        7, filed_on=dt.date(2020, 1, 1), granted_on=dt.date(2024, 1, 1), legal_status="granted"
    )
    assert value("patent.invention.applications", 2023) == 2
    assert value("patent.invention.applications", 2022) == 1
    assert value("patent.invention.grants", 2023) == 1
    assert value("patent.utility.applications", 2023) == 1
    assert value("patent.design.applications", 2023) == 1
    assert value("patent.all.grants", 2023) == 2
    assert value("patent.invention.valid", 2023) == 1  # lapsed and granted-later excluded


def test_mediated_disputes_count_by_closing_date():
    DisputeCase.objects.create(
        case_number="A",
        accepted_on=dt.date(2022, 12, 1),
        closed_on=dt.date(2023, 1, 5),
        outcome="mediated",
    )
    DisputeCase.objects.create(
        case_number="B",
        accepted_on=dt.date(2023, 2, 1),
        closed_on=dt.date(2023, 3, 5),
        outcome="transferred",
    )
    DisputeCase.objects.create(case_number="C", accepted_on=dt.date(2023, 2, 1), outcome="pending")
    assert value("patent.disputes.mediated", 2023) == 1


def test_demo_reproduces_the_seed_figures_and_is_idempotent():
    demo.load()
    count = Patent.objects.count()
    demo.load()
    assert Patent.objects.count() == count
    assert value("patent.invention.applications", 2023) == 1125
    assert value("patent.invention.applications", 2022) == 513
    assert value("patent.invention.grants", 2023) == 171
    assert value("patent.invention.grants", 2022) == 99
    assert value("patent.disputes.mediated", 2023) == 17
    for year in range(2019, 2024):
        assert value("patent.utility.applications", year) > 0
        assert value("patent.design.applications", year) > 0
    from patents import numbers

    for number in Patent.objects.values_list("application_number", flat=True)[:500]:
        assert numbers.normalize(number) == number
