"""The project lifecycle of DOMAIN.md §7: every step is one function here. Each runs in one
transaction, refuses a step that does not fit the project's stage with a Chinese message, keeps
the reporting status and dates the indicators read in step, records who/when/why as a
ProjectEvent and tells the enterprise by e-mail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from experts import services as expert_services
from experts.choices import DrawPurpose
from experts.models import Review
from kejiju import uploads
from kejiju.workdays import add_working_days
from projects.screening import services as screening

from . import task_books
from .choices import (
    STAGE_STATUS,
    AcceptanceResult,
    ChangeKind,
    FundingMode,
    Stage,
    TrancheDue,
)
from .models import (
    ApplicationDraft,
    Call,
    Disbursement,
    DraftDocument,
    FinancialAudit,
    Objection,
    Project,
    ProjectChange,
    ProjectDocument,
    ProjectEvent,
    Tranche,
)

ZERO = Decimal("0")
EXECUTION = (Stage.EXECUTING, Stage.FAILED)
BEFORE_APPROVAL = (
    "",
    Stage.SUBMITTED,
    Stage.RETURNED,
    Stage.FORMAL_PASSED,
    Stage.EXPERT_REVIEW,
    Stage.PROPOSED,
    Stage.NOTICE,
    Stage.NOT_APPROVED,
)
REVIEW_STEP = "项目评审"


def audit_threshold() -> Decimal:
    return Decimal(str(settings.PROJECT_AUDIT_THRESHOLD))


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _expect(project: Project, *stages: str, action: str) -> None:
    if project.stage not in stages:
        allowed = "、".join(str(Stage(s).label) for s in stages)
        raise ValidationError(
            f"项目当前环节为「{project.get_stage_display() or '无'}」，不能{action}（须在{allowed}环节）。"
        )


PROJECT_STEP = "projects.project_step"


def notify(project: Project, subject: str, body: str) -> None:
    """Tells the undertaking enterprise's users through the notification centre, with a mail
    at once."""
    from django.urls import reverse

    from kejiju.models import User
    from kejiju.notifications.services import notify as notify_users

    if not project.enterprise_id:
        return
    notify_users(
        User.objects.filter(enterprise_id=project.enterprise_id, is_active=True),
        kind=PROJECT_STEP,
        text=f"项目「{project.name}」：{subject}",
        link=reverse("projects:detail", args=[project.pk]),
        about=project,
        mail_subject=f"科技项目{subject}",
        mail_body=body,
    )


def _move(
    project: Project,
    to: str | None,
    *,
    action: str,
    by,
    note: str = "",
    tell: bool = True,
    fields: Iterable[str] = (),
) -> ProjectEvent:
    """Records one step; with ``to`` the project's stage (and reporting status) changes."""
    before = project.stage
    changed = set(fields)
    if to is not None:
        project.stage = to
        project.status = STAGE_STATUS[to]
        changed |= {"stage", "status"}
    if changed:
        project._change_reason = action
        project.save(update_fields=sorted(changed))
    event = ProjectEvent.objects.create(
        project=project,
        action=action,
        stage_from=before,
        stage_to=project.stage,
        note=note,
        by=by,
    )
    if tell:
        lines = [f"您单位的项目「{project.name}」（{project.number}）：{action}。"]
        if note:
            lines.append(f"说明：{note}")
        lines.append("详情请登录科技局门户查看项目进度。")
        notify(project, action, "\n".join(lines))
    return event


def attach(*, project: Project, kind: str, upload, by, log: bool = True) -> ProjectDocument:
    """Stores an uploaded file (checked by content, see kejiju.uploads) under a server-chosen name."""
    inspected = getattr(upload, "inspected", None) or uploads.inspect(upload)
    document = ProjectDocument(
        project=project,
        kind=kind,
        original_name=uploads.clean_display_name(upload.name, inspected),
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=by,
    )
    upload.seek(0)
    document.file.save(uploads.storage_name("projects", inspected), upload, save=False)
    document.save()
    if log:
        _move(project, None, action=f"上传材料：{kind}", by=by, tell=False)
    return document


# ---- application ---------------------------------------------------------------------------


@dataclass
class Budget:
    total: Decimal | None
    self_raised: Decimal | None
    requested: Decimal | None


def budget_problems(call: Call, budget: Budget) -> dict[str, list[str]]:
    """Every rule the budget breaks, by field (``total``, ``self_raised``, ``requested``). A value
    that is None (not given or not a number) is left to the form's own message."""
    errors: dict[str, list[str]] = {}
    for name, label in (
        ("total", "总预算"),
        ("self_raised", "自筹资金"),
        ("requested", "申请资助"),
    ):
        value = getattr(budget, name)
        if value is not None and value < 0:
            errors[name] = [f"{label}不能为负数。"]
    if errors:
        return errors
    total, raised, requested = budget.total, budget.self_raised, budget.requested
    if None not in (total, raised, requested) and raised + requested != total:
        errors["total"] = [
            f"总预算应等于自筹资金与申请资助之和（{raised} + {requested} "
            f"= {raised + requested} 万元）。"
        ]
    if requested is None:
        pass
    elif requested <= 0:
        errors["requested"] = ["申请资助金额应大于 0。"]
    elif call.max_request is not None and requested > call.max_request:
        errors["requested"] = [
            f"申请资助 {requested} 万元超过本通知单个项目上限 {call.max_request} 万元。"
        ]
    elif requested > call.budget_cap:
        errors["requested"] = [
            f"申请资助 {requested} 万元超过本通知资金总额 {call.budget_cap} 万元。"
        ]
    return errors


def check_budget(call: Call, budget: Budget) -> None:
    missing = {
        name: [f"请填写{label}。"]
        for name, label in (
            ("total", "总预算"),
            ("self_raised", "自筹资金"),
            ("requested", "申请资助"),
        )
        if getattr(budget, name) is None
    }
    errors = missing or budget_problems(call, budget)
    if errors:
        raise ValidationError(errors)


def call_problems(call: Call, enterprise, now: dt.datetime | None = None) -> list[str]:
    """What keeps the enterprise from filing under the call at all: the dates, its quota."""
    now = now or timezone.now()
    if now < call.opens_at:
        return [
            f"「{call.title}」尚未开始受理，受理时间自 "
            f"{timezone.localtime(call.opens_at):%Y-%m-%d %H:%M} 起。"
        ]
    if now >= call.closes_at:
        return [
            f"「{call.title}」已于 {timezone.localtime(call.closes_at):%Y-%m-%d %H:%M} "
            "截止受理，不能再申报。"
        ]
    filed = call.projects.filter(enterprise=enterprise).exclude(stage=Stage.NOT_APPROVED).count()
    if filed >= call.max_per_enterprise:
        return [f"本通知每家企业限报 {call.max_per_enterprise} 项，贵单位已申报 {filed} 项。"]
    return []


def document_key(kind: str) -> str:
    """The key under which application_problems reports a missing attachment of ``kind``."""
    return f"document:{kind}"


def application_problems(
    *,
    call: Call,
    enterprise,
    name: str | None,
    budget: Budget,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    document_kinds: Iterable[str],
) -> dict[str, list[str]]:
    """Every reason the application cannot be filed, all at once, by field: ``__all__`` for the
    call's dates and quota, ``name``, ``total``/``self_raised``/``requested`` for the budget and
    the call's caps, ``ends_on`` for the dates, ``document:<kind>`` for a missing attachment.
    None for a value means the form already refused it: nothing more is said about it here."""
    problems: dict[str, list[str]] = {}
    if messages := call_problems(call, enterprise):
        problems[NON_FIELD_ERRORS] = messages
    if name is not None and not name.strip():
        problems["name"] = ["请填写项目名称。"]
    problems.update(budget_problems(call, budget))
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = ["计划完成日期不能早于开始日期。"]
    have = set(document_kinds)
    for kind in call.required_attachment_list():
        if kind not in have:
            problems[document_key(kind)] = [f"请上传「{kind}」。"]
    return problems


def provisional_number(call: Call) -> str:
    """The application number until approval assigns the project number."""
    prefix = f"SB{call.year}-{call.pk:03d}-"
    count = Project.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


def _refuse(problems: dict[str, list[str]]) -> None:
    """Raises the problems, the missing attachments gathered under ``documents``."""
    missing = [k.split(":", 1)[1] for k in problems if k.startswith("document:")]
    errors = {k: v for k, v in problems.items() if not k.startswith("document:")}
    if missing:
        errors["documents"] = ["缺少必备附件：" + "、".join(missing)]
    raise ValidationError(errors)


def _new_project(*, call, enterprise, name, summary, budget, by, starts_on, ends_on) -> Project:
    return Project.objects.create(
        number=provisional_number(call),
        name=name.strip(),
        category=call.category,
        undertaker=enterprise.name,
        enterprise=enterprise,
        town=enterprise.town,
        applied_on=timezone.localdate(),
        status=STAGE_STATUS[Stage.SUBMITTED],
        stage=Stage.SUBMITTED,
        call=call,
        summary=summary,
        budget_total=budget.total,
        self_raised=budget.self_raised,
        requested=budget.requested,
        submitted_at=timezone.now(),
        applicant=by,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def _filed(project: Project, call: Call, by) -> None:
    ProjectEvent.objects.create(
        project=project, action="提交申报", stage_to=Stage.SUBMITTED, by=by, note=call.title
    )
    # the duplicate check and the integrity flags, for formal review
    screening.on_application_filed(project, by=by)
    notify(
        project, "申报已提交", f"您单位的项目「{project.name}」已提交，申报编号 {project.number}。"
    )


@transaction.atomic
def file_application(
    *,
    call: Call,
    enterprise,
    name: str,
    summary: str,
    budget: Budget,
    by,
    documents: dict[str, object] | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Project:
    """An enterprise files an application against an open call in one step; every problem is
    reported at once."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    documents = documents or {}
    if any(getattr(budget, f) is None for f in ("total", "self_raised", "requested")):
        check_budget(call, budget)
    # a subject under an active integrity record a blocking rule covers cannot apply
    screening.check_may_apply(enterprise=enterprise, user=by)
    problems = application_problems(
        call=call,
        enterprise=enterprise,
        name=name,
        budget=budget,
        starts_on=starts_on,
        ends_on=ends_on,
        document_kinds=[kind for kind, upload in documents.items() if upload],
    )
    if problems:
        _refuse(problems)
    project = _new_project(
        call=call,
        enterprise=enterprise,
        name=name,
        summary=summary,
        budget=budget,
        by=by,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    for kind, upload in documents.items():
        if upload:
            attach(project=project, kind=kind, upload=upload, by=by, log=False)
    _filed(project, call, by)
    return project


# ---- application drafts --------------------------------------------------------------------

DRAFT_FIELDS = (
    "name",
    "summary",
    "starts_on",
    "ends_on",
    "budget_total",
    "self_raised",
    "requested",
)
DRAFT_VALUE_LIMIT = 20_000


def _drop_documents(documents) -> None:
    """Deletes draft documents and, once the transaction commits, their files."""
    for document in list(documents):
        stored, storage = document.file.name, document.file.storage
        document.delete()
        transaction.on_commit(lambda s=storage, n=stored: s.delete(n))


def _keep_document(draft: ApplicationDraft, kind: str, upload, by) -> DraftDocument:
    inspected = getattr(upload, "inspected", None) or uploads.inspect(upload)
    document = DraftDocument(
        draft=draft,
        kind=kind,
        original_name=uploads.clean_display_name(upload.name, inspected),
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=by,
    )
    upload.seek(0)
    stored = uploads.storage_name("projects", inspected)
    document.file.save(stored, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def save_draft(
    *,
    call: Call,
    enterprise,
    by,
    data: dict,
    documents: dict[str, object] | None = None,
    remove: Iterable[str] = (),
    draft: ApplicationDraft | None = None,
) -> ApplicationDraft:
    """Keeps what the enterprise typed, valid or not, and the files it chose (checked by
    content: a file that is not allowed never reaches this function). A new file of a kind
    replaces the kept one; ``remove`` drops kept files."""
    if draft is None:
        draft = ApplicationDraft(call=call, enterprise=enterprise, created_by=by)
    else:
        draft = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.enterprise_id != enterprise.pk:
            raise ValidationError("只能修改本单位的申报草稿。")
    draft.data = {key: str(data.get(key) or "")[:DRAFT_VALUE_LIMIT] for key in DRAFT_FIELDS}
    draft.save()
    kinds = set(call.required_attachment_list())
    documents = {k: v for k, v in (documents or {}).items() if v and k in kinds}
    _drop_documents(draft.documents.filter(kind__in=set(remove) | set(documents)))
    for kind, upload in documents.items():
        _keep_document(draft, kind, upload, by)
    return draft


@transaction.atomic
def delete_draft(draft: ApplicationDraft) -> None:
    _drop_documents(draft.documents.all())
    draft.delete()


@transaction.atomic
def submit_draft(
    draft: ApplicationDraft,
    *,
    by,
    name: str,
    summary: str,
    budget: Budget,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> Project:
    """Files a draft whose fields the form has parsed: checks everything again under the
    call's lock, creates the project with the draft's files and removes the draft."""
    call = Call.objects.select_for_update().get(pk=draft.call_id)
    draft = ApplicationDraft.objects.select_for_update().filter(pk=draft.pk).first()
    if draft is None:
        raise ValidationError("该草稿已提交或已删除。")
    kept = list(draft.documents.all())
    screening.check_may_apply(enterprise=draft.enterprise, user=by)
    problems = application_problems(
        call=call,
        enterprise=draft.enterprise,
        name=name,
        budget=budget,
        starts_on=starts_on,
        ends_on=ends_on,
        document_kinds=[d.kind for d in kept],
    )
    if problems:
        raise ValidationError(problems)
    project = _new_project(
        call=call,
        enterprise=draft.enterprise,
        name=name,
        summary=summary,
        budget=budget,
        by=by,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    wanted = set(call.required_attachment_list())
    for document in kept:
        if document.kind not in wanted:
            continue
        ProjectDocument.objects.create(
            project=project,
            kind=document.kind,
            file=document.file.name,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=document.uploaded_by,
        )
    _drop_documents(draft.documents.exclude(kind__in=wanted))
    draft.documents.all().delete()  # the files now belong to the project's documents
    draft.delete()
    _filed(project, call, by)
    return project


@transaction.atomic
def resubmit(
    *, project: Project, by, summary: str | None = None, budget: Budget | None = None
) -> Project:
    """The enterprise sends a returned application back, before the call closes."""
    project = _lock(project)
    _expect(project, Stage.RETURNED, action="重新提交")
    if timezone.now() >= project.call.closes_at:
        raise ValidationError("申报已截止，退回的申报不能再提交。")
    screening.check_may_apply(enterprise=project.enterprise, user=by)
    fields = []
    if summary is not None:
        project.summary = summary
        fields.append("summary")
    if budget is not None:
        check_budget(project.call, budget)
        project.budget_total, project.self_raised, project.requested = (
            budget.total,
            budget.self_raised,
            budget.requested,
        )
        fields += ["budget_total", "self_raised", "requested"]
    _move(project, Stage.SUBMITTED, action="重新提交申报", by=by, fields=fields, tell=False)
    screening.on_application_filed(project, by=by, during="重新提交")
    return project


# ---- review ---------------------------------------------------------------------------------


@transaction.atomic
def formal_review(*, project: Project, passed: bool, comment: str, by) -> Project:
    project = _lock(project)
    _expect(project, Stage.SUBMITTED, action="进行形式审查")
    if not passed and not comment.strip():
        raise ValidationError({"comment": "退回修改时请写明需要修改的内容。"})
    # the town's recommendation first; the duplicate check and integrity flags go on the record
    screened = screening.before_formal_review(project, passed=passed)
    note = "\n".join(part for part in (comment.strip(), screened) if part)
    if passed:
        _move(project, Stage.FORMAL_PASSED, action="形式审查通过", by=by, note=note)
    else:
        _move(project, Stage.RETURNED, action="形式审查退回修改", by=by, note=note)
    return project


@transaction.atomic
def start_expert_review(
    *, project: Project, criteria: expert_services.Criteria, supervisor: str, by, seed=None
) -> Project:
    """Draws the panel for one application (experts app) and links it to the project."""
    project = _lock(project)
    _expect(project, Stage.FORMAL_PASSED, action="抽取评审专家")
    draw = expert_services.draw_experts(
        purpose=DrawPurpose.PROJECT_REVIEW,
        subject=f"{project.name}（{project.number}）",
        step=REVIEW_STEP,
        criteria=criteria,
        requested_by=by,
        supervisor=supervisor,
        applicants=[project.enterprise] if project.enterprise_id else [],
        applicant_names=[project.undertaker],
        seed=seed,
    )
    project.draw = draw
    _move(
        project,
        Stage.EXPERT_REVIEW,
        action="进入专家评审",
        by=by,
        note=f"随机抽取正选专家 {criteria.main} 人",
        fields=["draw"],
    )
    return project


@dataclass
class Ranked:
    project: Project
    mean: Decimal | None
    reviews: int
    cumulative: Decimal
    within_cap: bool
    rank: int


def ranking(call: Call) -> list[Ranked]:
    """Applications under expert review (or later) ranked by their mean expert score, each
    marked whether it fits in the call's budget cap when funded in rank order."""
    projects = list(
        call.projects.exclude(draw__isnull=True)
        .select_related("enterprise")
        .annotate(
            mean_score=Avg(
                "draw__members__review__total",
                filter=Q(draw__members__review__submitted_at__isnull=False),
            ),
            review_count=Count(
                "draw__members__review",
                filter=Q(draw__members__review__submitted_at__isnull=False),
            ),
        )
    )
    projects.sort(key=lambda p: (p.mean_score is None, -(p.mean_score or 0), p.submitted_at))
    rows, total = [], ZERO
    for position, project in enumerate(projects, 1):
        fits = project.mean_score is not None and total + project.requested <= call.budget_cap
        if fits:
            total += project.requested
        mean = (
            Decimal(project.mean_score).quantize(Decimal("0.01"))
            if project.mean_score is not None
            else None
        )
        rows.append(Ranked(project, mean, project.review_count, total, fits, position))
    return rows


@transaction.atomic
def close_review(*, call: Call, by) -> Call:
    """Ends expert review of a call: scores become visible to staff, ranking can be used."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.review_closed_at:
        raise ValidationError("本通知的专家评审已经结束。")
    if timezone.now() < call.closes_at:
        raise ValidationError("申报尚未截止，不能结束专家评审。")
    scored = Review.objects.filter(member__draw_id=OuterRef("draw_id"), submitted_at__isnull=False)
    unscored = list(
        call.projects.filter(stage=Stage.EXPERT_REVIEW)
        .exclude(Exists(scored))
        .values_list("name", flat=True)
    )
    if unscored:
        raise ValidationError("以下申报还没有专家提交评分：" + "、".join(unscored))
    call.review_closed_at = timezone.now()
    call.save(update_fields=["review_closed_at"])
    return call


@transaction.atomic
def propose(*, call: Call, projects: Iterable[Project], by, note: str = "") -> list[Project]:
    """Staff propose the list (拟立项); the rest of the call's reviewed applications are not
    approved. The proposed requests must fit the budget cap together."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not call.review_closed_at:
        raise ValidationError("专家评审结束后才能确定拟立项名单。")
    chosen = {p.pk for p in projects}
    reviewed = list(call.projects.select_for_update().filter(stage=Stage.EXPERT_REVIEW))
    if not chosen:
        raise ValidationError("请至少选择一个拟立项项目。")
    if not chosen <= {p.pk for p in reviewed}:
        raise ValidationError("只能从专家评审环节的申报中选择拟立项项目。")
    total = sum((p.requested for p in reviewed if p.pk in chosen), ZERO)
    if total > call.budget_cap:
        raise ValidationError(
            f"拟立项项目申请资助合计 {total} 万元，超过本通知资金总额 {call.budget_cap} 万元。"
        )
    proposed = []
    for project in reviewed:
        if project.pk in chosen:
            _move(project, Stage.PROPOSED, action="列入拟立项名单", by=by, note=note)
            proposed.append(project)
        else:
            _move(project, Stage.NOT_APPROVED, action="未列入拟立项名单", by=by, note=note)
    return proposed


@transaction.atomic
def start_notice(*, call: Call, by, starts_on: dt.date | None = None) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    proposed = list(call.projects.select_for_update().filter(stage=Stage.PROPOSED))
    if not proposed:
        raise ValidationError("没有拟立项项目，不能发布公示。")
    starts_on = starts_on or timezone.localdate()
    call.notice_starts_on = starts_on
    call.notice_ends_on = add_working_days(starts_on, settings.PROJECT_NOTICE_WORKING_DAYS)
    call.save(update_fields=["notice_starts_on", "notice_ends_on"])
    for project in proposed:
        _move(
            project,
            Stage.NOTICE,
            action="拟立项公示",
            by=by,
            note=f"公示期 {call.notice_starts_on} 至 {call.notice_ends_on}"
            f"（{settings.PROJECT_NOTICE_WORKING_DAYS} 个工作日）",
        )
    return call


@transaction.atomic
def record_objection(
    *, project: Project, text: str, by, raised_by: str = "", received_on: dt.date | None = None
) -> Objection:
    project = _lock(project)
    _expect(project, Stage.NOTICE, action="登记公示异议")
    if not text.strip():
        raise ValidationError({"text": "请填写异议内容。"})
    objection = Objection.objects.create(
        project=project,
        text=text.strip(),
        raised_by=raised_by.strip(),
        received_on=received_on or timezone.localdate(),
        recorded_by=by,
    )
    _move(project, None, action="收到公示异议", by=by, note=text.strip(), tell=False)
    return objection


@transaction.atomic
def answer_objection(*, objection: Objection, answer: str, by) -> Objection:
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_at:
        raise ValidationError("该异议已经答复。")
    if not answer.strip():
        raise ValidationError({"answer": "请填写答复内容。"})
    objection.answer = answer.strip()
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_at"])
    _move(objection.project, None, action="答复公示异议", by=by, note=answer.strip(), tell=False)
    return objection


# ---- approval and money ---------------------------------------------------------------------


@dataclass
class PlannedTranche:
    amount: Decimal
    due: str


def default_tranches(mode: str, grant: Decimal) -> list[PlannedTranche]:
    if mode == FundingMode.UPFRONT:
        return [PlannedTranche(grant, TrancheDue.APPROVAL)]
    if mode == FundingMode.POST_SUBSIDY:
        return [PlannedTranche(grant, TrancheDue.ACCEPTANCE)]
    first = (grant / 2).quantize(Decimal("0.01"))
    return [
        PlannedTranche(first, TrancheDue.APPROVAL),
        PlannedTranche(grant - first, TrancheDue.ACCEPTANCE),
    ]


@transaction.atomic
def approve(
    *,
    project: Project,
    number: str,
    grant: Decimal,
    funding_mode: str,
    by,
    tranches: list[PlannedTranche] | None = None,
    ends_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Project:
    """Approval after the notice: the project number, the grant and its payment schedule."""
    project = _lock(project)
    _expect(project, Stage.NOTICE, action="立项")
    today = today or timezone.localdate()
    call = project.call
    if call.notice_ends_on and today <= call.notice_ends_on:
        raise ValidationError(f"公示期至 {call.notice_ends_on} 止，公示期满后才能立项。")
    if project.objections.filter(answered_at__isnull=True).exists():
        raise ValidationError("公示异议尚未答复，不能立项。")
    number = number.strip()
    errors = {}
    if not number:
        errors["number"] = "请填写项目编号。"
    elif Project.objects.filter(number=number).exclude(pk=project.pk).exists():
        errors["number"] = f"项目编号 {number} 已被使用。"
    if grant is None or grant <= 0:
        errors["grant"] = "资助金额应大于 0。"
    elif grant > project.requested:
        errors["grant"] = f"资助金额不能超过申请资助 {project.requested} 万元。"
    if today < project.applied_on:
        errors["approved_on"] = f"立项日期不能早于申报日期 {project.applied_on}。"
    if funding_mode not in FundingMode.values:
        errors["funding_mode"] = "请选择资助方式。"
    if errors:
        raise ValidationError(errors)
    tranches = tranches or default_tranches(funding_mode, grant)
    if any(t.amount is None or t.amount <= 0 for t in tranches):
        raise ValidationError({"tranches": "每期拨付金额应大于 0。"})
    planned = sum((t.amount for t in tranches), ZERO)
    if planned != grant:
        raise ValidationError(
            {"tranches": f"拨付计划合计 {planned} 万元，应等于资助金额 {grant} 万元。"}
        )
    if funding_mode == FundingMode.POST_SUBSIDY and any(
        t.due != TrancheDue.ACCEPTANCE for t in tranches
    ):
        raise ValidationError({"tranches": "事后补助只能在验收通过后拨付。"})
    if funding_mode == FundingMode.TRANCHES and len(tranches) < 2:
        raise ValidationError({"tranches": "分期拨付至少分两期。"})
    project.number = number
    project.funding = grant
    project.funding_mode = funding_mode
    project.approved_on = today
    if ends_on:
        project.ends_on = ends_on
    bulk_create_with_history(
        [
            Tranche(project=project, position=i, amount=t.amount, due=t.due)
            for i, t in enumerate(tranches, 1)
        ],
        Tranche,
        default_user=by,
        default_change_reason="立项",
    )
    schedule = "；".join(
        f"第{i}期 {t.amount} 万元（{TrancheDue(t.due).label}）" for i, t in enumerate(tranches, 1)
    )
    _move(
        project,
        Stage.EXECUTING,
        action="立项",
        by=by,
        note=f"项目编号 {number}，资助 {grant} 万元，{FundingMode(funding_mode).label}：{schedule}",
        fields=["number", "funding", "funding_mode", "approved_on", "ends_on"],
    )
    if call and not call.results_published_at:
        Call.objects.filter(pk=call.pk).update(results_published_at=timezone.now())
    task_books.open_task_book(project=project, by=by)
    return project


@transaction.atomic
def disburse(
    *, project: Project, tranche: Tranche, amount: Decimal, paid_on: dt.date, voucher_no: str, by
) -> Disbursement:
    project = _lock(project)
    if project.funding is None or project.stage in BEFORE_APPROVAL:
        raise ValidationError("项目尚未立项，不能拨付资金。")
    if project.stage in (Stage.TERMINATED, Stage.REVOKED):
        raise ValidationError("项目已终止或撤销，不能再拨付资金。")
    if tranche.project_id != project.pk:
        raise ValidationError({"tranche": "该期次不属于本项目。"})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "拨付金额应大于 0。"})
    if not voucher_no.strip():
        raise ValidationError({"voucher_no": "请填写凭证号。"})
    if Disbursement.objects.filter(voucher_no=voucher_no.strip()).exists():
        raise ValidationError({"voucher_no": f"凭证号 {voucher_no} 已登记过。"})
    if (
        tranche.due == TrancheDue.ACCEPTANCE
        and project.acceptance_result != AcceptanceResult.PASSED
    ):
        raise ValidationError(f"第{tranche.position}期须在验收通过后拨付，本项目尚未验收通过。")
    if tranche.due == TrancheDue.MIDTERM and not project.events.filter(action="中期检查").exists():
        raise ValidationError(f"第{tranche.position}期须在中期检查后拨付。")
    task_books.require_signed(project)
    paid_on_tranche = tranche.disbursements.aggregate(s=Sum("amount"))["s"] or ZERO
    if paid_on_tranche + amount > tranche.amount:
        raise ValidationError(
            {
                "amount": f"第{tranche.position}期计划 {tranche.amount} 万元，已拨 {paid_on_tranche} 万元，"
                f"本次最多拨付 {tranche.amount - paid_on_tranche} 万元。"
            }
        )
    if project.disbursed + amount > project.funding:
        raise ValidationError(
            {
                "amount": f"拨付后将超过资助金额：剩余可拨 {project.funding - project.disbursed} 万元。"
            }
        )
    payment = Disbursement.objects.create(
        project=project,
        tranche=tranche,
        amount=amount,
        paid_on=paid_on,
        voucher_no=voucher_no.strip(),
        recorded_by=by,
    )
    project.disbursed += amount
    _move(
        project,
        None,
        action=f"拨付第{tranche.position}期资金",
        by=by,
        note=f"{amount} 万元，凭证号 {payment.voucher_no}，拨付日期 {paid_on}",
        fields=["disbursed"],
    )
    return payment


# ---- execution ------------------------------------------------------------------------------


@transaction.atomic
def record_midterm(*, project: Project, conclusion: str, by) -> ProjectEvent:
    project = _lock(project)
    _expect(project, Stage.EXECUTING, action="登记中期检查")
    if not conclusion.strip():
        raise ValidationError({"conclusion": "请填写中期检查结论。"})
    return _move(project, None, action="中期检查", by=by, note=conclusion.strip())


@transaction.atomic
def change_project(
    *, project: Project, kind: str, new_end: dt.date, reason: str, by
) -> ProjectChange:
    """The one change or extension a project may have; an extension is at most one year."""
    project = _lock(project)
    _expect(project, Stage.EXECUTING, action="变更或延期")
    if ProjectChange.objects.filter(project=project).exists():
        raise ValidationError("项目已变更或延期过一次，不能再次变更或延期。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写变更或延期理由。"})
    if not project.ends_on:
        raise ValidationError("项目没有计划完成日期，请先补录。")
    if new_end < project.ends_on:
        raise ValidationError({"new_end": "新的完成日期不能早于原完成日期。"})
    limit = expert_services.years_before(project.ends_on, -1)
    if new_end > limit:
        raise ValidationError(
            {"new_end": f"延期不超过一年：原完成日期 {project.ends_on}，最迟可延至 {limit}。"}
        )
    change = ProjectChange.objects.create(
        project=project,
        kind=kind,
        previous_end=project.ends_on,
        new_end=new_end,
        reason=reason.strip(),
        approved_by=by,
    )
    project.ends_on = new_end
    _move(
        project,
        None,
        action=f"项目{ChangeKind(kind).label}",
        by=by,
        note=f"完成日期 {change.previous_end} → {new_end}：{reason.strip()}",
        fields=["ends_on"],
    )
    task_books.on_change(change, by)
    return change


@transaction.atomic
def apply_for_acceptance(*, project: Project, summary: str, by, report=None) -> Project:
    project = _lock(project)
    if project.stage in BEFORE_APPROVAL:
        raise ValidationError("项目尚未立项，不能申请验收。")
    _expect(project, *EXECUTION, action="申请验收")
    if not summary.strip():
        raise ValidationError({"summary": "请填写项目完成情况。"})
    if report:
        attach(project=project, kind="验收报告", upload=report, by=by, log=False)
    _move(project, Stage.ACCEPTANCE_APPLIED, action="申请验收", by=by, note=summary.strip())
    return project


@transaction.atomic
def record_audit(
    *,
    project: Project,
    firm: str,
    audited_expenditure: Decimal,
    findings: str,
    audited_on: dt.date,
    by,
) -> FinancialAudit:
    project = _lock(project)
    _expect(project, Stage.ACCEPTANCE_APPLIED, action="登记财务审计")
    if FinancialAudit.objects.filter(project=project).exists():
        raise ValidationError("本项目已登记财务审计。")
    errors = {}
    if not firm.strip():
        errors["firm"] = "请填写审计机构。"
    if audited_expenditure is None or audited_expenditure < 0:
        errors["audited_expenditure"] = "审定支出不能为负数。"
    if not findings.strip():
        errors["findings"] = "请填写审计意见。"
    if errors:
        raise ValidationError(errors)
    audit = FinancialAudit.objects.create(
        project=project,
        firm=firm.strip(),
        audited_expenditure=audited_expenditure,
        findings=findings.strip(),
        audited_on=audited_on,
        recorded_by=by,
    )
    _move(
        project,
        None,
        action="财务审计",
        by=by,
        note=f"{audit.firm}：审定支出 {audited_expenditure} 万元。{audit.findings}",
    )
    return audit


def audit_required(project: Project) -> bool:
    return (project.funding or ZERO) >= audit_threshold()


@transaction.atomic
def decide_acceptance(
    *, project: Project, result: str, comment: str, by, today: dt.date | None = None
) -> Project:
    project = _lock(project)
    if project.stage in BEFORE_APPROVAL:
        raise ValidationError("项目尚未立项，不能验收。")
    _expect(project, Stage.ACCEPTANCE_APPLIED, action="作出验收结论")
    if result not in AcceptanceResult.values:
        raise ValidationError({"result": "请选择验收结论。"})
    if audit_required(project) and not FinancialAudit.objects.filter(project=project).exists():
        raise ValidationError(
            f"资助金额 {project.funding} 万元达到 {audit_threshold()} 万元，须先登记财务审计。"
        )
    if result != AcceptanceResult.PASSED and not comment.strip():
        raise ValidationError({"comment": "验收不通过或结题时请写明理由。"})
    completion = task_books.record_completion(project)
    project.acceptance_result = result
    project.accepted_on = today or timezone.localdate()
    to = {
        AcceptanceResult.PASSED: Stage.ACCEPTED,
        AcceptanceResult.FAILED: Stage.FAILED,
        AcceptanceResult.CONCLUDED: Stage.CONCLUDED,
    }[result]
    _move(
        project,
        to,
        action=f"验收{AcceptanceResult(result).label}",
        by=by,
        note="\n".join(filter(None, [comment.strip(), completion])),
        fields=["acceptance_result", "accepted_on"],
    )
    return project


@transaction.atomic
def archive(*, project: Project, by) -> Project:
    project = _lock(project)
    _expect(project, Stage.ACCEPTED, Stage.CONCLUDED, action="归档")
    _move(project, Stage.ARCHIVED, action="归档", by=by)
    return project


@transaction.atomic
def end_project(*, project: Project, revoke: bool, reason: str, by) -> Project:
    """Termination (终止) or revocation (撤销) of a project in execution."""
    project = _lock(project)
    word = "撤销" if revoke else "终止"
    _expect(project, *EXECUTION, Stage.ACCEPTANCE_APPLIED, action=word)
    if not reason.strip():
        raise ValidationError({"reason": f"请填写{word}理由。"})
    _move(
        project,
        Stage.REVOKED if revoke else Stage.TERMINATED,
        action=f"项目{word}",
        by=by,
        note=reason.strip(),
    )
    return project
