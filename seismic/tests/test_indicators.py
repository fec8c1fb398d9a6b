"""Earthquake-safety indicators of DESIGN.md §4 at their edges."""

from datetime import date

import pytest

from kejiju.choices import ReportSection
from seismic.choices import ActivityKind
from seismic.indicators import INDICATORS
from seismic.models import SeismicActivity

pytestmark = pytest.mark.django_db


def value(key: str, year: int = 2023):
    return next(i for i in INDICATORS if i.key == key).compute(year)


def activity(name, kind, held_on, participants=0, materials=0):
    return SeismicActivity.objects.create(
        name=name, kind=kind, held_on=held_on, participants=participants, materials=materials
    )


def test_declared_under_seismic():
    assert {i.key for i in INDICATORS} == {
        "seismic.publicity.participants",
        "seismic.publicity.materials",
        "seismic.drills",
    }
    assert all(i.section == ReportSection.SEISMIC for i in INDICATORS)
    assert {i.key: i.unit for i in INDICATORS}["seismic.publicity.materials"] == "份"


def test_participants_of_publicity_activities_in_the_year():
    activity("5·12宣传", ActivityKind.PUBLICITY, date(2023, 1, 1), 1000, 100)
    activity("年末宣传", ActivityKind.PUBLICITY, date(2023, 12, 31), 500, 50)
    activity("综合演练", ActivityKind.DRILL, date(2023, 5, 11), 1200, 20)  # not publicity
    activity("培训", ActivityKind.TRAINING, date(2023, 4, 18), 80, 30)
    activity("去年宣传", ActivityKind.PUBLICITY, date(2022, 12, 31), 9000, 900)
    activity("明年宣传", ActivityKind.PUBLICITY, date(2024, 1, 1), 9000, 900)
    assert value("seismic.publicity.participants") == 1500
    # materials handed out at every kind of activity
    assert value("seismic.publicity.materials") == 200
    assert value("seismic.drills") == 1
    assert value("seismic.publicity.participants", 2022) == 9000


def test_drills_count_drill_activities_in_the_year():
    activity("学校演练", ActivityKind.DRILL, date(2023, 9, 22))
    activity("社区演练", ActivityKind.DRILL, date(2023, 12, 31))
    activity("去年演练", ActivityKind.DRILL, date(2022, 12, 31))
    activity("知识竞赛", ActivityKind.COMPETITION, date(2023, 7, 28))
    assert value("seismic.drills") == 2
    assert value("seismic.drills", 2024) == 0


def test_no_activities_give_zero():
    assert all(i.compute(2023) == 0 for i in INDICATORS)
