import mimetypes
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from kejiju.accounts import limits
from kejiju.audit import record
from kejiju.choices import AuditAction, Role
from kejiju.collation import Pinyin
from kejiju.listing import FilteredListView
from kejiju.pdf import render_pdf
from kejiju.permissions import role_required
from kejiju.uploads import protected_download

from . import precheck as precheck_rules
from . import services
from .choices import ApplicationKind, ApplicationStatus
from .filters import ApplicationFilter, EnterpriseFilter
from .forms import (
    FORMS,
    AttachmentForm,
    DeclineForm,
    InviteForm,
    OverrideForm,
    ProfileForm,
    RegistrationForm,
    ReviewForm,
    ScoresForm,
    StaffEnterpriseForm,
)
from .models import AccountRequest, Application, Enterprise, Qualification, RDInstitution
from .permissions import (
    APPLICANTS,
    REGISTRY_READERS,
    STAFF,
    application_for,
    attachment_for,
    enterprise_for,
    may_edit,
)
from .resources import EnterpriseResource


def _service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_errors(form) -> str:
    """A bound form's errors as one message line (forms posted from the detail page)."""
    return "；".join(e for errors in form.errors.values() for e in errors)


# ---- registration (public) ----------------------------------------------------------------


def register(request):
    """A registration is answered the same whether its login name is free or not (the page
    never tells who has an account): a taken name files nothing and the applicant learns it by
    e-mail. At most ``KEJIJU_REGISTRATION_PER_HOUR`` registrations an hour from one address."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and limits.registrations_exhausted(request):
        record(
            AuditAction.RATE_LIMITED, request, detail="企业注册：该地址 1 小时内提交次数已达上限"
        )
        form.errors.clear()
        form.add_error(None, "注册申请提交过于频繁，请 1 小时后再试。")
        return render(request, "enterprises/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("password1", "password2")}
        if services.username_available(data["username"]):
            services.request_account(password=form.cleaned_data["password1"], **data)
            detail = f"{data['enterprise_name']}（{data['credit_code']}）已提交，待审核"
        else:
            services.tell_username_unavailable(
                email=data["email"],
                username=data["username"],
                enterprise_name=data["enterprise_name"],
            )
            detail = f"{data['enterprise_name']}（{data['credit_code']}）：登录用户名已被使用，未受理，已邮件告知申请人"
        record(
            AuditAction.REGISTRATION_REQUESTED, request, username=data["username"], detail=detail
        )
        return redirect("enterprises:register_done")
    return render(request, "enterprises/register.html", {"form": form})


def register_done(request):
    return render(request, "enterprises/register_done.html")


# ---- the enterprise's own pages -----------------------------------------------------------


@role_required(Role.ENTERPRISE)
def profile(request):
    enterprise = request.user.enterprise
    form = ProfileForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        enterprise = form.save(commit=False)
        enterprise._change_reason = "企业用户修改"
        enterprise.save()
        messages.success(request, "企业信息已保存。")
        return redirect("enterprises:profile")
    return render(request, "enterprises/profile.html", _profile_context(request, form))


def _profile_context(request, form, **extra) -> dict:
    enterprise = request.user.enterprise
    is_admin = services.is_administrator(request.user, enterprise)
    return {
        "form": form,
        "enterprise": enterprise,
        "users": enterprise.users.filter(role=Role.ENTERPRISE).order_by("-is_active", "username"),
        "is_admin": is_admin,
        "administrator": enterprise.administrator,
        "join_requests": services.join_requests_for(request.user).order_by("created_at"),
        "decline_form": DeclineForm(),
        **extra,
    }


@require_POST
@role_required(Role.ENTERPRISE)
def join_approve(request, pk):
    """The enterprise's administrator lets a registered colleague in."""
    account = get_object_or_404(services.join_requests_for(request.user), pk=pk)
    try:
        services.approve_join(account, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        record(
            AuditAction.ACCOUNT_ENABLED,
            request,
            user=request.user,
            detail=f"企业管理员同意 {account.username} 加入{request.user.enterprise.name}",
        )
        messages.success(request, f"已同意 {account.contact}（{account.username}）加入本企业。")
    return redirect("enterprises:profile")


@require_POST
@role_required(Role.ENTERPRISE)
def join_decline(request, pk):
    account = get_object_or_404(services.join_requests_for(request.user), pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_account(account, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"已拒绝 {account.username} 的加入申请。")
            return redirect("enterprises:profile")
    return render(
        request,
        "enterprises/profile.html",
        _profile_context(
            request,
            ProfileForm(instance=request.user.enterprise),
            decline_form=form,
            declining=account.pk,
        ),
        status=400,
    )


def _colleague(request, pk):
    """Another active user of the enterprise the requester administers (404 for anyone else's;
    403 for a user who is not the administrator)."""
    enterprise = request.user.enterprise
    if not services.is_administrator(request.user, enterprise):
        raise PermissionDenied("只有本企业的企业管理员可以操作。")
    return get_object_or_404(services.members(enterprise).exclude(pk=request.user.pk), pk=pk)


@require_POST
@role_required(Role.ENTERPRISE)
def member_remove(request, pk):
    member = _colleague(request, pk)
    services.remove_member(member, by=request.user)
    record(
        AuditAction.ACCOUNT_DISABLED,
        request,
        user=request.user,
        detail=f"企业管理员将 {member.username} 移出{request.user.enterprise.name}",
    )
    messages.success(
        request, f"已移除 {member.username}，该账号不能再登录；本企业其他用户已收到通知。"
    )
    return redirect("enterprises:profile")


@require_POST
@role_required(Role.ENTERPRISE)
def member_hand_over(request, pk):
    member = _colleague(request, pk)
    services.hand_over(member, by=request.user)
    messages.success(request, f"企业管理员已移交给 {member.username}。")
    return redirect("enterprises:profile")


@role_required(Role.ENTERPRISE)
def my_applications(request):
    applications = Application.objects.visible_to(request.user).select_related("enterprise")
    return render(
        request,
        "enterprises/my_applications.html",
        {"applications": applications, "kinds": ApplicationKind.choices},
    )


def _precheck_context(application):
    result = precheck_rules.Precheck.from_dict(application.precheck)
    return {"check": result, "rules": application.rule_set}


def _material_form(request, application):
    """The 申报材料 slot of the edit form: bound only when a file was chosen."""
    if application is None:
        return None
    if request.method == "POST" and request.FILES.get("material-file"):
        return AttachmentForm(request.POST, request.FILES, prefix="material")
    return AttachmentForm(prefix="material")


def _keep_material(request, application, material):
    """Keeps a chosen file with the draft as soon as it passes the content check, whatever else
    is wrong with the form; a refused file is named at its field. Returns the slot to show next
    (empty once its file is kept)."""
    if material is None or not material.is_bound or not material.is_valid():
        return material
    try:
        services.add_attachment(
            application,
            file=material.cleaned_data["file"],
            description=material.cleaned_data["description"],
            by=request.user,
        )
    except ValidationError as exc:
        _service_errors(material, exc)
        return material
    return AttachmentForm(prefix="material")


def _submission_errors(form, material, problems: dict) -> None:
    """The submission's problems at their places: the materials at the file field of the
    申报材料 slot, the rest above the form."""
    if material is not None and not material.is_bound:
        material.full_clean()  # an empty slot: no errors of its own, room for these
        material.cleaned_data = {}
    for key, messages_ in problems.items():
        for message in messages_:
            if key == "attachments" and material is not None:
                material.add_error("file", message)
            else:
                form.add_error(None, message)


def _application_page(request, form, application, kind, check=None, material=None):
    return render(
        request,
        "enterprises/application_form.html",
        {
            "form": form,
            "application": application,
            "kind": kind,
            "kind_label": ApplicationKind(kind).label,
            "check": check,
            "material": material,
            "attachments": application.attachments.all() if application else (),
        },
    )


@role_required(Role.ENTERPRISE)
def application_edit(request, kind=None, pk=None):
    """New application of ``kind`` or an existing draft. 「预审」 shows the pre-check of the
    figures as entered without saving; 「保存草稿」 keeps them as a draft; 「检查并提交」 saves,
    checks everything the submission needs (the figures, the rules in force, the materials)
    and shows every problem at once, or goes on to the confirmation page. A file chosen in the
    申报材料 slot is kept with the draft as soon as it passes the content check."""
    enterprise = request.user.enterprise
    application = None
    if pk is not None:
        application = application_for(request.user, pk)
        if not may_edit(request.user, application):
            messages.error(request, "该申报当前不能修改。")
            return redirect("enterprises:application_detail", pk=pk)
        kind = application.kind
    if kind not in FORMS:
        raise Http404
    form_class = FORMS[kind]
    form = form_class(request.POST or None, application=application, enterprise=enterprise)
    material = _material_form(request, application)
    check = None
    if request.method != "POST":
        return _application_page(request, form, application, kind, material=material)
    valid = form.is_valid()
    material = _keep_material(request, application, material)
    wants_submit = "submit" in request.POST
    if valid and "precheck" in request.POST:
        try:
            rules = services.rules_for(kind)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            scores = application.scores if application else {}
            check = precheck_rules.run(
                kind, form.figures(), rules, on=timezone.localdate(), scores=scores
            )
    elif valid:
        try:
            application = services.save_application(
                enterprise=enterprise,
                kind=kind,
                year=form.cleaned_data["year"],
                recognition=form.cleaned_data.get("recognition", ""),
                figures=form.figures(),
                by=request.user,
                application=application,
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            if not wants_submit:
                if material is not None and material.errors:
                    return _application_page(request, form, application, kind, material=material)
                messages.success(request, "申报已保存为草稿，请查看预审结果并上传材料后提交。")
                return redirect("enterprises:application_detail", pk=application.pk)
            material = material or AttachmentForm(prefix="material")
            problems = services.submission_problems(application)
            if not problems and not material.errors:
                return redirect("enterprises:application_submit", pk=application.pk)
            _submission_errors(form, material, problems)
    elif wants_submit and application is not None:
        _submission_errors(form, material, services.submission_problems(application))
    return _application_page(request, form, application, kind, check, material)


def _stored_data(application) -> dict:
    """The stored figures as the form's data, to check them again before submission."""
    data = {k: ("" if v is None else v) for k, v in application.figures.items()}
    data["year"] = application.year
    if application.recognition:
        data["recognition"] = application.recognition
    return data


@role_required(Role.ENTERPRISE)
def application_submit(request, pk):
    """The confirmation: what will be submitted, shown only after the server has checked the
    stored figures, the rules and the materials; 确认提交 (POST) submits. With a problem the
    edit form opens with every message at its field."""
    application = application_for(request.user, pk)
    if not may_edit(request.user, application):
        messages.error(request, "该申报当前不能提交。")
        return redirect("enterprises:application_detail", pk=pk)
    form = FORMS[application.kind](
        _stored_data(application), application=application, enterprise=application.enterprise
    )
    material = AttachmentForm(prefix="material")
    problems = services.submission_problems(application)
    if not form.is_valid() or problems:
        _submission_errors(form, material, problems)
        return _application_page(request, form, application, application.kind, None, material)
    if request.method == "POST":
        try:
            services.submit(application, by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("enterprises:application_submit", pk=pk)
        messages.success(request, "申报已提交，请等待科技局审核。")
        return redirect("enterprises:application_detail", pk=pk)
    return render(
        request,
        "enterprises/application_confirm.html",
        {
            "application": application,
            "figures": _figure_rows(application, FORMS[application.kind](application=application)),
            "attachments": application.attachments.all(),
            **_precheck_context(application),
        },
    )


@require_POST
@role_required(Role.ENTERPRISE)
def precheck_live(request, kind):
    """The pre-check pane, refreshed while the enterprise fills the form (htmx)."""
    if kind not in FORMS:
        raise Http404
    form = FORMS[kind](request.POST, enterprise=request.user.enterprise)
    check = None
    if form.is_valid():
        try:
            rules = services.rules_for(kind)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            check = precheck_rules.run(kind, form.figures(), rules, on=timezone.localdate())
    return render(
        request, "enterprises/partials/precheck_pane.html", {"check": check, "form": form}
    )


@role_required(*APPLICANTS)
def application_detail(request, pk):
    application = application_for(request.user, pk)
    form_class = FORMS[application.kind]
    figures_form = form_class(application=application)
    context = {
        "application": application,
        "figures": _figure_rows(application, figures_form),
        "attachments": application.attachments.all(),
        "transitions": application.transitions.select_related("by"),
        "can_edit": may_edit(request.user, application),
        "is_staff": request.user.is_bureau_staff,
        "attachment_form": AttachmentForm(),
        **_precheck_context(application),
    }
    if request.user.is_bureau_staff:
        context["review_form"] = ReviewForm()
        context["override_form"] = OverrideForm(
            initial={
                "verdict": application.override_verdict,
                "reason": application.override_reason,
            }
        )
        context["scores_form"] = _scores_form(application)
    return render(request, "enterprises/application_detail.html", context)


def _figure_rows(application, form) -> list[tuple[str, list[tuple[str, str]]]]:
    """The declared figures under the form's headings and labels, for reading."""
    special = {"year": str(application.year), "recognition": application.get_recognition_display()}

    def value(field):
        if field.name in special:
            return special[field.name] or "—"
        raw = application.figures.get(field.name)
        if isinstance(field.field, forms.DecimalField) and raw not in (None, ""):
            return f"{Decimal(str(raw)):.2f}"
        return _display(raw)

    return [(title, [(f.label, value(f)) for f in fields]) for title, fields in form.grouped()]


def _display(value) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value in (None, ""):
        return "—"
    return str(value)


def _scores_form(application, data=None):
    check = precheck_rules.Precheck.from_dict(application.precheck)
    if check is None or not application.rule_set:
        return None
    bands = precheck_rules.score_bands(
        application.kind, application.figures, application.rule_set, on=timezone.localdate()
    )
    labels = {i.key: i.label for i in check.items}
    form = ScoresForm(data, bands=bands, labels=labels, initial_scores=application.scores)
    return form if form.fields else None


def _enterprise_step(request, pk, step, done: str, **kwargs):
    application = application_for(request.user, pk)
    try:
        step(application, by=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("enterprises:application_detail", pk=pk)


@require_POST
@role_required(Role.ENTERPRISE)
def application_withdraw(request, pk):
    return _enterprise_step(
        request,
        pk,
        services.withdraw,
        "申报已撤回，可修改后重新提交。",
        comment=request.POST.get("comment", ""),
    )


@require_POST
@role_required(Role.ENTERPRISE)
def attachment_add(request, pk):
    application = application_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                application,
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "材料已上传。")
            return redirect("enterprises:application_detail", pk=pk)
    return render(
        request,
        "enterprises/attachment_form.html",
        {"form": form, "application": application},
        status=400,
    )


@role_required(*APPLICANTS)
def attachment_download(request, pk):
    attachment = attachment_for(request.user, pk)
    return protected_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_POST
@role_required(Role.ENTERPRISE)
def attachment_delete(request, pk):
    attachment = attachment_for(request.user, pk)
    try:
        services.remove_attachment(attachment)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "材料已删除。")
    return redirect("enterprises:application_detail", pk=attachment.application_id)


@role_required(*APPLICANTS)
def application_pdf(request, pk):
    """The application as a printable document (申报书), for the enterprise and for staff."""
    application = application_for(request.user, pk)
    form = FORMS[application.kind](application=application)
    pdf = render_pdf(
        "enterprises/application_pdf.html",
        {
            "application": application,
            "figures": _figure_rows(application, form),
            "transitions": application.transitions.select_related("by"),
            **_precheck_context(application),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # saved under a name the enterprise recognises: 2026年科技型中小企业评价申报书.pdf
    response["Content-Disposition"] = content_disposition_header(
        True, f"{application.title}申报书.pdf"
    )
    return response


# ---- staff: review ------------------------------------------------------------------------


class ReviewQueueView(FilteredListView):
    roles = STAFF
    filterset_class = ApplicationFilter
    template_name = "enterprises/review_queue.html"
    sort_fields = {
        "enterprise": (Pinyin("enterprise__name"),),
        "submitted_at": ("submitted_at",),
        "status": ("status",),
    }

    def get_queryset(self):
        return (
            Application.objects.visible_to(self.request.user)
            .exclude(status=ApplicationStatus.DRAFT)
            .select_related("enterprise", "enterprise__town")
            .order_by("-submitted_at", "-pk")
        )


@require_POST
@role_required(*STAFF)
def application_review(request, pk):
    application = application_for(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("enterprises:application_detail", pk=pk)
    action = {
        "return": services.return_for_revision,
        "approve": services.approve,
        "reject": services.reject,
    }[form.cleaned_data["action"]]
    try:
        action(application, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{dict(ReviewForm.ACTIONS)[form.cleaned_data['action']]}。")
    return redirect("enterprises:application_detail", pk=pk)


@require_POST
@role_required(*STAFF)
def application_override(request, pk):
    application = application_for(request.user, pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        services.override_verdict(
            application,
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, "人工认定结论已保存。")
    else:
        messages.error(request, _form_errors(form))
    return redirect("enterprises:application_detail", pk=pk)


@require_POST
@role_required(*STAFF)
def application_scores(request, pk):
    application = application_for(request.user, pk)
    form = _scores_form(application, request.POST)
    if form is not None and form.is_valid():
        services.set_scores(application, scores=form.cleaned_data, by=request.user)
        messages.success(request, "审核评分已保存，预审结果已更新。")
    elif form is not None:
        messages.error(request, _form_errors(form))
    return redirect("enterprises:application_detail", pk=pk)


# ---- staff: accounts ----------------------------------------------------------------------


def _queue_rows(pending, errors: dict) -> list[dict]:
    """Each pending request with what opening it would do: create an enterprise, give an
    enterprise of the registry its first account, or join an enterprise that has users."""
    from kejiju.models import User

    pending = list(pending)
    enterprises = {
        e.credit_code: e
        for e in Enterprise.objects.filter(
            credit_code__in=[a.credit_code for a in pending]
        ).select_related("administrator")
    }
    users: dict[int, list] = {}
    for user in User.objects.filter(
        enterprise__in=enterprises.values(), role=Role.ENTERPRISE, is_active=True
    ).order_by("username"):
        users.setdefault(user.enterprise_id, []).append(user)
    rows = []
    for account in pending:
        enterprise = enterprises.get(account.credit_code)
        members = users.get(enterprise.pk, []) if enterprise else []
        kind = "join" if members else ("first" if enterprise else "new")
        rows.append(
            {
                "account": account,
                "enterprise": enterprise,
                "members": members,
                "kind": kind,
                "error": errors.get(account.pk, ""),
            }
        )
    return rows


def _account_queue(request, *, errors=None, status=200):
    pending = AccountRequest.objects.filter(status=AccountRequest.Status.PENDING).select_related(
        "town"
    )
    handled = (
        AccountRequest.objects.exclude(status=AccountRequest.Status.PENDING)
        .select_related("handled_by", "enterprise")
        .order_by("-handled_at")[:50]
    )
    return render(
        request,
        "enterprises/account_requests.html",
        {
            "rows": _queue_rows(pending, errors or {}),
            "handled": handled,
            "decline_form": DeclineForm(),
        },
        status=status,
    )


@require_POST
@role_required(*STAFF)
def account_activate(request, pk):
    """Opens a first account; an account that joins an enterprise with users needs a reason
    (the field answers at the request's row when it is missing), recorded in the audit log."""
    account = get_object_or_404(AccountRequest, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        account = services.activate_account(account, by=request.user, reason=reason)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
            return _account_queue(
                request, errors={account.pk: "；".join(exc.message_dict["reason"])}, status=400
            )
        messages.error(request, "；".join(exc.messages))
    else:
        if account.consent == AccountRequest.Consent.STAFF_OVERRIDE:
            detail = (
                f"科技局代为开通 {account.username} 加入{account.enterprise.name}"
                f"（未经企业管理员同意），理由：{account.note}"
            )
        else:
            detail = f"开通{account.enterprise.name}的首个账号 {account.username}（已核验营业执照）"
        record(AuditAction.ACCOUNT_ENABLED, request, user=request.user, detail=detail)
        messages.success(request, f"已为「{account.enterprise_name}」开通账号 {account.username}。")
    return redirect("enterprises:account_requests")


@require_POST
@role_required(*STAFF)
def account_decline(request, pk):
    account = get_object_or_404(AccountRequest, pk=pk)
    try:
        services.decline_account(account, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已记录不予开通。")
    return redirect("enterprises:account_requests")


def _account_document(request, pk, field: str, label: str):
    account = get_object_or_404(AccountRequest, pk=pk)
    stored = getattr(account, field)
    if not stored:
        raise Http404
    name = getattr(account, f"{field}_name") or f"{label}{stored.name[stored.name.rfind('.') :]}"
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    return protected_download(stored, filename=name, content_type=content_type)


@role_required(*STAFF)
def account_licence(request, pk):
    """The registration's 营业执照, for staff only, as a download."""
    return _account_document(request, pk, "licence", "营业执照")


@role_required(*STAFF)
def account_authorization(request, pk):
    """The registration's 授权委托书, for staff only, as a download."""
    return _account_document(request, pk, "authorization", "授权委托书")


# ---- staff: the registry -------------------------------------------------------------------


class EnterpriseListView(FilteredListView):
    roles = REGISTRY_READERS
    filterset_class = EnterpriseFilter
    template_name = "enterprises/enterprise_list.html"
    export_resource = EnterpriseResource
    export_title = "企业名录"
    sort_fields = {
        "name": (Pinyin("name"),),
        "credit_code": ("credit_code",),
        "town": ("town__name",),
        "staff_count": ("staff_count",),
        "qualification_count": ("qualification_count",),
        "institution_count": ("institution_count",),
    }

    def get_queryset(self):
        return (
            Enterprise.objects.visible_to(self.request.user)
            .select_related("town", "tech_field")
            .with_list_counts()
            .order_by(Pinyin("name"), "pk")
        )


@role_required(*REGISTRY_READERS)
def enterprise_detail(request, pk):
    enterprise = enterprise_for(request.user, pk)
    # The patents and projects apps hang their records on the enterprise (related_name): the
    # registry reads them through the relations and imports neither app.
    context = {
        "enterprise": enterprise,
        "qualifications": Qualification.objects.filter(enterprise=enterprise),
        "institutions": RDInstitution.objects.filter(enterprise=enterprise),
        "patents": enterprise.patents.order_by("-filed_on")[:100],
        "patent_count": enterprise.patents.count(),
        "projects": enterprise.projects.select_related("category").order_by("-applied_on")[:100],
        "applications": Application.objects.visible_to(request.user).filter(enterprise=enterprise),
        "platforms": enterprise.platforms.all(),
        "users": enterprise.users.order_by("username"),
        "history": enterprise.history.select_related("history_user")[:20],
        "invite_form": InviteForm() if request.user.is_bureau_staff else None,
    }
    return render(request, "enterprises/enterprise_detail.html", context)


@role_required(*STAFF)
def enterprise_edit(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = StaffEnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        enterprise = form.save(commit=False)
        enterprise._change_reason = "科技局修改"
        enterprise.save()
        messages.success(request, "企业信息已保存。")
        return redirect("enterprises:detail", pk=pk)
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "title": f"修改企业信息：{enterprise.name}",
            "back_url": reverse("enterprises:detail", args=[pk]),
        },
    )


@role_required(*STAFF)
def account_requests(request):
    return _account_queue(request)


@require_POST
@role_required(*STAFF)
def enterprise_invite(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        joins = services.needs_consent(enterprise)
        try:
            link = services.invite_user(
                enterprise=enterprise,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            if joins:
                record(
                    AuditAction.ACCOUNT_ENABLED,
                    request,
                    user=request.user,
                    detail=f"科技局邀请 {form.cleaned_data['username']} 加入{enterprise.name}"
                    f"（未经企业管理员同意），理由：{form.cleaned_data['reason']}",
                )
            messages.success(
                request,
                f"已邀请 {form.cleaned_data['username']}，设置密码的链接（3 天内有效）：{link}",
            )
    else:
        messages.error(request, _form_errors(form))
    return redirect("enterprises:detail", pk=pk)
