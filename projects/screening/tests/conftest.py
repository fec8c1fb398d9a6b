"""A call, an applicant, staff, an older project of another enterprise, and the helpers the
screening tests share."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises.tests.factories import PDF_BYTES
from kejiju.choices import Role
from kejiju.models import PlanCategory, Town
from projects import services as project_services
from projects.models import Call, Project
from projects.screening import services


@pytest.fixture
def staff(users):
    return users[Role.STAFF]


@pytest.fixture
def applicant(users):
    return users[Role.ENTERPRISE]


def make_call(staff, *, title="一般工业科技项目", year=None, requires_town=False):
    now = timezone.now()
    return Call.objects.create(
        category=PlanCategory.objects.get(code="industrial"),
        year=year or now.year,
        title=title,
        text="各有关单位：现组织申报。",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=10),
        budget_cap=Decimal("100"),
        max_request=Decimal("60"),
        max_per_enterprise=2,
        requires_town_recommendation=requires_town,
        created_by=staff,
    )


@pytest.fixture
def call(staff):
    return make_call(staff)


def file(call, user, *, name="高效永磁同步电机控制器研发", summary="研发新一代电机控制器。"):
    return project_services.file_application(
        call=call,
        enterprise=user.enterprise,
        name=name,
        summary=summary,
        budget=project_services.Budget(
            total=Decimal("100"), self_raised=Decimal("60"), requested=Decimal("40")
        ),
        by=user,
    )


def old_project(*, name, summary="", enterprise=None, applied_on=None, number="2024-GY-001"):
    return Project.objects.create(
        number=number,
        name=name,
        summary=summary,
        category=PlanCategory.objects.get(code="industrial"),
        undertaker=enterprise.name if enterprise else "瑞安某公司",
        enterprise=enterprise,
        applied_on=applied_on or timezone.localdate() - dt.timedelta(days=200),
        status="approved",
    )


def decision_pdf(name="处理决定书.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def record(staff, *, severity="serious", start=None, end=None, **subject):
    kind = (
        "enterprise" if "enterprise" in subject else "expert" if "expert" in subject else "person"
    )
    return services.add_record(
        decision_upload=decision_pdf(),
        by=staff,
        subject_kind=kind,
        kind="false_material",
        severity=severity,
        facts="申报材料中的审计报告系伪造。",
        decision_no="瑞科〔2026〕12号",
        starts_on=start or timezone.localdate() - dt.timedelta(days=30),
        ends_on=end,
        reason="经调查核实，依规登记。",
        **subject,
    )


@pytest.fixture
def other_town():
    return Town.objects.get(name="玉海街道")
