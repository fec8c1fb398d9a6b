"""The 任务书 after approval (filled by the enterprise, returned or signed by staff, the signed
PDF's SHA-256 kept, versions after a change), no disbursement before signature, and the
考核指标 at acceptance with patents counted from the register (imported by import_sheet)."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from enterprises.tests.factories import PDF_BYTES
from kejiju.choices import Role
from patents.tests.factories import app_number, patent_row, write_xlsx
from projects import services, task_books
from projects.choices import FundingMode, Stage
from projects.models import (
    AcceptancePatent,
    Disbursement,
    ProjectEvent,
    TaskBook,
    TaskBookBudgetLine,
    TaskBookIndicator,
)
from projects.task_book_models import TaskBookStatus
from projects.task_books import BudgetLine, Contents, Indicator, Milestone

from .conftest import through_notice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
APPROVAL_DAY = TODAY + dt.timedelta(days=15)


@pytest.fixture
def executing(call, staff, reviewers, file_app, to_review):
    """An approved project (grant 40 of a 100 budget: 60 self-raised) with its draft 任务书."""
    project = through_notice(file_app(), call, staff, reviewers, to_review)
    return services.approve(
        project=project,
        number="GY2026-101",
        grant=Decimal("40"),
        funding_mode=FundingMode.TRANCHES,
        by=staff,
        today=APPROVAL_DAY,
        ends_on=TODAY + dt.timedelta(days=400),
    )


def contents(grant=("30", "10"), own=("50", "10"), indicators=None, milestones=None):
    start = TODAY - dt.timedelta(days=30)
    return Contents(
        objectives="研制新一代高效电机控制器，形成量产能力。",
        starts_on=start,
        ends_on=TODAY + dt.timedelta(days=400),
        milestones=milestones
        if milestones is not None
        else [
            Milestone(TODAY + dt.timedelta(days=180), "完成样机"),
            Milestone(TODAY + dt.timedelta(days=390), "小批量试产"),
        ],
        indicators=indicators
        if indicators is not None
        else [
            Indicator("invention_filed", "", "件", Decimal("2")),
            Indicator("new_sales", "", "万元", Decimal("500")),
        ],
        lines=[
            BudgetLine("equipment", Decimal(grant[0]), Decimal(own[0])),
            BudgetLine("material", Decimal(grant[1]), Decimal(own[1])),
        ],
    )


def sign(project, applicant, staff, **kw):
    book = task_books.open_version(project)
    task_books.save_task_book(task_book=book, contents=contents(**kw), by=applicant, submit=True)
    return task_books.sign_task_book(task_book=book, by=staff)


def test_task_book_is_opened_at_approval_with_the_approved_totals(executing):
    book = executing.task_books.get()
    assert book.status == TaskBookStatus.DRAFT and book.version == 1
    assert (book.grant, book.self_raised, book.budget_total) == (
        Decimal("40"),
        Decimal("60"),
        Decimal("100"),
    )
    assert executing.events.filter(action__startswith="生成任务书").exists()


def test_task_book_budget_lines_not_adding_up_are_refused_and_nothing_written(executing, applicant):
    book = executing.task_books.get()
    with pytest.raises(ValidationError) as exc:
        task_books.save_task_book(
            task_book=book, contents=contents(grant=("30", "5")), by=applicant, submit=True
        )
    assert "财政资助合计 35" in " ".join(exc.value.message_dict["budget"])
    book.refresh_from_db()
    assert book.status == TaskBookStatus.DRAFT
    assert not TaskBookBudgetLine.objects.filter(task_book=book).exists()
    with pytest.raises(ValidationError) as exc:
        task_books.save_task_book(
            task_book=book, contents=contents(own=("50", "5")), by=applicant, submit=True
        )
    assert "自筹合计 55" in " ".join(exc.value.message_dict["budget"])


@pytest.mark.parametrize(
    "indicator, message",
    [
        (Indicator("new_product", "", "", Decimal("1")), "缺少单位"),
        (Indicator("new_product", "", "个", None), "缺少目标值"),
        (Indicator("new_product", "", "个", Decimal("0")), "缺少目标值"),
        (Indicator("other", "", "项", Decimal("1")), "自定指标"),
    ],
)
def test_task_book_indicator_without_unit_or_target_is_refused(
    executing, applicant, indicator, message
):
    book = executing.task_books.get()
    with pytest.raises(ValidationError) as exc:
        task_books.save_task_book(
            task_book=book, contents=contents(indicators=[indicator]), by=applicant
        )
    assert message in " ".join(exc.value.message_dict["indicators"])
    assert not TaskBookIndicator.objects.filter(task_book=book).exists()


def test_task_book_database_holds_totals_lines_and_indicators(executing, applicant, staff):
    book = executing.task_books.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskBook.objects.filter(pk=book.pk).update(budget_total=Decimal("99"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskBook.objects.filter(pk=book.pk).update(
            status=TaskBookStatus.SUBMITTED, lines_grant=Decimal("39")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskBookIndicator.objects.create(
            task_book=book, position=9, kind="standard", name="标准", unit="", target=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskBookIndicator.objects.create(
            task_book=book, position=9, kind="standard", name="标准", unit="项", target=0
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        # signed without the enterprise's confirmation and the PDF's hash
        TaskBook.objects.filter(pk=book.pk).update(
            status=TaskBookStatus.SIGNED, lines_grant=40, lines_self=60
        )


def test_task_book_returned_with_comment_then_signed_records_both_sides_and_the_pdf_hash(
    executing, applicant, staff
):
    book = executing.task_books.get()
    task_books.save_task_book(task_book=book, contents=contents(), by=applicant, submit=True)
    with pytest.raises(ValidationError) as exc:
        task_books.return_task_book(task_book=book, comment=" ", by=staff)
    assert "comment" in exc.value.message_dict
    task_books.return_task_book(task_book=book, comment="请细化进度节点", by=staff)
    book.refresh_from_db()
    assert book.status == TaskBookStatus.RETURNED and book.submitted_by is None
    with pytest.raises(ValidationError):
        task_books.sign_task_book(task_book=book, by=staff)
    task_books.save_task_book(task_book=book, contents=contents(), by=applicant, submit=True)
    book = task_books.sign_task_book(task_book=book, by=staff)
    book.refresh_from_db()
    assert book.status == TaskBookStatus.SIGNED
    assert book.submitted_by == applicant and book.submitted_at
    assert book.signed_by == staff and book.signed_at
    with book.pdf.open("rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == book.pdf_sha256
    assert executing.events.filter(action="签订任务书（第 1 版）", note__contains=book.pdf_sha256)
    assert book.history.count() >= 3


def test_task_book_no_disbursement_before_signature(executing, applicant, staff):
    tranche = executing.tranches.first()

    def pay(voucher):
        return services.disburse(
            project=executing,
            tranche=tranche,
            amount=Decimal("10"),
            paid_on=TODAY,
            voucher_no=voucher,
            by=staff,
        )

    with pytest.raises(ValidationError, match="任务书尚未签订"):
        pay("RA-1")
    assert not Disbursement.objects.exists()
    executing.refresh_from_db()
    assert executing.disbursed == 0
    sign(executing, applicant, staff)
    pay("RA-2")
    executing.refresh_from_db()
    assert executing.disbursed == Decimal("10")


def test_task_book_change_versions_it_and_signing_supersedes(executing, applicant, staff):
    first = sign(executing, applicant, staff)
    services.change_project(
        project=executing,
        kind="change",
        new_end=executing.ends_on + dt.timedelta(days=60),
        reason="调整考核指标：新增一项标准",
        by=staff,
    )
    second = task_books.open_version(executing)
    assert second.version == 2 and second.change is not None
    assert second.indicators.count() == 2 and second.budget_lines.count() == 2
    # money still follows the signed first version while the second is amended
    assert task_books.signed(executing) == first
    amended = contents(
        indicators=[
            Indicator("invention_filed", "", "件", Decimal("2")),
            Indicator("standard", "", "项", Decimal("1")),
        ]
    )
    amended.ends_on = executing.ends_on
    task_books.save_task_book(task_book=second, contents=amended, by=applicant, submit=True)
    task_books.sign_task_book(task_book=second, by=staff)
    first.refresh_from_db()
    assert first.status == TaskBookStatus.SUPERSEDED
    assert task_books.signed(executing).version == 2
    assert list(task_books.signed(executing).indicators.values_list("kind", flat=True)) == [
        "invention_filed",
        "standard",
    ]


def import_patents(tmp_path, rows):
    path = write_xlsx(tmp_path / "patents.xlsx", rows)
    out = io.StringIO()
    call_command("import_sheet", "patents", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_task_book_patents_counted_at_acceptance_from_imported_register(
    executing, applicant, staff, tmp_path, make_user
):
    """Inventions filed between the start and the acceptance application count; earlier ones,
    another enterprise's and utility models do not; staff untick one; the decision records
    each indicator's and the overall completion rate."""
    sign(executing, applicant, staff)
    code = applicant.enterprise.credit_code
    start = TODAY - dt.timedelta(days=30)
    inside = [
        patent_row(
            1,
            申请人=applicant.enterprise.name,
            申请人统一社会信用代码=code,
            申请日=str(start + dt.timedelta(days=3)),
        ),
        patent_row(
            2, 申请人=applicant.enterprise.name, 申请人统一社会信用代码=code, 申请日=str(TODAY)
        ),
        patent_row(
            3,
            申请人=applicant.enterprise.name,
            申请人统一社会信用代码=code,
            申请日=str(TODAY - dt.timedelta(days=1)),
        ),
    ]
    outside = [
        patent_row(
            4,
            申请人=applicant.enterprise.name,
            申请人统一社会信用代码=code,
            申请日=str(start - dt.timedelta(days=1)),
        ),
        patent_row(5, 申请人="别家科技有限公司", 申请日=str(TODAY)),
        {
            **patent_row(
                6, 申请人=applicant.enterprise.name, 申请人统一社会信用代码=code, 申请日=str(TODAY)
            ),
            "申请号": app_number(6, type_digit="2"),
        },
    ]
    import_patents(tmp_path, inside + outside)
    sales = task_books.signed(executing).indicators.get(kind="new_sales")
    # the enterprise enters the other indicator with its evidence; without evidence: refused
    with pytest.raises(ValidationError) as exc:
        task_books.record_actual(
            indicator=sales, actual=Decimal("400"), note="", evidence=None, by=applicant
        )
    assert "evidence" in exc.value.message_dict
    task_books.record_actual(
        indicator=sales,
        actual=Decimal("400"),
        note="见审计报告",
        evidence=SimpleUploadedFile("销售收入.pdf", PDF_BYTES, content_type="application/pdf"),
        by=applicant,
    )
    services.apply_for_acceptance(project=executing, summary="已完成全部任务", by=applicant)
    task_books.sync_patents(executing)
    rows = {r.indicator.kind: r for r in task_books.results(executing)[0]}
    counted = sorted(p.patent.application_number for p in rows["invention_filed"].patents)
    assert counted == sorted(app_number(i) for i in (1, 2, 3))
    assert rows["invention_filed"].actual == 3
    row = AcceptancePatent.objects.get(patent__application_number=app_number(3))
    with pytest.raises(ValidationError):
        task_books.set_patent_counted(row=row, counted=False, reason="", by=staff)
    task_books.set_patent_counted(row=row, counted=False, reason="属于另一项目", by=staff)
    task_books.sync_patents(executing)  # an unticked patent stays unticked
    services.decide_acceptance(project=executing, result="passed", comment="", by=staff)
    book = task_books.signed(executing)
    filed = book.indicators.get(kind="invention_filed")
    assert (filed.actual, filed.completion) == (Decimal("2"), Decimal("100.00"))
    sales.refresh_from_db()
    assert sales.completion == Decimal("80.00")
    assert book.completion_rate == Decimal("90.00")
    decision = executing.events.get(action="验收通过")
    assert "总体完成率 90.00%" in decision.note
    # the 绩效 figures of the annual summary's projects section
    from projects.indicators import INDICATORS

    declared = {i.key: i for i in INDICATORS()}
    assert declared["projects.industrial.completion"].compute(TODAY.year) == Decimal("90")
    assert declared["projects.industrial.patents_counted"].compute(TODAY.year) == 2
    figures = task_books.performance_by_category(TODAY.year)
    assert figures[0]["projects"] == 1 and figures[0]["patents"] == 2


def test_task_book_acceptance_decision_waits_for_every_actual(executing, applicant, staff):
    sign(executing, applicant, staff)
    services.apply_for_acceptance(project=executing, summary="完成", by=applicant)
    with pytest.raises(ValidationError, match="新增销售收入"):
        services.decide_acceptance(project=executing, result="passed", comment="", by=staff)
    executing.refresh_from_db()
    assert executing.stage == Stage.ACCEPTANCE_APPLIED and not executing.acceptance_result


# ---- through the pages ----------------------------------------------------------------------


def form_data(book, **overrides):
    data = {
        "tb-objectives": "研制新一代高效电机控制器。",
        "tb-starts_on": str(TODAY - dt.timedelta(days=30)),
        "tb-ends_on": str(TODAY + dt.timedelta(days=400)),
        "ms-TOTAL_FORMS": "2",
        "ms-INITIAL_FORMS": "0",
        "ms-0-due_on": str(TODAY + dt.timedelta(days=100)),
        "ms-0-content": "完成样机",
        "ms-1-due_on": "",
        "ms-1-content": "",
        "ind-TOTAL_FORMS": "2",
        "ind-INITIAL_FORMS": "0",
        "ind-0-kind": "invention_filed",
        "ind-0-name": "",
        "ind-0-unit": "件",
        "ind-0-target": "2",
        "ind-1-kind": "",
        "ind-1-name": "",
        "ind-1-unit": "",
        "ind-1-target": "",
        "bg-grant_equipment": "40",
        "bg-self_equipment": "50",
        "bg-self_labor": "10",
        "action": "submit",
    }
    data.update(overrides)
    return data


def test_task_book_pages_fill_submit_sign_and_refuse_at_the_field(
    client, executing, applicant, staff, make_user, other_enterprise
):
    url = reverse("projects:task_book", args=[executing.pk])
    book = executing.task_books.get()
    client.force_login(applicant)
    # a budget that does not add up: the message at the budget table, nothing written
    response = client.post(url, form_data(book, **{"bg-self_labor": "5"}))
    assert response.status_code == 200
    assert "自筹合计 55.00 万元，应等于自筹资金 60.00 万元" in response.content.decode()
    book.refresh_from_db()
    assert book.status == TaskBookStatus.DRAFT and not book.indicators.exists()
    # an indicator without unit or target: the message at its cells
    response = client.post(url, form_data(book, **{"ind-0-unit": "", "ind-0-target": ""}))
    page = response.content.decode()
    assert "请填写单位（如 件、万元）。" in page and "请填写目标值。" in page
    assert not book.indicators.exists()
    response = client.post(url, form_data(book))
    assert response.status_code == 302
    book.refresh_from_db()
    assert book.status == TaskBookStatus.SUBMITTED and book.indicators.count() == 1
    # a foreign enterprise: 404, nothing written
    foreign = make_user(Role.ENTERPRISE, username="waijia", enterprise=other_enterprise)
    client.force_login(foreign)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "sign"}).status_code == 404
    # staff sign; the PDF downloads for the owner
    client.force_login(staff)
    assert client.post(url, {"action": "sign", "rv-comment": "同意"}).status_code == 302
    book.refresh_from_db()
    assert book.status == TaskBookStatus.SIGNED
    client.force_login(applicant)
    pdf = client.get(reverse("projects:task_book_pdf", args=[executing.pk, 1]))
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == book.pdf_sha256


def test_task_book_disbursement_form_refused_before_signature(client, executing, staff):
    client.force_login(staff)
    tranche = executing.tranches.first()
    response = client.post(
        reverse("projects:detail", args=[executing.pk]),
        {
            "action": "disburse",
            "disburse-tranche": tranche.pk,
            "disburse-amount": "10",
            "disburse-paid_on": str(TODAY),
            "disburse-voucher_no": "RA-77",
        },
    )
    assert response.status_code == 200
    assert "任务书尚未签订" in response.content.decode()
    assert not Disbursement.objects.exists()
    assert not ProjectEvent.objects.filter(action__startswith="拨付").exists()


def test_task_book_indicators_page_evidence_untick_and_foreign_404(
    client, executing, applicant, staff, users, make_user, other_enterprise, tmp_path
):
    sign(executing, applicant, staff)
    code = applicant.enterprise.credit_code
    import_patents(
        tmp_path,
        [
            patent_row(
                7, 申请人=applicant.enterprise.name, 申请人统一社会信用代码=code, 申请日=str(TODAY)
            )
        ],
    )
    url = reverse("projects:indicators", args=[executing.pk])
    sales = task_books.signed(executing).indicators.get(kind="new_sales")
    client.force_login(applicant)
    page = client.get(url).content.decode()
    assert app_number(7) in page and "目标 <strong>500</strong> 万元" in page
    response = client.post(
        url, {"action": "actual", "indicator": sales.pk, f"a{sales.pk}-actual": "300"}
    )
    assert "请上传佐证材料。" in response.content.decode()
    sales.refresh_from_db()
    assert sales.actual is None
    not_pdf = SimpleUploadedFile(
        "证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        url,
        {
            "action": "actual",
            "indicator": sales.pk,
            f"a{sales.pk}-actual": "300",
            f"a{sales.pk}-evidence": not_pdf,
        },
    )
    assert "文件内容不是允许的类型" in response.content.decode()
    evidence = SimpleUploadedFile("证明.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        url,
        {
            "action": "actual",
            "indicator": sales.pk,
            f"a{sales.pk}-actual": "300",
            f"a{sales.pk}-evidence": evidence,
        },
    )
    assert response.status_code == 302
    sales.refresh_from_db()
    assert sales.actual == Decimal("300") and sales.evidence.kind.startswith("考核指标佐证")
    services.apply_for_acceptance(project=executing, summary="完成", by=applicant)
    client.get(url)
    row = AcceptancePatent.objects.get()
    client.force_login(users[Role.LEADER])
    assert client.post(url, {"action": "untick", "row": row.pk}).status_code == 403
    client.force_login(staff)
    response = client.post(url, {"action": "untick", "row": row.pk}, follow=True)
    assert "取消计入时请写明理由" in response.content.decode()
    row.refresh_from_db()
    assert row.counted
    client.post(url, {"action": "untick", "row": row.pk, f"p{row.pk}-reason": "属于另一项目"})
    row.refresh_from_db()
    assert not row.counted and row.unticked_by == staff
    client.force_login(make_user(Role.ENTERPRISE, username="waijia2", enterprise=other_enterprise))
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "actual", "indicator": sales.pk}).status_code == 404


def test_task_book_opened_on_demand_for_a_project_approved_without_one(
    client, executing, applicant, staff
):
    TaskBook.objects.filter(project=executing).delete()
    url = reverse("projects:task_book", args=[executing.pk])
    client.force_login(applicant)
    assert 'data-testid="open-task-book"' in client.get(url).content.decode()
    assert client.post(url, {"action": "open"}).status_code == 302
    assert executing.task_books.get().status == TaskBookStatus.DRAFT
