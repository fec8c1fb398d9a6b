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
    _plans_and_drills()
    _sites()
    _observation()
    _people()
    _stations()


def _town(name: str) -> Town:
    return Town.objects.get(name=name)


def _plans_and_drills() -> None:
    from .models import Drill, EmergencyPlan, PlanVersion

    plan, _ = EmergencyPlan.objects.get_or_create(
        name="瑞安市地震应急预案", defaults={"scope": "本市行政区域内地震灾害的预防与应急处置"}
    )
    for version, approved, number in (
        ("2016版", date(2016, 8, 10), "瑞政办〔2016〕88号"),
        ("2021版", date(2021, 6, 28), "瑞政办〔2021〕52号"),
    ):
        PlanVersion.objects.get_or_create(
            plan=plan,
            version=version,
            defaults={
                "approved_on": approved,
                "issuing_office": "瑞安市人民政府办公室",
                "document_no": number,
            },
        )
    town_plan, _ = EmergencyPlan.objects.get_or_create(
        name="塘下镇地震应急预案", defaults={"scope": "塘下镇辖区"}
    )
    PlanVersion.objects.get_or_create(
        plan=town_plan,
        version="2019版",
        defaults={"approved_on": date(2019, 4, 2), "issuing_office": "塘下镇人民政府"},
    )
    # The county-wide drills of the demo activities were drilled on the county plan.
    for activity in SeismicActivity.objects.filter(
        kind=ActivityKind.DRILL, name__contains="全市"
    ).filter(drill__isnull=True):
        version = plan.versions.in_force_on(activity.held_on)
        if version is not None:
            Drill.objects.create(
                plan=plan, version=version, activity=activity, evaluation="组织有序，疏散及时。"
            )


def _sites() -> None:
    from .models import DemoSite

    for name, kind, town, status, applied, recognized in (
        (
            "安阳街道万松社区",
            "community",
            "安阳街道",
            "provincial",
            date(2019, 3, 1),
            date(2021, 11, 20),
        ),
        (
            "玉海街道东门社区",
            "community",
            "玉海街道",
            "county",
            date(2021, 4, 1),
            date(2022, 10, 12),
        ),
        ("塘下镇罗凤社区", "community", "塘下镇", "building", date(2023, 5, 6), None),
        ("瑞安市实验小学", "school", "锦湖街道", "national", date(2016, 3, 1), date(2020, 12, 1)),
        ("瑞安市第二中学", "school", "莘塍街道", "provincial", date(2020, 3, 1), date(2022, 12, 5)),
        (
            "瑞安市科技馆防震减灾科普教育基地",
            "base",
            "玉海街道",
            "provincial",
            date(2018, 6, 1),
            date(2019, 12, 1),
        ),
    ):
        DemoSite.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "town": _town(town),
                "status": status,
                "applied_on": applied,
                "recognized_on": recognized,
                "next_review_on": recognized.replace(year=recognized.year + 3)
                if recognized
                else None,
            },
        )


def _observation() -> None:
    from django.utils import timezone

    from .models import MonthlyReport, ObservationPoint
    from .querysets import previous_month

    points = []
    for code, name, kind, town, observer in (
        ("HG-01", "陶山镇井水观测点", "well", "陶山镇", "陈国良"),
        ("HG-02", "湖岭镇动物观测点", "animal", "湖岭镇", "林海波"),
        ("HG-03", "马屿镇泉水观测点", "spring", "马屿镇", "周建平"),
        ("HG-04", "高楼镇井水观测点", "well", "高楼镇", "胡卫东"),
        ("HG-05", "曹村镇电磁观测点", "electromagnetic", "曹村镇", "郑成林"),
    ):
        point, _ = ObservationPoint.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "town": _town(town),
                "location": f"{town}观测站",
                "observer": observer,
                "established_on": date(2018, 1, 1),
            },
        )
        points.append(point)
    existing = set(MonthlyReport.objects.values_list("point_id", "month"))
    last = previous_month(timezone.localdate())
    reports = []
    for point in points:
        month = date(2023, 1, 1)
        while month <= last:
            # The last point's observer has not reported last month yet: it shows in the list.
            if (point.pk, month) not in existing and not (point.code == "HG-05" and month == last):
                anomaly = point.code == "HG-02" and month == date(2023, 7, 1)
                reports.append(
                    MonthlyReport(
                        point=point,
                        month=month,
                        reported_on=month.replace(day=28),
                        anomaly=anomaly,
                        description="家禽夜间躁动" if anomaly else "",
                        checked_on=month.replace(day=28) if anomaly else None,
                        follow_up="当天现场核实为附近施工噪声所致，排除震兆。" if anomaly else "",
                    )
                )
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    create_missing(MonthlyReport, reports, key=lambda r: (r.point_id, r.month))


def _people() -> None:
    from .models import Assistant, Volunteer, VolunteerTeam

    for number, town in enumerate(Town.objects.all()[:20]):
        Assistant.objects.get_or_create(
            town=town,
            name=f"{'陈林王张李黄周吴郑潘金叶孙胡徐朱蔡郭何章'[number]}助理",
            defaults={"phone": f"1395770{number:04d}", "appointed_on": date(2020, 3, 1)},
        )
    team, created = VolunteerTeam.objects.get_or_create(
        name="瑞安市地震应急救援志愿者队",
        defaults={"leader": "林志刚", "phone": "13905779999", "town": _town("安阳街道")},
    )
    if created:
        Volunteer.objects.bulk_create(
            Volunteer(team=team, name=f"志愿者{n:02d}", skills="应急救护" if n % 2 else "搜索救援")
            for n in range(1, 31)
        )


def _stations() -> None:
    from .models import Station, StationMilestone

    station, _ = Station.objects.get_or_create(
        code="ZJ.RA01",
        defaults={
            "name": "瑞安强震动台",
            "kind": "strong_motion",
            "site": "安阳街道（迁建至飞云街道）",
            "status": "relocating",
        },
    )
    for stage, planned, done in (
        ("survey", date(2023, 3, 1), date(2023, 3, 20)),
        ("design", date(2023, 6, 1), date(2023, 7, 10)),
        ("construction", date(2023, 12, 1), date(2024, 2, 5)),
        ("acceptance", date(2024, 6, 1), None),
        ("audit", date(2024, 9, 1), None),
    ):
        StationMilestone.objects.get_or_create(
            station=station, stage=stage, defaults={"planned_on": planned, "done_on": done}
        )
