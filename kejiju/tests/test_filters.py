"""The shared filter machinery (kejiju/filters.py): every parameter is checked in the filter form,
and a bad one is reported at its field and left out instead of reaching the query."""

import datetime as dt

import django_filters
import pytest
from django.utils import timezone

from kejiju.choices import Role
from kejiju.filters import INVALID_FILTER, YEAR_RANGE_MESSAGE, FilterSet, YearFilter
from kejiju.models import User

pytestmark = pytest.mark.django_db


class UserFilter(FilterSet):
    joined = YearFilter(field_name="date_joined")
    joined_year = django_filters.NumberFilter(field_name="date_joined", lookup_expr="year")
    username = django_filters.CharFilter(lookup_expr="icontains")
    joined_between = django_filters.DateFromToRangeFilter(field_name="date_joined")

    class Meta:
        model = User
        fields = ["joined", "joined_year", "username", "joined_between"]


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def joined(make_user):
    """Two users who joined on either side of the local new year (both in 2024 by UTC)."""
    old = make_user(Role.LEADER, "old-year", date_joined=local(2024, 12, 31, 23, 30))
    new = make_user(Role.LEADER, "new-year", date_joined=local(2025, 1, 1, 0, 30))
    return old, new


def filtered(data: dict) -> UserFilter:
    return UserFilter(data, queryset=User.objects.filter(username__endswith="-year"))


def test_a_year_on_a_date_time_is_the_local_calendar_year(joined):
    old, new = joined
    assert list(filtered({"joined": "2024"}).qs) == [old]
    assert list(filtered({"joined": "2025"}).qs) == [new]


@pytest.mark.parametrize("year", ["0", "-1", "10000", "1.5", "1234567890123456789012345", "abc"])
def test_a_bad_year_is_reported_at_its_field_and_left_out(joined, year):
    filters = filtered({"joined": year, "username": "new"})
    assert set(filters.qs) == {joined[1]}  # the other filter still applies
    assert filters.errors["joined"][0] in (YEAR_RANGE_MESSAGE, "请输入四位数的年份，如 2024")


def test_a_value_the_database_cannot_compare_with_is_reported_not_raised(joined):
    """A filter without bounds of its own (a year as a plain number): 10000 passes the form,
    then cannot be a date; the list is left unfiltered and the field says so."""
    filters = filtered({"joined_year": "10000"})
    assert set(filters.qs) == set(joined)
    assert filters.errors["joined_year"] == [INVALID_FILTER]


def test_texts_are_refused_with_nul_or_beyond_the_length(joined):
    assert filtered({"username": "\x00"}).errors["username"] == ["不能含有空字符"]
    assert "不超过 100 个字" in filtered({"username": "x" * 101}).errors["username"][0]
    assert not filtered({"username": "x" * 100}).errors


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2023-02-30"])
def test_dates_outside_the_years_are_refused(joined, day):
    filters = filtered({"joined_between_after": day})
    assert "joined_between" in filters.errors
    assert set(filters.qs) == set(joined)
