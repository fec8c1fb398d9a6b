"""Shared setup for the project lifecycle: a call, an expert pool with user accounts, and a
helper that carries an application through the steps."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from experts.models import Expert, ExpertSpecialty, Specialty
from experts.services import Criteria
from kejiju.choices import Role
from kejiju.models import PlanCategory
from projects import services
from projects.models import Call


@pytest.fixture
def staff(users):
    return users[Role.STAFF]


@pytest.fixture
def applicant(users):
    return users[Role.ENTERPRISE]


@pytest.fixture
def call(staff):
    now = timezone.now()
    return Call.objects.create(
        category=PlanCategory.objects.get(code="industrial"),
        year=now.year,
        title=f"关于组织申报{now.year}年度一般工业科技项目的通知",
        text="各有关单位：现组织申报一般工业科技项目。",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=10),
        budget_cap=Decimal("100"),
        max_request=Decimal("60"),
        max_per_enterprise=1,
        created_by=staff,
    )


@pytest.fixture
def specialty(db):
    return Specialty.objects.create(name="机械与制造")


@pytest.fixture
def reviewers(specialty, make_user):
    """Five experts in the pool, each with a login."""
    accounts = []
    for i in range(5):
        expert = Expert.objects.create(
            name=f"评审专家{i}",
            employer="温州大学",
            title="senior",
            specialties=specialty.name,
            mobile=f"1390000{i:04d}",
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=specialty)
        accounts.append(make_user(Role.EXPERT, username=f"reviewer{i}", expert=expert))
    return accounts


def budget(requested="40", self_raised="60"):
    requested, self_raised = Decimal(requested), Decimal(self_raised)
    return services.Budget(
        total=requested + self_raised, self_raised=self_raised, requested=requested
    )


@pytest.fixture
def file_app(call, applicant):
    def do(enterprise=None, user=None, name="高效电机控制器研发", requested="40", target_call=None):
        return services.file_application(
            call=target_call or call,
            enterprise=enterprise or applicant.enterprise,
            name=name,
            summary="研发新一代电机控制器。",
            budget=budget(requested),
            by=user or applicant,
        )

    return do


def criteria(specialty, main=3, backups=1):
    return Criteria(specialties=[specialty.pk], main=main, backups=backups)


@pytest.fixture
def to_review(staff, specialty, reviewers):
    """Formal review passed and experts drawn."""

    def do(project):
        services.formal_review(project=project, passed=True, comment="材料齐全", by=staff)
        return services.start_expert_review(
            project=project, criteria=criteria(specialty), supervisor="纪检组 陈监督", by=staff
        )

    return do


def score(project, totals, reviewers):
    """The first len(totals) panel members declare and score."""
    from experts import services as expert_services
    from experts.services import active_panel

    by_expert = {u.expert_id: u for u in reviewers}
    for member, total in zip(active_panel(project.draw), totals, strict=False):
        expert_services.declare_no_conflict(member=member, user=by_expert[member.expert_id])
        expert_services.submit_review(
            member=member, scores={"创新性": total, "可行性": total}, comment="同意"
        )


def close_call(call):
    """Moves the call's close time into the past."""
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    call.refresh_from_db()


def through_notice(project, call, staff, reviewers, to_review, totals=(80, 90)):
    """Formal review, draw, two scores, review closed, proposed and under public notice."""
    to_review(project)
    project.refresh_from_db()
    score(project, totals, reviewers)
    close_call(call)
    services.close_review(call=call, by=staff)
    services.propose(call=call, projects=[project], by=staff)
    services.start_notice(call=call, by=staff)
    project.refresh_from_db()
    return project


def sign_task_book(project, applicant, staff):
    """The enterprise fills and submits the project's 任务书 (the budget in one line, one patent
    indicator counted from the register) and staff sign it: disbursement is then allowed."""
    from projects import task_books
    from projects.task_books import BudgetLine, Contents, Indicator, Milestone

    book = task_books.open_version(project)
    task_books.save_task_book(
        task_book=book,
        contents=Contents(
            objectives="按申报书完成项目研发任务。",
            starts_on=book.starts_on,
            ends_on=book.ends_on,
            milestones=[Milestone(book.ends_on, "完成全部研发任务")],
            indicators=[Indicator("invention_filed", "", "件", Decimal("1"))],
            lines=[BudgetLine("equipment", book.grant, book.self_raised)],
        ),
        by=applicant,
        submit=True,
    )
    return task_books.sign_task_book(task_book=book, by=staff)
