"""The base of every list page: role check, django-filter, pagination of 20, 50 or 100 rows, and
for the lists people keep in spreadsheets an Excel export of the filtered rows.

No query parameter breaks a list: the filters check theirs in the filter form (``kejiju.filters``),
a page number that is not one shows the first page and one past the end the last, and an
unknown page size the default.

Sortable columns: a list names them in ``sort_fields`` (``?sort=`` value → the model fields it
orders by); ``?sort=name`` sorts ascending, ``?sort=-name`` descending, and any other value is
ignored (the list keeps its default order). The column headers use ``{% sort_header %}``
(kejiju_tags), which links to the other direction and marks the current one."""

from django.db.models import F
from django.utils import timezone
from django_filters.views import FilterView

from .imports.exporting import export_response
from .permissions import RoleRequiredMixin

PAGE_SIZES = (20, 50, 100)


class FilteredListView(RoleRequiredMixin, FilterView):
    paginate_by = PAGE_SIZES[0]
    strict = False  # an invalid filter value shows the form error, not an empty list
    # A list with a spreadsheet layout names its resource: 导出 Excel then writes every row the
    # filters select (not just the page) in that layout, so the file imports back unchanged.
    export_resource = None
    export_title = ""
    export_limit = 100_000
    # ?sort= value → the fields (or expressions, e.g. kejiju.collation.Pinyin) it orders by,
    # e.g. {"name": (Pinyin("name"),), "town": ("town__name",)}
    sort_fields: dict[str, tuple] = {}

    def get_sort(self) -> tuple[str, bool] | None:
        """``(key, descending)`` of a whitelisted ``?sort=`` value, else ``None``."""
        value = self.request.GET.get("sort", "")
        if not isinstance(value, str) or len(value) > 50:
            return None
        descending = value.startswith("-")
        key = value[1:] if descending else value
        return (key, descending) if key in self.sort_fields else None

    def sorted_queryset(self, queryset):
        sort = self.get_sort()
        if sort is None or not hasattr(queryset, "order_by"):
            return queryset
        key, descending = sort
        order = []
        for field in self.sort_fields[key]:
            expression = F(field) if isinstance(field, str) else field
            order.append(
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            )
        return queryset.order_by(*order, "-pk" if descending else "pk")

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return size if size in PAGE_SIZES else self.paginate_by

    def paginate_queryset(self, queryset, page_size):
        """As ``Paginator.get_page``: never a 404 for a page number."""
        queryset = self.sorted_queryset(queryset)
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        number = self.request.GET.get(self.page_kwarg)
        try:
            if int(number) < 1:
                number = 1  # 0 and negatives: the first page (get_page would give the last)
        except (TypeError, ValueError, OverflowError):
            pass
        page = paginator.get_page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def may_export(self) -> bool:
        return self.export_resource is not None

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.may_export():
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        # The rows the page shows: with ``strict = False`` an invalid filter is reported on the
        # page and the valid ones still apply (FilterView.get).
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_bound or filterset.is_valid() or not self.get_strict():
            queryset = filterset.qs
        else:
            queryset = filterset.queryset.none()
        resource = self.export_resource()
        stamp = timezone.localtime().strftime("%Y%m%d")
        filename = f"{self.export_title or resource.title}{stamp}.xlsx"
        queryset = self.sorted_queryset(queryset)
        return export_response(resource, queryset[: self.export_limit], filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_sizes"] = PAGE_SIZES
        context["page"] = context.get("page_obj")
        sort = self.get_sort()
        context["sort_fields"] = self.sort_fields
        context["current_sort"] = ("-" if sort[1] else "") + sort[0] if sort else ""
        if self.may_export():
            context["export_query"] = export_query(self.request)
        return context


def export_query(request):
    """The list's query string asking for the Excel file of every filtered row (not one page)."""
    query = request.GET.copy()
    query["export"] = "xlsx"
    query.pop("page", None)
    return query
