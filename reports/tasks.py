"""Celery tasks of the reports app: thin wrappers over :mod:`reports.services`."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="reports.tasks.compute_indicators", acks_late=True)
def compute_indicators(year: int) -> int:
    """Stores the snapshot of ``year``; safe to run twice."""
    return services.compute_indicators(int(year)).pk


@shared_task(name="reports.tasks.recompute_recent_years", acks_late=True)
def recompute_recent_years() -> list[int]:
    """Nightly: the previous year first, so the current year's change is against fresh values."""
    year = timezone.localdate().year
    return [services.compute_indicators(y).year for y in (year - 1, year)]


@shared_task(name="reports.tasks.render_summary", acks_late=True)
def render_summary(job_id: int) -> str | None:
    """Renders one summary job. Redelivered after a crash, it re-runs only a job that is not
    finished and whose previous worker stopped reporting."""
    job = services.run_render(int(job_id))
    return job.state if job is not None else None
