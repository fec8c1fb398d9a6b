"""Project pages: the public portal, calls and their review queue, the project page with its
history and the staff's actions, the enterprise's applications and timeline, and the drawn
expert's view of an application."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from experts.models import DrawMember, Review
from experts.services import active_panel
from kejiju.choices import Role
from kejiju.collation import Pinyin
from kejiju.listing import FilteredListView
from kejiju.permissions import deny, role_required
from kejiju.uploads import protected_download

from . import forms, services
from .choices import Stage
from .filters import CommissionerFilter, ProjectFilter
from .models import (
    ApplicationDraft,
    Call,
    Commissioner,
    Objection,
    Project,
    ProjectDocument,
)
from .permissions import ACTORS, EDITORS, READERS
from .resources import ProjectResource


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# ---- public ---------------------------------------------------------------------------------


def portal(request):
    """The public home page: open calls, notices of proposed lists and approved lists."""
    today = timezone.localdate()
    open_calls = Call.objects.open_now().select_related("category").order_by("closes_at")
    notices = (
        Call.objects.filter(notice_starts_on__lte=today, notice_ends_on__gte=today)
        .select_related("category")
        .prefetch_related(_listed(stage=Stage.NOTICE))
    )
    results = (
        Call.objects.filter(results_published_at__isnull=False)
        .select_related("category")
        .order_by("-results_published_at")
        .prefetch_related(_listed(approved_on__isnull=False))[:10]
    )
    return render(
        request,
        "projects/portal.html",
        {"open_calls": open_calls, "notices": notices, "results": results},
    )


def _listed(**lookups) -> Prefetch:
    """The call's projects matching ``lookups``, by number, as ``call.listed``."""
    return Prefetch(
        "projects", queryset=Project.objects.filter(**lookups).order_by("number"), to_attr="listed"
    )


def public_call(request, pk):
    call = get_object_or_404(Call.objects.select_related("category"), pk=pk)
    return render(request, "projects/public_call.html", {"call": call})


def call_template(request, pk):
    call = get_object_or_404(Call, pk=pk)
    if not call.template_file:
        raise Http404("本通知没有申报书模板。")
    return protected_download(
        call.template_file,
        filename=call.template_name or "申报书模板",
        content_type=call.template_type or "application/octet-stream",
    )


# ---- calls and review (staff) ---------------------------------------------------------------


@role_required(*READERS)
def call_list(request):
    calls = (
        Call.objects.select_related("category")
        .annotate(
            applications=Count("projects"),
            approved=Count("projects", filter=Q(projects__approved_on__isnull=False)),
        )
        .order_by("-opens_at")
    )
    return render(request, "projects/call_list.html", {"calls": calls})


@role_required(*EDITORS)
def call_create(request):
    form = forms.CallForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        call = form.save(commit=False)
        call.created_by = request.user
        upload = form.cleaned_data.get("template")
        if upload:
            from kejiju.uploads import clean_display_name, storage_name

            call.template_name = clean_display_name(upload.name, upload.inspected)
            call.template_type = upload.inspected.content_type
            upload.seek(0)
            call.template_file.save(storage_name("calls", upload.inspected), upload, save=False)
        call.save()
        messages.success(request, f"已发布申报通知「{call.title}」。")
        return redirect("projects:call_detail", pk=call.pk)
    return render(request, "projects/call_form.html", {"form": form})


def _queue(call):
    """The call's applications with review progress, in one query."""
    return (
        call.projects.select_related("enterprise", "town")
        .annotate(
            panel_reviews=Count(
                "draw__members__review",
                filter=Q(draw__members__review__submitted_at__isnull=False),
            )
        )
        .order_by("submitted_at", "pk")
    )


@role_required(*EDITORS)
def call_detail(request, pk):
    call = get_object_or_404(Call.objects.select_related("category"), pk=pk)
    ranking = services.ranking(call) if call.review_closed else []
    propose_form = None
    if call.review_closed and call.projects.filter(stage=Stage.EXPERT_REVIEW).exists():
        propose_form = forms.ProposeForm(
            call=call, initial_ids=[r.project.pk for r in ranking if r.within_cap]
        )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close_review":
                services.close_review(call=call, by=request.user)
                messages.success(request, "专家评审已结束，评分与排序现已显示。")
            elif action == "propose":
                propose_form = forms.ProposeForm(request.POST, call=call)
                if not propose_form.is_valid():
                    raise ValidationError("请至少选择一个拟立项项目。")
                services.propose(
                    call=call,
                    projects=propose_form.cleaned_data["projects"],
                    note=propose_form.cleaned_data["note"],
                    by=request.user,
                )
                messages.success(request, "已确定拟立项名单。")
            elif action == "notice":
                call = services.start_notice(call=call, by=request.user)
                messages.success(
                    request, f"已发布拟立项公示：{call.notice_starts_on} 至 {call.notice_ends_on}。"
                )
            else:
                raise ValidationError("未知的操作。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            return redirect("projects:call_detail", pk=call.pk)
    return render(
        request,
        "projects/call_detail.html",
        {
            "call": call,
            "queue": _queue(call),
            "ranking": ranking,
            "propose_form": propose_form,
            "has_proposed": call.projects.filter(stage=Stage.PROPOSED).exists(),
        },
    )


# ---- project lists --------------------------------------------------------------------------


class ProjectListView(FilteredListView):
    roles = READERS
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    export_resource = ProjectResource
    export_title = "科技项目"
    sort_fields = {
        "number": ("number",),
        "name": (Pinyin("name"),),
        "undertaker": (Pinyin("undertaker"),),
        "applied_on": ("applied_on",),
        "approved_on": ("approved_on",),
        "funding": ("funding",),
        "ends_on": ("ends_on",),
    }

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .select_related("category", "town", "enterprise")
            .order_by("-applied_on", "number")
        )


class CommissionerListView(FilteredListView):
    roles = READERS
    filterset_class = CommissionerFilter
    template_name = "projects/commissioner_list.html"
    sort_fields = {
        "name": (Pinyin("name"),),
        "batch": ("batch",),
        "starts_on": ("starts_on",),
        "project_count": ("project_count",),
    }

    def get_queryset(self):
        return (
            Commissioner.objects.select_related("town")
            .annotate(project_count=Count("projects"))
            .order_by("-starts_on", "name")
        )


@role_required(Role.ENTERPRISE)
def my_projects(request):
    projects = (
        Project.objects.visible_to(request.user)
        .select_related("category", "call")
        .order_by("-applied_on", "-pk")
    )
    drafts = ApplicationDraft.objects.visible_to(request.user).select_related("call")
    open_calls = Call.objects.open_now().select_related("category").order_by("closes_at")
    return render(
        request,
        "projects/my_projects.html",
        {"projects": projects, "open_calls": open_calls, "drafts": drafts},
    )


# ---- applying: a draft kept server-side, checked all at once, confirmed after the check -------


def _draft_for(request, pk) -> ApplicationDraft:
    """The enterprise's own draft; another enterprise's is 404 (role_required has refused the
    other roles with 403)."""
    return get_object_or_404(
        ApplicationDraft.objects.visible_to(request.user).select_related("call__category"),
        pk=pk,
    )


def _kept(draft) -> dict:
    return {d.kind: d for d in draft.documents.all()} if draft else {}


def _application_form(request, call, draft=None, data=None):
    return forms.ApplicationForm(
        data,
        request.FILES if data is not None and request.method == "POST" else None,
        call=call,
        enterprise=request.user.enterprise,
        kept=_kept(draft),
        initial=draft.data if draft and data is None else None,
    )


def _render_application(request, call, form, draft, status=200):
    others = ApplicationDraft.objects.visible_to(request.user).filter(call=call)
    if draft is not None:
        others = others.exclude(pk=draft.pk)
    return render(
        request,
        "projects/apply.html",
        {"call": call, "form": form, "draft": draft, "other_drafts": others},
        status=status,
    )


def _save_and_check(request, call, draft):
    """Keeps what was typed and every allowed file, then either stays on the form (保存草稿, or
    problems to show: all of them at once) or goes on to the confirmation page."""
    form = _application_form(request, call, draft, data=request.POST)
    valid = form.is_valid()
    typed = any(request.POST.get(k, "").strip() for k in services.DRAFT_FIELDS)
    if draft is None and not typed and not form.uploads():
        return _render_application(request, call, form, draft)
    draft = services.save_draft(
        call=call,
        enterprise=request.user.enterprise,
        by=request.user,
        data=request.POST,
        documents=form.uploads(),
        remove=form.removed(),
        draft=draft,
    )
    form.kept = _kept(draft)
    if "save" in request.POST:
        if form.refused():
            return _render_application(request, call, form, draft)
        messages.success(request, "草稿已保存，可以随时回来继续填写和提交。")
        return redirect("projects:draft", pk=draft.pk)
    if valid:
        return redirect("projects:draft_confirm", pk=draft.pk)
    return _render_application(request, call, form, draft)


@role_required(Role.ENTERPRISE)
def apply(request, pk):
    call = get_object_or_404(Call.objects.select_related("category"), pk=pk)
    if request.method == "POST":
        return _save_and_check(request, call, None)
    return _render_application(request, call, _application_form(request, call), None)


@role_required(Role.ENTERPRISE)
def draft_edit(request, pk):
    draft = _draft_for(request, pk)
    if request.method == "POST":
        return _save_and_check(request, draft.call, draft)
    return _render_application(
        request, draft.call, _application_form(request, draft.call, draft), draft
    )


@role_required(Role.ENTERPRISE)
def draft_confirm(request, pk):
    """What will be filed, shown only after the server has checked all of it; 确认提交 files it."""
    draft = _draft_for(request, pk)
    call = draft.call
    form = _application_form(request, call, draft, data=draft.data)
    if not form.is_valid():
        return _render_application(request, call, form, draft)
    if request.method == "POST":
        d = form.cleaned_data
        try:
            project = services.submit_draft(
                draft,
                by=request.user,
                name=d["name"],
                summary=d["summary"],
                budget=form.budget(),
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
            )
        except ValidationError as exc:
            form.add_problems(
                exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            )
            return _render_application(request, call, form, draft)
        messages.success(request, f"申报已提交，申报编号 {project.number}。")
        return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/apply_confirm.html",
        {"call": call, "draft": draft, "form": form, "documents": draft.documents.all()},
    )


@require_POST
@role_required(Role.ENTERPRISE)
def draft_delete(request, pk):
    draft = _draft_for(request, pk)
    services.delete_draft(draft)
    messages.success(request, "草稿已删除。")
    return redirect("projects:my_projects")


@role_required(Role.ENTERPRISE)
def draft_document(request, pk, doc_pk):
    draft = _draft_for(request, pk)
    document = get_object_or_404(draft.documents, pk=doc_pk)
    return protected_download(
        document.file, filename=document.original_name, content_type=document.content_type
    )


# ---- one project ----------------------------------------------------------------------------

STAFF_ACTIONS = {
    # action: (form class, stages in which it is offered)
    "formal": (forms.FormalReviewForm, (Stage.SUBMITTED,)),
    "draw": (forms.ReviewDrawForm, (Stage.FORMAL_PASSED,)),
    "objection": (forms.ObjectionForm, (Stage.NOTICE,)),
    "approve": (forms.ApproveForm, (Stage.NOTICE,)),
    "disburse": (
        forms.DisburseForm,
        (Stage.EXECUTING, Stage.ACCEPTANCE_APPLIED, Stage.ACCEPTED, Stage.FAILED),
    ),
    "midterm": (forms.MidtermForm, (Stage.EXECUTING,)),
    "change": (forms.ChangeForm, (Stage.EXECUTING,)),
    "audit": (forms.AuditForm, (Stage.ACCEPTANCE_APPLIED,)),
    "decide": (forms.DecisionForm, (Stage.ACCEPTANCE_APPLIED,)),
    "end": (forms.EndForm, (Stage.EXECUTING, Stage.FAILED, Stage.ACCEPTANCE_APPLIED)),
}
ENTERPRISE_ACTIONS = {
    "acceptance": (forms.AcceptanceApplyForm, (Stage.EXECUTING, Stage.FAILED)),
}
ACTION_TITLES = {
    "formal": "形式审查",
    "draw": "抽取评审专家",
    "objection": "登记公示异议",
    "approve": "立项",
    "disburse": "登记拨付",
    "midterm": "中期检查",
    "change": "变更或延期（仅限一次）",
    "audit": "财务审计",
    "decide": "验收结论",
    "end": "终止或撤销",
    "acceptance": "申请验收",
}


def _make_form(name, project, data=None, files=None):
    form_class = {**STAFF_ACTIONS, **ENTERPRISE_ACTIONS}[name][0]
    kwargs = {"project": project} if form_class is forms.DisburseForm else {}
    if form_class is forms.ApproveForm and data is None:
        kwargs["initial"] = {
            "grant": project.requested,
            "ends_on": project.ends_on,
            "funding_mode": "tranches",
        }
    return form_class(data, files, prefix=name, **kwargs)


def _run(name, project, form, user):
    d = form.cleaned_data
    if name == "formal":
        passed = d["decision"] == "pass"
        services.formal_review(project=project, passed=passed, comment=d["comment"], by=user)
        return "形式审查通过。" if passed else "已退回修改。"
    if name == "draw":
        services.start_expert_review(
            project=project, criteria=form.criteria(), supervisor=d["supervisor"], by=user
        )
        return "已抽取评审专家，项目进入专家评审。"
    if name == "objection":
        services.record_objection(
            project=project,
            text=d["text"],
            raised_by=d["raised_by"],
            received_on=d["received_on"],
            by=user,
        )
        return "已登记异议。"
    if name == "approve":
        services.approve(
            project=project,
            number=d["number"],
            grant=d["grant"],
            funding_mode=d["funding_mode"],
            tranches=form.tranches(),
            ends_on=d["ends_on"],
            by=user,
        )
        return "已立项。"
    if name == "disburse":
        services.disburse(
            project=project,
            tranche=d["tranche"],
            amount=d["amount"],
            paid_on=d["paid_on"],
            voucher_no=d["voucher_no"],
            by=user,
        )
        return "已登记拨付。"
    if name == "midterm":
        services.record_midterm(project=project, conclusion=d["conclusion"], by=user)
        return "已登记中期检查。"
    if name == "change":
        services.change_project(
            project=project, kind=d["kind"], new_end=d["new_end"], reason=d["reason"], by=user
        )
        return "已登记变更。"
    if name == "audit":
        services.record_audit(
            project=project,
            firm=d["firm"],
            audited_expenditure=d["audited_expenditure"],
            findings=d["findings"],
            audited_on=d["audited_on"],
            by=user,
        )
        return "已登记财务审计。"
    if name == "decide":
        services.decide_acceptance(
            project=project, result=d["result"], comment=d["comment"], by=user
        )
        return "已作出验收结论。"
    if name == "end":
        services.end_project(
            project=project, revoke=d["kind"] == "revoke", reason=d["reason"], by=user
        )
        return "已处理。"
    if name == "acceptance":
        services.apply_for_acceptance(
            project=project, summary=d["summary"], report=d.get("report"), by=user
        )
        return "验收申请已提交。"
    raise ValidationError("未知的操作。")


def _offered(name: str, project: Project) -> bool:
    """The one change and the one audit a project may have are offered only while missing."""
    if name == "change":
        return not hasattr(project, "change")
    if name == "audit":
        return services.audit_required(project) and not hasattr(project, "audit")
    return True


def _visible_project(request, pk) -> Project:
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "category", "call", "enterprise", "town", "draw"
        ),
        pk=pk,
    )


@role_required(*READERS, Role.ENTERPRISE)
def project_detail(request, pk):
    project = _visible_project(request, pk)
    is_staff = request.user.has_role(*EDITORS)
    may_act = request.user.has_role(*ACTORS)
    if request.method == "POST" and not may_act:
        raise deny(request, "领导和审计人员只能查看项目，不能办理。")
    available = (STAFF_ACTIONS if is_staff else ENTERPRISE_ACTIONS) if may_act else {}
    bound = {}
    if request.method == "POST":
        name = request.POST.get("action")
        if name == "answer" and is_staff:
            objection = get_object_or_404(
                Objection, pk=request.POST.get("objection"), project=project
            )
            answer_form = forms.AnswerForm(request.POST, prefix=f"answer{objection.pk}")
            if answer_form.is_valid():
                try:
                    services.answer_objection(
                        objection=objection,
                        answer=answer_form.cleaned_data["answer"],
                        by=request.user,
                    )
                except ValidationError as exc:
                    messages.error(request, "；".join(exc.messages))
                else:
                    messages.success(request, "已答复异议。")
                    return redirect("projects:detail", pk=project.pk)
            else:
                messages.error(request, "请填写答复内容。")
        elif name == "resubmit" and not is_staff:
            try:
                services.resubmit(project=project, by=request.user)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, "已重新提交申报。")
                return redirect("projects:detail", pk=project.pk)
        elif name in available:
            form = _make_form(name, project, request.POST, request.FILES)
            if form.is_valid():
                try:
                    done = _run(name, project, form, request.user)
                except ValidationError as exc:
                    _errors_to_form(form, exc)
                else:
                    messages.success(request, done)
                    return redirect("projects:detail", pk=project.pk)
            bound[name] = form
        else:
            raise Http404("没有该操作。")
    actions = [
        (name, ACTION_TITLES[name], bound.get(name) or _make_form(name, project))
        for name, (_, stages) in available.items()
        if project.stage in stages and _offered(name, project)
    ]
    events = project.events.select_related("by").order_by("at", "pk")
    reviews = []
    if project.draw_id and is_staff:
        panel = active_panel(project.draw)
        closed = project.call and project.call.review_closed
        for member in panel:
            review = getattr(member, "review", None)
            reviews.append(
                {
                    "member": member,
                    "submitted": bool(review and review.submitted_at),
                    "total": review.total if (closed and review) else None,
                    "comment": review.comment if (closed and review) else "",
                }
            )
    context = {
        "project": project,
        "is_staff": is_staff,
        "may_act": may_act,
        "events": events,
        "documents": project.documents.all(),
        "tranches": project.tranches.all(),
        "disbursements": project.disbursements.select_related("tranche"),
        "objections": [
            (o, forms.AnswerForm(prefix=f"answer{o.pk}")) for o in project.objections.all()
        ],
        "audit": getattr(project, "audit", None),
        "change": getattr(project, "change", None),
        "actions": actions,
        "reviews": reviews,
        "audit_required": services.audit_required(project),
    }
    return render(request, "projects/project_detail.html", context)


@role_required(*READERS, Role.ENTERPRISE)
def document_download(request, pk, doc_pk):
    project = _visible_project(request, pk)
    document = get_object_or_404(ProjectDocument, pk=doc_pk, project=project)
    return protected_download(
        document.file, filename=document.original_name, content_type=document.content_type
    )


# ---- the drawn expert -----------------------------------------------------------------------


def _reviewer_place(request, member_pk) -> tuple[DrawMember, Project]:
    """The expert's place on a project's panel, only after the no-conflict declaration."""
    member = (
        DrawMember.objects.assigned_to(request.user)
        .select_related("draw")
        .filter(pk=member_pk)
        .first()
    )
    project = getattr(member.draw, "project", None) if member else None
    if member is None or project is None or member not in active_panel(member.draw):
        raise Http404("没有该评审任务。")
    if not Review.objects.filter(member=member).exists():
        raise Http404("声明无利益冲突后才能查看申报材料。")
    return member, project


@role_required(Role.EXPERT)
def review_material(request, member_pk):
    member, project = _reviewer_place(request, member_pk)
    return render(
        request,
        "projects/review_material.html",
        {"member": member, "project": project, "documents": project.documents.all()},
    )


@role_required(Role.EXPERT)
def review_document(request, member_pk, doc_pk):
    _member, project = _reviewer_place(request, member_pk)
    document = get_object_or_404(ProjectDocument, pk=doc_pk, project=project)
    return protected_download(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@role_required(Role.EXPERT)
def my_review_tasks(request):
    """The expert's project-review places, each linking to the application material."""
    places = [
        m
        for m in DrawMember.objects.assigned_to(request.user)
        .filter(draw__project__isnull=False)
        .select_related("draw__project", "review")
        if m in active_panel(m.draw)
    ]
    return render(request, "projects/review_tasks.html", {"places": places})
