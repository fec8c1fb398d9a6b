import django_filters
from django.utils import timezone

from enterprises.models import Enterprise
from kejiju.filters import SearchFilter, YesNoFilter
from kejiju.models import PlanCategory, Town

from .choices import ProjectStatus, Stage
from .models import Commissioner, Project


class ProjectFilter(django_filters.FilterSet):
    q = SearchFilter("number", "name", "undertaker")
    category = django_filters.ModelChoiceFilter(
        label="计划类别", queryset=PlanCategory.objects.all(), empty_label="全部"
    )
    year = django_filters.NumberFilter(
        label="申报年度", field_name="applied_on", lookup_expr="year"
    )
    town = django_filters.ModelChoiceFilter(
        label="所属镇街", queryset=Town.objects.all(), empty_label="全部"
    )
    enterprise = django_filters.ModelChoiceFilter(
        label="承担企业", queryset=Enterprise.objects.order_by("name"), empty_label="全部"
    )
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
            "enterprise",
            "status",
            "stage",
            "overdue",
            "commissioner",
        ]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        late = {"stage": Stage.EXECUTING, "ends_on__lt": today}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class CommissionerFilter(django_filters.FilterSet):
    q = SearchFilter("name", "employer", "specialty")
    batch = django_filters.CharFilter(label="批次", lookup_expr="icontains")
    town = django_filters.ModelChoiceFilter(
        label="服务镇街", queryset=Town.objects.all(), empty_label="全部"
    )

    class Meta:
        model = Commissioner
        fields = ["q", "batch", "town"]
