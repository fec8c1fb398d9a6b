"""The 任务书 after approval, its 考核指标 at acceptance, and the on-site inspection.

Every step is one function in one transaction, refuses with a Chinese message keyed by the field
that is wrong, and records who/when as a ProjectEvent (the project's timeline)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kejiju import uploads
from kejiju.permissions import BUREAU

from .choices import Stage
from .models import Project, ProjectChange, ProjectEvent
from .task_book_models import (
    INDICATOR_UNITS,
    OPEN_STATUSES,
    PATENT_COUNTED,
    AcceptancePatent,
    BudgetSubject,
    IndicatorKind,
    InspectionConclusion,
    InspectionOccasion,
    InspectionPhoto,
    ProjectInspection,
    TaskBook,
    TaskBookBudgetLine,
    TaskBookIndicator,
    TaskBookMilestone,
    TaskBookStatus,
)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
# Stages in which the 任务书 can be opened, filled and signed.
TASK_BOOK_STAGES = (Stage.EXECUTING, Stage.ACCEPTANCE_APPLIED, Stage.FAILED)
# Stages in which the patents counted at acceptance still follow the register.
OPEN_STAGES = (Stage.EXECUTING, Stage.FAILED, Stage.ACCEPTANCE_APPLIED)
# The stages of each inspection occasion.
INSPECTION_STAGES = {
    InspectionOccasion.SHORTLIST: (Stage.EXPERT_REVIEW, Stage.PROPOSED, Stage.NOTICE),
    InspectionOccasion.MIDTERM: (Stage.EXECUTING,),
    InspectionOccasion.ACCEPTANCE: (Stage.ACCEPTANCE_APPLIED,),
}


def _event(project: Project, action: str, by, note: str = "", tell: bool = True) -> ProjectEvent:
    from .services import _move

    return _move(project, None, action=action, by=by, note=note, tell=tell)


def _lock(task_book: TaskBook) -> TaskBook:
    return TaskBook.objects.select_for_update().select_related("project").get(pk=task_book.pk)


# ---- reading ------------------------------------------------------------------------------------


def signed(project: Project) -> TaskBook | None:
    return project.task_books.filter(status=TaskBookStatus.SIGNED).first()


def open_version(project: Project) -> TaskBook | None:
    return project.task_books.filter(status__in=OPEN_STATUSES).first()


def require_signed(project: Project) -> None:
    """Money follows the signed 任务书 (called by services.disburse)."""
    if not project.task_books.filter(status=TaskBookStatus.SIGNED).exists():
        raise ValidationError(
            "项目任务书尚未签订（须承担单位提交、科技局审核确认），不能拨付资金。"
        )


# ---- filling ------------------------------------------------------------------------------------


@dataclass
class Milestone:
    due_on: dt.date | None
    content: str


@dataclass
class Indicator:
    kind: str
    name: str
    unit: str
    target: Decimal | None


@dataclass
class BudgetLine:
    subject: str
    grant: Decimal = ZERO
    self_raised: Decimal = ZERO
    note: str = ""


@dataclass
class Contents:
    objectives: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    milestones: list[Milestone] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    lines: list[BudgetLine] = field(default_factory=list)


@transaction.atomic
def open_task_book(*, project: Project, by, change: ProjectChange | None = None) -> TaskBook:
    """The first version after approval, or the next one (a copy of the signed version to be
    amended) after a change; returns the open version if there is one."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage not in TASK_BOOK_STAGES or project.funding is None:
        raise ValidationError("项目立项后才能填写任务书。")
    current = open_version(project)
    if current is not None:
        return current
    base = signed(project)
    version = (
        project.task_books.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    if base is None:
        self_raised = project.self_raised or ZERO
        book = TaskBook.objects.create(
            project=project,
            version=version,
            starts_on=project.starts_on or project.approved_on,
            ends_on=project.ends_on or project.approved_on,
            grant=project.funding,
            self_raised=self_raised,
            budget_total=project.funding + self_raised,
            objectives=project.summary,
        )
        # told with the approval's own mail
        _event(project, "生成任务书（待承担单位填写）", by, tell_note(book), tell=False)
        return book
    book = TaskBook.objects.create(
        project=project,
        version=version,
        objectives=base.objectives,
        starts_on=base.starts_on,
        ends_on=project.ends_on or base.ends_on,
        grant=base.grant,
        self_raised=base.self_raised,
        budget_total=base.budget_total,
        lines_grant=base.lines_grant,
        lines_self=base.lines_self,
        change=change,
    )
    TaskBookMilestone.objects.bulk_create(
        TaskBookMilestone(task_book=book, position=m.position, due_on=m.due_on, content=m.content)
        for m in base.milestones.all()
    )
    TaskBookIndicator.objects.bulk_create(
        TaskBookIndicator(
            task_book=book,
            position=i.position,
            kind=i.kind,
            name=i.name,
            unit=i.unit,
            target=i.target,
        )
        for i in base.indicators.all()
    )
    TaskBookBudgetLine.objects.bulk_create(
        TaskBookBudgetLine(
            task_book=book, subject=line.subject, grant=line.grant,
            self_raised=line.self_raised, note=line.note,
        )
        for line in base.budget_lines.all()
    )  # fmt: skip
    _event(project, f"任务书第 {version} 版（因项目变更）待承担单位修改", by, tell_note(book))
    return book


def tell_note(book: TaskBook) -> str:
    return (
        f"财政资助 {book.grant} 万元，自筹 {book.self_raised} 万元，总预算 {book.budget_total} 万元"
    )


def check_contents(book: TaskBook, contents: Contents, *, complete: bool) -> None:
    """Field-keyed errors of a 任务书's contents; ``complete`` also asks for everything a
    submission needs."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if complete and not contents.objectives.strip():
        add("objectives", "请填写项目目标与主要内容。")
    if not contents.starts_on:
        add("starts_on", "请填写实施开始日期。")
    if not contents.ends_on:
        add("ends_on", "请填写实施结束日期。")
    if contents.starts_on and contents.ends_on and contents.ends_on < contents.starts_on:
        add("ends_on", "实施结束日期不能早于开始日期。")
    for n, m in enumerate(contents.milestones, 1):
        if not m.content.strip() or not m.due_on:
            add("milestones", f"第 {n} 个进度节点须填写完成时间和节点目标。")
        elif (
            contents.starts_on
            and contents.ends_on
            and not (contents.starts_on <= m.due_on <= contents.ends_on)
        ):
            add("milestones", f"第 {n} 个进度节点的完成时间 {m.due_on} 不在实施期内。")
    if complete and not contents.milestones:
        add("milestones", "请至少填写一个进度节点。")
    for n, i in enumerate(contents.indicators, 1):
        label = i.name.strip() or (
            IndicatorKind(i.kind).label if i.kind in IndicatorKind.values else ""
        )
        if i.kind not in IndicatorKind.values:
            add("indicators", f"第 {n} 项考核指标请选择指标类型。")
        elif i.kind == IndicatorKind.OTHER and not i.name.strip():
            add("indicators", f"第 {n} 项考核指标为自定指标，请填写指标名称。")
        if not i.unit.strip():
            add("indicators", f"第 {n} 项考核指标「{label}」缺少单位。")
        if i.target is None or i.target <= 0:
            add("indicators", f"第 {n} 项考核指标「{label}」缺少目标值（应大于 0）。")
    if complete and not contents.indicators:
        add("indicators", "请至少填写一项考核指标。")
    seen = set()
    for line in contents.lines:
        if line.subject not in BudgetSubject.values:
            add("budget", "预算科目无效。")
            continue
        if line.subject in seen:
            add("budget", f"预算科目「{BudgetSubject(line.subject).label}」重复。")
        seen.add(line.subject)
        if line.grant is None or line.self_raised is None or line.grant < 0 or line.self_raised < 0:
            add("budget", f"预算科目「{BudgetSubject(line.subject).label}」的金额不能为空或负数。")
    if "budget" not in errors and complete:
        grant = sum((line.grant for line in contents.lines), ZERO)
        own = sum((line.self_raised for line in contents.lines), ZERO)
        if grant != book.grant:
            add(
                "budget",
                f"预算明细的财政资助合计 {grant:.2f} 万元，应等于批准的资助金额 {book.grant} 万元。",
            )
        if own != book.self_raised:
            add(
                "budget",
                f"预算明细的自筹合计 {own:.2f} 万元，应等于自筹资金 {book.self_raised} 万元"
                f"（总预算 {book.budget_total} 万元）。",
            )
    if errors:
        raise ValidationError(errors)


def _expect_editable(book: TaskBook) -> None:
    if not book.editable:
        raise ValidationError(f"任务书当前状态为「{book.get_status_display()}」，不能修改。")


@transaction.atomic
def save_task_book(
    *, task_book: TaskBook, contents: Contents, by, submit: bool = False
) -> TaskBook:
    """The enterprise saves its draft (checked as far as it goes) or submits it (checked whole:
    the budget lines must add up to the approved grant and self-raised amounts)."""
    book = _lock(task_book)
    _expect_editable(book)
    check_contents(book, contents, complete=submit)
    book.objectives = contents.objectives.strip()
    book.starts_on, book.ends_on = contents.starts_on, contents.ends_on
    book.milestones.all().delete()
    book.indicators.all().delete()
    book.budget_lines.all().delete()
    TaskBookMilestone.objects.bulk_create(
        TaskBookMilestone(task_book=book, position=n, due_on=m.due_on, content=m.content.strip())
        for n, m in enumerate(sorted(contents.milestones, key=lambda m: m.due_on), 1)
    )
    TaskBookIndicator.objects.bulk_create(
        TaskBookIndicator(
            task_book=book,
            position=n,
            kind=i.kind,
            name=i.name.strip() or IndicatorKind(i.kind).label,
            unit=i.unit.strip(),
            target=i.target,
        )
        for n, i in enumerate(contents.indicators, 1)
    )
    TaskBookBudgetLine.objects.bulk_create(
        TaskBookBudgetLine(
            task_book=book,
            subject=line.subject,
            grant=line.grant,
            self_raised=line.self_raised,
            note=line.note.strip(),
        )
        for line in contents.lines
        if line.grant or line.self_raised
    )
    book.lines_grant = sum((line.grant for line in contents.lines), ZERO)
    book.lines_self = sum((line.self_raised for line in contents.lines), ZERO)
    fields = ["objectives", "starts_on", "ends_on", "lines_grant", "lines_self"]
    if submit:
        book.status = TaskBookStatus.SUBMITTED
        book.submitted_by = by
        book.submitted_at = timezone.now()
        fields += ["status", "submitted_by", "submitted_at"]
    book._change_reason = "提交任务书" if submit else "保存任务书草稿"
    book.save(update_fields=fields)
    if submit:
        _event(book.project, f"承担单位提交任务书（第 {book.version} 版）", by)
    return book


@transaction.atomic
def return_task_book(*, task_book: TaskBook, comment: str, by) -> TaskBook:
    book = _lock(task_book)
    if book.status != TaskBookStatus.SUBMITTED:
        raise ValidationError("只有已提交的任务书可以退回。")
    if not comment.strip():
        raise ValidationError({"comment": "退回任务书时请写明需要修改的内容。"})
    book.status = TaskBookStatus.RETURNED
    book.review_comment = comment.strip()
    book.submitted_by, book.submitted_at = None, None
    book._change_reason = "退回任务书"
    book.save(update_fields=["status", "review_comment", "submitted_by", "submitted_at"])
    _event(book.project, f"任务书（第 {book.version} 版）退回修改", by, comment.strip())
    return book


def render_task_book_pdf(book: TaskBook) -> bytes:
    from kejiju.pdf import render_pdf

    return render_pdf(
        "projects/task_book_pdf.html",
        {
            "book": book,
            "project": book.project,
            "milestones": book.milestones.all(),
            "indicators": book.indicators.all(),
            "lines": book.budget_lines.all(),
        },
    )


@transaction.atomic
def sign_task_book(*, task_book: TaskBook, by, comment: str = "") -> TaskBook:
    """Staff approve the submitted 任务书: the signed PDF (both confirmations in it) is
    generated and kept with its SHA-256; a former signed version is superseded."""
    book = _lock(task_book)
    if book.status != TaskBookStatus.SUBMITTED or not book.submitted_by_id:
        raise ValidationError("承担单位提交任务书后，科技局才能审核签订。")
    book.signed_by = by
    book.signed_at = timezone.now()
    book.review_comment = comment.strip()
    # The totals are checked again here: the database holds them too (task_book_lines_match_totals).
    if book.lines_grant != book.grant or book.lines_self != book.self_raised:
        raise ValidationError(
            {"budget": "预算明细合计与批准的资助金额或自筹金额不符，请退回修改。"}
        )
    pdf = render_task_book_pdf(book)
    book.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    book.pdf.save(
        f"{book.project_id}-v{book.version}-{book.pdf_sha256[:12]}.pdf",
        ContentFile(pdf),
        save=False,
    )
    TaskBook.objects.filter(project_id=book.project_id, status=TaskBookStatus.SIGNED).update(
        status=TaskBookStatus.SUPERSEDED
    )
    book.status = TaskBookStatus.SIGNED
    book._change_reason = "签订任务书"
    book.save(
        update_fields=["status", "signed_by", "signed_at", "review_comment", "pdf", "pdf_sha256"]
    )
    project = book.project
    if project.ends_on != book.ends_on or project.starts_on != book.starts_on:
        project.starts_on, project.ends_on = book.starts_on, book.ends_on
        project._change_reason = "任务书签订"
        project.save(update_fields=["starts_on", "ends_on"])
    _event(
        project,
        f"签订任务书（第 {book.version} 版）",
        by,
        f"PDF SHA-256 {book.pdf_sha256}",
    )
    return book


def on_change(change: ProjectChange, by) -> TaskBook | None:
    """The change step of services.change_project: a project with a signed 任务书 gets its next
    version to amend (indicators, budget, schedule) and sign again."""
    if signed(change.project) is None:
        return None
    return open_task_book(project=change.project, by=by, change=change)


# ---- acceptance ---------------------------------------------------------------------------------


def patent_window(project: Project) -> tuple[dt.date, dt.date]:
    """From the project's start to its acceptance application (today until it applies)."""
    book = signed(project)
    start = (book.starts_on if book else None) or project.starts_on or project.approved_on
    applied = (
        project.events.filter(action="申请验收")
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    end = timezone.localdate(applied) if applied else timezone.localdate()
    return start, end


def matching_patents(project: Project, indicator: TaskBookIndicator):
    from patents.models import Patent

    kind, by_grant = PATENT_COUNTED[indicator.kind]
    start, end = patent_window(project)
    patents = Patent.objects.filter(enterprise_id=project.enterprise_id, kind=kind)
    if by_grant:
        return patents.filter(granted_on__gte=start, granted_on__lte=end)
    return patents.filter(filed_on__gte=start, filed_on__lte=end)


@transaction.atomic
def sync_patents(project: Project) -> None:
    """Lists the register's patents of the window under each patent indicator; rows staff
    unticked stay as they are, counted rows now outside the window go."""
    book = signed(project)
    if book is None or not project.enterprise_id:
        return
    for indicator in book.indicators.filter(kind__in=list(PATENT_COUNTED)):
        wanted = set(matching_patents(project, indicator).values_list("pk", flat=True))
        have = set(indicator.patents.values_list("patent_id", flat=True))
        AcceptancePatent.objects.bulk_create(
            AcceptancePatent(indicator=indicator, patent_id=pk) for pk in wanted - have
        )
        indicator.patents.filter(counted=True).exclude(patent_id__in=wanted).delete()


@transaction.atomic
def set_patent_counted(
    *, row: AcceptancePatent, counted: bool, reason: str, by
) -> AcceptancePatent:
    row = (
        AcceptancePatent.objects.select_for_update()
        .select_related("indicator__task_book__project", "patent")
        .get(pk=row.pk)
    )
    project = row.indicator.task_book.project
    if project.stage != Stage.ACCEPTANCE_APPLIED:
        raise ValidationError("项目申请验收后、作出验收结论前才能调整计入的专利。")
    if not counted and not reason.strip():
        raise ValidationError({"reason": "取消计入时请写明理由（如属于其他项目）。"})
    row.counted = counted
    row.unticked_by = None if counted else by
    row.reason = "" if counted else reason.strip()
    row.save(update_fields=["counted", "unticked_by", "reason"])
    word = "恢复计入" if counted else "取消计入"
    _event(
        project,
        f"考核指标{word}专利 {row.patent.application_number}",
        by,
        row.reason,
    )
    return row


@transaction.atomic
def record_actual(
    *, indicator: TaskBookIndicator, actual: Decimal | None, note: str, evidence, by
) -> TaskBookIndicator:
    """The enterprise enters an indicator's actual value with its evidence."""
    from .services import attach

    indicator = (
        TaskBookIndicator.objects.select_for_update()
        .select_related("task_book__project")
        .get(pk=indicator.pk)
    )
    project = indicator.task_book.project
    if indicator.task_book.status != TaskBookStatus.SIGNED:
        raise ValidationError("只能填报已签订任务书的考核指标。")
    if project.stage not in (Stage.EXECUTING, Stage.FAILED, Stage.ACCEPTANCE_APPLIED):
        raise ValidationError("项目执行期间或申请验收后、验收结论前才能填报考核指标完成情况。")
    if indicator.counted_from_patents:
        raise ValidationError("专利类指标按专利登记自动统计，无需填报。")
    errors = {}
    if actual is None or actual < 0:
        errors["actual"] = "请填写实际完成值（不能为负数）。"
    if not evidence and not indicator.evidence_id:
        errors["evidence"] = "请上传佐证材料。"
    if errors:
        raise ValidationError(errors)
    if evidence:
        indicator.evidence = attach(
            project=project,
            kind=f"考核指标佐证：{indicator.name}",
            upload=evidence,
            by=by,
            log=False,
        )
    indicator.actual = actual
    indicator.actual_note = note.strip()
    indicator.save(update_fields=["actual", "actual_note", "evidence"])
    _event(
        project,
        f"填报考核指标完成情况：{indicator.name}",
        by,
        f"目标 {indicator.target} {indicator.unit}，实际 {actual} {indicator.unit}",
    )
    return indicator


@dataclass
class Result:
    indicator: TaskBookIndicator
    actual: Decimal | None
    rate: Decimal | None
    patents: list


def rate_of(actual: Decimal | None, target: Decimal) -> Decimal | None:
    if actual is None:
        return None
    return (actual / target * HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)


def results(project: Project, book: TaskBook | None = None) -> tuple[list[Result], Decimal | None]:
    """Target beside actual for every indicator of the signed 任务书, and the overall rate: the
    mean of the indicators' rates, each counted at most 100 %."""
    book = book or signed(project)
    if book is None:
        return [], None
    rows = []
    for indicator in book.indicators.prefetch_related("patents__patent"):
        if indicator.counted_from_patents:
            listed = list(indicator.patents.all())
            actual = Decimal(sum(1 for p in listed if p.counted))
        else:
            listed, actual = [], indicator.actual
        rows.append(Result(indicator, actual, rate_of(actual, indicator.target), listed))
    rates = [min(r.rate, HUNDRED) for r in rows if r.rate is not None]
    if not rows or len(rates) < len(rows):
        return rows, None
    overall = (sum(rates, ZERO) / len(rates)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return rows, overall


def record_completion(project: Project) -> str:
    """At the acceptance decision: stores each indicator's actual and rate and the overall rate
    on the signed 任务书; returns the sentence for the decision's record. Refuses while an
    indicator the enterprise must enter is missing."""
    book = signed(project)
    if book is None:
        return ""
    sync_patents(project)
    rows, overall = results(project, book)
    missing = [r.indicator.name for r in rows if r.actual is None]
    if missing:
        raise ValidationError(
            "以下考核指标承担单位尚未填报实际完成值，不能作出验收结论：" + "、".join(missing)
        )
    for r in rows:
        r.indicator.actual = r.actual
        r.indicator.completion = r.rate
        r.indicator.save(update_fields=["actual", "completion"])
    book.completion_rate = overall
    book.save(update_fields=["completion_rate"])
    parts = "；".join(
        f"{r.indicator.name} {r.actual}/{r.indicator.target} {r.indicator.unit}（{r.rate}%）"
        for r in rows
    )
    return f"考核指标完成情况：{parts}。总体完成率 {overall}%。"


def performance_by_category(year: int) -> list[dict]:
    """绩效 of the projects accepted in ``year``, per plan category: projects with indicators
    checked, their mean overall completion rate, and patents counted."""
    from django.db.models import Avg, Count

    rows = (
        TaskBook.objects.filter(
            status=TaskBookStatus.SIGNED,
            completion_rate__isnull=False,
            project__accepted_on__year=year,
        )
        .values("project__category__name")
        .annotate(
            projects=Count("project", distinct=True),
            mean_rate=Avg("completion_rate"),
            patents=Count("indicators__patents", filter=Q(indicators__patents__counted=True)),
        )
        .order_by("project__category__name")
    )
    return [
        {
            "category": r["project__category__name"],
            "projects": r["projects"],
            "mean_rate": Decimal(r["mean_rate"]).quantize(Decimal("0.1")),
            "patents": r["patents"],
        }
        for r in rows
    ]


# ---- on-site inspection -------------------------------------------------------------------------


def integrity_create_url(project: Project) -> str:
    """Where staff open an integrity record after a 不属实 conclusion: the 科研诚信 ledger's form,
    with the project's enterprise filled in."""
    from django.urls import reverse

    url = reverse("screening:integrity_add")
    if project.enterprise_id:
        url += f"?enterprise={project.enterprise_id}"
    return url


@transaction.atomic
def record_inspection(
    *,
    project: Project,
    occasion: str,
    inspected_on: dt.date | None,
    staff: Iterable,
    experts: Iterable,
    checked: str,
    findings: str,
    conclusion: str,
    photos: Iterable = (),
    by,
) -> ProjectInspection:
    project = Project.objects.select_for_update().get(pk=project.pk)
    staff, experts, photos = list(staff), list(experts), [p for p in photos if p]
    errors: dict[str, str] = {}
    if occasion not in InspectionOccasion.values:
        errors["occasion"] = "请选择考察阶段。"
    elif project.stage not in INSPECTION_STAGES[occasion]:
        allowed = "、".join(str(Stage(s).label) for s in INSPECTION_STAGES[occasion])
        errors["occasion"] = (
            f"项目当前环节为「{project.get_stage_display() or '无'}」，"
            f"「{InspectionOccasion(occasion).label}」考察须在{allowed}环节。"
        )
    elif (
        occasion == InspectionOccasion.SHORTLIST
        and project.stage == Stage.EXPERT_REVIEW
        and not (project.call and project.call.review_closed)
    ):
        errors["occasion"] = "专家评审结束、确定入围后才能进行立项前实地考察。"
    if not inspected_on:
        errors["inspected_on"] = "请填写考察日期。"
    elif inspected_on > timezone.localdate():
        errors["inspected_on"] = "考察日期不能晚于今天。"
    if not staff:
        errors["staff"] = "请至少选择一名科技局考察人员。"
    elif any(not u.has_role(*BUREAU) for u in staff):
        errors["staff"] = "考察人员须为科技局工作人员。"
    if experts:
        drawn = (
            set(project.draw.members.values_list("expert_id", flat=True))
            if project.draw_id
            else set()
        )
        if any(e.pk not in drawn for e in experts):
            errors["experts"] = "考察专家须为本项目抽取的评审专家。"
    if not checked.strip():
        errors["checked"] = "请填写核查内容。"
    if not findings.strip():
        errors["findings"] = "请填写考察发现。"
    if conclusion not in InspectionConclusion.values:
        errors["conclusion"] = "请选择考察结论。"
    inspected = []
    for photo in photos:
        try:
            inspected.append(
                getattr(photo, "inspected", None)
                or uploads.inspect(photo, kinds=(uploads.JPEG, uploads.PNG))
            )
        except ValidationError as exc:
            errors["photos"] = f"照片「{photo.name}」：" + "".join(exc.messages)
            break
    if any(i.kind not in (uploads.JPEG, uploads.PNG) for i in inspected):
        errors["photos"] = "现场照片只接受 JPEG 或 PNG 图片。"
    if errors:
        raise ValidationError(errors)
    inspection = ProjectInspection.objects.create(
        project=project,
        occasion=occasion,
        inspected_on=inspected_on,
        checked=checked.strip(),
        findings=findings.strip(),
        conclusion=conclusion,
        recorded_by=by,
    )
    inspection.staff.set(staff)
    inspection.experts.set(experts)
    for photo, info in zip(photos, inspected, strict=True):
        record = InspectionPhoto(
            inspection=inspection,
            original_name=uploads.clean_display_name(photo.name, info),
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
        photo.seek(0)
        record.file.save(uploads.storage_name("inspections", info), photo, save=False)
        record.save()
    names = "、".join([u.get_full_name() or u.username for u in staff] + [e.name for e in experts])
    _event(
        project,
        f"实地考察（{InspectionOccasion(occasion).label}）：{InspectionConclusion(conclusion).label}",
        by,
        f"{inspected_on}，考察人员 {names}",
    )
    return inspection


__all__ = [
    "INDICATOR_UNITS",
    "BudgetLine",
    "Contents",
    "Indicator",
    "Milestone",
]
