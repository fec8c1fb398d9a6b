"""The base of every list page: role check, django-filter, and pagination of 20, 50 or 100 rows."""

from django_filters.views import FilterView

from .permissions import RoleRequiredMixin

PAGE_SIZES = (20, 50, 100)


class FilteredListView(RoleRequiredMixin, FilterView):
    paginate_by = PAGE_SIZES[0]
    strict = False  # an invalid filter value shows the form error, not an empty list

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return size if size in PAGE_SIZES else self.paginate_by

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_sizes"] = PAGE_SIZES
        context["page"] = context.get("page_obj")
        return context
