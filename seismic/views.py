from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.generic import DetailView

from kejiju.collation import Pinyin
from kejiju.filters import year_param
from kejiju.listing import FilteredListView
from kejiju.permissions import RoleRequiredMixin, role_required

from . import services
from .choices import ActivityKind, SiteStatus
from .filters import ActivityFilter, PointFilter, SiteFilter
from .forms import (
    ActivityForm,
    AnomalyCheckForm,
    DrillForm,
    InspectionForm,
    MilestoneForm,
    MonthlyReportForm,
    PhotoForm,
    PlanForm,
    PlanVersionForm,
    PointForm,
    SiteForm,
    StationForm,
)
from .models import (
    ActivityPhoto,
    Assistant,
    DemoSite,
    EmergencyPlan,
    MonthlyReport,
    ObservationPoint,
    PlanVersion,
    SeismicActivity,
    Station,
    StationMilestone,
    VolunteerTeam,
)
from .permissions import EDITORS, READERS
from .querysets import missing_reports, plans_needing_drill, previous_month
from .resources import SeismicActivityResource


def _apply_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_page(request, form, title: str, back_url: str, *, multipart: bool = False):
    return render(
        request,
        "seismic/form.html",
        {"form": form, "title": title, "back_url": back_url, "multipart": multipart},
    )


@role_required(*READERS)
def overview(request):
    """The year's earthquake-safety work at a glance."""
    today = timezone.localdate()
    year = year_param(request, today.year)
    activities = SeismicActivity.objects.in_year(year)
    totals = activities.aggregate(
        count=Count("pk"), participants=Sum("participants"), materials=Sum("materials")
    )
    by_month = {row["month"]: row for row in activities.by_month()}
    months = [
        {
            "month": m,
            "count": by_month.get(m, {}).get("count", 0),
            "participants": by_month.get(m, {}).get("participants") or 0,
        }
        for m in range(1, 13)
    ]
    by_kind = dict(activities.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    site_counts = DemoSite.objects.count_by_status()
    # Reporting rate: reports received for the year's months so far over what was due.
    months_due = 12 if year < today.year else max(today.month - 1, 0)
    points = ObservationPoint.objects.active().count()
    received = MonthlyReport.objects.filter(month__year=year, month__month__lte=months_due).count()
    due = points * months_due
    missing_month, missing = missing_reports(today)
    # A year with no activity yet (early January, or a county that has not entered this year's)
    # points to the last year that has some instead of showing a page of zeros unexplained.
    latest = None
    if not totals["count"]:
        latest = (
            SeismicActivity.objects.filter(held_on__year__lt=year)
            .order_by("-held_on")
            .values_list("held_on__year", flat=True)
            .first()
        )
    context = {
        "latest_year": latest,
        "year": year,
        "years": range(today.year, today.year - 6, -1),
        "totals": totals,
        "months": months,
        "kinds": [(label, by_kind.get(value, 0)) for value, label in ActivityKind.choices],
        "sites": [(label, site_counts.get(value, 0)) for value, label in SiteStatus.choices],
        "reporting_rate": round(received * 100 / due, 1) if due else None,
        "reports_received": received,
        "reports_due": due,
        "missing_month": missing_month,
        "missing": missing,
        "stale_plans": plans_needing_drill(today),
        "drill_years": settings.SEISMIC_DRILL_INTERVAL_YEARS,
        "awaiting_check": MonthlyReport.objects.awaiting_check().select_related("point"),
    }
    return render(request, "seismic/overview.html", context)


class ActivityListView(FilteredListView):
    roles = READERS
    filterset_class = ActivityFilter
    template_name = "seismic/activity_list.html"
    export_resource = SeismicActivityResource
    export_title = "防震减灾宣传与活动"
    sort_fields = {
        "held_on": ("held_on",),
        "participants": ("participants",),
        "materials": ("materials",),
        "photo_count": ("photo_count",),
    }
    queryset = (
        SeismicActivity.objects.select_related("town")
        .annotate(photo_count=Count("photos"))
        .order_by("-held_on", "-pk")
    )


class ActivityDetailView(RoleRequiredMixin, DetailView):
    roles = READERS
    model = SeismicActivity
    template_name = "seismic/activity_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(photo_form=PhotoForm(), **kwargs)


@role_required(*EDITORS)
def activity_edit(request, pk=None):
    activity = get_object_or_404(SeismicActivity, pk=pk) if pk else None
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        activity = form.save()
        messages.success(request, f"已保存活动「{activity.name}」。")
        return redirect("seismic:activity_detail", pk=activity.pk)
    return _form_page(
        request, form, "编辑活动" if activity else "登记活动", "seismic:activity_list"
    )


@role_required(*EDITORS)
def photo_add(request, pk):
    activity = get_object_or_404(SeismicActivity, pk=pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_photo(
                activity=activity,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "照片已上传。")
            return redirect("seismic:activity_detail", pk=activity.pk)
    return _form_page(
        request, form, f"上传照片：{activity.name}", "seismic:activity_list", multipart=True
    )


@role_required(*READERS)
def plan_list(request):
    today = timezone.localdate()
    limit_years = settings.SEISMIC_DRILL_INTERVAL_YEARS
    stale = set(plans_needing_drill(today).values_list("pk", flat=True))
    plans = EmergencyPlan.objects.with_status()
    return render(
        request,
        "seismic/plan_list.html",
        {"plans": plans, "stale": stale, "drill_years": limit_years},
    )


@role_required(*READERS)
def plan_detail(request, pk):
    plan = get_object_or_404(EmergencyPlan.objects.with_status(), pk=pk)
    drills = plan.drills.select_related("activity", "version")
    stale = plans_needing_drill(timezone.localdate()).filter(pk=plan.pk).exists()
    return render(
        request,
        "seismic/plan_detail.html",
        {
            "plan": plan,
            "versions": plan.versions.all(),
            "drills": drills,
            "stale": stale,
            "drill_years": settings.SEISMIC_DRILL_INTERVAL_YEARS,
        },
    )


@role_required(*EDITORS)
def plan_create(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, "预案已建立，请登记其批准版本。")
        return redirect("seismic:version_add", pk=plan.pk)
    return _form_page(request, form, "新建应急预案", "seismic:plan_list")


@role_required(*EDITORS)
def version_add(request, pk):
    plan = get_object_or_404(EmergencyPlan, pk=pk)
    form = PlanVersionForm(
        request.POST or None, request.FILES or None, instance=PlanVersion(plan=plan)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "预案版本已登记。")
        return redirect("seismic:plan_detail", pk=plan.pk)
    return _form_page(
        request, form, f"登记预案版本：{plan.name}", "seismic:plan_list", multipart=True
    )


@role_required(*EDITORS)
def drill_add(request, pk):
    plan = get_object_or_404(EmergencyPlan, pk=pk)
    form = DrillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_drill(plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "演练已登记。")
            return redirect("seismic:plan_detail", pk=plan.pk)
    return _form_page(request, form, f"登记演练：{plan.name}", "seismic:plan_list")


class SiteListView(FilteredListView):
    roles = READERS
    filterset_class = SiteFilter
    template_name = "seismic/site_list.html"
    queryset = DemoSite.objects.select_related("town")
    sort_fields = {
        "name": (Pinyin("name"),),
        "applied_on": ("applied_on",),
        "recognized_on": ("recognized_on",),
        "next_review_on": ("next_review_on",),
    }


@role_required(*READERS)
def site_detail(request, pk):
    site = get_object_or_404(DemoSite.objects.select_related("town"), pk=pk)
    return render(
        request, "seismic/site_detail.html", {"site": site, "inspections": site.inspections.all()}
    )


@role_required(*EDITORS)
def site_edit(request, pk=None):
    site = get_object_or_404(DemoSite, pk=pk) if pk else None
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        site = form.save()
        messages.success(request, f"已保存示范点「{site.name}」。")
        return redirect("seismic:site_detail", pk=site.pk)
    return _form_page(request, form, "编辑示范点" if site else "登记示范点", "seismic:site_list")


@role_required(*EDITORS)
def inspection_add(request, pk):
    site = get_object_or_404(DemoSite, pk=pk)
    form = InspectionForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.inspect_site(
                site=site,
                inspected_on=data["inspected_on"],
                inspectors=data["inspectors"],
                checklist=form.checklist_result(),
                score=data["score"],
                conclusion=data["conclusion"],
                promote_to=data["promote_to"],
                next_review_on=data["next_review_on"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "检查结果已登记。")
            return redirect("seismic:site_detail", pk=site.pk)
    return _form_page(request, form, f"登记检查：{site.name}", "seismic:site_list")


class PointListView(FilteredListView):
    roles = READERS
    filterset_class = PointFilter
    template_name = "seismic/point_list.html"
    sort_fields = {"code": ("code",), "name": (Pinyin("name"),)}
    queryset = ObservationPoint.objects.select_related("town").prefetch_related(
        Prefetch(
            "reports", queryset=MonthlyReport.objects.order_by("-month"), to_attr="recent_reports"
        )
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["missing_month"], context["missing"] = missing_reports(timezone.localdate())
        context["awaiting_check"] = MonthlyReport.objects.awaiting_check().select_related("point")
        return context


@role_required(*EDITORS)
def point_edit(request, pk=None):
    point = get_object_or_404(ObservationPoint, pk=pk) if pk else None
    form = PointForm(request.POST or None, instance=point)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "观测点已保存。")
        return redirect("seismic:point_list")
    return _form_page(request, form, "编辑观测点" if point else "新增观测点", "seismic:point_list")


@role_required(*EDITORS)
def report_add(request):
    initial = {"reported_on": timezone.localdate(), "month": previous_month(timezone.localdate())}
    if "point" in request.GET:
        initial["point"] = request.GET["point"]
    form = MonthlyReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report, created = services.submit_monthly_report(**form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            verb = "已登记" if created else "已更新（该月已报送过，原报告已保留在修改历史中）"
            kind = "异常报告，请当天核实" if report.anomaly else "零报告"
            messages.success(request, f"{report}：{kind}，{verb}。")
            return redirect("seismic:point_list")
    return _form_page(request, form, "报送观测月报", "seismic:point_list")


@role_required(*EDITORS)
def report_check(request, pk):
    report = get_object_or_404(MonthlyReport.objects.select_related("point"), pk=pk)
    form = AnomalyCheckForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_anomaly_check(report=report, **form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "核实情况已登记。")
            return redirect("seismic:point_list")
    return _form_page(request, form, f"核实异常：{report}", "seismic:point_list")


@role_required(*READERS)
def station_list(request):
    stations = Station.objects.prefetch_related(
        Prefetch("milestones", queryset=StationMilestone.objects.order_by("planned_on"))
    )
    return render(request, "seismic/station_list.html", {"stations": stations})


@role_required(*EDITORS)
def station_edit(request, pk=None):
    station = get_object_or_404(Station, pk=pk) if pk else None
    form = StationForm(request.POST or None, instance=station)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "台站已保存。")
        return redirect("seismic:station_list")
    return _form_page(request, form, "编辑台站" if station else "新增台站", "seismic:station_list")


@role_required(*EDITORS)
def milestone_edit(request, station_pk, pk=None):
    station = get_object_or_404(Station, pk=station_pk)
    milestone = (
        get_object_or_404(StationMilestone, pk=pk, station=station)
        if pk
        else StationMilestone(station=station)
    )
    form = MilestoneForm(request.POST or None, instance=milestone, station=station)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "建设节点已保存。")
        return redirect("seismic:station_list")
    return _form_page(request, form, f"建设节点：{station}", "seismic:station_list")


@role_required(*READERS)
def team_list(request):
    assistants = Assistant.objects.select_related("town")
    teams = VolunteerTeam.objects.select_related("town").annotate(member_count=Count("members"))
    return render(request, "seismic/team_list.html", {"assistants": assistants, "teams": teams})


@role_required(*READERS)
def photo_file(request, pk):
    """Photos are served through the application so the role check applies to them too."""
    from django.http import FileResponse

    photo = get_object_or_404(ActivityPhoto, pk=pk)
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")
