from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from enterprises.models import Enterprise
from kejiju.filters import year_param
from kejiju.listing import FilteredListView
from kejiju.permissions import role_required

from . import services, statistics
from .filters import ActivityFilter, DisputeFilter, PatentFilter, StaffPatentFilter, UnlinkedFilter
from .models import DisputeCase, IPActivity, Patent
from .pagination import EstimatedCountPaginator
from .permissions import EDITORS, PATENT_READERS, READERS, sees_whole_register
from .resources import PatentDisputeResource, PatentResource


class PatentListView(FilteredListView):
    roles = PATENT_READERS
    template_name = "patents/patent_list.html"
    export_resource = PatentResource
    export_title = "专利清单"
    paginator_class = EstimatedCountPaginator
    sort_fields = {
        "application_number": ("application_number",),
        "filed_on": ("filed_on",),
        "granted_on": ("granted_on",),
    }

    def get_filterset_class(self):
        return StaffPatentFilter if sees_whole_register(self.request.user) else PatentFilter

    def get_queryset(self):
        return Patent.objects.visible_to(self.request.user).for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["whole_register"] = sees_whole_register(self.request.user)
        return context


FIELD_LABELS = {f.name: f.verbose_name for f in Patent._meta.fields}


def _history(patent: Patent) -> list[dict]:
    records = list(
        patent.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    entries = []
    # rows written in bulk (imports, data migrations) have no history record at all
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                changes.append(
                    {
                        "field": FIELD_LABELS.get(change.field, change.field),
                        "old": change.old,
                        "new": change.new,
                    }
                )
        entries.append({"record": record, "changes": changes})
    return entries


@role_required(*PATENT_READERS)
def patent_detail(request, pk: int):
    patent = get_object_or_404(
        Patent.objects.visible_to(request.user).select_related("enterprise", "enterprise__town"),
        pk=pk,
    )
    return render(
        request,
        "patents/patent_detail.html",
        {
            "patent": patent,
            "history": _history(patent),
            "whole_register": sees_whole_register(request.user),
        },
    )


@role_required(*EDITORS)
def unlinked_applicants(request):
    """Applicants of unlinked patents, grouped, to link them to enterprises in bulk."""
    if request.method == "POST":
        return _link(request)
    search = UnlinkedFilter(request.GET or None, queryset=Patent.objects.unlinked())
    groups = (
        search.qs.values("applicants")
        .annotate(patents=Count("pk"))
        .order_by("-patents", "applicants")
    )
    page = Paginator(groups, 50).get_page(request.GET.get("page"))
    enterprises = Enterprise.objects.only("pk", "name", "credit_code").order_by("name")
    return render(
        request,
        "patents/unlinked.html",
        {
            "page": page,
            "filter": search,
            "enterprises": enterprises,
            "unlinked_total": Patent.objects.unlinked().count(),
        },
    )


def _link(request):
    if request.POST.get("action") == "auto":
        linked = services.relink_by_registry(by=request.user)
        messages.success(request, f"已按企业名录自动关联 {linked} 件专利。")
        return redirect("patents:unlinked")
    applicants = request.POST.getlist("applicants")
    enterprise = Enterprise.objects.filter(pk=request.POST.get("enterprise") or None).first()
    if not applicants or enterprise is None:
        messages.error(request, "请勾选至少一个申请人，并选择要关联的企业。")
        return redirect(request.get_full_path())
    linked = services.link_applicants(applicants=applicants, enterprise=enterprise, by=request.user)
    messages.success(request, f"已将 {linked} 件专利关联到「{enterprise.name}」。")
    return redirect(request.get_full_path())


class DisputeListView(FilteredListView):
    roles = READERS
    template_name = "patents/dispute_list.html"
    filterset_class = DisputeFilter
    export_resource = PatentDisputeResource
    export_title = "专利纠纷案件"
    queryset = DisputeCase.objects.all()
    sort_fields = {
        "case_number": ("case_number",),
        "accepted_on": ("accepted_on",),
        "closed_on": ("closed_on",),
    }


@role_required(*READERS)
def dispute_detail(request, pk: int):
    case = get_object_or_404(DisputeCase, pk=pk)
    history = case.history.select_related("history_user").order_by("-history_date")
    return render(request, "patents/dispute_detail.html", {"case": case, "history": history})


class ActivityListView(FilteredListView):
    roles = READERS
    template_name = "patents/activity_list.html"
    filterset_class = ActivityFilter
    queryset = IPActivity.objects.all()
    sort_fields = {"held_on": ("held_on",), "participants": ("participants",)}


@role_required(*READERS)
def statistics_page(request):
    latest = statistics.latest_year() or timezone.localdate().year
    year = max(1985, min(year_param(request, latest), timezone.localdate().year + 1))
    table = statistics.yearly_table(year)
    return render(
        request,
        "patents/statistics.html",
        {"table": table, "year": year, "year_choices": range(latest, latest - 10, -1)},
    )
