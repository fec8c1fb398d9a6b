"""What the leadership dashboard shows for a year.

A past year is read from its snapshot and compared with the whole previous year. The current year
is compared over the same period (同期): from 1 January to the end of the last complete month
("1–11月") against the same months of the previous year, never a part of this year against a whole
past year. A change from a previous value too small to mean anything (below
``KEJIJU_CHANGE_MIN_BASE``) is shown as the two values, not as a percentage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import chain

from django.conf import settings
from django.utils import timezone

from kejiju.choices import ReportSection

from . import formatting, registry
from .charts import in_title_unit
from .models import Honour, IndicatorSnapshot, IndicatorValue, NarrativeParagraph, YearTarget
from .services import ensure_snapshot
from .summary import KEY_FIGURES, SECTION_CHARTS, TREND_YEARS

MONEY_UNIT = "万元"


def today() -> date:
    return timezone.localdate()


def min_base() -> Decimal:
    return Decimal(getattr(settings, "KEJIJU_CHANGE_MIN_BASE", 10))


def shown(value: Decimal | None, unit: str) -> str:
    """A figure with its unit, as every page shows it (money in 万元 or 亿元)."""
    if value is None:
        return formatting.EMPTY
    if unit == MONEY_UNIT:
        return formatting.money(value)
    return formatting.count(value, unit)


def same_day_a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """The part of ``year`` the figures cover: the whole year (``until`` None) or 1 January to
    ``until``, compared with the same part of the previous year."""

    year: int
    until: date | None
    label: str

    @property
    def is_partial(self) -> bool:
        return self.until is not None

    @property
    def previous_until(self) -> date | None:
        return same_day_a_year_before(self.until) if self.until else None

    @property
    def comparison(self) -> str:
        """``同比`` for whole years, ``1–11月同比`` (same period) for the current year."""
        return f"{self.label}同比" if self.is_partial else "同比"

    @property
    def title(self) -> str:
        return f"{self.year}年{self.label}" if self.is_partial else f"{self.year}年"


def period_of(year: int, on: date | None = None) -> Period:
    on = on or today()
    if year != on.year:
        return Period(year, None, "全年")
    if on.month > 1:
        until = date(year, on.month, 1) - timedelta(days=1)
        return Period(year, until, "1月" if until.month == 1 else f"1–{until.month}月")
    # January: no complete month yet, 1 January to yesterday.
    until = max(on - timedelta(days=1), date(year, 1, 1))
    return Period(year, until, "1月1日" if until.day == 1 else f"1月1–{until.day}日")


@dataclass
class Change:
    current: Decimal | None
    previous: Decimal | None
    unit: str = ""

    @property
    def small_base(self) -> bool:
        return self.previous is not None and abs(self.previous) < min_base()

    @property
    def percent(self) -> Decimal | None:
        if self.current is None or self.previous is None or self.small_base:
            return None
        return (self.current - self.previous) / self.previous * 100

    @property
    def direction(self) -> str:
        if self.current is None or self.previous is None or self.current == self.previous:
            return ""
        return "up" if self.current > self.previous else "down"

    @property
    def text(self) -> str:
        """``+25.0%``; on a small base ``4 → 5`` (last year's value, then this year's)."""
        if self.current is None or self.previous is None or self.current == self.previous == 0:
            return formatting.EMPTY
        if self.small_base:
            return f"{formatting.number(self.previous)} → {formatting.number(self.current)}"
        return formatting.change(self.percent)


@dataclass
class Row:
    key: str
    label: str
    unit: str
    section: str
    value: Decimal | None
    change: Change

    @property
    def value_text(self) -> str:
        return shown(self.value, self.unit)


@dataclass
class TargetRow:
    target: YearTarget
    value: Decimal | None
    linked: bool

    @property
    def value_text(self) -> str:
        return shown(self.value, self.target.unit)

    @property
    def progress(self):
        return self.target.progress(self.value)

    @property
    def reached(self) -> bool:
        return self.progress is not None and self.progress >= 100


def first_year(current: int | None = None) -> int:
    """The first year anything was recorded for: a snapshot, a target, an honour, a paragraph."""
    current = current or today().year
    years = chain(
        IndicatorSnapshot.objects.values_list("year", flat=True),
        YearTarget.objects.order_by("year").values_list("year", flat=True)[:1],
        Honour.objects.order_by("year").values_list("year", flat=True)[:1],
        NarrativeParagraph.objects.order_by("year").values_list("year", flat=True)[:1],
    )
    return min(chain(years, [current]))


def available_years() -> list[int]:
    """Every year from the first record to the current one, newest first, without gaps."""
    current = today().year
    return list(range(current, first_year(current) - 1, -1))


def default_year() -> int:
    return today().year


def _stored(snapshot: IndicatorSnapshot | None) -> dict[str, Decimal]:
    return dict(snapshot.values.values_list("key", "value")) if snapshot else {}


def _rows(period: Period, stored: dict[str, Decimal]) -> list[Row]:
    indicators = registry.all_indicators()
    if period.is_partial:
        current = {i.key: i.compute_until(period.year, period.until) for i in indicators}
        previous = {
            i.key: i.compute_until(period.year - 1, period.previous_until) for i in indicators
        }
    else:
        current = {i.key: stored.get(i.key) for i in indicators}
        before = IndicatorSnapshot.objects.filter(year=period.year - 1).first()
        if before is not None:
            previous = dict(before.values.values_list("key", "value"))
        else:
            previous = registry.compute_all(period.year - 1, indicators)
    return [
        Row(
            i.key,
            i.label,
            i.unit,
            i.section,
            current.get(i.key),
            Change(current.get(i.key), previous.get(i.key), i.unit),
        )
        for i in indicators
    ]


def trends(period: Period, rows: list[Row]) -> list[dict]:
    """Five-year series for the charts of each section: one query for all of them; the current
    year's point is its period (labelled so), not a whole year."""
    year = period.year
    by_key = {row.key: row for row in rows}
    span = list(range(year - TREND_YEARS + 1, year + 1))
    keys = [key for _, chart_keys in SECTION_CHARTS.values() for key in chart_keys if key in by_key]
    values: dict[str, list] = {key: [None] * len(span) for key in keys}
    for row_year, key, value in IndicatorValue.objects.filter(
        snapshot__year__in=span, key__in=keys
    ).values_list("snapshot__year", "key", "value"):
        values[key][span.index(row_year)] = float(value)
    for key in keys:
        value = by_key[key].value
        values[key][-1] = None if value is None else float(value)
    labels = [f"{y}年" for y in span]
    labels[-1] = period.title
    charts = []
    for section, (kind, chart_keys) in SECTION_CHARTS.items():
        present = [key for key in chart_keys if key in by_key]
        if not present:
            continue
        unit, series = in_title_unit(
            by_key[present[0]].unit, [(by_key[key].label, values[key]) for key in present]
        )
        charts.append(
            {
                "id": f"chart-{section}",
                "title": ReportSection(section).label,
                "kind": kind,
                "unit": unit,
                "years": labels,
                "series": [
                    {"name": name, "data": [None if v is None else round(v, 2) for v in data]}
                    for name, data in series
                ],
            }
        )
    return charts


def snapshot_for(year: int, on: date | None = None, first: int | None = None):
    """The year's snapshot, computed on demand (missing or stale) for the years from the first
    record to the current one; other years only as stored."""
    on = on or today()
    first = first if first is not None else first_year(on.year)
    if first <= year <= on.year:
        return ensure_snapshot(year, on)
    return IndicatorSnapshot.objects.filter(year=year).first()


def build_dashboard(year: int, on: date | None = None) -> dict:
    on = on or today()
    first = first_year(on.year)
    snapshot = snapshot_for(year, on, first)
    period = period_of(year, on)
    stored = _stored(snapshot)
    rows = _rows(period, stored) if snapshot is not None else []
    by_key = {row.key: row for row in rows}
    sections = [
        {"title": label, "figures": [row for row in rows if row.section == value]}
        for value, label in ReportSection.choices
    ]
    targets = [
        TargetRow(target, stored.get(target.indicator_key), bool(target.indicator_key))
        for target in YearTarget.objects.filter(year=year)
    ]
    return {
        "year": year,
        "period": period,
        "snapshot": snapshot,
        "key_figures": [by_key[key] for key in KEY_FIGURES if key in by_key],
        "sections": [s for s in sections if s["figures"]],
        "targets": targets,
        "charts": trends(period, rows) if snapshot else [],
        "min_base": min_base(),
        "years": list(range(on.year, first - 1, -1)),
    }
