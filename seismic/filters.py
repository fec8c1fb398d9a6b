import django_filters
from django.utils import timezone

from kejiju.filters import FilterSet, SearchFilter, YearFilter, YesNoFilter
from kejiju.models import Town

from .choices import ActivityKind, ObservationKind, SiteKind, SiteStatus, ThemeDay
from .models import DemoSite, ObservationPoint, SeismicActivity


class ActivityFilter(FilterSet):
    q = SearchFilter("name", "place")
    kind = django_filters.ChoiceFilter(
        label="活动类型", choices=ActivityKind.choices, empty_label="全部"
    )
    theme_day = django_filters.ChoiceFilter(
        label="主题日", choices=ThemeDay.choices, empty_label="全部"
    )
    town = django_filters.ModelChoiceFilter(
        label="所属镇街", queryset=Town.objects.all(), empty_label="全部"
    )
    year = YearFilter(label="年度", field_name="held_on")

    class Meta:
        model = SeismicActivity
        fields = ["q", "kind", "theme_day", "town", "year"]


class SiteFilter(FilterSet):
    q = SearchFilter("name", "contact")
    kind = django_filters.ChoiceFilter(label="类型", choices=SiteKind.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(
        label="创建等级", choices=SiteStatus.choices, empty_label="全部"
    )
    town = django_filters.ModelChoiceFilter(
        label="所属镇街", queryset=Town.objects.all(), empty_label="全部"
    )
    review = django_filters.ChoiceFilter(
        label="复核",
        choices=[("overdue", "复核逾期"), ("soon", "90天内复核")],
        method="by_review",
        empty_label="全部",
    )

    class Meta:
        model = DemoSite
        fields = ["q", "kind", "status", "town", "review"]

    def by_review(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.review_overdue(today) if value == "overdue" else queryset.review_soon(today)


class PointFilter(FilterSet):
    q = SearchFilter("code", "name", "observer", "location")
    kind = django_filters.ChoiceFilter(
        label="观测类型", choices=ObservationKind.choices, empty_label="全部"
    )
    town = django_filters.ModelChoiceFilter(
        label="所属镇街", queryset=Town.objects.all(), empty_label="全部"
    )
    active = YesNoFilter(label="在用")

    class Meta:
        model = ObservationPoint
        fields = ["q", "kind", "town", "active"]
