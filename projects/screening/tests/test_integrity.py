"""科研诚信 ledger: the rules block, flag and exclude; records are never deleted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from enterprises import services as enterprise_services
from enterprises.forms import HNTEForm
from enterprises.tests.factories import hnte_post
from experts import services as expert_services
from experts.choices import ExclusionRule
from experts.models import DrawExclusion, Expert, ExpertSpecialty, Specialty
from kejiju.choices import Role
from projects import services as project_services
from projects.models import Project, ProjectEvent
from projects.screening import services
from projects.screening.admin import IntegrityRecordAdmin
from projects.screening.models import IntegrityRecord, IntegrityRule

from .conftest import decision_pdf, file, record

pytestmark = pytest.mark.django_db


def test_integrity_record_serious_blocks_a_project_application_naming_the_record(
    staff, applicant, call
):
    blocking = record(staff, enterprise=applicant.enterprise)
    with pytest.raises(ValidationError) as refused:
        file(call, applicant)
    message = refused.value.messages[0]
    assert blocking.number in message and "严重失信主体不得申报" in message
    assert "瑞科〔2026〕12号" in message
    assert not Project.objects.exists()


def test_integrity_record_of_the_person_blocks_the_applicant(staff, applicant, call):
    record(staff, person_name="陈经办", person_id_number="330381198001011234", user=applicant)
    with pytest.raises(ValidationError, match="陈经办"):
        file(call, applicant)
    assert not Project.objects.exists()


def test_integrity_record_blocks_an_enterprise_application_submit(staff, applicant):
    form = HNTEForm(hnte_post())
    assert form.is_valid(), form.errors
    application = enterprise_services.save_application(
        enterprise=applicant.enterprise,
        kind="hnte",
        year=2026,
        figures=form.figures(),
        recognition="first",
        by=applicant,
    )
    blocking = record(staff, enterprise=applicant.enterprise)
    with pytest.raises(ValidationError, match=blocking.number):
        enterprise_services.submit(application, by=applicant)
    application.refresh_from_db()
    assert application.status == "draft" and not application.transitions.exists()


def test_integrity_record_lesser_flags_the_application_for_formal_review(staff, applicant, call):
    flagging = record(staff, enterprise=applicant.enterprise, severity="major")
    project = file(call, applicant)
    hint = ProjectEvent.objects.get(project=project, action="申报审查提示")
    assert flagging.number in hint.note and "提请形式审查关注" in hint.note
    project_services.formal_review(project=project, passed=True, comment="材料齐全", by=staff)
    review = ProjectEvent.objects.get(project=project, action="形式审查通过")
    assert "科研诚信提示" in review.note and flagging.number in review.note


def test_integrity_record_ended_early_by_appeal_no_longer_blocks(staff, applicant, call):
    blocking = record(staff, enterprise=applicant.enterprise)
    with pytest.raises(ValidationError, match="理由"):
        services.end_record(record=blocking, kind="appeal", reason=" ", by=staff)
    services.end_record(record=blocking, kind="appeal", reason="复核认定证据不足。", by=staff)
    assert file(call, applicant).pk
    blocking.refresh_from_db()
    assert blocking.end_kind == "appeal" and blocking.ended_by == staff
    reasons = [h.history_change_reason for h in blocking.history.order_by("history_date")]
    assert reasons == ["登记：经调查核实，依规登记。", "申诉成立：复核认定证据不足。"]
    with pytest.raises(ValidationError, match="已于"):
        services.end_record(record=blocking, kind="credit_repair", reason="再次", by=staff)


def test_integrity_record_outside_its_period_does_not_block(staff, applicant, call):
    today = timezone.localdate()
    record(
        staff,
        enterprise=applicant.enterprise,
        start=today - dt.timedelta(days=400),
        end=today - dt.timedelta(days=1),
    )
    record(staff, enterprise=applicant.enterprise, start=today + dt.timedelta(days=1))
    assert file(call, applicant).pk


def test_integrity_record_rules_apply_only_in_their_validity(staff, applicant, call):
    record(staff, enterprise=applicant.enterprise)
    IntegrityRule.objects.filter(code="block-serious").update(
        effective_to=timezone.localdate() - dt.timedelta(days=1)
    )
    assert file(call, applicant).pk


def test_integrity_record_excludes_the_expert_and_the_draw_still_verifies(staff):
    specialty = Specialty.objects.create(name="机械与制造")
    experts = []
    for i in range(6):
        expert = Expert.objects.create(
            name=f"专家{i}", employer="温州大学", title="senior", mobile=f"1370000{i:04d}"
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=specialty)
        experts.append(expert)
    flagged = record(staff, expert=experts[0], severity="general")
    draw = expert_services.draw_experts(
        purpose="project_review",
        subject="测试项目",
        step="立项评审",
        criteria=expert_services.Criteria(specialties=[specialty.pk], main=3, backups=1),
        requested_by=staff,
        supervisor="纪检组 陈监督",
    )
    exclusion = DrawExclusion.objects.get(draw=draw, expert=experts[0])
    assert exclusion.rule == ExclusionRule.INTEGRITY
    assert flagged.number in exclusion.detail and "不得参加评审" in exclusion.detail
    assert experts[0].pk not in draw.pool
    ok, message = expert_services.verify(draw)
    assert ok, message
    page = staff_client(staff).get(reverse("experts:draw_detail", args=[draw.pk]))
    assert "存在有效的科研失信记录" in page.content.decode()


def staff_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_integrity_record_is_never_deleted(staff, applicant, rf):
    kept = record(staff, enterprise=applicant.enterprise)
    with pytest.raises(PermissionError):
        kept.delete()
    request = rf.get("/")
    request.user = staff
    from django.contrib import admin

    assert not IntegrityRecordAdmin(IntegrityRecord, admin.site).has_delete_permission(
        request, kept
    )
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            IntegrityRecord.objects.filter(pk=kept.pk).delete()
    assert IntegrityRecord.objects.filter(pk=kept.pk).exists()


def test_integrity_record_decision_document_must_be_pdf_or_image(staff, applicant, login):
    client = login(staff)
    data = {
        "subject_kind": "enterprise",
        "enterprise": applicant.enterprise.pk,
        "kind": "false_material",
        "severity": "serious",
        "facts": "伪造审计报告。",
        "decision_no": "瑞科〔2026〕12号",
        "starts_on": "2026-01-01",
        "reason": "依规登记。",
    }
    html = SimpleUploadedFile("决定书.pdf", b"<html><script>x</script></html>")
    page = client.post(reverse("screening:integrity_add"), {**data, "decision_upload": html})
    assert page.status_code == 200
    assert "文件内容不是允许的类型" in page.content.decode()
    assert not IntegrityRecord.objects.exists()
    page = client.post(
        reverse("screening:integrity_add"), {**data, "decision_upload": decision_pdf()}
    )
    assert page.status_code == 302
    kept = IntegrityRecord.objects.get()
    assert kept.created_by == staff and kept.decision_type == "application/pdf"
    assert client.get(reverse("screening:integrity_document", args=[kept.pk])).status_code == 200


def test_integrity_record_needs_a_subject_and_a_reason(staff, login):
    page = login(staff).post(
        reverse("screening:integrity_add"),
        {
            "subject_kind": "enterprise",
            "kind": "false_material",
            "severity": "serious",
            "facts": "x",
            "decision_no": "x",
            "starts_on": "2026-01-01",
            "ends_on": "2025-01-01",
            "reason": "",
            "decision_upload": decision_pdf(),
        },
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "这个字段是必填项" in text  # the reason, at its field
    assert not IntegrityRecord.objects.exists()


def test_integrity_record_shown_on_the_enterprise_page_to_staff_only(
    staff, applicant, users, login
):
    kept = record(staff, enterprise=applicant.enterprise)
    url = reverse("enterprises:detail", args=[applicant.enterprise.pk])
    assert kept.number in login(staff).get(url).content.decode()
    leader_page = login(users[Role.LEADER]).get(url)
    assert kept.number not in leader_page.content.decode()


def test_integrity_record_end_view_records_the_reason(staff, applicant, login):
    kept = record(staff, enterprise=applicant.enterprise)
    url = reverse("screening:integrity_detail", args=[kept.pk])
    client = login(staff)
    page = client.post(url, {"end_kind": "credit_repair", "ended_on": "2026-12-01"})
    assert page.status_code == 200
    kept.refresh_from_db()
    assert kept.ended_on is None
    today = timezone.localdate().isoformat()
    page = client.post(
        url, {"end_kind": "credit_repair", "ended_on": today, "end_reason": "已完成信用修复。"}
    )
    assert page.status_code == 302
    kept.refresh_from_db()
    assert kept.end_kind == "credit_repair" and kept.end_reason == "已完成信用修复。"
