"""What becomes due with time in the projects app (kejiju.notifications.registry): a 任务书
not submitted a month after it was opened, the mid-term check of a multi-year project, the end date reached without an acceptance application,
acceptance overdue by three months, and a 公示 ending with objections not answered."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse

from kejiju.choices import Section
from kejiju.notifications.registry import (
    Due,
    Kind,
    Reminder,
    enterprise_user_ids,
    staff_ids,
    start_of_day_before,
)

from .choices import Stage
from .models import Call, Objection, Project, TaskBook
from .task_book_models import TaskBookStatus

SECTIONS = (Section.HIGH_TECH,)
MIDTERM_MIN_DAYS = 365  # a project running longer than a year has a 中期检查
ACCEPTANCE_GRACE_MONTHS = 3
LOOKBACK_DAYS = 366  # an end date, mid-term or notice further back is not told any more
TASK_BOOK_DAYS = 30  # the enterprise fills and submits its 任务书 within a month of approval


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _projects(**filters) -> list[Project]:
    return list(
        Project.objects.filter(**filters).only(
            "pk", "name", "number", "enterprise_id", "starts_on", "ends_on", "stage"
        )
    )


def _tell(project: Project, threshold: str, text: str, users: dict, staff: list[int]):
    link = reverse("projects:detail", args=[project.pk])
    yield Due(project, threshold, text, link, users.get(project.enterprise_id, []))
    yield Due(project, threshold, text, link, staff)


def task_book_due(today: dt.date):
    """A 任务书 (or a new version after a change) opened more than ``TASK_BOOK_DAYS`` days ago
    and still not submitted by the enterprise (being filled in, or returned for revision): no
    money is paid before it is signed."""
    cutoff = start_of_day_before(today, TASK_BOOK_DAYS)
    oldest = cutoff - dt.timedelta(days=LOOKBACK_DAYS)
    books = list(
        TaskBook.objects.filter(
            status__in=[TaskBookStatus.DRAFT, TaskBookStatus.RETURNED],
            created_at__lt=cutoff,
            created_at__gt=oldest,
        ).select_related("project")
    )
    if not books:
        return
    users = enterprise_user_ids({b.project.enterprise_id for b in books if b.project.enterprise_id})
    staff = staff_ids(*SECTIONS)
    for book in books:
        p = book.project
        text = (
            f"项目「{p.name}」（{p.number}）的任务书（第 {book.version} 版）已开具 "
            f"{TASK_BOOK_DAYS} 天仍未提交；任务书签订前不能拨付资金。"
        )
        link = reverse("projects:task_book", args=[p.pk])
        yield Due(book, "due", text, link, users.get(p.enterprise_id, []))
        yield Due(book, "due", text, link, staff)


def midterm_due(today: dt.date):
    """中期检查: at the middle of a project running longer than a year, 30 days ahead and on
    the day."""
    rows = [
        p
        for p in _projects(
            stage=Stage.EXECUTING,
            starts_on__isnull=False,
            ends_on__gt=today,
            starts_on__lt=today + dt.timedelta(days=30),
        )
        if (p.ends_on - p.starts_on).days > MIDTERM_MIN_DAYS
    ]
    users = staff = None
    for p in rows:
        middle = p.starts_on + (p.ends_on - p.starts_on) / 2
        left = (middle - today).days
        if left > 30 or left < -LOOKBACK_DAYS:
            continue
        if users is None:
            users = enterprise_user_ids(
                Project.objects.filter(stage=Stage.EXECUTING).values("enterprise_id")
            )
            staff = staff_ids(*SECTIONS)
        threshold = "30" if left > 0 else "due"
        when = f"将于 {middle:%Y-%m-%d}" if left > 0 else f"已于 {middle:%Y-%m-%d}"
        text = f"项目「{p.name}」（{p.number}）{when}进入中期检查，请按任务书准备中期执行情况报告。"
        yield from _tell(p, threshold, text, users, staff)


def end_reached(today: dt.date):
    """The planned end date has passed and no acceptance application was filed."""
    rows = _projects(
        stage=Stage.EXECUTING,
        ends_on__lt=today,
        # past the grace months the acceptance-overdue reminder speaks instead
        ends_on__gte=_months_before(today, ACCEPTANCE_GRACE_MONTHS),
    )
    if not rows:
        return
    users = enterprise_user_ids({p.enterprise_id for p in rows if p.enterprise_id})
    staff = staff_ids(*SECTIONS)
    for p in rows:
        text = (
            f"项目「{p.name}」（{p.number}）已于 {p.ends_on:%Y-%m-%d} 到达计划完成日期，"
            "尚未提交验收申请。"
        )
        yield from _tell(p, "ended", text, users, staff)


def acceptance_overdue(today: dt.date):
    """Three months after the end date, the project is still not accepted."""
    limit = _months_before(today, ACCEPTANCE_GRACE_MONTHS)
    rows = _projects(
        stage__in=[Stage.EXECUTING, Stage.ACCEPTANCE_APPLIED],
        ends_on__lt=limit,
        ends_on__gte=limit - dt.timedelta(days=LOOKBACK_DAYS),
    )
    if not rows:
        return
    users = enterprise_user_ids({p.enterprise_id for p in rows if p.enterprise_id})
    staff = staff_ids(*SECTIONS)
    for p in rows:
        text = (
            f"项目「{p.name}」（{p.number}）计划完成日期为 {p.ends_on:%Y-%m-%d}，"
            f"已逾期 {ACCEPTANCE_GRACE_MONTHS} 个月仍未完成验收。"
        )
        yield from _tell(p, "overdue-3m", text, users, staff)


def notice_objections(today: dt.date):
    """A 公示 ending within two days (or ended) with objections not answered: the 高新科."""
    open_objections = dict(
        Objection.objects.filter(
            answered_at__isnull=True,
            project__call__notice_ends_on__lte=today + dt.timedelta(days=2),
            project__call__notice_ends_on__gte=today - dt.timedelta(days=30),
        )
        .values("project__call")
        .annotate(n=Count("pk"))
        .values_list("project__call", "n")
    )
    if not open_objections:
        return
    staff = staff_ids(*SECTIONS)
    for call in Call.objects.filter(pk__in=open_objections).only("pk", "title", "notice_ends_on"):
        threshold = "ended" if call.notice_ends_on < today else "2"
        state = "已结束" if threshold == "ended" else f"将于 {call.notice_ends_on:%Y-%m-%d} 结束"
        text = f"「{call.title}」的公示{state}，还有 {open_objections[call.pk]} 条异议未答复。"
        yield Due(call, threshold, text, reverse("projects:call_detail", args=[call.pk]), staff)


REMINDERS = [
    Reminder(
        "projects.task_book_due",
        "任务书逾期未提交",
        order=19,
        who="承担企业用户、高新科",
        when="任务书开具后 30 天",
        find=task_book_due,
    ),
    Reminder(
        "projects.midterm_due",
        "项目中期检查",
        order=20,
        who="承担企业用户、高新科",
        when="中期检查前 30 天、当天",
        find=midterm_due,
    ),
    Reminder(
        "projects.end_reached",
        "项目到期未申请验收",
        order=21,
        who="承担企业用户、高新科",
        when="计划完成日期之后",
        find=end_reached,
    ),
    Reminder(
        "projects.acceptance_overdue",
        "项目逾期 3 个月未验收",
        order=22,
        who="承担企业用户、高新科",
        when="计划完成日期后 3 个月",
        find=acceptance_overdue,
    ),
    Reminder(
        "projects.notice_objections",
        "公示期异议未答复",
        order=23,
        who="高新科",
        when="公示结束前 2 天、结束后",
        find=notice_objections,
    ),
]

# Told as they happen (projects.services.notify), with a mail at once.
EVENTS = [Kind("projects.project_step", "科技项目办理进展", order=25)]
