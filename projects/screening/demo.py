"""The demo county's screening examples: a blocking integrity record of an enterprise, a lesser
one of an expert (left out of draws), an application of a call that asks for the town's
recommendation, flagged by the duplicate check against an earlier project. The 镇街科技员
accounts (one of 安阳街道, one of 玉海街道) are kejiju.demo's."""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kejiju.pdf import html_to_pdf, pdf_context

from . import services
from .models import IntegrityRecord

# The town of each demo 镇街科技员 account (kejiju.demo.ACCOUNTS): the demo enterprise's own, and
# another one.
TOWN_ACCOUNTS = {"town": "安阳街道", "town2": "玉海街道"}
TOWN_CALL = "关于组织申报{year}年度瑞安市重点研发项目的通知（须镇街推荐）"


def link_demo_account(user) -> None:
    """kejiju.demo calls this for each demo account it makes: a town user gets its town."""
    from kejiju.choices import Role
    from kejiju.models import Town

    if user.role == Role.TOWN:
        user.town = Town.objects.get(name=TOWN_ACCOUNTS[user.username])


def decision(title: str) -> ContentFile:
    context = pdf_context()
    html = (
        f"<html style=\"font-family: '{context['sans']}'\"><body><h1>{title}</h1>"
        f"<p>{context['bureau_name']}（演示文件）</p></body></html>"
    )
    return ContentFile(html_to_pdf(html), name="处理决定书.pdf")


def load_records(staff) -> None:
    from enterprises.models import Enterprise
    from experts.models import Expert

    today = timezone.localdate()
    if IntegrityRecord.objects.exists():
        return
    enterprise = Enterprise.objects.exclude(users__username="enterprise").order_by("pk").first()
    if enterprise is not None:
        services.add_record(
            decision_upload=decision("科研失信行为处理决定书"),
            by=staff,
            subject_kind="enterprise",
            enterprise=enterprise,
            kind="false_material",
            severity="serious",
            facts="在申报科技项目时提供伪造的审计报告和专利证书复印件。",
            decision_no=f"瑞科〔{today.year}〕8号",
            starts_on=today - dt.timedelta(days=60),
            ends_on=today.replace(year=today.year + 3),
            reason="经调查核实，依《科研失信行为调查处理规则》登记，三年内不得申报科技项目。",
        )
    expert = Expert.objects.exclude(user__username="expert").order_by("pk").first()
    if expert is not None:
        services.add_record(
            decision_upload=decision("评审专家违规处理通知"),
            by=staff,
            subject_kind="expert",
            expert=expert,
            kind="conflict_or_secrecy",
            severity="general",
            facts="评审期间未主动申明与申报单位的合作关系。",
            decision_no=f"瑞科〔{today.year}〕11号",
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=335),
            reason="违反回避规定，一年内不参加本局组织的评审。",
        )


REFERENCE = (
    "高效永磁同步电机控制器研发",
    "研发新一代高效永磁同步电机控制器，采用无位置传感器矢量控制算法，整机效率提升百分之五，"
    "形成年产五万台的生产能力。",
)


def reference_project(applicant_enterprise, today):
    """An earlier project of another enterprise that the demo application resembles."""
    from enterprises.models import Enterprise
    from kejiju.models import PlanCategory
    from projects.models import Project

    name, summary = REFERENCE
    found = Project.objects.filter(name=name).first()
    if found is not None:
        return found
    other = Enterprise.objects.exclude(pk=applicant_enterprise.pk).order_by("pk").last()
    return Project.objects.create(
        number=f"{today.year - 1}-GY-DEMO-01",
        name=name,
        summary=summary,
        category=PlanCategory.objects.get(code="industrial"),
        undertaker=other.name if other else "瑞安某电机有限公司",
        enterprise=other,
        town=other.town if other else None,
        applied_on=today.replace(year=today.year - 1, month=3, day=15),
        approved_on=today.replace(year=today.year - 1, month=6, day=20),
        status="approved",
        funding=Decimal("30"),
        funding_mode="tranches",
    )


def load_town_application(staff) -> None:
    from kejiju.models import PlanCategory, User
    from projects import services as project_services
    from projects.models import Call

    today = timezone.localdate()
    title = TOWN_CALL.format(year=today.year)
    call = Call.objects.filter(title=title).first()
    if call is None:
        # opened before the demo's general call, which other demo steps look up as the latest
        opens = timezone.now() - dt.timedelta(days=20)
        call = Call.objects.create(
            category=PlanCategory.objects.get(code="industrial"),
            year=today.year,
            title=title,
            text="各镇街、有关企业：\n现组织申报本年度重点研发项目，申报须经企业所在镇街推荐。",
            opens_at=opens,
            closes_at=opens + dt.timedelta(days=60),
            budget_cap=Decimal("500"),
            max_request=Decimal("50"),
            max_per_enterprise=1,
            requires_town_recommendation=True,
            created_by=staff,
        )
    applicant = User.objects.filter(username="enterprise").first()
    if applicant is None or call.projects.exists():
        return
    earlier = reference_project(applicant.enterprise, today)
    name = f"{earlier.name}及产业化（二期）"
    project_services.file_application(
        call=call,
        enterprise=applicant.enterprise,
        name=name,
        summary=earlier.summary,
        budget=project_services.Budget(
            total=Decimal("120"), self_raised=Decimal("80"), requested=Decimal("40")
        ),
        by=applicant,
        starts_on=today + dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=60 + 730),
    )


def load() -> None:
    """Nothing before the accounts: the records name the staff member who added them."""


@transaction.atomic
def after_accounts() -> None:
    """Called by load_demo once the demo accounts exist."""
    from kejiju.models import User

    staff = User.objects.get(username="staff")
    load_records(staff)
    load_town_application(staff)
