"""Demo earthquake-safety activities (DESIGN.md §6).

2023 reproduces the seed document: 150000 participants in publicity and 1000 copies of material
handed out; earlier years grow towards it, and 2024 has its 5·12 events. Loading twice changes
nothing: activities are keyed by name and date.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from enterprises.demo import create_missing
from kejiju.models import Town

from .choices import ActivityKind, ThemeDay
from .models import SeismicActivity

P, D, T, L, C = (
    ActivityKind.PUBLICITY,
    ActivityKind.DRILL,
    ActivityKind.TRAINING,
    ActivityKind.LECTURE,
    ActivityKind.COMPETITION,
)

# (name, kind, (month, day), theme day, place, town, participants, materials)
YEAR_2023 = [
    ("5·12防灾减灾日主题宣传活动", P, (5, 12), ThemeDay.MAY_12, "万松广场", "安阳街道", 45000, 300),
    ("7·28防震减灾知识宣传周", P, (7, 28), ThemeDay.JULY_28, "瑞安市科技馆", "玉海街道", 30000, 200),
    ("防震减灾科普进校园", P, (9, 15), ThemeDay.OTHER, "瑞安市实验中学", "锦湖街道", 25000, 150),
    ("防震减灾知识进社区", P, (10, 20), ThemeDay.OTHER, "塘下镇文化礼堂", "塘下镇", 20000, 120),
    ("防震减灾科普下乡", P, (11, 9), ThemeDay.OTHER, "马屿镇文化广场", "马屿镇", 18000, 100),
    ("防震减灾网络知识宣传", P, (12, 1), ThemeDay.OTHER, "", "", 12000, 80),
    ("全市地震应急综合演练", D, (5, 11), ThemeDay.MAY_12, "瑞安市安阳实验小学", "安阳街道", 1200, 0),
    ("学校地震应急疏散演练", D, (9, 22), ThemeDay.OTHER, "瑞安市第二中学", "莘塍街道", 800, 0),
    ("社区地震应急避险演练", D, (11, 16), ThemeDay.OTHER, "汀田街道社区服务中心", "汀田街道", 600, 0),
    ("防震减灾助理员业务培训", T, (4, 18), ThemeDay.OTHER, "瑞安市科技局", "安阳街道", 80, 50),
    ("防震减灾知识竞赛", C, (7, 28), ThemeDay.JULY_28, "瑞安市科技馆", "玉海街道", 3500, 0),
]  # fmt: skip
# year → (publicity participants, materials, drills); the events follow the 2023 pattern.
EARLIER = {
    2019: (98000, 700, 2),
    2020: (86000, 620, 1),
    2021: (118000, 820, 2),
    2022: (132000, 900, 3),
    2024: (52000, 320, 1),
}


def _scaled(year: int, participants: int, materials: int, drills: int) -> list[tuple]:
    """The 2023 events of ``year``, scaled to its totals (2024: only those held so far)."""
    publicity = [row for row in YEAR_2023 if row[1] == P]
    others = [row for row in YEAR_2023 if row[1] not in (P, D)]
    drill_rows = [row for row in YEAR_2023 if row[1] == D][:drills]
    if year == 2024:
        publicity, others = publicity[:1], []
    base_people = sum(row[6] for row in publicity)
    base_materials = sum(row[7] for row in publicity + others)
    rows = []
    people_left, materials_left = participants, materials
    all_rows = publicity + others + drill_rows
    for position, (name, kind, month_day, theme, place, town, people, copies) in enumerate(
        all_rows
    ):
        last = position == len(publicity) - 1
        if kind == P:
            people = people_left if last else people * participants // base_people
            people_left -= people
        if copies:
            remaining_with_copies = [r for r in all_rows[position + 1 :] if r[7]]
            copies = (
                materials_left
                if not remaining_with_copies
                else copies * materials // base_materials
            )
            materials_left -= copies
        rows.append((name, kind, month_day, theme, place, town, people, copies))
    return rows


def _activities() -> list[SeismicActivity]:
    towns = {town.name: town for town in Town.objects.all()}
    plan = {2023: YEAR_2023} | {year: _scaled(year, *totals) for year, totals in EARLIER.items()}
    result = []
    for year, rows in sorted(plan.items()):
        for name, kind, (month, day), theme, place, town, people, copies in rows:
            result.append(
                SeismicActivity(
                    name=f"{year}年{name}",
                    kind=kind,
                    held_on=date(year, month, day),
                    theme_day=theme,
                    place=place,
                    town=towns.get(town),
                    participants=people,
                    materials=copies,
                )
            )
    return result


@transaction.atomic
def load() -> None:
    create_missing(SeismicActivity, _activities(), key=lambda a: (a.name, a.held_on))
