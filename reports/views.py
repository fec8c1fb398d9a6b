from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, UpdateView

from kejiju.permissions import RoleRequiredMixin, role_required
from kejiju.queue import QueueUnavailable, submit

from . import tasks
from .choices import NarrativeSection, RenderFormat, RenderState
from .dashboard import available_years, build_dashboard, default_year, snapshot_for
from .exports import indicator_workbook
from .forms import HonourForm, NarrativeParagraphForm, YearTargetForm
from .models import Honour, NarrativeParagraph, SummaryRender, YearTarget
from .permissions import EDITORS, READERS
from .registry import all_indicators
from .services import request_render, retry_render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request, default=None) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        return default if default is not None else default_year()
    return year


@role_required(*READERS)
def dashboard(request):
    year = _year(request)
    context = build_dashboard(year)
    context["can_edit"] = request.user.has_role(*EDITORS)
    return render(request, "reports/dashboard.html", context)


@role_required(*READERS)
def export_xlsx(request):
    year = _year(request)
    snapshot = snapshot_for(year)
    if snapshot is None:
        raise Http404("该年度尚未计算指标。")
    response = HttpResponse(indicator_workbook(snapshot), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=indicators-{year}.xlsx"
    return response


@require_POST
@role_required(*READERS)
def compute_now(request):
    year = _year(request)
    try:
        submit(tasks.compute_indicators, year)
    except QueueUnavailable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已提交 {year} 年度指标计算，完成后刷新页面即可看到最新数据。")
    return redirect(f"{reverse('reports:dashboard')}?year={year}")


# --- the annual summary ----------------------------------------------------------------------


@role_required(*READERS)
def summary_page(request):
    year = _year(request, default=default_year())
    jobs = SummaryRender.objects.for_year(year)[:30]
    return render(
        request,
        "reports/summary.html",
        {
            "year": year,
            "years": available_years(),
            "jobs": jobs,
            "snapshot": snapshot_for(year),
            "formats": RenderFormat.choices,
        },
    )


def _start(request, start):
    """Creates or joins a render job and sends its task; the message says which happened."""
    try:
        job, created = start()
    except QueueUnavailable as exc:
        messages.error(request, str(exc))
        return None
    if created or job.should_resubmit():
        try:
            submit(tasks.render_summary, job.pk)
        except QueueUnavailable as exc:
            job.state = RenderState.FAILED
            job.error = str(exc)
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "error", "finished_at"])
            messages.error(request, str(exc))
            return job
    if not created:
        messages.info(request, "该年度的工作总结正在生成中，已为您关联到进行中的任务。")
        return job
    job.refresh_from_db()
    if job.state == RenderState.SUCCEEDED:
        messages.success(request, "工作总结已生成，可在下方下载。")
    elif job.state == RenderState.FAILED:
        messages.error(request, f"生成失败：{job.error}")
    else:
        messages.success(request, "已开始生成，页面会显示进度，完成后可下载。")
    return job


@require_POST
@role_required(*READERS)
def summary_start(request):
    year = _year(request)
    fmt = request.POST.get("format", RenderFormat.PDF)
    if fmt not in RenderFormat.values:
        fmt = RenderFormat.PDF
    snapshot_for(year)  # the summary reads the snapshot: compute it now when missing or stale
    _start(request, lambda: request_render(year=year, format=fmt, user=request.user))
    return redirect(f"{reverse('reports:summary')}?year={year}")


@require_POST
@role_required(*READERS)
def summary_retry(request, pk):
    job = get_object_or_404(SummaryRender, pk=pk)
    if not job.can_retry:
        messages.info(request, "该任务无需重新生成。")
    else:
        _start(request, lambda: retry_render(job, user=request.user))
    return redirect(f"{reverse('reports:summary')}?year={job.year}")


@role_required(*READERS)
def summary_job(request, pk):
    """The job's row, polled by htmx while it is active."""
    job = get_object_or_404(SummaryRender.objects.select_related("requested_by"), pk=pk)
    return render(request, "reports/partials/job_row.html", {"job": job})


@role_required(*READERS)
def summary_download(request, pk):
    job = get_object_or_404(SummaryRender, pk=pk, state="succeeded")
    if not job.file:
        raise Http404("文件不存在。")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


# --- staff pages: targets, honours, paragraphs -----------------------------------------------


@role_required(*EDITORS)
def manage_year(request):
    year = _year(request, default=default_year())
    years = available_years()
    # the plan year (targets for next year are entered in December) and any year asked for
    years = sorted({years[0] + 1, *years, year}, reverse=True)
    labels = {indicator.key: indicator.label for indicator in all_indicators()}
    paragraphs = NarrativeParagraph.objects.filter(year=year).order_by("section", "order", "pk")
    order = {value: index for index, value in enumerate(NarrativeSection.values)}
    return render(
        request,
        "reports/manage.html",
        {
            "year": year,
            "years": years,
            "targets": [
                (t, labels.get(t.indicator_key, "")) for t in YearTarget.objects.filter(year=year)
            ],
            "honours": Honour.objects.filter(year=year),
            "paragraphs": sorted(paragraphs, key=lambda p: (order[p.section], p.order, p.pk)),
        },
    )


class EditorMixin(RoleRequiredMixin):
    roles = EDITORS
    template_name = "reports/form.html"
    noun = ""

    def get_initial(self):
        initial = super().get_initial()
        if "year" in self.request.GET:
            initial["year"] = _year(self.request)
        if "section" in self.request.GET:
            initial["section"] = self.request.GET["section"]
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["noun"] = self.noun
        context["back"] = self.get_success_url()
        return context

    def get_success_url(self):
        year = getattr(getattr(self, "object", None), "year", None) or _year(self.request)
        return f"{reverse('reports:manage')}?year={year}"

    def form_valid(self, form):
        messages.success(self.request, f"{self.noun}已保存。")
        return super().form_valid(form)


class TargetCreate(EditorMixin, CreateView):
    model, form_class, noun = YearTarget, YearTargetForm, "年度目标"


class TargetUpdate(EditorMixin, UpdateView):
    model, form_class, noun = YearTarget, YearTargetForm, "年度目标"


class HonourCreate(EditorMixin, CreateView):
    model, form_class, noun = Honour, HonourForm, "荣誉与排名"


class HonourUpdate(EditorMixin, UpdateView):
    model, form_class, noun = Honour, HonourForm, "荣誉与排名"


class ParagraphCreate(EditorMixin, CreateView):
    model, form_class, noun = NarrativeParagraph, NarrativeParagraphForm, "总结段落"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["indicators"] = all_indicators()
        return context


class ParagraphUpdate(ParagraphCreate, UpdateView):
    pass


class EditorDelete(EditorMixin, DeleteView):
    template_name = "reports/confirm_delete.html"

    def form_valid(self, form):
        messages.success(self.request, f"{self.noun}已删除。")
        return super(EditorMixin, self).form_valid(form)


class TargetDelete(EditorDelete):
    model, noun = YearTarget, "年度目标"


class HonourDelete(EditorDelete):
    model, noun = Honour, "荣誉与排名"


class ParagraphDelete(EditorDelete):
    model, noun = NarrativeParagraph, "总结段落"
