import django_filters
from django.db.models import Q
from django.utils import timezone

from kejiju.filters import FilterSet, IdFilter, SearchFilter, YearFilter, YesNoFilter
from kejiju.models import PlanCategory, Town

from .choices import ProjectStatus, Stage
from .models import Commissioner, Project


class ProjectFilter(FilterSet):
    q = SearchFilter("number", "name", "undertaker")
    category = django_filters.ModelChoiceFilter(
        label="计划类别", queryset=PlanCategory.objects.all(), empty_label="全部"
    )
    year = YearFilter(label="申报年度", field_name="applied_on")
    town = django_filters.ModelChoiceFilter(
        label="所属镇街", queryset=Town.objects.all(), empty_label="全部"
    )
    # A text box rather than a list of every enterprise of the county: a <select> of 20,000
    # options made the page a megabyte and took seconds to render.
    enterprise_name = django_filters.CharFilter(
        label="承担企业（名称或信用代码）", method="filter_enterprise_name"
    )
    enterprise = IdFilter(label="承担企业", field_name="enterprise_id")
    status = django_filters.ChoiceFilter(
        label="状态", choices=ProjectStatus.choices, empty_label="全部"
    )
    stage = django_filters.ChoiceFilter(label="环节", choices=Stage.choices, empty_label="全部")
    overdue = YesNoFilter(label="逾期未验收", method="filter_overdue")
    commissioner = django_filters.ModelChoiceFilter(
        label="科技特派员", queryset=Commissioner.objects.all(), empty_label="全部"
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "category",
            "year",
            "town",
            "enterprise_name",
            "enterprise",
            "status",
            "stage",
            "overdue",
            "commissioner",
        ]

    def filter_enterprise_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__credit_code=value.upper())
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        late = {"stage": Stage.EXECUTING, "ends_on__lt": today}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class CommissionerFilter(FilterSet):
    q = SearchFilter("name", "employer", "specialty")
    batch = django_filters.CharFilter(label="批次", lookup_expr="icontains")
    town = django_filters.ModelChoiceFilter(
        label="服务镇街", queryset=Town.objects.all(), empty_label="全部"
    )

    class Meta:
        model = Commissioner
        fields = ["q", "batch", "town"]
