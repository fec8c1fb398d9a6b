"""Working days (工作日) of mainland China: Monday to Friday, less the statutory holidays, plus the
weekends worked in exchange (调休), as the State Council announces them each year. The
``chinese_calendar`` package carries the announced years; a day entered in the admin (日历调整,
:class:`kejiju.models.CalendarDay`) overrides it. A year neither knows counts Monday to Friday."""

import datetime as dt

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


def is_workday(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year whose 放假安排 the package does not carry yet
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The last day of a period of ``days`` working days starting on ``start`` (or on the first
    working day after it)."""
    from .models import CalendarDay

    # Far enough for any run of holidays: the longest (春节, 国庆) is 8 days off in a row.
    horizon = start + dt.timedelta(days=days * 2 + 30)
    overrides = dict(
        CalendarDay.objects.filter(date__range=(start, horizon)).values_list("date", "is_workday")
    )
    day = start
    while not is_workday(day, overrides):
        day += ONE_DAY
    counted = 1
    while counted < days:
        day += ONE_DAY
        if is_workday(day, overrides):
            counted += 1
    return day
