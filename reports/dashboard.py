"""What the leadership dashboard shows for a year, read from the snapshots only."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from kejiju.choices import ReportSection

from .models import IndicatorSnapshot, IndicatorValue, YearTarget
from .summary import KEY_FIGURES, SECTION_CHARTS, TREND_YEARS, Figure, figures_of


@dataclass
class TargetRow:
    target: YearTarget
    figure: Figure | None

    @property
    def progress(self):
        return self.target.progress(self.figure.value if self.figure else None)

    @property
    def reached(self) -> bool:
        return self.progress is not None and self.progress >= 100


def available_years() -> list[int]:
    current = timezone.localdate().year
    years = set(IndicatorSnapshot.objects.values_list("year", flat=True))
    years.update(YearTarget.objects.values_list("year", flat=True).distinct())
    years.add(current)
    return sorted(years, reverse=True)


def default_year() -> int:
    current = timezone.localdate().year
    latest = (
        IndicatorSnapshot.objects.filter(year__lte=current)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return latest or current


def trends(year: int, labels: dict[str, str], units: dict[str, str]) -> list[dict]:
    """Five-year series for the charts of each section: one query for all of them."""
    span = list(range(year - TREND_YEARS + 1, year + 1))
    keys = [key for _, chart_keys in SECTION_CHARTS.values() for key in chart_keys if key in labels]
    values: dict[str, list] = {key: [None] * len(span) for key in keys}
    for row_year, key, value in IndicatorValue.objects.filter(
        snapshot__year__in=span, key__in=keys
    ).values_list("snapshot__year", "key", "value"):
        values[key][span.index(row_year)] = float(value)
    charts = []
    for section, (kind, chart_keys) in SECTION_CHARTS.items():
        present = [key for key in chart_keys if key in labels]
        if not present:
            continue
        charts.append(
            {
                "id": f"chart-{section}",
                "title": ReportSection(section).label,
                "kind": kind,
                "unit": units[present[0]],
                "years": [f"{y}年" for y in span],
                "series": [{"name": labels[key], "data": values[key]} for key in present],
            }
        )
    return charts


def build_dashboard(year: int) -> dict:
    snapshot = IndicatorSnapshot.objects.filter(year=year).first()
    figures = figures_of(snapshot)
    by_key = {f.key: f for f in figures}
    sections = [
        {"title": label, "figures": [f for f in figures if f.section == value]}
        for value, label in ReportSection.choices
    ]
    targets = [
        TargetRow(target, by_key.get(target.indicator_key))
        for target in YearTarget.objects.filter(year=year)
    ]
    return {
        "year": year,
        "snapshot": snapshot,
        "key_figures": [by_key[key] for key in KEY_FIGURES if key in by_key],
        "sections": [s for s in sections if s["figures"]],
        "targets": targets,
        "charts": trends(year, {f.key: f.label for f in figures}, {f.key: f.unit for f in figures})
        if snapshot
        else [],
    }
