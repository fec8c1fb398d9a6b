"""Project, technology-market and auction indicators of DESIGN.md §4 at their edges."""

from datetime import date
from decimal import Decimal

import pytest

from kejiju.choices import ReportSection
from kejiju.models import PlanCategory
from projects.choices import ContractType, ProjectStatus
from projects.indicators import INDICATORS
from projects.models import AuctionDeal, Project, TechContract

pytestmark = pytest.mark.django_db


def indicators() -> dict:
    return {i.key: i for i in INDICATORS()}


def value(key: str, year: int = 2023) -> Decimal:
    return indicators()[key].compute(year)


def project(number, code, applied_on, approved_on=None, funding=None, status=None):
    return Project.objects.create(
        number=number,
        name=f"测试项目{number}",
        category=PlanCategory.objects.get(code=code),
        undertaker="瑞安测试科技有限公司",
        applied_on=applied_on,
        approved_on=approved_on,
        funding=funding,
        status=status or (ProjectStatus.APPROVED if approved_on else ProjectStatus.APPLIED),
    )


def test_one_triple_per_plan_category_with_its_section():
    declared = indicators()
    for category in PlanCategory.objects.all():
        for suffix, unit in (("applied", "项"), ("approved", "项"), ("funding", "万元")):
            indicator = declared[f"projects.{category.code}.{suffix}"]
            assert indicator.unit == unit
            assert category.name in indicator.label
    agricultural = {"agri_major", "prov_agri_transfer", "commissioner"}
    for key, indicator in declared.items():
        if key.startswith("projects."):
            code = key.split(".")[1]
            expected = (
                ReportSection.AGRICULTURE if code in agricultural else ReportSection.ENTERPRISE
            )
            assert indicator.section == expected, key
    for key in ["techmarket.turnover", "techmarket.contracts", "auction.deals"]:
        assert declared[key].section == ReportSection.COOPERATION
    assert declared["auction.enterprises"].unit == "家"
    assert declared["techmarket.turnover"].unit == "万元"


def test_a_category_added_by_staff_gets_its_indicators():
    PlanCategory.objects.create(code="talent", name="人才科技项目", level="county")
    project("RC20230001", "talent", date(2023, 3, 1), date(2023, 7, 1), Decimal("12.50"))
    assert value("projects.talent.approved") == 1
    assert value("projects.talent.funding") == Decimal("12.50")


def test_applied_counts_by_application_date():
    project("GY20230001", "industrial", date(2023, 1, 1))
    project("GY20230002", "industrial", date(2023, 12, 31), status=ProjectStatus.REJECTED)
    project("GY20220001", "industrial", date(2022, 12, 31), date(2023, 2, 1))
    project("GY20240001", "industrial", date(2024, 1, 1))
    project("SF20230001", "social", date(2023, 5, 1))  # another category
    assert value("projects.industrial.applied") == 2
    assert value("projects.industrial.applied", 2022) == 1


def test_approved_and_funding_count_projects_approved_in_the_year():
    project("NY20230001", "agri_major", date(2023, 3, 1), date(2023, 7, 1), Decimal("25"))
    # applied the year before, approved in the year: counts for the year of approval
    project("NY20220001", "agri_major", date(2022, 11, 1), date(2023, 1, 1), Decimal("20.50"))
    # accepted since: still approved in the year
    project(
        "NY20230002",
        "agri_major",
        date(2023, 3, 1),
        date(2023, 12, 31),
        Decimal("14.50"),
        ProjectStatus.ACCEPTED,
    )
    project("NY20230003", "agri_major", date(2023, 3, 1), date(2024, 1, 2), Decimal("99"))
    project("NY20230004", "agri_major", date(2023, 3, 1), status=ProjectStatus.REJECTED)
    project("NY20230005", "agri_major", date(2023, 3, 1), date(2023, 8, 1))  # no funding
    project("TP20230001", "commissioner", date(2023, 3, 1), date(2023, 7, 1), Decimal("8"))
    assert value("projects.agri_major.applied") == 5
    assert value("projects.agri_major.approved") == 4
    assert value("projects.agri_major.funding") == Decimal("60.00")
    assert value("projects.agri_major.funding", 2024) == Decimal("99")
    assert value("projects.commissioner.funding") == Decimal("8")


def test_legacy_category_is_still_reported():
    torch = PlanCategory.objects.get(code="torch")
    assert torch.legacy
    project("HJ20230001", "torch", date(2023, 4, 1), date(2023, 9, 1))
    project("HJ20230002", "torch", date(2023, 4, 1), status=ProjectStatus.REJECTED)
    assert value("projects.torch.applied") == 2
    assert value("projects.torch.approved") == 1
    assert value("projects.torch.funding") == 0  # no funding recorded: zero, not an error


def contract(number, amount, registered_on):
    return TechContract.objects.create(
        registration_no=number,
        name="技术开发合同",
        kind=ContractType.DEVELOPMENT,
        seller="瑞安测试科技有限公司",
        buyer="上海测试有限公司",
        amount=Decimal(amount),
        registered_on=registered_on,
    )


def test_technology_market_sums_contracts_registered_in_the_year():
    contract("2023330381000001", "100.25", date(2023, 1, 1))
    contract("2023330381000002", "200.50", date(2023, 12, 31))
    contract("2022330381000001", "999", date(2022, 12, 31))
    contract("2024330381000001", "999", date(2024, 1, 1))
    assert value("techmarket.turnover") == Decimal("300.75")
    assert value("techmarket.contracts") == 2
    assert value("techmarket.turnover", 2021) == 0


def deal(achievement, winner, amount, dealt_on):
    return AuctionDeal.objects.create(
        achievement=achievement, winner=winner, amount=Decimal(amount), dealt_on=dealt_on
    )


def test_auction_counts_deals_amount_and_distinct_winners():
    deal("成果甲", "瑞安甲公司", "300", date(2023, 6, 18))
    deal("成果乙", "瑞安甲公司", "200", date(2023, 9, 26))  # the same winner twice
    deal("成果丙", "瑞安乙公司", "150.50", date(2023, 12, 31))
    deal("成果丁", "瑞安丙公司", "500", date(2022, 12, 31))
    assert value("auction.deals") == 3
    assert value("auction.amount") == Decimal("650.50")
    assert value("auction.enterprises") == 2
    assert value("auction.enterprises", 2022) == 1


def test_no_records_give_zero():
    assert all(indicator.compute(2023) == 0 for indicator in INDICATORS())
