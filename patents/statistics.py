"""Applications and grants by type for five years, with year-on-year change (DESIGN.md §4:
(v(Y) − v(Y−1)) / v(Y−1) × 100, two decimals)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max

from .choices import PatentType
from .models import Patent
from .querysets import counts_by_year

YEARS = 5
SERIES = [
    ("applications", "filed_on", "申请量"),
    ("grants", "granted_on", "授权量"),
]


def yoy(current: int, previous: int | None) -> Decimal | None:
    if not previous:
        return None
    change = Decimal(current - previous) * 100 / Decimal(previous)
    return change.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Cell:
    value: int
    change: Decimal | None


def latest_year() -> int | None:
    found = Patent.objects.aggregate(year=Max("filed_on"))["year"]
    return found.year if found else None


def yearly_table(last: int, queryset=None) -> dict:
    queryset = Patent.objects.all() if queryset is None else queryset
    first = last - YEARS + 1
    years = list(range(first, last + 1))
    kinds = list(PatentType)
    columns = []  # (series label, kind label or 合计)
    data = {}
    for key, field, label in SERIES:
        counts = counts_by_year(queryset, field, first - 1, last)
        for kind in [*kinds, None]:
            column = (key, kind.value if kind else "all")
            columns.append({"key": column, "label": f"{kind.label if kind else '合计'}{label}"})
            for year in [first - 1, *years]:
                if kind is None:
                    value = sum(counts.get((year, k.value), 0) for k in kinds)
                else:
                    value = counts.get((year, kind.value), 0)
                data[(column, year)] = value
    rows = []
    for year in years:
        cells = [
            Cell(data[(c["key"], year)], yoy(data[(c["key"], year)], data[(c["key"], year - 1)]))
            for c in columns
        ]
        rows.append({"year": year, "cells": cells})
    chart = {
        "years": [str(y) for y in years],
        "series": [
            {
                "name": c["label"],
                "stack": c["key"][0],
                "data": [data[(c["key"], y)] for y in years],
            }
            for c in columns
            if c["key"][1] != "all"
        ],
    }
    return {"columns": columns, "rows": rows, "chart": chart, "first": first, "last": last}
