"""Writes of the reports app: yearly snapshots and summary render jobs."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from kejiju.indicators import Indicator

from . import registry
from .choices import RenderFormat, RenderState
from .models import IndicatorSnapshot, IndicatorValue, SummaryRender

logger = logging.getLogger(__name__)

TWO_PLACES = Decimal("0.01")


def year_on_year(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """``(v(Y) − v(Y−1)) / v(Y−1) × 100`` to 2 decimals; None without a non-zero previous value."""
    if previous is None or previous == 0:
        return None
    change = (Decimal(current) - Decimal(previous)) / Decimal(previous) * 100
    return change.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _previous_values(year: int, indicators: list[Indicator]) -> dict[str, Decimal]:
    snapshot = IndicatorSnapshot.objects.filter(year=year - 1).first()
    if snapshot is not None:
        return dict(snapshot.values.values_list("key", "value"))
    return registry.compute_all(year - 1, indicators)


@transaction.atomic
def compute_indicators(
    year: int, indicators: Iterable[Indicator] | None = None
) -> IndicatorSnapshot:
    """Computes every registered indicator for ``year`` and stores them as the year's snapshot.

    Idempotent: running it again replaces the values in place. The previous year's snapshot (or,
    without one, its live values) gives the year-on-year change; the next year's snapshot, if any,
    gets its year-on-year change refreshed against the new values.
    """
    indicators = registry.all_indicators() if indicators is None else list(indicators)
    values = registry.compute_all(year, indicators)
    previous = _previous_values(year, indicators)
    now = timezone.now()
    snapshot, _ = IndicatorSnapshot.objects.update_or_create(
        year=year, defaults={"computed_at": now}
    )
    rows = [
        IndicatorValue(
            snapshot=snapshot,
            key=indicator.key,
            label=indicator.label,
            unit=indicator.unit,
            section=indicator.section,
            position=position,
            value=values[indicator.key],
            yoy=year_on_year(values[indicator.key], previous.get(indicator.key)),
            computed_at=now,
        )
        for position, indicator in enumerate(indicators)
    ]
    IndicatorValue.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["snapshot", "key"],
        update_fields=["label", "unit", "section", "position", "value", "yoy", "computed_at"],
    )
    # Indicators no longer declared (a plan category removed) leave the snapshot.
    snapshot.values.exclude(key__in=values.keys()).delete()
    _refresh_yoy(year + 1, values)
    return snapshot


def _refresh_yoy(year: int, previous: dict[str, Decimal]) -> None:
    following = IndicatorSnapshot.objects.filter(year=year).first()
    if following is None:
        return
    changed = []
    for row in following.values.all():
        row.yoy = year_on_year(row.value, previous.get(row.key))
        changed.append(row)
    IndicatorValue.objects.bulk_update(changed, ["yoy"])


def indicator_values(year: int, live: bool = False) -> dict[str, Decimal]:
    """Every declared key with its value for ``year``: from the snapshot when there is one (and
    ``live`` is false), otherwise computed from the records. 0 where there are no records."""
    indicators = registry.all_indicators()
    snapshot = None if live else IndicatorSnapshot.objects.filter(year=year).first()
    if snapshot is None:
        return registry.compute_all(year, indicators)
    stored = dict(snapshot.values.values_list("key", "value"))
    return {indicator.key: stored.get(indicator.key, Decimal(0)) for indicator in indicators}


# --- summary render jobs -------------------------------------------------------------------


def request_render(
    *, year: int, format: str = RenderFormat.PDF, user=None
) -> tuple[SummaryRender, bool]:
    """Returns ``(job, created)``. A request while a job for the same year and format is active
    joins that job; a stale one (its worker died) is marked failed and a new job is started."""
    for _ in range(3):
        active = SummaryRender.objects.active().filter(year=year, format=format).first()
        if active is not None:
            if not active.is_stale():
                return active, False
            mark_stale_failed(active)
        try:
            with transaction.atomic():
                job = SummaryRender.objects.create(year=year, format=format, requested_by=user)
        except IntegrityError:
            continue  # another request created the active job first: join it
        return job, True
    raise RuntimeError("could not create or join a summary render job")


def mark_stale_failed(job: SummaryRender) -> None:
    updated = SummaryRender.objects.filter(pk=job.pk, state=job.state).update(
        state=RenderState.FAILED,
        error="生成进程中断（长时间无响应），可重新生成。",
        finished_at=timezone.now(),
    )
    if updated:
        job.refresh_from_db()


def retry_render(job: SummaryRender, user=None) -> tuple[SummaryRender, bool]:
    """A failed or stale job is retried as a new request for the same year and format."""
    if job.is_active and job.is_stale():
        mark_stale_failed(job)
    return request_render(year=job.year, format=job.format, user=user or job.requested_by)


def claim(job_id: int) -> SummaryRender | None:
    """Marks the job running for this worker, or returns None when there is nothing to do
    (already finished, or running with a live heartbeat in another worker)."""
    now = timezone.now()
    with transaction.atomic():
        job = SummaryRender.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state in (RenderState.SUCCEEDED, RenderState.FAILED):
            return None
        if job.state == RenderState.RUNNING and not job.is_stale(now):
            return None
        job.state = RenderState.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.progress = 0
        job.error = ""
        job.save(
            update_fields=["state", "attempts", "started_at", "heartbeat_at", "progress", "error"]
        )
    return job


def report_progress(job: SummaryRender, progress: int, stage: str) -> None:
    job.progress = max(0, min(100, progress))
    job.stage = stage
    job.heartbeat_at = timezone.now()
    SummaryRender.objects.filter(pk=job.pk).update(
        progress=job.progress, stage=stage, heartbeat_at=job.heartbeat_at
    )


def render_summary(job: SummaryRender) -> SummaryRender:
    """Renders ``job`` (already claimed) from the snapshot and stores the file, or records why not."""
    from . import render

    try:
        content = render.render(
            job.year, job.format, progress=lambda p, s: report_progress(job, p, s)
        )
        report_progress(job, 95, "保存文件")
        if job.file:
            job.file.delete(save=False)
        job.file.save(f"{job.year}-summary-{job.pk}.{job.format}", ContentFile(content), save=False)
        job.state = RenderState.SUCCEEDED
        job.progress = 100
        job.stage = "完成"
        job.error = ""
    except Exception as exc:  # the reason is shown to the leader, the trace goes to the log
        logger.exception("summary render %s failed", job.pk)
        job.state = RenderState.FAILED
        job.error = f"{type(exc).__name__}: {exc}"[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "state", "progress", "stage", "error", "finished_at"])
    return job


def run_render(job_id: int) -> SummaryRender | None:
    job = claim(job_id)
    if job is None:
        return None
    return render_summary(job)


def snapshot_is_stale(snapshot: IndicatorSnapshot, today=None) -> bool:
    """A snapshot of this year or last year computed before today may miss records entered since;
    older years' records no longer move, their snapshot stays until someone recomputes it."""
    today = today or timezone.localdate()
    if snapshot.year < today.year - 1:
        return False
    return timezone.localdate(snapshot.computed_at) < today


def ensure_snapshot(year: int, today=None) -> IndicatorSnapshot | None:
    """The snapshot of ``year``, computed now when it is missing or stale, so that a page shows
    figures without anyone pressing a button. Years after today are never computed."""
    today = today or timezone.localdate()
    snapshot = IndicatorSnapshot.objects.filter(year=year).first()
    if year > today.year or (snapshot is not None and not snapshot_is_stale(snapshot, today)):
        return snapshot
    try:
        return compute_indicators(year)
    except IntegrityError:  # another request stored the same snapshot at the same moment
        return IndicatorSnapshot.objects.filter(year=year).first()
