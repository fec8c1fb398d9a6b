"""Demo county examples of the 任务书: a signed 任务书 with indicators on an executing project
(its first tranche paid, one mid-term inspection), and an accepted project whose patents were
counted from the register. Recorded through the services like real ones; loading twice adds
nothing."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

EXECUTING_NAME = "智能注塑机伺服节能控制系统研发"
ACCEPTED_NAME = "新能源汽车电机壳体精密压铸工艺研发"


def _pdf(name: str) -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _photo(name: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (222, 230, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 120, 580, 340), fill=(90, 110, 130))
    draw.rectangle((120, 60, 260, 120), fill=(150, 160, 170))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _past_call(year: int):
    from kejiju.models import PlanCategory

    from .models import Call

    title = f"关于组织申报{year}年度瑞安市一般工业科技项目的通知"
    opens = timezone.make_aware(datetime.combine(date(year, 3, 1), time(8, 30)))
    call, _ = Call.objects.get_or_create(
        title=title,
        defaults={
            "category": PlanCategory.objects.get(code="industrial"),
            "year": year,
            "text": "各镇街、有关企业：现组织申报本年度一般工业科技项目，请在线申报。",
            "opens_at": opens,
            "closes_at": timezone.make_aware(datetime.combine(date(year, 4, 15), time(17, 0))),
            "budget_cap": Decimal("300"),
            "max_request": Decimal("30"),
            "review_closed_at": timezone.make_aware(datetime.combine(date(year, 5, 20), time(9))),
            "notice_starts_on": date(year, 6, 1),
            "notice_ends_on": date(year, 6, 7),
            "results_published_at": timezone.make_aware(
                datetime.combine(date(year, 6, 20), time(9))
            ),
        },
    )
    return call


def _approved_project(*, call, number, name, enterprise, owner, staff, grant, own, starts, ends):
    """A project approved on the call (the steps before approval are the call's history)."""
    from .choices import FundingMode, Stage, TrancheDue
    from .models import Project, ProjectEvent, Tranche
    from .task_books import open_task_book

    project = Project.objects.create(
        number=number,
        name=name,
        category=call.category,
        undertaker=enterprise.name,
        enterprise=enterprise,
        town=enterprise.town,
        applied_on=date(call.year, 4, 1),
        status="approved",
        stage=Stage.EXECUTING,
        approved_on=date(call.year, 6, 20),
        funding=grant,
        funding_mode=FundingMode.TRANCHES,
        call=call,
        summary=f"{name}：攻克关键工艺，形成量产能力。",
        budget_total=grant + own,
        self_raised=own,
        requested=grant,
        applicant=owner,
        starts_on=starts,
        ends_on=ends,
    )
    half = (grant / 2).quantize(Decimal("0.01"))
    Tranche.objects.create(project=project, position=1, amount=half, due=TrancheDue.APPROVAL)
    Tranche.objects.create(
        project=project, position=2, amount=grant - half, due=TrancheDue.ACCEPTANCE
    )
    ProjectEvent.objects.create(
        project=project,
        action="立项",
        stage_from=Stage.NOTICE,
        stage_to=Stage.EXECUTING,
        note=f"项目编号 {number}，资助 {grant} 万元，分期拨付",
        by=staff,
    )
    open_task_book(project=project, by=staff)
    return project


def _sign(project, owner, staff, indicators, lines, milestones):
    from . import task_books

    book = task_books.open_version(project)
    task_books.save_task_book(
        task_book=book,
        contents=task_books.Contents(
            objectives=project.summary,
            starts_on=project.starts_on,
            ends_on=project.ends_on,
            milestones=milestones,
            indicators=indicators,
            lines=lines,
        ),
        by=owner,
        submit=True,
    )
    return task_books.sign_task_book(task_book=book, by=staff, comment="同意签订")


def _patent_number(year: int, type_digit: str, serial: int) -> str:
    from patents import numbers

    body = f"{year}{type_digit}{serial:07d}"
    return f"{body}.{numbers.check_character(body)}"


def load_examples(today: date | None = None) -> None:
    from enterprises.demo import demo_enterprise
    from kejiju.choices import Role, Section
    from kejiju.models import User
    from patents.models import Patent

    from . import services, task_books
    from .models import Project
    from .task_books import BudgetLine, Indicator, Milestone

    today = today or timezone.localdate()
    staff = (
        User.objects.filter(role=Role.STAFF, section=Section.HIGH_TECH, is_active=True)
        .order_by("pk")
        .first()
    )
    enterprise = demo_enterprise()
    owner = User.objects.filter(role=Role.ENTERPRISE, enterprise=enterprise).order_by("pk").first()
    if staff is None or owner is None:
        return
    year = today.year

    # 1. Executing: the signed 任务书, the first tranche paid, a mid-term inspection.
    if not Project.objects.filter(name=EXECUTING_NAME).exists():
        call = _past_call(year - 1)
        project = _approved_project(
            call=call,
            number=f"GY{year - 1}-D01",
            name=EXECUTING_NAME,
            enterprise=enterprise,
            owner=owner,
            staff=staff,
            grant=Decimal("30"),
            own=Decimal("70"),
            starts=date(year - 1, 7, 1),
            ends=date(year + 1, 6, 30),
        )
        _sign(
            project,
            owner,
            staff,
            indicators=[
                Indicator("invention_filed", "", "件", Decimal("3")),
                Indicator("utility_granted", "", "件", Decimal("2")),
                Indicator("new_product", "伺服节能控制器新产品", "个", Decimal("1")),
                Indicator("new_sales", "", "万元", Decimal("1200")),
                Indicator("rd_input", "", "万元", Decimal("100")),
                Indicator("talent", "引进培养研发人员", "人", Decimal("4")),
            ],
            lines=[
                BudgetLine("equipment", Decimal("12"), Decimal("30"), "伺服测试台 1 套"),
                BudgetLine("material", Decimal("8"), Decimal("15"), "样机元器件"),
                BudgetLine("testing", Decimal("4"), Decimal("5"), "第三方能效检测"),
                BudgetLine("travel", Decimal("1"), Decimal("2")),
                BudgetLine("publication", Decimal("2"), Decimal("1"), "专利申请费用"),
                BudgetLine("labor", Decimal("0"), Decimal("15")),
                BudgetLine("consulting", Decimal("3"), Decimal("2")),
            ],
            milestones=[
                Milestone(date(year - 1, 12, 31), "完成控制算法设计与仿真"),
                Milestone(date(year, 9, 30), "完成样机试制，能效检测达标"),
                Milestone(date(year + 1, 6, 30), "小批量生产，实现销售"),
            ],
        )
        services.disburse(
            project=project,
            tranche=project.tranches.get(position=1),
            amount=project.tranches.get(position=1).amount,
            paid_on=today,
            voucher_no=f"RA-{year}-D01",
            by=staff,
        )
        task_books.record_inspection(
            project=project,
            occasion="midterm",
            inspected_on=today,
            staff=[staff],
            experts=[],
            checked="对照任务书核查样机研制进度、伺服测试台购置与专项资金使用台账",
            findings="样机已完成装配，测试台已到货安装；资金专账核算，与任务书预算一致",
            conclusion="true",
            photos=[_photo("样机车间.jpg")],
            by=staff,
        )

    # 2. Accepted: patents counted from the register at acceptance.
    if not Project.objects.filter(name=ACCEPTED_NAME).exists():
        call = _past_call(year - 2)
        starts = date(year - 2, 7, 1)
        project = _approved_project(
            call=call,
            number=f"GY{year - 2}-D02",
            name=ACCEPTED_NAME,
            enterprise=enterprise,
            owner=owner,
            staff=staff,
            grant=Decimal("20"),
            own=Decimal("60"),
            starts=starts,
            ends=date(year - 1, 12, 31),
        )
        _sign(
            project,
            owner,
            staff,
            indicators=[
                Indicator("invention_filed", "", "件", Decimal("2")),
                Indicator("utility_granted", "", "件", Decimal("2")),
                Indicator("new_sales", "", "万元", Decimal("500")),
            ],
            lines=[
                BudgetLine("equipment", Decimal("10"), Decimal("40")),
                BudgetLine("material", Decimal("6"), Decimal("15")),
                BudgetLine("testing", Decimal("4"), Decimal("5")),
            ],
            milestones=[
                Milestone(date(year - 1, 6, 30), "完成压铸模具与工艺试验"),
                Milestone(date(year - 1, 12, 31), "批量生产，通过客户认证"),
            ],
        )
        for serial, (kind, digit, filed, granted) in enumerate(
            [
                ("invention", "1", date(year - 2, 11, 3), None),
                ("invention", "1", date(year - 1, 4, 18), None),
                ("utility", "2", date(year - 2, 9, 12), date(year - 1, 3, 8)),
                ("utility", "2", date(year - 1, 2, 20), date(year - 1, 8, 15)),
            ],
            9_600_001,
        ):
            number = _patent_number(filed.year, digit, serial)
            Patent.objects.get_or_create(
                application_number=number,
                defaults={
                    "kind": kind,
                    "title": f"一种电机壳体压铸{'方法' if kind == 'invention' else '模具'}（{serial - 9_600_000}）",
                    "applicants": enterprise.name,
                    "applicant_credit_code": enterprise.credit_code,
                    "enterprise": enterprise,
                    "filed_on": filed,
                    "granted_on": granted,
                    "legal_status": "granted" if granted else "pending",
                },
            )
        sales = task_books.signed(project).indicators.get(kind="new_sales")
        task_books.record_actual(
            indicator=sales,
            actual=Decimal("560"),
            note="经审计的新增销售收入",
            evidence=_pdf("新增销售收入审计报告.pdf"),
            by=owner,
        )
        services.apply_for_acceptance(
            project=project, summary="完成全部研发任务，产品已批量供货。", by=owner
        )
        task_books.sync_patents(project)
        services.decide_acceptance(
            project=project, result="passed", comment="同意通过验收", by=staff
        )
