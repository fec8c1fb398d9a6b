"""Earthquake-safety work through the staff pages and services."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kejiju.choices import Role
from reports.services import compute_indicators
from seismic import services
from seismic.indicators import INDICATORS
from seismic.models import (
    Drill,
    EmergencyPlan,
    MonthlyReport,
    ObservationPoint,
    PlanVersion,
    SeismicActivity,
)

pytestmark = pytest.mark.django_db


def indicator(key: str, year: int):
    return next(i for i in INDICATORS if i.key == key).compute(year)


@pytest.fixture
def staff(login, users):
    return login(users[Role.STAFF])


@pytest.fixture
def plan():
    plan = EmergencyPlan.objects.create(name="瑞安市地震应急预案")
    PlanVersion.objects.create(
        plan=plan, version="2019版", approved_on=date(2019, 6, 1), issuing_office="市政府办公室"
    )
    PlanVersion.objects.create(
        plan=plan, version="2023版", approved_on=date(2023, 3, 1), issuing_office="市政府办公室"
    )
    return plan


@pytest.fixture
def points(town):
    return [
        ObservationPoint.objects.create(
            code=f"HG-0{n}",
            name=f"观测点{n}",
            kind="well",
            location="村口水井",
            town=town,
            observer=f"观测员{n}",
        )
        for n in (1, 2, 3)
    ]


def freeze_today(monkeypatch, day: date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_staff_record_the_years_work_and_the_section_page_and_indicators_show_it(
    staff, plan, points, town, monkeypatch
):
    freeze_today(monkeypatch, date(2024, 6, 20))
    response = staff.post(
        reverse("seismic:activity_add"),
        {
            "name": "5·12防灾减灾日广场宣传",
            "kind": "publicity",
            "held_on": "2024-05-12",
            "theme_day": "0512",
            "place": "万松广场",
            "town": town.pk,
            "participants": "3200",
            "materials": "800",
        },
    )
    assert response.status_code == 302
    response = staff.post(
        reverse("seismic:drill_add", args=[plan.pk]),
        {
            "name": "全市地震应急综合演练",
            "held_on": "2024-05-20",
            "place": "安阳实验小学",
            "town": town.pk,
            "participants": "1500",
            "evaluation": "疏散有序，用时 3 分 20 秒。",
        },
    )
    assert response.status_code == 302
    drill = Drill.objects.get()
    assert drill.version.version == "2023版"  # the version in force on the day
    assert drill.activity.kind == "drill"

    zero = staff.post(
        reverse("seismic:report_add"),
        {"point": points[0].pk, "month": "2024-05", "reported_on": "2024-06-02"},
    )
    assert zero.status_code == 302
    anomaly = staff.post(
        reverse("seismic:report_add"),
        {
            "point": points[1].pk,
            "month": "2024-05",
            "reported_on": "2024-06-03",
            "anomaly": "on",
            "description": "井水突然变浑，水位上升约 30 厘米",
        },
    )
    assert anomaly.status_code == 302
    assert MonthlyReport.objects.get(point=points[0]).is_zero_report
    flagged = MonthlyReport.objects.get(point=points[1])
    assert flagged.awaiting_check

    page = staff.get(reverse("seismic:overview"), {"year": 2024}).content.decode()
    assert 'data-testid="activity-count">2<' in page
    assert 'data-testid="participants">4,700<' in page
    assert "异常待核实" in page and "HG-02" in page
    # 3 active points, 5 months due (Jan–May), 2 reports received
    assert "已报 2 / 应报 15" in page
    assert 'data-testid="missing-reports"' in page and "HG-03" in page
    assert 'data-testid="no-activities"' not in page
    empty = staff.get(reverse("seismic:overview"), {"year": 2026}).content.decode()
    assert 'data-testid="no-activities"' in empty and 'href="?year=2024"' in empty

    assert indicator("seismic.publicity.participants", 2024) == 3200
    assert indicator("seismic.publicity.materials", 2024) == 800
    assert indicator("seismic.drills", 2024) == 1
    snapshot = compute_indicators(2024)
    stored = dict(snapshot.values.filter(key__startswith="seismic.").values_list("key", "value"))
    assert stored == {
        "seismic.publicity.participants": 3200,
        "seismic.publicity.materials": 800,
        "seismic.drills": 1,
    }

    checked = staff.post(
        reverse("seismic:report_check", args=[flagged.pk]),
        {"checked_on": "2024-06-03", "follow_up": "现场核实为附近施工抽水所致，已排除震兆。"},
    )
    assert checked.status_code == 302
    flagged.refresh_from_db()
    assert not flagged.awaiting_check


def test_missing_report_list_appears_only_after_the_due_day(staff, points, monkeypatch):
    services.submit_monthly_report(
        point=points[0], month=date(2024, 5, 1), reported_on=date(2024, 6, 1)
    )
    freeze_today(monkeypatch, date(2024, 6, 5))
    page = staff.get(reverse("seismic:point_list")).content.decode()
    assert 'data-testid="missing-reports"' not in page
    freeze_today(monkeypatch, date(2024, 6, 6))
    page = staff.get(reverse("seismic:point_list")).content.decode()
    assert 'data-testid="missing-reports"' in page
    assert "HG-02" in page and "HG-03" in page
    assert "2024年5月月报缺报（2 个）" in page


def test_drill_warning_appears_when_a_plan_was_not_drilled_for_three_years(
    staff, plan, monkeypatch
):
    services.record_drill(plan=plan, held_on=date(2021, 5, 12), participants=300)
    freeze_today(monkeypatch, date(2024, 5, 12))
    assert (
        'data-testid="drill-warning"' not in staff.get(reverse("seismic:overview")).content.decode()
    )
    freeze_today(monkeypatch, date(2024, 5, 13))
    page = staff.get(reverse("seismic:overview")).content.decode()
    assert 'data-testid="drill-warning"' in page and "瑞安市地震应急预案" in page
    detail = staff.get(reverse("seismic:plan_detail", args=[plan.pk])).content.decode()
    assert "已超过 3 年未组织演练" in detail


def test_drill_interval_is_configurable(staff, plan, monkeypatch, settings):
    settings.SEISMIC_DRILL_INTERVAL_YEARS = 1
    services.record_drill(plan=plan, held_on=date(2023, 5, 12))
    freeze_today(monkeypatch, date(2024, 6, 1))
    assert 'data-testid="drill-warning"' in staff.get(reverse("seismic:overview")).content.decode()


def test_never_drilled_plan_is_flagged_once_approved_long_enough(plan):
    flagged = EmergencyPlan.objects.needing_drill(date(2022, 6, 2), 3)
    assert plan in flagged
    assert plan not in EmergencyPlan.objects.needing_drill(date(2022, 5, 31), 3)


def test_drill_before_the_plans_approval_is_refused_and_nothing_is_saved(staff, plan):
    response = staff.post(
        reverse("seismic:drill_add", args=[plan.pk]),
        {"held_on": "2019-05-01", "participants": "10"},
    )
    assert response.status_code == 200
    assert "演练日期早于预案批准日期（2019-06-01）" in response.content.decode()
    assert not SeismicActivity.objects.exists()
    assert not Drill.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("participants", "-5", "不能为负数"),
        ("materials", "-1", "不能为负数"),
        ("participants", "很多", "参与人次须为不小于 0 的整数"),
        ("materials", "1.5", "发放资料份数须为不小于 0 的整数"),
    ],
)
def test_negative_or_non_numeric_counts_are_refused_at_the_field(staff, field, value, message):
    data = {
        "name": "7·28 纪念日宣传",
        "kind": "publicity",
        "held_on": "2024-07-28",
        "participants": "100",
        "materials": "10",
        field: value,
    }
    response = staff.post(reverse("seismic:activity_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SeismicActivity.objects.exists()


def test_a_second_report_for_a_month_updates_the_first_and_keeps_history(points):
    first, created = services.submit_monthly_report(
        point=points[0], month=date(2024, 5, 17), reported_on=date(2024, 6, 1)
    )
    assert created and first.month == date(2024, 5, 1)
    second, created = services.submit_monthly_report(
        point=points[0],
        month=date(2024, 5, 1),
        reported_on=date(2024, 6, 2),
        anomaly=True,
        description="家禽异常躁动",
    )
    assert not created and second.pk == first.pk
    assert MonthlyReport.objects.count() == 1
    assert second.history.count() == 2
    assert second.history.earliest().anomaly is False


def test_anomaly_without_description_is_refused(points):
    with pytest.raises(ValidationError) as exc:
        services.submit_monthly_report(
            point=points[0], month=date(2024, 5, 1), reported_on=date(2024, 6, 1), anomaly=True
        )
    assert "description" in exc.value.error_dict
    assert not MonthlyReport.objects.exists()


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_photo_must_really_be_an_image(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = SeismicActivity.objects.create(
        name="科普讲座", kind="lecture", held_on=date(2024, 3, 1)
    )
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", content_type="image/jpeg")
    response = staff.post(reverse("seismic:photo_add", args=[activity.pk]), {"image": fake})
    assert response.status_code == 200
    assert "上传的文件不是有效的图片" in response.content.decode()
    assert not activity.photos.exists()

    real = SimpleUploadedFile("../../etc/passwd.png", _png_bytes(), content_type="image/png")
    response = staff.post(
        reverse("seismic:photo_add", args=[activity.pk]), {"image": real, "caption": "现场"}
    )
    assert response.status_code == 302
    photo = activity.photos.get()
    assert "passwd" not in photo.image.name and photo.image.name.endswith(".jpg")
    served = staff.get(reverse("seismic:photo_file", args=[photo.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"  # re-encoded as JPEG


def test_site_inspection_promotes_one_level_at_a_time(staff, town):
    from seismic.models import DemoSite

    site = DemoSite.objects.create(
        name="安阳街道示范社区", kind="community", town=town, applied_on=date(2024, 1, 5)
    )
    response = staff.post(
        reverse("seismic:inspection_add", args=[site.pk]),
        {
            "inspected_on": "2024-04-01",
            "inspectors": "王科员、李科员",
            "checklist": ["组织机构健全，职责明确", "定期开展应急演练"],
            "score": "86.5",
            "promote_to": "county",
            "next_review_on": "2027-04-01",
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.status == "county" and site.recognized_on == date(2024, 4, 1)
    inspection = site.inspections.get()
    assert inspection.checklist["组织机构健全，职责明确"] is True
    assert inspection.checklist["建筑抗震设防符合要求"] is False
    with pytest.raises(ValidationError):
        services.inspect_site(
            site=site,
            inspected_on=date(2024, 5, 1),
            inspectors="x",
            checklist={},
            score=90,
            promote_to="national",
        )
    site.refresh_from_db()
    assert site.status == "county"
    assert site.inspections.count() == 1  # the refused inspection was rolled back


def test_score_out_of_range_is_refused(staff, town):
    from seismic.models import DemoSite

    site = DemoSite.objects.create(
        name="飞云示范学校", kind="school", town=town, applied_on=date(2024, 1, 5)
    )
    response = staff.post(
        reverse("seismic:inspection_add", args=[site.pk]),
        {"inspected_on": "2024-04-01", "inspectors": "王科员", "score": "120"},
    )
    assert "得分应在 0–100 之间" in response.content.decode()
    assert not site.inspections.exists()


def test_every_seismic_page_renders_for_staff_and_leader(login, users, plan, points, town):
    from seismic.models import DemoSite, Station, StationMilestone

    site = DemoSite.objects.create(
        name="塘下示范基地", kind="base", town=town, applied_on=date(2024, 1, 5)
    )
    station = Station.objects.create(
        code="RA01", name="瑞安强震台", kind="strong_motion", site="安阳", status="relocating"
    )
    StationMilestone.objects.create(station=station, stage="survey", planned_on=date(2024, 3, 1))
    activity = SeismicActivity.objects.create(
        name="应急知识讲座", kind="lecture", held_on=date(2024, 3, 1)
    )
    pages = [
        reverse("seismic:overview"),
        reverse("seismic:activity_list"),
        reverse("seismic:activity_detail", args=[activity.pk]),
        reverse("seismic:plan_list"),
        reverse("seismic:plan_detail", args=[plan.pk]),
        reverse("seismic:site_list"),
        reverse("seismic:site_detail", args=[site.pk]),
        reverse("seismic:point_list"),
        reverse("seismic:station_list"),
        reverse("seismic:team_list"),
    ]
    for role in (Role.STAFF, Role.LEADER):
        client = login(users[role])
        for url in pages:
            assert client.get(url).status_code == 200, (role, url)
    leader = login(users[Role.LEADER])
    assert leader.get(reverse("seismic:activity_add")).status_code == 403
    for role in (Role.ENTERPRISE, Role.EXPERT, Role.AUDITOR):
        assert login(users[role]).get(reverse("seismic:overview")).status_code == 403


def test_list_query_count_does_not_grow_with_page_size(staff, town, django_assert_num_queries):
    SeismicActivity.objects.bulk_create(
        SeismicActivity(
            name=f"宣传活动{n}", kind="publicity", held_on=date(2024, 1 + n % 12, 1), town=town
        )
        for n in range(120)
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (20, 100):
        with CaptureQueriesContext(connection) as ctx:
            assert (
                staff.get(reverse("seismic:activity_list"), {"per_page": size}).status_code == 200
            )
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def _seismic_year(town, points, activities: int, reports_per_point: int, batch: str = "") -> None:
    SeismicActivity.objects.bulk_create(
        SeismicActivity(
            name=f"宣传活动{batch}{n}",
            kind="publicity",
            held_on=date(2024, 1 + n % 12, 1 + n % 28),
            town=town,
            participants=10,
        )
        for n in range(activities)
    )
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            point=point,
            month=date(2024, m, 1),
            reported_on=date(2024, m, 5),
            anomaly=m == 3,
        )
        for point in points
        for m in range(1, reports_per_point + 1)
    )


def test_overview_reads_a_bounded_number_of_queries_whatever_the_records(
    staff, town, points, monkeypatch, django_assert_max_num_queries
):
    freeze_today(monkeypatch, date(2024, 12, 20))
    _seismic_year(town, points, activities=24, reports_per_point=2)
    with django_assert_max_num_queries(16):
        small = staff.get(reverse("seismic:overview"), {"year": 2024})
    assert small.context["totals"]["count"] == 24
    assert small.context["reports_received"] == 6
    _seismic_year(town, points, activities=240, reports_per_point=0, batch="乙")
    MonthlyReport.objects.filter(month__month__gt=2).delete()
    MonthlyReport.objects.bulk_create(
        MonthlyReport(point=p, month=date(2024, m, 1), reported_on=date(2024, m, 5))
        for p in points
        for m in range(3, 12)
    )
    with django_assert_max_num_queries(16):
        large = staff.get(reverse("seismic:overview"), {"year": 2024})
    assert large.context["totals"]["count"] == 264
    assert [m["count"] for m in large.context["months"]] == [22] * 12
    assert large.context["reports_received"] == 33  # 11 months due × 3 points
