from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from kejiju.permissions import role_required
from kejiju.uploads import protected_download
from projects.choices import Stage
from projects.models import Project

from . import forms, services, similarity
from .choices import PairDecision
from .models import DuplicatePair, IntegrityRecord, TownRecommendation
from .permissions import EDITORS, LETTER_READERS, TOWN


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# ---- 科研诚信 ledger ------------------------------------------------------------------------


@role_required(*EDITORS)
def integrity_list(request):
    today = timezone.localdate()
    records = IntegrityRecord.objects.select_related("enterprise", "expert").order_by(
        "-starts_on", "-pk"
    )
    rows = [(record, record.is_active_on(today)) for record in records]
    return render(request, "screening/integrity_list.html", {"rows": rows})


@role_required(*EDITORS)
def integrity_add(request):
    initial = {}
    # opened from an inspection found 不属实: ?enterprise=<id> fills in the subject
    enterprise = request.GET.get("enterprise", "")
    if enterprise.isdigit() and len(enterprise) < 12:
        initial = {"subject_kind": "enterprise", "enterprise": int(enterprise)}
    form = forms.IntegrityRecordForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.add_record(
                decision_upload=form.cleaned_data["decision_upload"],
                by=request.user,
                **form.record_fields(),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"已登记科研诚信记录 {record.number}。")
            return redirect("screening:integrity_detail", pk=record.pk)
    return render(request, "screening/integrity_form.html", {"form": form})


@role_required(*EDITORS)
def integrity_detail(request, pk):
    record = get_object_or_404(
        IntegrityRecord.objects.select_related("enterprise", "expert", "user", "created_by"),
        pk=pk,
    )
    form = forms.EndRecordForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_record(
                record=record,
                kind=form.cleaned_data["end_kind"],
                reason=form.cleaned_data["end_reason"],
                on=form.cleaned_data["ended_on"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "已提前终止该记录，理由已记入。")
            return redirect("screening:integrity_detail", pk=record.pk)
    context = {
        "record": record,
        "active": record.is_active_on(timezone.localdate()),
        "form": form,
        "history": record.history.select_related("history_user").order_by("history_date"),
    }
    return render(request, "screening/integrity_detail.html", context)


@role_required(*EDITORS)
def integrity_document(request, pk):
    record = get_object_or_404(IntegrityRecord, pk=pk)
    return protected_download(
        record.decision_file, filename=record.decision_name, content_type=record.decision_type
    )


# ---- 查重 -----------------------------------------------------------------------------------


@role_required(*EDITORS)
def duplicate_list(request):
    pairs = DuplicatePair.objects.select_related("project", "other", "project__enterprise")
    if request.GET.get("all") != "1":
        pairs = pairs.filter(decision=PairDecision.PENDING)
    return render(
        request,
        "screening/duplicate_list.html",
        {"pairs": pairs.order_by("-found_at", "pk"), "show_all": request.GET.get("all") == "1"},
    )


@role_required(*EDITORS)
def duplicate_pair(request, pk):
    pair = get_object_or_404(
        DuplicatePair.objects.select_related(
            "project", "other", "project__enterprise", "other__enterprise", "decided_by"
        ),
        pk=pk,
    )
    form = forms.PairDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_pair(
                pair=pair,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "已记录查重认定。")
            return redirect("screening:duplicate_pair", pk=pair.pk)
    a, b = pair.project, pair.other
    context = {
        "pair": pair,
        "form": form,
        "sides": [
            (a, similarity.highlight(a.name, b.name), similarity.highlight(a.summary, b.summary)),
            (b, similarity.highlight(b.name, a.name), similarity.highlight(b.summary, a.summary)),
        ],
    }
    return render(request, "screening/duplicate_pair.html", context)


# ---- 镇街推荐 --------------------------------------------------------------------------------


def _town_applications(user):
    return Project.objects.filter(
        call__requires_town_recommendation=True, enterprise__town_id=user.town_id
    ).select_related("call", "enterprise")


@role_required(*TOWN)
def town_home(request):
    applications = _town_applications(request.user).order_by("-submitted_at", "-pk")
    waiting = applications.filter(stage=Stage.SUBMITTED, town_recommendation__isnull=True)
    done = applications.filter(town_recommendation__isnull=False).select_related(
        "town_recommendation"
    )
    return render(
        request,
        "screening/town_home.html",
        {"waiting": waiting, "done": done, "town": request.user.town},
    )


@role_required(*TOWN)
def town_application(request, pk):
    project = get_object_or_404(_town_applications(request.user), pk=pk)
    recommendation = TownRecommendation.objects.filter(project=project).first()
    form = forms.RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommend(
                project=project,
                decision=form.cleaned_data["decision"],
                opinion=form.cleaned_data["opinion"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "已出具推荐意见。")
            return redirect("screening:town_application", pk=project.pk)
    return render(
        request,
        "screening/town_application.html",
        {"project": project, "recommendation": recommendation, "form": form},
    )


@role_required(*LETTER_READERS)
def recommendation_letter(request, pk):
    projects = (
        _town_applications(request.user) if request.user.has_role(*TOWN) else Project.objects.all()
    )
    project = get_object_or_404(projects, pk=pk)
    recommendation = get_object_or_404(TownRecommendation, project=project)
    response = HttpResponse(
        services.recommendation_letter(recommendation), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="recommendation-{project.pk}.pdf"'
    return response
