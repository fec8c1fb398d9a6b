"""Filters shared by every list of the portal."""

import django_filters
from django.db.models import Q


class SearchFilter(django_filters.CharFilter):
    """One search box over several fields: ``q = SearchFilter("name", "code")``."""

    def __init__(self, *fields: str, label: str = "搜索", **kwargs):
        self.search_fields = fields
        super().__init__(label=label, **kwargs)

    def filter(self, qs, value):
        if not value or not value.strip():
            return qs
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return qs.filter(query)


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice reads 全部 (all), not 未知 (unknown)."""

    def __init__(self, *args, **kwargs):
        from django import forms

        kwargs.setdefault(
            "widget", forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])
        )
        super().__init__(*args, **kwargs)
