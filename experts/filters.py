import django_filters

from kejiju.filters import FilterSet, SearchFilter, YearFilter

from .choices import DrawPurpose, ExpertStatus, Title
from .models import Draw, Expert, Specialty


class ExpertFilter(FilterSet):
    q = SearchFilter("name", "employer", "specialties")
    specialty = django_filters.ModelChoiceFilter(
        label="专业领域",
        queryset=Specialty.objects.in_tree_order(),
        method="in_specialty",
        empty_label="全部",
    )
    title = django_filters.ChoiceFilter(label="职称", choices=Title.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(
        label="状态", choices=ExpertStatus.choices, empty_label="全部"
    )

    class Meta:
        model = Expert
        fields = ["q", "specialty", "title", "status"]

    def in_specialty(self, queryset, name, value):
        ids = [value.pk, *value.children.values_list("pk", flat=True)]
        return queryset.filter(specialty_links__specialty_id__in=ids).distinct()


class DrawFilter(FilterSet):
    q = SearchFilter("subject", "step", "supervisor", "applicant_names")
    purpose = django_filters.ChoiceFilter(
        label="用途", choices=DrawPurpose.choices, empty_label="全部"
    )
    year = YearFilter(label="年度", field_name="created_at")

    class Meta:
        model = Draw
        fields = ["q", "purpose", "year"]
