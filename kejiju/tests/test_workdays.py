"""Working days with the statutory holidays and 调休 (DOMAIN.md §7: the public notice of a proposed
project list runs a number of working days)."""

import datetime as dt

import pytest
from django.urls import reverse

from kejiju.choices import Role
from kejiju.models import CalendarDay
from kejiju.workdays import add_working_days, is_workday

pytestmark = pytest.mark.django_db

day = dt.date.fromisoformat


@pytest.mark.parametrize(
    "start, days, last",
    [
        ("2026-03-02", 5, "2026-03-06"),  # an ordinary week
        ("2026-03-05", 5, "2026-03-11"),  # over a weekend
        ("2026-03-07", 1, "2026-03-09"),  # starting on a Saturday
        ("2025-09-30", 2, "2025-10-09"),  # 国庆中秋 10-01 … 10-08 are off
        ("2025-09-26", 2, "2025-09-28"),  # Sunday 09-28 is worked in exchange (调休)
        ("2025-10-09", 3, "2025-10-11"),  # and so is Saturday 10-11
        ("2025-01-27", 2, "2025-02-05"),  # 春节 01-28 … 02-04
    ],
)
def test_working_days_follow_the_statutory_calendar(start, days, last):
    assert add_working_days(day(start), days) == day(last)


def test_a_day_set_in_the_admin_overrides_the_calendar():
    CalendarDay.objects.create(date=day("2026-03-04"), is_workday=False, note="县里调整")
    CalendarDay.objects.create(date=day("2026-03-07"), is_workday=True, note="补班")
    assert add_working_days(day("2026-03-02"), 5) == day("2026-03-07")


def test_a_year_the_calendar_does_not_know_counts_monday_to_friday_until_entered():
    assert is_workday(day("2030-10-01"))  # a Tuesday, holiday not yet announced
    assert not is_workday(day("2030-10-05"))  # a Saturday
    assert add_working_days(day("2030-09-30"), 3) == day("2030-10-02")
    for date in ("2030-10-01", "2030-10-02", "2030-10-03"):
        CalendarDay.objects.create(date=day(date), is_workday=False, note="国庆节")
    assert add_working_days(day("2030-09-30"), 3) == day("2030-10-07")


def test_the_office_enters_a_swapped_working_weekend_in_the_admin(client):
    from django.contrib.auth import get_user_model

    # reference data is the system administrator's (a superuser flag alone would give nothing)
    admin = get_user_model().objects.create_user(
        "sysadmin", password="x-Long-enough-1", role=Role.ADMIN
    )
    client.force_login(admin)
    response = client.post(
        reverse("admin:kejiju_calendarday_add"),
        {"date": "2027-02-06", "is_workday": "on", "note": "春节调休上班"},
    )
    assert response.status_code == 302
    assert add_working_days(day("2027-02-05"), 2) == day("2027-02-06")  # a Saturday, worked
