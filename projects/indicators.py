"""Yearly indicators of projects (one triple per plan category), the technology market and
achievement auctions (DESIGN.md §4)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Avg, Count, Q, QuerySet, Sum

from kejiju.choices import ReportSection
from kejiju.indicators import Indicator
from kejiju.models import PlanCategory

from .models import AuctionDeal, Project, TechContract

# Plan categories reported under 农业科技; every other category under 发挥企业主体作用.
AGRICULTURAL_CATEGORIES = frozenset({"agri_major", "prov_agri_transfer", "commissioner"})


def _applied(code: str) -> Callable[[int], QuerySet]:
    return lambda year: Project.objects.in_category(code).applied_in(year)


def _approved(code: str) -> Callable[[int], QuerySet]:
    return lambda year: Project.objects.in_category(code).approved_in(year)


def _contracts(year: int) -> QuerySet:
    return TechContract.objects.registered_in(year)


def _deals(year: int) -> QuerySet:
    return AuctionDeal.objects.dealt_in(year)


def category_indicators(category: PlanCategory, position: int) -> list[Indicator]:
    code = category.code
    section = (
        ReportSection.AGRICULTURE if code in AGRICULTURAL_CATEGORIES else ReportSection.ENTERPRISE
    )
    order = 10 + 3 * position
    return [
        Indicator(
            f"projects.{code}.applied",
            f"申报{category.name}",
            "项",
            section,
            _applied(code),
            Count("pk"),
            order,
            date_field="applied_on",
        ),
        Indicator(
            f"projects.{code}.approved",
            f"{category.name}立项",
            "项",
            section,
            _approved(code),
            Count("pk"),
            order + 1,
            date_field="approved_on",
        ),
        Indicator(
            f"projects.{code}.funding",
            f"{category.name}资助金额",
            "万元",
            section,
            _approved(code),
            Sum("funding"),
            order + 2,
            date_field="approved_on",
        ),
    ]


def _accepted_with_task_book(code: str) -> Callable[[int], QuerySet]:
    return lambda year: Project.objects.in_category(code).filter(
        accepted_on__year=year, task_books__status="signed"
    )


def performance_indicators(category: PlanCategory, position: int) -> list[Indicator]:
    """绩效 of the projects accepted in the year: the mean overall completion rate of their
    考核指标 and the patents counted at acceptance (the 任务书, projects.task_books)."""
    code = category.code
    section = (
        ReportSection.AGRICULTURE if code in AGRICULTURAL_CATEGORIES else ReportSection.ENTERPRISE
    )
    signed = Q(task_books__status="signed")
    return [
        Indicator(
            f"projects.{code}.completion",
            f"{category.name}验收项目考核指标平均完成率",
            "%",
            section,
            _accepted_with_task_book(code),
            Avg("task_books__completion_rate", filter=signed),
            500 + 2 * position,
            date_field="accepted_on",
        ),
        Indicator(
            f"projects.{code}.patents_counted",
            f"{category.name}验收计入专利",
            "件",
            section,
            _accepted_with_task_book(code),
            Count(
                "task_books__indicators__patents",
                filter=signed & Q(task_books__indicators__patents__counted=True),
            ),
            501 + 2 * position,
            date_field="accepted_on",
        ),
    ]


MARKET_INDICATORS: list[Indicator] = [
    Indicator(
        "auction.deals",
        "成果竞价成交项目",
        "项",
        ReportSection.COOPERATION,
        _deals,
        Count("pk"),
        10,
        date_field="dealt_on",
    ),
    Indicator(
        "auction.amount",
        "成果竞价成交金额",
        "万元",
        ReportSection.COOPERATION,
        _deals,
        Sum("amount"),
        11,
        date_field="dealt_on",
    ),
    Indicator(
        "auction.enterprises",
        "成果竞价参与企业",
        "家",
        ReportSection.COOPERATION,
        _deals,
        Count("winner", distinct=True),
        12,
        date_field="dealt_on",
    ),
    Indicator(
        "techmarket.turnover",
        "技术市场交易额",
        "万元",
        ReportSection.COOPERATION,
        _contracts,
        Sum("amount"),
        20,
        date_field="registered_on",
    ),
    Indicator(
        "techmarket.contracts",
        "登记技术合同",
        "项",
        ReportSection.COOPERATION,
        _contracts,
        Count("pk"),
        21,
        date_field="registered_on",
    ),
]


def indicators() -> list[Indicator]:
    """Per plan category (keys follow the categories in the database), then the market."""
    categories = PlanCategory.objects.order_by("order", "code")
    per_category = [
        indicator
        for position, category in enumerate(categories)
        for indicator in category_indicators(category, position)
        + performance_indicators(category, position)
    ]
    return per_category + MARKET_INDICATORS


INDICATORS = indicators
