"""experts.total (DESIGN.md §4): experts 在库 on 31 December, 入库日期 ≤ 31 Dec or blank."""

from datetime import date

import pytest

from experts.choices import ExpertStatus
from experts.indicators import INDICATORS
from experts.models import Expert
from kejiju.choices import ReportSection

pytestmark = pytest.mark.django_db

TOTAL = next(i for i in INDICATORS if i.key == "experts.total")


def expert(mobile: str, entered_on=None, status=ExpertStatus.ACTIVE):
    return Expert.objects.create(
        name="测试专家",
        employer="温州大学",
        title="senior",
        specialties="新材料",
        mobile=mobile,
        entered_on=entered_on,
        status=status,
    )


def test_declared_under_reform_in_people():
    assert (TOTAL.section, TOTAL.unit, TOTAL.label) == (ReportSection.REFORM, "人", "专家库专家")


def test_experts_in_the_pool_on_31_december():
    expert("13811110001", date(2023, 12, 31))  # entered on the last day
    expert("13811110002")  # blank 入库日期: carried over, always counted
    expert("13811110003", date(2019, 5, 1))
    expert("13811110004", date(2024, 1, 1))  # entered the year after
    expert("13811110005", date(2020, 1, 1), ExpertStatus.SUSPENDED)
    expert("13811110006", date(2020, 1, 1), ExpertStatus.RETIRED)
    assert TOTAL.compute(2023) == 3
    assert TOTAL.compute(2022) == 2
    assert TOTAL.compute(2018) == 1
    assert TOTAL.compute(2024) == 4


def test_no_experts_give_zero():
    assert TOTAL.compute(2023) == 0
