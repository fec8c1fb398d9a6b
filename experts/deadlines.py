"""What becomes due with time in the expert pool (kejiju.notifications.registry): a drawn
place not answered within two days, and an accepted review not scored in time."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse

from kejiju.notifications.registry import (
    Due,
    Reminder,
    expert_user_ids,
    staff_ids,
    start_of_day_before,
)

from .choices import MemberRole, ResponseKind
from .models import DrawMember

ANSWER_DAYS = 2
# Days an expert has, once they accepted the place, to submit the scores.
REVIEW_DAYS = 7
LOOKBACK_DAYS = 60


def _on_panel():
    """Places on a panel now: main experts not replaced and the backups called in."""
    return DrawMember.objects.filter(draw__superseded_by__isnull=True).filter(
        Q(role=MemberRole.MAIN, replacement__isnull=True) | Q(replacing__isnull=False)
    )


def place_not_answered(today: dt.date):
    """A drawn place (or a backup called in) with no answer after two days: the expert and the
    staff who run the pool."""
    cutoff, oldest = (
        start_of_day_before(today, ANSWER_DAYS),
        start_of_day_before(today, LOOKBACK_DAYS),
    )
    rows = list(
        _on_panel()
        .filter(responses__isnull=True)
        .filter(
            Q(replacing__isnull=True, draw__created_at__lt=cutoff, draw__created_at__gt=oldest)
            | Q(replacing__at__lt=cutoff, replacing__at__gt=oldest)
        )
        .select_related("draw", "expert")
    )
    if not rows:
        return
    accounts = expert_user_ids()
    staff = staff_ids(*settings.EXPERT_POOL_SECTIONS)
    for m in rows:
        text = (
            f"{m.expert.name}被抽取为「{m.draw.subject}」的评审专家，"
            f"{ANSWER_DAYS} 天内尚未答复是否参加。"
        )
        own = [accounts[m.expert_id]] if m.expert_id in accounts else []
        yield Due(m, "unanswered", text, reverse("experts:my_review", args=[m.pk]), own)
        yield Due(m, "unanswered", text, reverse("experts:draw_detail", args=[m.draw_id]), staff)


def review_not_scored(today: dt.date):
    """An expert accepted the place and has not submitted the scores after ``REVIEW_DAYS``
    days: the expert, and the staff, who call in the backup as for a declined place."""
    cutoff, oldest = (
        start_of_day_before(today, REVIEW_DAYS),
        start_of_day_before(today, LOOKBACK_DAYS),
    )
    rows = list(
        _on_panel()
        .filter(responses__kind=ResponseKind.ACCEPTED)
        .annotate(accepted_at=Max("responses__at"))
        .filter(accepted_at__lt=cutoff, accepted_at__gt=oldest)
        .exclude(review__submitted_at__isnull=False)
        .select_related("draw", "expert")
    )
    if not rows:
        return
    accounts = expert_user_ids()
    staff = staff_ids(*settings.EXPERT_POOL_SECTIONS)
    for m in rows:
        text = (
            f"{m.expert.name}已接受「{m.draw.subject}」的评审，{REVIEW_DAYS} 天内尚未提交评分"
            "（逾期可按规定递补备选专家）。"
        )
        own = [accounts[m.expert_id]] if m.expert_id in accounts else []
        yield Due(m, "unscored", text, reverse("experts:my_review", args=[m.pk]), own)
        yield Due(m, "unscored", text, reverse("experts:draw_detail", args=[m.draw_id]), staff)


REMINDERS = [
    Reminder(
        "experts.place_unanswered",
        "抽取的专家未答复",
        order=30,
        who="被抽取的专家、专家库管理科室",
        when=f"抽取（递补）后 {ANSWER_DAYS} 天",
        find=place_not_answered,
    ),
    Reminder(
        "experts.review_unscored",
        "专家评审未按期评分",
        order=31,
        who="评审专家、专家库管理科室",
        when=f"接受评审后 {REVIEW_DAYS} 天",
        find=review_not_scored,
    ),
]
