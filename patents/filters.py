import django_filters
from django.db.models import Q

from kejiju.filters import FilterSet, IdFilter, SearchFilter, YearFilter
from kejiju.models import Town

from .choices import ActivityKind, DisputeOutcome, LegalStatus, PatentType
from .models import DisputeCase, IPActivity, Patent


class PatentFilter(FilterSet):
    """The filters an enterprise user may use on their own patents."""

    q = SearchFilter("application_number", "title", "applicants", label="申请号/名称/申请人")
    kind = django_filters.ChoiceFilter(
        label="专利类型", choices=PatentType.choices, empty_label="全部"
    )
    legal_status = django_filters.ChoiceFilter(
        label="法律状态", choices=LegalStatus.choices, empty_label="全部"
    )
    filed_year = YearFilter(label="申请年度", field_name="filed_on")
    granted_year = YearFilter(sort=True, label="授权年度", field_name="granted_on")

    class Meta:
        model = Patent
        fields = ["q", "kind", "legal_status", "filed_year", "granted_year"]


class StaffPatentFilter(PatentFilter):
    town = django_filters.ModelChoiceFilter(
        label="所属镇街",
        field_name="enterprise__town",
        queryset=Town.objects.all(),
        empty_label="全部",
    )
    # A text box rather than a list of every enterprise of the county: a <select> of thousands
    # of options costs more to render than the rest of the page.
    enterprise_name = django_filters.CharFilter(
        label="关联企业（名称或信用代码）", method="filter_enterprise_name"
    )
    enterprise = IdFilter(label="关联企业", field_name="enterprise_id")
    linked = django_filters.ChoiceFilter(
        label="是否关联企业",
        choices=[("yes", "已关联"), ("no", "未关联")],
        empty_label="全部",
        method="filter_linked",
    )

    class Meta(PatentFilter.Meta):
        fields = [*PatentFilter.Meta.fields, "town", "enterprise_name", "enterprise", "linked"]

    def filter_enterprise_name(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__credit_code=value.upper())
        )

    def filter_linked(self, qs, name, value):
        if value == "yes":
            return qs.filter(enterprise__isnull=False)
        if value == "no":
            return qs.filter(enterprise__isnull=True)
        return qs


class DisputeFilter(FilterSet):
    q = SearchFilter("case_number", "cause", "parties", label="案件编号/案由/当事人")
    outcome = django_filters.ChoiceFilter(
        label="处理结果", choices=DisputeOutcome.choices, empty_label="全部"
    )
    year = YearFilter(label="受理年度", field_name="accepted_on")

    class Meta:
        model = DisputeCase
        fields = ["q", "outcome", "year"]


class ActivityFilter(FilterSet):
    q = SearchFilter("title", "location", label="活动名称/地点")
    kind = django_filters.ChoiceFilter(
        label="活动类型", choices=ActivityKind.choices, empty_label="全部"
    )
    year = YearFilter(label="年度", field_name="held_on")

    class Meta:
        model = IPActivity
        fields = ["q", "kind", "year"]


class UnlinkedFilter(FilterSet):
    """The search over the applicants of the patents linked to no enterprise."""

    q = SearchFilter("applicants", label="申请人")

    class Meta:
        model = Patent
        fields = ["q"]
