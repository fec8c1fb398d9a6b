"""The reminders declared in the apps' deadlines.py: each fires at its threshold and not before,
to the right people and nobody else; the daily job sends each once, even when stopped midway."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from kejiju.choices import Level, Role, Section
from kejiju.notifications import daily
from kejiju.notifications.daily import run_daily
from kejiju.notifications.models import Notification

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)  # a Tuesday


def told(kind: str) -> set[tuple[str, str]]:
    """(username, threshold) of every notification of ``kind``."""
    return {
        (n.recipient.username, n.key.rsplit(":", 1)[1])
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    }


@pytest.fixture
def people(make_user, enterprise, other_enterprise):
    return {
        "clerk": make_user(Role.ENTERPRISE, "clerk", enterprise=enterprise, email="c@example.com"),
        "stranger": make_user(Role.ENTERPRISE, "stranger", enterprise=other_enterprise),
        "hightech": make_user(Role.STAFF, "hightech", section=Section.HIGH_TECH),
        "ipclerk": make_user(Role.STAFF, "ipclerk", section=Section.IP),
        "seismic": make_user(Role.STAFF, "seismic", section=Section.SEISMIC),
        "office": make_user(Role.STAFF, "office", section=Section.OFFICE),
        "leader": make_user(Role.LEADER, "leader"),
        "admin": make_user(Role.ADMIN, "admin"),
    }


# ---- qualifications ---------------------------------------------------------------------------


def hnte(enterprise, ends: dt.date):
    from enterprises.models import Qualification

    return Qualification.objects.create(
        enterprise=enterprise,
        kind="hnte",
        level=Level.NATIONAL,
        recognized_on=ends.replace(year=ends.year - 3) + dt.timedelta(days=1),
        valid_until=ends,
    )


def test_qualification_at_90_30_and_expired_and_not_before(people, enterprise):
    kind = "enterprises.qualification_expiring"
    q = hnte(enterprise, TODAY + dt.timedelta(days=91))
    run_daily(TODAY)
    assert told(kind) == set()
    run_daily(TODAY + dt.timedelta(days=1))  # 90 days left
    assert told(kind) == {("clerk", "90"), ("hightech", "90")}
    run_daily(TODAY + dt.timedelta(days=30))  # 61 days left: nothing new
    assert len(told(kind)) == 2
    run_daily(TODAY + dt.timedelta(days=61))  # 30 days left
    assert ("clerk", "30") in told(kind) and ("hightech", "30") in told(kind)
    run_daily(q.valid_until)  # the last valid day: still "30"
    assert len(told(kind)) == 4
    run_daily(q.valid_until + dt.timedelta(days=1))
    # expired 高企: the county's count drops, the leaders are told too
    assert {t for t in told(kind) if t[1] == "expired"} == {
        ("clerk", "expired"),
        ("hightech", "expired"),
        ("leader", "expired"),
    }
    clerk_link = Notification.objects.filter(recipient=people["clerk"]).first().link
    assert clerk_link == "/enterprises/applications/new/hnte/"
    assert Notification.objects.filter(recipient=people["hightech"]).first().about == q


def test_a_renewed_qualification_is_not_told(people, enterprise):
    from enterprises.models import Qualification

    old = hnte(enterprise, TODAY + dt.timedelta(days=20))
    Qualification.objects.create(
        enterprise=enterprise,
        kind="hnte",
        level=Level.NATIONAL,
        recognition="renewal",
        recognized_on=old.valid_until - dt.timedelta(days=30),
        valid_until=old.valid_until.replace(year=old.valid_until.year + 3),
    )
    run_daily(TODAY)
    assert not Notification.objects.exists()


# ---- enterprise applications ------------------------------------------------------------------


def test_returned_application_after_10_working_days(people, enterprise):
    from enterprises.models import Application, ApplicationTransition

    application = Application.objects.create(
        enterprise=enterprise, kind="hnte", year=2026, status="returned", created_by=people["clerk"]
    )
    returned = ApplicationTransition.objects.create(
        application=application, from_status="submitted", to_status="returned", by=people["office"]
    )
    # returned on Monday 2 March 2026: the tenth working day is Friday 13 March
    at = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    ApplicationTransition.objects.filter(pk=returned.pk).update(at=at)
    kind = "enterprises.application_returned"
    run_daily(dt.date(2026, 3, 13))
    assert told(kind) == set()
    run_daily(dt.date(2026, 3, 16))
    assert {u for u, _ in told(kind)} == {"clerk", "hightech"}


# ---- projects ---------------------------------------------------------------------------------


def project(enterprise, *, starts, ends, stage="executing", number="GY20260001"):
    from kejiju.models import PlanCategory
    from projects.models import Project

    return Project.objects.create(
        number=number,
        name="测试项目",
        category=PlanCategory.objects.get(code="industrial"),
        undertaker=enterprise.name,
        enterprise=enterprise,
        applied_on=starts - dt.timedelta(days=90),
        status="approved",
        stage=stage,
        starts_on=starts,
        ends_on=ends,
    )


def test_project_midterm_end_and_overdue_acceptance(people, enterprise):
    p = project(enterprise, starts=dt.date(2025, 1, 1), ends=dt.date(2027, 1, 1))
    middle = dt.date(2026, 1, 1)
    run_daily(middle - dt.timedelta(days=31))
    assert told("projects.midterm_due") == set()
    run_daily(middle - dt.timedelta(days=30))
    assert told("projects.midterm_due") == {("clerk", "30"), ("hightech", "30")}
    run_daily(middle)
    assert ("clerk", "due") in told("projects.midterm_due")
    run_daily(p.ends_on)
    assert told("projects.end_reached") == set()
    run_daily(p.ends_on + dt.timedelta(days=1))
    assert told("projects.end_reached") == {("clerk", "ended"), ("hightech", "ended")}
    run_daily(dt.date(2027, 4, 1))
    assert told("projects.acceptance_overdue") == set()
    run_daily(dt.date(2027, 4, 2))
    assert told("projects.acceptance_overdue") == {
        ("clerk", "overdue-3m"),
        ("hightech", "overdue-3m"),
    }
    assert not Notification.objects.filter(recipient=people["stranger"]).exists()


def test_a_short_project_has_no_midterm_and_an_accepted_one_no_overdue(people, enterprise):
    project(enterprise, starts=dt.date(2026, 1, 1), ends=dt.date(2026, 10, 31))
    project(
        enterprise,
        starts=dt.date(2024, 1, 1),
        ends=dt.date(2025, 12, 31),
        stage="accepted",
        number="GY20260002",
    )
    for day in (dt.date(2026, 6, 1), dt.date(2026, 4, 5), dt.date(2026, 4, 1)):
        run_daily(day)
    assert not Notification.objects.exists()


def test_notice_ending_with_an_unanswered_objection(people, enterprise):
    from projects.models import Call, Objection

    p = project(enterprise, starts=dt.date(2026, 1, 1), ends=dt.date(2027, 12, 31))
    now = timezone.now()
    call = Call.objects.create(
        category=p.category,
        year=2026,
        title="2026年度测试项目申报通知",
        text="通知",
        opens_at=now - dt.timedelta(days=60),
        closes_at=now - dt.timedelta(days=30),
        budget_cap=Decimal("100"),
        notice_ends_on=dt.date(2026, 3, 20),
    )
    p.call = call
    p.save()
    by = people["hightech"]
    Objection.objects.create(
        project=p, received_on=dt.date(2026, 3, 16), text="数据有误", recorded_by=by
    )
    Objection.objects.create(
        project=p,
        received_on=dt.date(2026, 3, 16),
        text="已答复",
        answer="核实无误",
        answered_at=now,
        recorded_by=by,
    )
    run_daily(dt.date(2026, 3, 17))
    assert told("projects.notice_objections") == set()
    run_daily(dt.date(2026, 3, 18))
    assert told("projects.notice_objections") == {("hightech", "2")}
    assert "1 条异议未答复" in Notification.objects.get(kind="projects.notice_objections").text
    run_daily(dt.date(2026, 3, 21))
    assert ("hightech", "ended") in told("projects.notice_objections")


# ---- experts ------------------------------------------------------------------------------------


@pytest.fixture
def panel(people, enterprise, settings, tmp_path):
    """A project under expert review: a panel of 3 + 1 from five experts with accounts."""
    from experts.models import Expert, ExpertSpecialty, Specialty
    from experts.services import active_panel
    from tests.access_world import make_account, open_call, project_under_review

    settings.MEDIA_ROOT = tmp_path
    specialty = Specialty.objects.create(name="提醒测试专业")
    accounts = {}
    for i in range(5):
        expert = Expert.objects.create(
            name=f"提醒专家{i}", employer="温州大学", title="senior", mobile=f"1360000{i:04d}"
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=specialty)
        accounts[expert.pk] = make_account(Role.EXPERT, f"expert{i}", expert=expert)
    call = open_call(title="提醒测试项目申报", by=people["hightech"])
    p = project_under_review(
        call=call,
        enterprise=enterprise,
        name="提醒测试项目",
        specialty=specialty,
        owner=people["clerk"],
        staff=people["hightech"],
    )
    members = active_panel(p.draw)
    return {"members": members, "accounts": accounts}


def test_a_place_unanswered_after_two_days(people, panel):
    from experts import services as expert_services

    today = timezone.localdate()
    first, second, third = panel["members"][:3]
    expert_services.declare_no_conflict(member=first, user=panel["accounts"][first.expert_id])
    expert_services.record_response(
        member=second, kind="declined", reason="时间冲突", recorded_by=people["office"]
    )
    run_daily(today + dt.timedelta(days=2))
    assert told("experts.place_unanswered") == set()
    run_daily(today + dt.timedelta(days=3))
    # the third main expert and the backup called in for the second; the pool's staff
    waiting = {panel["accounts"][m.expert_id].username for m in (third,)}
    backup = expert_services.active_panel(first.draw)
    called = {panel["accounts"][m.expert_id].username for m in backup} - {
        panel["accounts"][first.expert_id].username,
        *waiting,
    }
    assert {u for u, _ in told("experts.place_unanswered")} == waiting | called | {
        "hightech",
        "office",
    }


def test_a_review_not_scored_in_time(people, panel):
    from experts import services as expert_services
    from experts.deadlines import REVIEW_DAYS

    today = timezone.localdate()
    first, second = panel["members"][:2]
    for m in (first, second):
        expert_services.declare_no_conflict(member=m, user=panel["accounts"][m.expert_id])
    expert_services.submit_review(member=second, scores={"创新性": 80}, comment="好")
    run_daily(today + dt.timedelta(days=REVIEW_DAYS - 1))
    assert told("experts.review_unscored") == set()
    run_daily(today + dt.timedelta(days=REVIEW_DAYS + 1))
    assert {u for u, _ in told("experts.review_unscored")} == {
        panel["accounts"][first.expert_id].username,
        "hightech",
        "office",
    }


# ---- seismic ------------------------------------------------------------------------------------


def test_seismic_report_drill_and_site_review(people, town):
    from seismic.models import DemoSite, EmergencyPlan, MonthlyReport, ObservationPoint, PlanVersion

    point = ObservationPoint.objects.create(
        code="T-01", name="测试井", kind="well", location="村口", town=town, observer="王五"
    )
    reported = ObservationPoint.objects.create(
        code="T-02", name="已报井", kind="well", location="村尾", town=town, observer="李四"
    )
    MonthlyReport.objects.create(
        point=reported, month=dt.date(2026, 2, 1), reported_on=dt.date(2026, 3, 2)
    )
    plan = EmergencyPlan.objects.create(name="测试地震应急预案")
    PlanVersion.objects.create(
        plan=plan, version="2022版", approved_on=dt.date(2023, 3, 6), issuing_office="市政府办公室"
    )
    site = DemoSite.objects.create(
        name="测试示范学校",
        kind="school",
        town=town,
        applied_on=dt.date(2023, 1, 1),
        next_review_on=dt.date(2026, 4, 10),
    )
    run_daily(dt.date(2026, 3, 5))
    assert told("seismic.report_missing") == set()
    assert told("seismic.plan_not_drilled") == set()
    assert told("seismic.site_review_due") == set()
    run_daily(dt.date(2026, 3, 6))
    assert told("seismic.report_missing") == {("seismic", "month-202602")}
    assert Notification.objects.get(kind="seismic.report_missing").about == point
    run_daily(dt.date(2026, 3, 7))
    assert told("seismic.plan_not_drilled") == {("seismic", "since-20230306")}
    run_daily(dt.date(2026, 3, 11))
    assert told("seismic.site_review_due") == {("seismic", "30-20260410")}
    assert Notification.objects.get(kind="seismic.site_review_due").about == site
    assert not Notification.objects.filter(
        recipient__in=[people["hightech"], people["ipclerk"], people["clerk"]],
        kind__startswith="seismic.",
    ).exists()


# ---- the job: idempotent, interrupted, bounded --------------------------------------------------


def many_due(enterprise, n: int, start: int = 0):
    for i in range(start, start + n):
        project(
            enterprise,
            starts=dt.date(2025, 3, 1),
            ends=TODAY - dt.timedelta(days=10),
            number=f"GY2025{i:04d}",
        )


def test_running_twice_sends_nothing_twice(people, enterprise):
    many_due(enterprise, 3)
    first = run_daily(TODAY)
    second = run_daily(TODAY)
    assert first.created == 6 and second.created == 0
    assert Notification.objects.count() == 6
    assert len(mail.outbox) == 1  # the clerk's digest, once


def test_a_job_stopped_between_sends_sends_the_rest_and_nothing_twice(
    people, enterprise, monkeypatch
):
    many_due(enterprise, 5)

    class Killed(Exception):
        pass

    def kill_after_two(written):
        if written >= 2:
            raise Killed

    monkeypatch.setattr(daily, "after_batch", kill_after_two)
    with pytest.raises(Killed):
        run_daily(TODAY, batch_size=1)
    assert Notification.objects.count() == 2
    assert not mail.outbox  # stopped before the digest
    monkeypatch.undo()
    again = run_daily(TODAY, batch_size=1)
    assert again.created == 8
    assert Notification.objects.count() == 10
    keys = list(Notification.objects.values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys))
    assert len(mail.outbox) == 1 and mail.outbox[0].body.count("尚未提交验收申请") == 5


def test_the_job_reads_in_a_bounded_number_of_queries(
    people, enterprise, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many_due(enterprise, 3)
    with CaptureQueriesContext(connection) as few:
        run_daily(TODAY, deliver=False)
    Notification.objects.all().delete()
    many_due(enterprise, 30, start=100)
    with CaptureQueriesContext(connection) as more:
        outcome = run_daily(TODAY, deliver=False)
    assert outcome.created == 66
    assert len(more) == len(few)
    with django_assert_max_num_queries(60):
        Notification.objects.all().delete()
        run_daily(TODAY)


# ---- the digest ---------------------------------------------------------------------------------


def test_the_digest_holds_the_days_notifications_in_one_mail_per_user(people, enterprise):
    from kejiju.notifications.services import notify

    notify([people["clerk"]], kind="notifications.message", text="昨天的退回通知")
    hnte(enterprise, TODAY + dt.timedelta(days=30))
    many_due(enterprise, 1)
    run_daily(TODAY)
    assert len(mail.outbox) == 1  # the clerk; the staff have no e-mail address
    digest = mail.outbox[0]
    assert digest.to == ["c@example.com"] and "3 条" in digest.subject
    for text in ("昨天的退回通知", "资质将于", "尚未提交验收申请"):
        assert text in digest.body
    run_daily(TODAY)
    assert len(mail.outbox) == 1


# ---- the command ------------------------------------------------------------------------------


def test_send_reminders_dry_run_prints_and_writes_nothing(people, enterprise, capsys):
    many_due(enterprise, 1)
    call_command("send_reminders", "--dry-run", "--date", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "项目到期未申请验收" in out and "试运行" in out
    assert not Notification.objects.exists()
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert "新发消息 2 条" in capsys.readouterr().out
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert "新发消息 0 条" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["2026-13-01", "昨天", "2026/03/10"])
def test_send_reminders_refuses_a_bad_date(bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", bad)


def test_task_book_not_submitted_a_month_after_it_was_opened(people, enterprise):
    from projects import task_books
    from projects.models import TaskBook

    kind = "projects.task_book_due"
    p = project(enterprise, starts=dt.date(2026, 1, 1), ends=dt.date(2027, 12, 31))
    p.funding = Decimal("30")
    p.save()
    book = task_books.open_task_book(project=p, by=people["hightech"])
    opened = timezone.make_aware(dt.datetime(2026, 2, 1, 9, 0))
    TaskBook.objects.filter(pk=book.pk).update(created_at=opened)
    run_daily(dt.date(2026, 3, 2))  # 29 days and a part: not yet
    assert told(kind) == set()
    run_daily(dt.date(2026, 3, 4))
    assert told(kind) == {("clerk", "due"), ("hightech", "due")}
    run_daily(dt.date(2026, 3, 5))  # told once
    assert Notification.objects.filter(kind=kind).count() == 2
    # once the enterprise has submitted it (and the bureau signed it), nobody is told
    from projects.tests.conftest import sign_task_book

    Notification.objects.filter(kind=kind).delete()
    sign_task_book(p, people["clerk"], people["hightech"])
    run_daily(dt.date(2026, 3, 6))
    assert told(kind) == set()
