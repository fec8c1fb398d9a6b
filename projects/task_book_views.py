"""Pages of the 任务书, the 考核指标 at acceptance and the on-site inspection. The project is
reached through ``Project.objects.visible_to``: another enterprise's project is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from kejiju.choices import Role
from kejiju.permissions import deny, role_required
from kejiju.uploads import protected_download

from . import task_book_forms as forms
from . import task_books
from .permissions import ACTORS, EDITORS, READERS
from .task_book_models import (
    AcceptancePatent,
    InspectionConclusion,
    InspectionPhoto,
    TaskBook,
    TaskBookIndicator,
    TaskBookStatus,
)
from .views import _errors_to_form, _visible_project

PARTS = ("objectives", "starts_on", "ends_on")


def _may_act(request) -> bool:
    return request.user.has_role(*ACTORS)


def _parts(book, data=None):
    main, milestones, indicators, budget = forms.initial_for(book)
    return (
        forms.TaskBookForm(data, initial=main, prefix="tb"),
        forms.MilestoneFormSet(data, initial=milestones, prefix="ms"),
        forms.IndicatorFormSet(data, initial=indicators, prefix="ind"),
        forms.BudgetForm(data, initial=budget, prefix="bg"),
    )


@role_required(*READERS, Role.ENTERPRISE)
def task_book(request, pk):
    project = _visible_project(request, pk)
    is_staff = request.user.has_role(*EDITORS)
    is_enterprise = request.user.has_role(Role.ENTERPRISE)
    if request.method == "POST" and not _may_act(request):
        raise deny(request, "领导只能查看任务书，不能办理。")
    book = task_books.open_version(project) or task_books.signed(project)
    versions = project.task_books.select_related("submitted_by", "signed_by", "change")
    editing = bool(book and is_enterprise and book.editable)
    parts = _parts(book) if editing else None
    review_form = forms.ReviewForm(prefix="rv")
    part_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if book is None and action == "open" and project.stage in task_books.TASK_BOOK_STAGES:
            # a project approved before the 任务书 was kept online
            task_books.open_task_book(project=project, by=request.user)
            messages.success(request, "已生成任务书，请承担单位在线填写。")
            return redirect("projects:task_book", pk=project.pk)
        if book is None:
            raise Http404("项目尚未生成任务书。")
        try:
            if action in ("save", "submit") and editing:
                parts = _parts(book, request.POST)
                if all(p.is_valid() for p in parts):
                    task_books.save_task_book(
                        task_book=book,
                        contents=forms.contents_of(*parts),
                        by=request.user,
                        submit=action == "submit",
                    )
                    messages.success(
                        request,
                        "任务书已提交，等待科技局审核。" if action == "submit" else "已保存草稿。",
                    )
                    return redirect("projects:task_book", pk=project.pk)
                raise ValidationError("请按提示修改后再保存。")
            if action in ("return", "sign") and is_staff:
                review_form = forms.ReviewForm(request.POST, prefix="rv")
                review_form.is_valid()
                comment = review_form.cleaned_data.get("comment", "")
                if action == "return":
                    task_books.return_task_book(task_book=book, comment=comment, by=request.user)
                    messages.success(request, "已退回任务书。")
                else:
                    task_books.sign_task_book(task_book=book, comment=comment, by=request.user)
                    messages.success(request, "任务书已审核签订，已生成签订版 PDF。")
                return redirect("projects:task_book", pk=project.pk)
            raise Http404("没有该操作。")
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.error_dict.items():
                    if key == "comment":
                        review_form.add_error("comment", errors)
                    elif key in PARTS and parts:
                        parts[0].add_error(key, errors)
                    else:
                        key = key if key in ("milestones", "indicators", "budget") else "general"
                        part_errors.setdefault(key, []).extend(
                            m for e in errors for m in e.messages
                        )
            else:
                part_errors.setdefault("general", []).extend(exc.messages)
    context = {
        "project": project,
        "book": book,
        "versions": versions,
        "editing": editing,
        "is_staff": is_staff,
        "may_act": _may_act(request),
        "review_form": review_form,
        "part_errors": part_errors,
        "may_open": book is None
        and _may_act(request)
        and project.funding is not None
        and project.stage in task_books.TASK_BOOK_STAGES,
    }
    if parts:
        context.update(
            zip(("main", "milestone_set", "indicator_set", "budget"), parts, strict=True)
        )
    if book is not None:
        context["lines"] = book.budget_lines.all()
    return render(request, "projects/task_book.html", context)


@role_required(*READERS, Role.ENTERPRISE)
def task_book_pdf(request, pk, version):
    project = _visible_project(request, pk)
    book = get_object_or_404(
        TaskBook,
        project=project,
        version=version,
        status__in=(TaskBookStatus.SIGNED, TaskBookStatus.SUPERSEDED),
    )
    return protected_download(
        book.pdf,
        filename=f"任务书-{project.number}-第{book.version}版.pdf",
        content_type="application/pdf",
    )


@role_required(*READERS, Role.ENTERPRISE)
def indicators(request, pk):
    """Every indicator of the signed 任务书, target beside actual: patents listed from the
    register (staff untick one), the others entered by the enterprise with evidence."""
    project = _visible_project(request, pk)
    is_staff = request.user.has_role(*EDITORS)
    is_enterprise = request.user.has_role(Role.ENTERPRISE)
    if request.method == "POST" and not _may_act(request):
        raise deny(request, "领导只能查看考核指标，不能办理。")
    book = task_books.signed(project)
    bound = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if book is None:
            raise Http404("项目没有已签订的任务书。")
        if action == "actual" and is_enterprise:
            indicator = get_object_or_404(
                TaskBookIndicator, pk=request.POST.get("indicator"), task_book=book
            )
            form = forms.ActualForm(request.POST, request.FILES, prefix=f"a{indicator.pk}")
            if form.is_valid():
                try:
                    task_books.record_actual(
                        indicator=indicator,
                        actual=form.cleaned_data["actual"],
                        note=form.cleaned_data["note"],
                        evidence=form.cleaned_data.get("evidence"),
                        by=request.user,
                    )
                except ValidationError as exc:
                    _errors_to_form(form, exc)
                else:
                    messages.success(request, f"已填报「{indicator.name}」的完成情况。")
                    return redirect("projects:indicators", pk=project.pk)
            bound[indicator.pk] = form
        elif action in ("untick", "tick") and is_staff:
            row = get_object_or_404(
                AcceptancePatent, pk=request.POST.get("row"), indicator__task_book=book
            )
            form = forms.UntickForm(request.POST, prefix=f"p{row.pk}")
            form.is_valid()
            try:
                task_books.set_patent_counted(
                    row=row,
                    counted=action == "tick",
                    reason=form.cleaned_data.get("reason", ""),
                    by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, "已调整计入的专利。")
                return redirect("projects:indicators", pk=project.pk)
        else:
            raise Http404("没有该操作。")
    if book is not None and request.method == "GET" and project.stage in task_books.OPEN_STAGES:
        # frozen once the acceptance decision is taken
        task_books.sync_patents(project)
    rows, overall = task_books.results(project, book)
    window = task_books.patent_window(project) if book else None
    entries = [
        (
            r,
            bound.get(r.indicator.pk)
            or forms.ActualForm(
                prefix=f"a{r.indicator.pk}",
                initial={"actual": r.indicator.actual, "note": r.indicator.actual_note},
            ),
        )
        for r in rows
    ]
    return render(
        request,
        "projects/indicators.html",
        {
            "project": project,
            "book": book,
            "entries": entries,
            "overall": overall,
            "window": window,
            "is_staff": is_staff,
            "may_enter": is_enterprise
            and project.stage in ("executing", "failed", "acceptance_applied"),
            "may_untick": is_staff and project.stage == "acceptance_applied",
        },
    )


@role_required(*EDITORS)
def inspection_add(request, pk):
    project = _visible_project(request, pk)
    form = forms.InspectionForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inspection = task_books.record_inspection(
                project=project,
                occasion=d["occasion"],
                inspected_on=d["inspected_on"],
                staff=d["staff"],
                experts=d["experts"],
                checked=d["checked"],
                findings=d["findings"],
                conclusion=d["conclusion"],
                photos=d["photos"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if inspection.conclusion == InspectionConclusion.UNTRUE:
                messages.warning(request, "已登记实地考察，结论为不属实：可据此登记科研诚信记录。")
            else:
                messages.success(request, "已登记实地考察。")
            return redirect("projects:inspections", pk=project.pk)
    return render(request, "projects/inspection_form.html", {"project": project, "form": form})


@role_required(*READERS)
def inspections(request, pk):
    project = _visible_project(request, pk)
    records = project.inspections.prefetch_related("staff", "experts", "photos").select_related(
        "recorded_by"
    )
    return render(
        request,
        "projects/inspections.html",
        {
            "project": project,
            "inspections": records,
            "is_staff": request.user.has_role(*EDITORS),
            "integrity_url": task_books.integrity_create_url(project),
        },
    )


@role_required(*READERS)
def inspection_photo(request, pk, photo_pk):
    project = _visible_project(request, pk)
    photo = get_object_or_404(InspectionPhoto, pk=photo_pk, inspection__project=project)
    return protected_download(
        photo.file, filename=photo.original_name, content_type=photo.content_type
    )
