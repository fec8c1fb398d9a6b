"""查重: the measure, the pairs found at submission and at formal review, the staff's finding."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from kejiju.codes import make_credit_code
from projects import services as project_services
from projects.models import ProjectEvent
from projects.screening import services, similarity
from projects.screening.models import DuplicatePair

from .conftest import file, make_call, old_project

pytestmark = pytest.mark.django_db

NAME = "高效永磁同步电机控制器研发"
SUMMARY = "研发新一代高效永磁同步电机控制器，采用无位置传感器矢量控制算法，整机效率提升百分之五。"


@pytest.fixture
def rival(town):
    return Enterprise.objects.create(
        credit_code=make_credit_code(9101), name="瑞安同行电气有限公司", town=town
    )


SAMPLES = [
    ("研发新一代电机控制器", "新一代电机控制器的研发"),
    (NAME, "永磁同步电机控制器的研发及产业化"),
    ("Smart LED 驱动电源", "smart led驱动电源研发"),
    (SUMMARY, "采用无位置传感器矢量控制算法的新一代电机控制器"),
    ("汽车零部件", "激光切割设备"),
]


def test_duplicate_application_measure_is_pg_trgm_similarity():
    assert similarity.similarity(*SAMPLES[0]) == pytest.approx(6 / 17)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for a, b in SAMPLES:
                cursor.execute("SELECT similarity(%s, %s)", [a, b])
                assert similarity.similarity(a, b) == pytest.approx(cursor.fetchone()[0], abs=1e-6)


def test_duplicate_application_found_at_submission_against_another_enterprise(
    staff, applicant, call, rival
):
    earlier = old_project(name=NAME, summary=SUMMARY, enterprise=rival)
    old_project(name="激光切割设备研制", enterprise=rival, number="2024-GY-002")
    project = file(call, applicant, name=NAME, summary=SUMMARY)
    pair = DuplicatePair.objects.get(project=project)
    assert pair.other == earlier and pair.kind == "similar" and pair.decision == "pending"
    assert pair.name_similarity == 1 and pair.found_during == "申报提交"
    hint = ProjectEvent.objects.get(project=project, action="申报审查提示")
    assert "查重" in hint.note


def test_duplicate_application_one_project_filed_to_two_calls_of_the_year(staff, applicant, call):
    other_call = make_call(staff, title="科技创新券")
    first = file(other_call, applicant, name=NAME, summary=SUMMARY)
    second = file(call, applicant, name=NAME + "（二期）", summary=SUMMARY)
    pair = DuplicatePair.objects.get(project=second)
    assert pair.other == first and pair.kind == "multiple"
    assert pair.get_kind_display().startswith("一项多报")


def test_duplicate_application_older_than_three_years_is_not_compared(
    staff, applicant, call, rival
):
    old_project(
        name=NAME,
        summary=SUMMARY,
        enterprise=rival,
        applied_on=timezone.localdate() - dt.timedelta(days=3 * 366 + 10),
    )
    project = file(call, applicant, name=NAME, summary=SUMMARY)
    assert not DuplicatePair.objects.filter(project=project).exists()


def test_duplicate_application_threshold_is_a_setting(staff, applicant, call, rival, settings):
    old_project(name="永磁同步电机控制器的研发及产业化", enterprise=rival)
    settings.KEJIJU_DUPLICATE_THRESHOLD = 0.95
    assert not services.find_similar(file(call, applicant, name=NAME, summary=""))
    settings.KEJIJU_DUPLICATE_THRESHOLD = 0.25
    project = project_services.Project.objects.get(name=NAME)
    assert len(services.find_similar(project)) == 1


def test_duplicate_application_formal_review_waits_for_the_finding(staff, applicant, call, rival):
    old_project(name=NAME, summary=SUMMARY, enterprise=rival)
    project = file(call, applicant, name=NAME, summary=SUMMARY)
    with pytest.raises(ValidationError, match="尚未认定"):
        project_services.formal_review(project=project, passed=True, comment="", by=staff)
    project.refresh_from_db()
    assert project.stage == "submitted"
    pair = DuplicatePair.objects.get(project=project)
    with pytest.raises(ValidationError, match="理由"):
        services.decide_pair(pair=pair, decision="not_duplicate", reason=" ", by=staff)
    services.decide_pair(
        pair=pair, decision="not_duplicate", reason="技术路线不同，属不同产品。", by=staff
    )
    project_services.formal_review(project=project, passed=True, comment="材料齐全", by=staff)
    project.refresh_from_db()
    assert project.stage == "formal_passed"
    note = ProjectEvent.objects.get(project=project, action="形式审查通过").note
    assert "2024-GY-001" in note and "不构成重复" in note
    assert DuplicatePair.objects.get(pk=pair.pk).found_during == "形式审查"


def test_duplicate_application_returned_or_rejected_with_the_reason(staff, applicant, call, rival):
    old_project(name=NAME, summary=SUMMARY, enterprise=rival)
    first = file(call, applicant, name=NAME, summary=SUMMARY)
    services.decide_pair(
        pair=DuplicatePair.objects.get(project=first),
        decision="returned",
        reason="请说明与已立项项目的区别。",
        by=staff,
    )
    first.refresh_from_db()
    assert first.stage == "returned"
    assert "请说明与已立项项目的区别" in first.events.get(action="形式审查退回修改").note
    second = file(call, applicant, name=NAME + "产业化", summary=SUMMARY)
    pair = DuplicatePair.objects.get(project=second, other__number="2024-GY-001")
    services.decide_pair(pair=pair, decision="rejected", reason="与已立项项目重复。", by=staff)
    second.refresh_from_db()
    assert second.stage == "not_approved"


def test_duplicate_application_side_by_side_highlights_and_escapes(
    staff, applicant, call, rival, login
):
    hostile = "<script>alert(1)</script>" + NAME
    old_project(name=hostile, summary=SUMMARY, enterprise=rival)
    project = file(call, applicant, name=NAME, summary=SUMMARY)
    pair = DuplicatePair.objects.get(project=project)
    client = login(staff)
    assert project.number in client.get(reverse("screening:duplicate_list")).content.decode()
    page = client.get(reverse("screening:duplicate_pair", args=[pair.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f"<mark>{NAME}</mark>" in page
    refused = client.post(reverse("screening:duplicate_pair", args=[pair.pk]), {"decision": "x"})
    assert refused.status_code == 200
    assert DuplicatePair.objects.get(pk=pair.pk).decision == "pending"
    done = client.post(
        reverse("screening:duplicate_pair", args=[pair.pk]),
        {"decision": "not_duplicate", "reason": "不同产品。"},
    )
    assert done.status_code == 302
    assert DuplicatePair.objects.get(pk=pair.pk).decided_by == staff
