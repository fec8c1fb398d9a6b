"""What becomes due with time in the enterprises app (kejiju.notifications.registry): the
qualifications that end, and the applications returned and not sent back."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Q
from django.urls import reverse

from kejiju.choices import Level, Section
from kejiju.notifications.registry import (
    Due,
    Kind,
    Reminder,
    enterprise_user_ids,
    leader_ids,
    staff_ids,
    stage,
)
from kejiju.workdays import is_workday

from .choices import ApplicationKind, ApplicationStatus, QualificationType
from .models import Application, Qualification

SECTIONS = (Section.HIGH_TECH,)
# An expired qualification is told within this many days of its end (not the old ones).
EXPIRED_WINDOW_DAYS = 30
RESUBMIT_WORKING_DAYS = 10
# The qualification an enterprise renews with an application of this kind.
RENEWED_BY = {
    QualificationType.HNTE: ApplicationKind.HNTE,
    QualificationType.TECH_SME: ApplicationKind.TECH_SME,
}


def qualifications_ending(today: dt.date):
    """Qualifications ending within 90 days (at 90 and at 30) and those ended in the last
    month, not renewed: the enterprise's users, the 高新科, and for a lapsed 高新技术企业 the
    leaders too (the county's count drops)."""
    rows = (
        Qualification.objects.expiring(today, 91)
        | Qualification.objects.expired(today, EXPIRED_WINDOW_DAYS)
    ).select_related("enterprise")
    rows = list(rows)
    if not rows:
        return
    users = enterprise_user_ids({q.enterprise_id for q in rows})
    staff = staff_ids(*SECTIONS)
    leaders = leader_ids()
    for q in rows:
        end = q.ends_on
        threshold = stage((end - today).days)  # ``end`` is the last valid day
        if threshold is None:
            continue
        what = f"{q.enterprise.name}的{q.get_kind_display()}（{q.get_level_display()}）资质"
        if threshold == "expired":
            text = f"{what}已于 {end:%Y-%m-%d} 到期，尚未重新认定。"
        else:
            days = (end - today).days
            text = f"{what}将于 {end:%Y-%m-%d} 到期（还有 {days} 天），请在到期前申报重新认定。"
        kind = RENEWED_BY.get(q.kind)
        own_link = (
            reverse("enterprises:application_new", args=[kind])
            if kind
            else reverse("enterprise_home")
        )
        yield Due(q, threshold, text, own_link, users.get(q.enterprise_id, []))
        bureau = list(staff)
        if (
            threshold == "expired"
            and q.kind == QualificationType.HNTE
            and q.level == Level.NATIONAL
        ):
            bureau += leaders
        yield Due(q, threshold, text, reverse("enterprises:detail", args=[q.enterprise_id]), bureau)


def _working_days_ago(today: dt.date, days: int) -> dt.date:
    """The latest day whose period of ``days`` working days ended before ``today``."""
    from kejiju.models import CalendarDay

    start = today - dt.timedelta(days=days * 3 + 40)
    overrides = dict(
        CalendarDay.objects.filter(date__range=(start, today)).values_list("date", "is_workday")
    )
    day, counted = today - dt.timedelta(days=1), 0
    while counted < days:
        if is_workday(day, overrides):
            counted += 1
        day -= dt.timedelta(days=1)
    # the first of the ``days`` working days ending yesterday: returned on it (or earlier), the
    # period (which counts the day of return, as kejiju.workdays.add_working_days) is over
    return day + dt.timedelta(days=1)


def returned_not_resubmitted(today: dt.date):
    """Applications returned for revision more than 10 working days ago and not sent back."""
    cutoff = _working_days_ago(today, RESUBMIT_WORKING_DAYS)
    rows = list(
        Application.objects.filter(status=ApplicationStatus.RETURNED)
        .annotate(
            returned_at=Max(
                "transitions__at", filter=Q(transitions__to_status=ApplicationStatus.RETURNED)
            )
        )
        .filter(
            returned_at__date__lte=cutoff,
            returned_at__date__gt=cutoff - dt.timedelta(days=60),
        )
        .select_related("enterprise")
    )
    if not rows:
        return
    users = enterprise_user_ids({a.enterprise_id for a in rows})
    staff = staff_ids(*SECTIONS)
    for a in rows:
        returned = a.returned_at.date()
        text = (
            f"{a.enterprise.name}的申报「{a.title}」于 {returned:%Y-%m-%d} 退回修改，"
            f"已超过 {RESUBMIT_WORKING_DAYS} 个工作日未重新提交。"
        )
        threshold = f"returned-{returned:%Y%m%d}"
        link = reverse("enterprises:application_detail", args=[a.pk])
        yield Due(a, threshold, text, link, users.get(a.enterprise_id, []))
        yield Due(a, threshold, text, link, staff)


REMINDERS = [
    Reminder(
        "enterprises.qualification_expiring",
        "企业资质即将到期或已过期",
        order=10,
        who="企业用户、高新科；高企过期时还有局领导",
        when="到期前 90 天、30 天，到期后",
        find=qualifications_ending,
    ),
    Reminder(
        "enterprises.application_returned",
        "退回修改的申报逾期未重新提交",
        order=11,
        who="企业用户、高新科",
        when=f"退回后 {RESUBMIT_WORKING_DAYS} 个工作日",
        find=returned_not_resubmitted,
    ),
]

# Told as they happen (enterprises.services.notify_enterprise), with a mail at once.
EVENTS = [Kind("enterprises.application_step", "认定申报办理进展", order=15)]
