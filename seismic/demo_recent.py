"""The county's earthquake-safety activities from mid-2024 up to yesterday: each year the 2023
programme again, growing a little (2024: the events after its 5·12 week)."""

from __future__ import annotations

from datetime import date

from kejiju.demo_recent import create_missing, years_until
from kejiju.models import Town

from .demo import YEAR_2023
from .models import SeismicActivity


def load(until: date) -> None:
    towns = {town.name: town for town in Town.objects.all()}
    rows = []
    for year in years_until(until):
        factor = 1 + 0.04 * (year - 2023)
        for name, kind, (month, day), theme, place, town, people, copies in YEAR_2023:
            held_on = date(year, month, day)
            if (year == 2024 and month < 7) or held_on > until:
                continue
            rows.append(
                SeismicActivity(
                    name=f"{year}年{name}",
                    kind=kind,
                    held_on=held_on,
                    theme_day=theme,
                    place=place,
                    town=towns.get(town),
                    participants=round(people * factor),
                    materials=round(copies * factor),
                )
            )
    create_missing(SeismicActivity, rows, key=lambda a: (a.name, a.held_on))
