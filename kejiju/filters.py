"""Filters shared by every list of the portal.

Every list's filters derive from :class:`FilterSet`, which checks each query parameter in the
filter form before it reaches a query: a year must be 1980–2100, a date fall within those years,
a text be at most ``TEXT_MAX_LENGTH`` characters without NUL, a choice be one of the list's. A
value that fails shows its message at the field and is left out, and the list shows the rows the
other filters select (``FilteredListView.strict = False``), on the page as in the export. A value
that passes the form but still cannot become a query (or its SQL) is reported and left out the
same way.
"""

import datetime as dt

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.core.validators import DecimalValidator, MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_filters.utils import get_model_field

YEAR_MIN, YEAR_MAX = 1980, 2100
YEAR_RANGE_MESSAGE = f"年份应在 {YEAR_MIN} 至 {YEAR_MAX} 之间"
DATE_MIN, DATE_MAX = dt.date(YEAR_MIN, 1, 1), dt.date(YEAR_MAX, 12, 31)
TEXT_MAX_LENGTH = 100
NUMBER_MAX_DIGITS = 15
INVALID_CHOICE = "所选项不存在，请从列表中选择"
INVALID_FILTER = "该筛选条件无效，已忽略"


class YearField(forms.IntegerField):
    """A calendar year between ``YEAR_MIN`` and ``YEAR_MAX``."""

    default_error_messages = {
        "invalid": "请输入四位数的年份，如 2024",
        "min_value": YEAR_RANGE_MESSAGE,
        "max_value": YEAR_RANGE_MESSAGE,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.NumberInput(attrs={"style": "width:7rem"}))
        super().__init__(min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


class YearFilter(django_filters.Filter):
    """A calendar year. On a date or date-time field it selects that year as a range, so that
    the field's index is used (in the local time zone for a date-time); on a number field, the
    year itself. With ``sort=True`` the rows are listed by that date: walking the list's default
    order (by filing date) to find the few rows granted in one year would read most of the table.
    """

    field_class = YearField

    def __init__(self, *args, sort: bool = False, **kwargs):
        self.sort = sort
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        year = int(value)
        field = get_model_field(qs.model, self.field_name)
        if not isinstance(field, models.DateField):  # DateTimeField is one too
            return qs.filter(**{self.field_name: year})
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        if isinstance(field, models.DateTimeField):
            start, end = (
                timezone.make_aware(dt.datetime.combine(day, dt.time.min)) for day in (start, end)
            )
        if self.sort:
            qs = qs.order_by(f"-{self.field_name}", "-id")
        return qs.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})


class IdFilter(django_filters.Filter):
    """A record's id, usually in a hidden field (``?enterprise=42`` from another page)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("error_messages", {"invalid": "编号无效"})
        super().__init__(*args, **kwargs)


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
        kwargs.setdefault(
            "widget", forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])
        )
        super().__init__(*args, **kwargs)


def in_date_range(value: dt.date | dt.datetime | None) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if day is not None and not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            f"日期应在 {DATE_MIN:%Y-%m-%d} 至 {DATE_MAX:%Y-%m-%d} 之间", code="date_range"
        )


def bounded(field: forms.Field) -> None:
    """Puts the portal's bounds on a filter form field that has none of its own: the length of
    a text, the digits of a number, the years of a date; a wrong choice says so without
    repeating the value."""
    if getattr(field, "bounded", False):
        return
    field.bounded = True
    for part in getattr(field, "fields", ()):  # a range: both of its ends
        bounded(part)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        field.error_messages["invalid_choice"] = INVALID_CHOICE
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        field.validators.append(in_date_range)
    elif isinstance(field, forms.DecimalField) and field.max_digits is None:
        field.validators.append(DecimalValidator(NUMBER_MAX_DIGITS, None))
    elif isinstance(field, forms.CharField):
        # Django's own check (PostgreSQL stores no NUL), with a message that says what is wrong
        field.error_messages["null_characters_not_allowed"] = "不能含有空字符"
    if isinstance(field, forms.CharField) and field.max_length is None:
        field.max_length = TEXT_MAX_LENGTH
        field.validators.append(
            MaxLengthValidator(TEXT_MAX_LENGTH, f"请输入不超过 {TEXT_MAX_LENGTH} 个字")
        )
        if not field.widget.is_hidden:
            field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))


def labelled(field: forms.Field) -> None:
    """Each input of a range (from, to) gets a name of its own for screen readers: the
    field's <label> points at the first one only."""
    widgets = getattr(field.widget, "widgets", ())
    if len(widgets) == 2:
        for widget, end in zip(widgets, ("起", "止"), strict=True):
            widget.attrs.setdefault("aria-label", f"{field.label}（{end}）")


class FilterSet(django_filters.FilterSet):
    """The base of every list's filters (see the module's description)."""

    def get_form_class(self):
        form_class = super().get_form_class()
        for field in form_class.base_fields.values():
            bounded(field)
            labelled(field)
        return form_class

    def filter_queryset(self, queryset):
        for name, value in list(self.form.cleaned_data.items()):
            try:
                filtered = self.filters[name].filter(queryset, value)
                if filtered is not queryset:
                    compile_query(filtered)
            except (ValidationError, ValueError, OverflowError):
                # a value the form let through that the database cannot compare with
                self.form.add_error(name, INVALID_FILTER)
                continue
            assert isinstance(filtered, models.QuerySet), f"{name} returned {filtered!r}"
            queryset = filtered
        return queryset


def compile_query(queryset) -> None:
    """Turns the query into SQL without running it: some lookups check their value only then
    (``created_at__year=10000``), which would otherwise fail while the page renders."""
    try:
        queryset.query.get_compiler(queryset.db).as_sql()
    except (EmptyResultSet, FullResultSet):
        pass


def year_param(request, default: int, name: str = "year") -> int:
    """The year a page without a filter form was asked for (a year switch): ``default`` when
    the parameter is missing, and with a message when it is not a year within the bounds."""
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    field = YearField()
    try:
        return field.clean(raw)
    except ValidationError as exc:
        messages.warning(request, f"{exc.messages[0]}，已显示 {default} 年。")
        return default
