"""The project lifecycle through its services: each step, the status the indicators read, the
record of who/when/why, and the refusals of DOMAIN.md §7."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from enterprises.tests.factories import PDF_BYTES
from projects import services
from projects.choices import FundingMode, Stage, TrancheDue
from projects.models import Disbursement, Project

from .conftest import budget, close_call, score, sign_task_book, through_notice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
APPROVAL_DAY = TODAY + dt.timedelta(days=15)
END = TODAY + dt.timedelta(days=400)


def approve(project, staff, mode=FundingMode.TRANCHES, grant="40", **kwargs):
    return services.approve(
        project=project,
        number="GY2026-001",
        grant=Decimal(grant),
        funding_mode=mode,
        by=staff,
        today=APPROVAL_DAY,
        ends_on=END,
        **kwargs,
    )


def test_whole_lifecycle_keeps_the_indicator_fields(
    call,
    staff,
    applicant,
    reviewers,
    file_app,
    to_review,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.PROJECT_AUDIT_THRESHOLD = "30"
    applicant.email = "qiye@example.com"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        project = file_app()
    assert mail.outbox[0].to == ["qiye@example.com"]
    assert (project.stage, project.status) == (Stage.SUBMITTED, "applied")
    assert project.applied_on == timezone.localdate()
    project = through_notice(project, call, staff, reviewers, to_review)
    call.refresh_from_db()
    # The notice starts on the day it is published (a module-level "today" would go stale when
    # the suite runs across midnight) and runs 5 working days.
    assert call.notice_starts_on in (TODAY, timezone.localdate())
    assert call.notice_ends_on == services.add_working_days(call.notice_starts_on, 5)
    assert project.stage == Stage.NOTICE

    with django_capture_on_commit_callbacks(execute=True):
        project = approve(project, staff)
    assert "立项" in mail.outbox[-1].subject and "GY2026-001" in mail.outbox[-1].body
    assert (project.status, project.approved_on, project.funding) == (
        "approved",
        APPROVAL_DAY,
        Decimal("40"),
    )
    assert project.number == "GY2026-001" and project.funding_mode == "tranches"
    first, final = project.tranches.all()
    assert (first.amount, first.due, final.due) == (Decimal("20"), "approval", "acceptance")
    assert first.history.get().history_user == staff
    sign_task_book(project, applicant, staff)

    services.disburse(
        project=project,
        tranche=first,
        amount=Decimal("20"),
        paid_on=dt.date(2026, 4, 1),
        voucher_no="PZ-001",
        by=staff,
    )
    with pytest.raises(ValidationError, match="验收通过后拨付"):
        services.disburse(
            project=project,
            tranche=final,
            amount=Decimal("20"),
            paid_on=dt.date(2026, 4, 1),
            voucher_no="PZ-002",
            by=staff,
        )
    services.record_midterm(project=project, conclusion="进度正常", by=staff)
    services.apply_for_acceptance(project=project, summary="已完成全部指标", by=applicant)
    with pytest.raises(ValidationError, match="须先登记财务审计"):
        services.decide_acceptance(project=project, result="passed", comment="", by=staff)
    services.record_audit(
        project=project,
        firm="瑞安某会计师事务所",
        audited_expenditure=Decimal("95"),
        findings="支出合规",
        audited_on=dt.date(2027, 11, 1),
        by=staff,
    )
    project = services.decide_acceptance(project=project, result="passed", comment="", by=staff)
    assert (project.stage, project.status) == (Stage.ACCEPTED, "accepted")
    services.disburse(
        project=project,
        tranche=final,
        amount=Decimal("20"),
        paid_on=dt.date(2027, 12, 1),
        voucher_no="PZ-002",
        by=staff,
    )
    project.refresh_from_db()
    assert project.disbursed == Decimal("40") and project.remaining_grant == 0
    actions = list(project.events.values_list("action", flat=True))
    assert actions == [
        "提交申报",
        "形式审查通过",
        "进入专家评审",
        "列入拟立项名单",
        "拟立项公示",
        "立项",
        "生成任务书（待承担单位填写）",
        "承担单位提交任务书（第 1 版）",
        "签订任务书（第 1 版）",
        "拨付第1期资金",
        "中期检查",
        "申请验收",
        "财务审计",
        "验收通过",
        "拨付第2期资金",
    ]
    assert all(e.by_id for e in project.events.all())


def test_application_refusals(call, applicant, other_enterprise, make_user, file_app):
    with pytest.raises(ValidationError, match="超过本通知单个项目上限 60"):
        file_app(requested="61")
    call.max_request = None
    call.save()
    with pytest.raises(ValidationError, match="超过本通知资金总额 100"):
        file_app(requested="101")
    with pytest.raises(ValidationError, match="不能为负数"):
        services.file_application(
            call=call,
            enterprise=applicant.enterprise,
            name="x",
            summary="",
            budget=services.Budget(Decimal("10"), Decimal("-5"), Decimal("15")),
            by=applicant,
        )
    with pytest.raises(ValidationError, match="总预算应等于"):
        services.file_application(
            call=call,
            enterprise=applicant.enterprise,
            name="x",
            summary="",
            budget=services.Budget(Decimal("10"), Decimal("5"), Decimal("15")),
            by=applicant,
        )
    file_app()
    with pytest.raises(ValidationError, match="每家企业限报 1 项，贵单位已申报 1 项"):
        file_app(name="第二个项目")
    other = make_user("enterprise", username="other", enterprise=other_enterprise)
    close_call(call)
    with pytest.raises(ValidationError, match="已于 .* 截止受理"):
        file_app(enterprise=other_enterprise, user=other)
    assert Project.objects.count() == 1


def test_required_attachments(call, applicant, file_app, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    call.required_attachments = "营业执照\n可行性报告"
    call.save()
    with pytest.raises(ValidationError, match="缺少必备附件：营业执照、可行性报告"):
        file_app()
    assert not Project.objects.exists()
    pdf = PDF_BYTES
    with pytest.raises(ValidationError):
        services.file_application(
            call=call,
            enterprise=applicant.enterprise,
            name="项目",
            summary="",
            budget=budget(),
            documents={
                "营业执照": SimpleUploadedFile("执照.pdf", pdf),
                "可行性报告": SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf"),
            },
            by=applicant,
        )
    assert not Project.objects.exists()
    project = services.file_application(
        call=call,
        enterprise=applicant.enterprise,
        name="项目",
        summary="",
        budget=budget(),
        documents={
            "营业执照": SimpleUploadedFile("执照.pdf", pdf),
            "可行性报告": SimpleUploadedFile("../../报告.pdf", pdf),
        },
        by=applicant,
    )
    names = sorted(project.documents.values_list("original_name", flat=True))
    assert names == ["执照.pdf", "报告.pdf"]
    assert all("报告" not in d.file.name for d in project.documents.all())


def test_formal_review_return_and_resubmit(call, staff, applicant, file_app):
    project = file_app()
    with pytest.raises(ValidationError, match="退回修改时请写明"):
        services.formal_review(project=project, passed=False, comment=" ", by=staff)
    services.formal_review(project=project, passed=False, comment="补充可行性报告", by=staff)
    project.refresh_from_db()
    assert project.stage == Stage.RETURNED
    services.resubmit(project=project, by=applicant, budget=budget("30", "70"))
    project.refresh_from_db()
    assert project.stage == Stage.SUBMITTED and project.requested == Decimal("30")


def test_ranking_by_mean_score_within_budget_cap(
    call, staff, reviewers, make_user, file_app, to_review, other_enterprise, enterprise
):
    from enterprises.models import Enterprise
    from kejiju.codes import make_credit_code

    third = Enterprise.objects.create(
        credit_code=make_credit_code(9003), name="瑞安第三家公司", town=enterprise.town
    )
    low = file_app(name="低分项目", requested="50")
    high = file_app(
        name="高分项目",
        requested="60",
        enterprise=other_enterprise,
        user=make_user("enterprise", username="o", enterprise=other_enterprise),
    )
    mid = file_app(
        name="中分项目",
        requested="30",
        enterprise=third,
        user=make_user("enterprise", username="t", enterprise=third),
    )
    for project, totals in ((low, (60, 70)), (high, (90, 94)), (mid, (80, 80))):
        to_review(project)
        project.refresh_from_db()
        score(project, totals, reviewers)
    rows = services.ranking(call)
    assert [r.project.name for r in rows] == ["高分项目", "中分项目", "低分项目"]
    assert [r.mean for r in rows] == [Decimal("92.00"), Decimal("80.00"), Decimal("65.00")]
    assert [r.within_cap for r in rows] == [True, True, False]  # 60 + 30 ≤ 100 < 140
    with pytest.raises(ValidationError, match="专家评审结束后"):
        services.propose(call=call, projects=[high], by=staff)
    close_call(call)
    services.close_review(call=call, by=staff)
    with pytest.raises(ValidationError, match="超过本通知资金总额"):
        services.propose(call=call, projects=[high, low], by=staff)
    services.propose(call=call, projects=[high, mid], by=staff)
    low.refresh_from_db()
    assert (low.stage, low.status) == (Stage.NOT_APPROVED, "rejected")


def test_notice_period_and_objections(call, staff, reviewers, file_app, to_review):
    project = through_notice(file_app(), call, staff, reviewers, to_review)
    call.refresh_from_db()
    with pytest.raises(ValidationError, match="公示期满后才能立项"):
        services.approve(
            project=project,
            number="N1",
            grant=Decimal("40"),
            funding_mode="upfront",
            by=staff,
            today=call.notice_ends_on,  # the notice's last day: still running
        )
    objection = services.record_objection(project=project, text="预算偏高", by=staff)
    with pytest.raises(ValidationError, match="异议尚未答复"):
        approve(project, staff)
    services.answer_objection(objection=objection, answer="经核实预算合理", by=staff)
    project = approve(project, staff, mode=FundingMode.UPFRONT)
    assert project.stage == Stage.EXECUTING
    assert project.tranches.get().due == TrancheDue.APPROVAL


def test_money_limits(call, staff, reviewers, file_app, to_review):
    project = through_notice(file_app(), call, staff, reviewers, to_review)
    with pytest.raises(ValidationError, match="尚未立项，不能拨付"):
        services.disburse(
            project=project,
            tranche=None,
            amount=Decimal("1"),
            paid_on=dt.date(2026, 4, 1),
            voucher_no="V0",
            by=staff,
        )
    with pytest.raises(ValidationError, match="尚未立项，不能申请验收"):
        services.apply_for_acceptance(project=project, summary="完成", by=staff)
    with pytest.raises(ValidationError, match="资助金额不能超过申请资助"):
        approve(project, staff, grant="41")
    with pytest.raises(ValidationError, match="拨付计划合计 30"):
        approve(
            project,
            staff,
            tranches=[
                services.PlannedTranche(Decimal("10"), "approval"),
                services.PlannedTranche(Decimal("20"), "acceptance"),
            ],
        )
    project = approve(project, staff, mode=FundingMode.UPFRONT)
    tranche = project.tranches.get()
    with pytest.raises(ValidationError, match="任务书尚未签订"):
        services.disburse(
            project=project,
            tranche=tranche,
            amount=Decimal("1"),
            paid_on=dt.date(2026, 4, 1),
            voucher_no="V1",
            by=staff,
        )
    sign_task_book(project, project.applicant, staff)
    with pytest.raises(ValidationError, match="本次最多拨付 40"):
        services.disburse(
            project=project,
            tranche=tranche,
            amount=Decimal("40.01"),
            paid_on=dt.date(2026, 4, 1),
            voucher_no="V1",
            by=staff,
        )
    with pytest.raises(ValidationError, match="应大于 0"):
        services.disburse(
            project=project,
            tranche=tranche,
            amount=Decimal("-1"),
            paid_on=dt.date(2026, 4, 1),
            voucher_no="V1",
            by=staff,
        )
    services.disburse(
        project=project,
        tranche=tranche,
        amount=Decimal("40"),
        paid_on=dt.date(2026, 4, 1),
        voucher_no="V1",
        by=staff,
    )
    assert Disbursement.objects.count() == 1
    # The database holds the total too, whatever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(disbursed=Decimal("40.01"))


def test_post_subsidy_only_after_acceptance_and_one_extension(
    call, staff, applicant, reviewers, file_app, to_review
):
    project = through_notice(file_app(requested="20"), call, staff, reviewers, to_review)
    project = approve(project, staff, mode=FundingMode.POST_SUBSIDY, grant="20")
    tranche = project.tranches.get()
    with pytest.raises(ValidationError, match="验收通过后拨付"):
        services.disburse(
            project=project,
            tranche=tranche,
            amount=Decimal("20"),
            paid_on=dt.date(2026, 4, 1),
            voucher_no="V1",
            by=staff,
        )
    limit = END.replace(year=END.year + 1)
    with pytest.raises(ValidationError, match=f"最迟可延至 {limit}"):
        services.change_project(
            project=project,
            kind="extension",
            new_end=limit + dt.timedelta(days=1),
            reason="设备延迟",
            by=staff,
        )
    services.change_project(
        project=project, kind="extension", new_end=limit, reason="设备延迟", by=staff
    )
    with pytest.raises(ValidationError, match="不能再次变更或延期"):
        services.change_project(
            project=project, kind="change", new_end=limit, reason="再改", by=staff
        )
    services.apply_for_acceptance(project=project, summary="完成", by=applicant)
    # 20 万元 is below the default threshold of 50: no audit needed.
    project = services.decide_acceptance(project=project, result="passed", comment="", by=staff)
    with pytest.raises(ValidationError, match="任务书尚未签订"):
        services.disburse(
            project=project,
            tranche=tranche,
            amount=Decimal("20"),
            paid_on=dt.date(2028, 7, 1),
            voucher_no="V1",
            by=staff,
        )
    sign_task_book(project, applicant, staff)
    services.disburse(
        project=project,
        tranche=tranche,
        amount=Decimal("20"),
        paid_on=dt.date(2028, 7, 1),
        voucher_no="V1",
        by=staff,
    )


def test_termination_from_execution(call, staff, reviewers, file_app, to_review):
    project = through_notice(file_app(), call, staff, reviewers, to_review)
    with pytest.raises(ValidationError, match="不能终止"):
        services.end_project(project=project, revoke=False, reason="企业注销", by=staff)
    project = approve(project, staff)
    project = services.end_project(project=project, revoke=True, reason="弄虚作假", by=staff)
    assert (project.stage, project.status) == (Stage.REVOKED, "terminated")
    # Approval stays counted in the year it happened.
    assert Project.objects.approved_in(APPROVAL_DAY.year).filter(pk=project.pk).exists()


def test_acceptance_report_is_stored_like_any_upload(
    call, staff, applicant, reviewers, file_app, to_review, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    project = approve(through_notice(file_app(), call, staff, reviewers, to_review), staff)
    pdf = PDF_BYTES
    with pytest.raises(ValidationError):
        services.apply_for_acceptance(
            project=project,
            summary="完成",
            report=SimpleUploadedFile("验收.pdf", b"MZ\x90\x00 not a pdf"),
            by=applicant,
        )
    services.apply_for_acceptance(
        project=project,
        summary="完成",
        report=SimpleUploadedFile("../验收报告.pdf", pdf),
        by=applicant,
    )
    document = project.documents.get(kind="验收报告")
    assert (document.original_name, document.size) == ("验收报告.pdf", len(pdf))
    assert "验收" not in document.file.name


def test_review_closes_only_when_every_application_has_a_score(
    call, staff, reviewers, make_user, file_app, to_review, other_enterprise
):
    scored = file_app(name="已评分项目")
    unscored = file_app(
        name="未评分项目",
        enterprise=other_enterprise,
        user=make_user("enterprise", username="o", enterprise=other_enterprise),
    )
    for project in (scored, unscored):
        to_review(project)
        project.refresh_from_db()
    score(scored, (80,), reviewers)
    close_call(call)
    with pytest.raises(ValidationError) as refused:
        services.close_review(call=call, by=staff)
    assert refused.value.messages == ["以下申报还没有专家提交评分：未评分项目"]
    score(unscored, (70,), reviewers)
    assert services.close_review(call=call, by=staff).review_closed
