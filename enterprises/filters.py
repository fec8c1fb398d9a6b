import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kejiju.choices import Level
from kejiju.filters import FilterSet, SearchFilter, YearFilter
from kejiju.models import TechField, Town

from .choices import ApplicationKind, ApplicationStatus, InstitutionType, QualificationType, Verdict
from .models import Application, Enterprise, Qualification, RDInstitution


class EnterpriseFilter(FilterSet):
    q = SearchFilter("name", "credit_code", label="名称或代码")
    town = django_filters.ModelChoiceFilter(
        label="所属镇街", queryset=Town.objects.all(), empty_label="全部"
    )
    tech_field = django_filters.ModelChoiceFilter(
        label="技术领域", queryset=TechField.objects.all(), empty_label="全部"
    )
    qualification = django_filters.ChoiceFilter(
        label="资质", choices=QualificationType.choices, method="holding", empty_label="全部"
    )
    institution = django_filters.ChoiceFilter(
        label="研发机构", choices=InstitutionType.choices, method="running", empty_label="全部"
    )
    level = django_filters.ChoiceFilter(
        label="资质/机构级别", choices=Level.choices, method="at_level", empty_label="全部"
    )
    validity = django_filters.ChoiceFilter(
        label="资质有效期",
        choices=[("expiring", "即将到期（90天内）"), ("expired", "近一年内已过期")],
        method="by_validity",
        empty_label="全部",
    )

    class Meta:
        model = Enterprise
        fields = ["q", "town", "tech_field", "qualification", "institution", "level", "validity"]

    def by_validity(self, queryset, name, value):
        today = timezone.localdate()
        rows = Qualification.objects.all()
        rows = rows.expiring(today) if value == "expiring" else rows.expired(today)
        return queryset.filter(Exists(rows.filter(enterprise=OuterRef("pk"))))

    def holding(self, queryset, name, value):
        return queryset.filter(
            Exists(Qualification.objects.filter(enterprise=OuterRef("pk"), kind=value))
        )

    def running(self, queryset, name, value):
        return queryset.filter(
            Exists(RDInstitution.objects.filter(enterprise=OuterRef("pk"), kind=value))
        )

    def at_level(self, queryset, name, value):
        return queryset.filter(
            Exists(Qualification.objects.filter(enterprise=OuterRef("pk"), level=value))
            | Exists(RDInstitution.objects.filter(enterprise=OuterRef("pk"), level=value))
        )


class ApplicationFilter(FilterSet):
    q = SearchFilter("enterprise__name", "enterprise__credit_code", label="企业名称或代码")
    kind = django_filters.ChoiceFilter(
        label="申报类型", choices=ApplicationKind.choices, empty_label="全部"
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[c for c in ApplicationStatus.choices if c[0] != ApplicationStatus.DRAFT],
        empty_label="全部",
    )
    verdict = django_filters.ChoiceFilter(
        label="预审结论", choices=Verdict.choices, empty_label="全部"
    )
    year = YearFilter(label="申报年度")
    town = django_filters.ModelChoiceFilter(
        label="所属镇街",
        field_name="enterprise__town",
        queryset=Town.objects.all(),
        empty_label="全部",
    )

    class Meta:
        model = Application
        fields = ["q", "kind", "status", "verdict", "year", "town"]
