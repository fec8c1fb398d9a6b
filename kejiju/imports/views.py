"""The browser import: choose a layout, upload, see the check result row by row, confirm.

Small files are checked inline and shown for confirmation; files over ``INLINE_LIMIT`` rows run
as a background job whose page polls its progress."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kejiju.permissions import BUREAU, role_required
from kejiju.queue import QueueUnavailable

from . import services
from .errors import SheetError
from .exporting import template_response
from .forms import UploadForm
from .models import ImportJob
from .registry import get_layout
from .table import AmbiguousSheet


@role_required(*BUREAU)
def upload(request):
    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"layout": request.GET.get("layout")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = services.create_job(
            layout=data["layout"],
            upload=data["file"],
            user=request.user,
            dry_run=True,
            sheet=data["sheet"],
        )
        try:
            rows = services.count_rows(job)
        except SheetError as exc:
            job.file.delete(save=False)
            job.delete()
            form.add_error("sheet" if isinstance(exc, AmbiguousSheet) else "file", exc.message)
        else:
            if rows > services.INLINE_LIMIT and not data["dry_run"]:
                # Large files go straight to the import: the job checks every row first and
                # writes nothing if any fails.
                ImportJob.objects.filter(pk=job.pk).update(dry_run=False)
            try:
                services.start_job(job, rows=rows)
            except QueueUnavailable as exc:
                messages.error(request, str(exc))
            return redirect("imports:job", pk=job.pk)
    jobs = ImportJob.objects.select_related("user")[:10]
    return render(request, "imports/upload.html", {"form": form, "jobs": jobs})


@role_required(*BUREAU)
def template(request, layout: str):
    try:
        resource = get_layout(layout)()
    except SheetError:
        from django.http import Http404

        raise Http404 from None
    return template_response(resource)


def _job(pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("user"), pk=pk)


@role_required(*BUREAU)
def job_detail(request, pk: int):
    job = _job(pk)
    return render(request, "imports/job.html", {"job": job, "title": get_layout(job.layout).title})


@role_required(*BUREAU)
def job_progress(request, pk: int):
    """The progress part of the job page, polled by htmx until the job is finished."""
    job = _job(pk)
    response = render(request, "imports/_progress.html", {"job": job})
    if job.finished:
        response["HX-Refresh"] = "true"  # show the full result
    return response


@require_POST
@role_required(*BUREAU)
def job_confirm(request, pk: int):
    """Runs for real a dry-run job that passed."""
    job = _job(pk)
    if job.dry_run and job.state == ImportJob.State.SUCCEEDED and not job.error_count:
        ImportJob.objects.filter(pk=job.pk).update(dry_run=False, state=ImportJob.State.QUEUED)
        job.refresh_from_db()
        try:
            services.start_job(job, rows=job.total)
        except QueueUnavailable as exc:
            messages.error(request, str(exc))
    return redirect("imports:job", pk=job.pk)


@require_POST
@role_required(*BUREAU)
def job_rerun(request, pk: int):
    job = _job(pk)
    if not job.can_rerun:
        messages.error(request, "该任务仍在执行，无需重新执行。")
        return redirect("imports:job", pk=job.pk)
    try:
        services.rerun_job(job)
    except QueueUnavailable as exc:
        messages.error(request, str(exc))
    return redirect("imports:job", pk=job.pk)
