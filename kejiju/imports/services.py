"""Import jobs: an upload is stored with its job, the job is run inline (small files) or by a
Celery task (large ones), and every step of its state is saved so a crashed worker leaves a job
that can be run again."""

import logging
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from . import open_table
from .errors import SheetError
from .models import ImportJob

logger = logging.getLogger(__name__)

INLINE_LIMIT = 1000  # rows; larger browser uploads run in the background
STORED_ERRORS = 2000


def count_rows(job: ImportJob) -> int:
    """Rows under the layout's header in the stored file (the file is read once for this, so a
    file that cannot be imported at all is refused before a job is queued)."""
    with job.file.open("rb") as handle:
        table = open_table(handle, job.original_name, job.layout, sheet=job.sheet)
        try:
            return table.total
        finally:
            table.close()


def create_job(*, layout: str, upload, user, dry_run: bool = False, sheet: str = "") -> ImportJob:
    name = display_name(upload.name)
    job = ImportJob(layout=layout, original_name=name, dry_run=dry_run, user=user, sheet=sheet)
    # The stored name is the server's; the user's name is only shown on the job page.
    job.file.save(f"{uuid.uuid4().hex}{Path(name).suffix.lower()}", upload, save=False)
    job.save()
    return job


def display_name(name: str, limit: int = 120) -> str:
    """The base name of an uploaded file (no directories, no control characters), cut to
    ``limit`` characters with its extension kept."""
    base = "".join(c for c in (name or "").replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable())
    path = Path(base or "表格")
    suffix = path.suffix[:10]
    return path.stem[: limit - len(suffix)] + suffix


def run_job(job_id: int) -> ImportJob:
    """Runs the import of one job and records the outcome on it."""
    from . import run_import

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        # Only a queued job runs, or a running one whose worker died: a second delivery of the
        # task (the broker hands an unacknowledged task out again) never imports twice.
        if job.finished or (job.state == ImportJob.State.RUNNING and not job.stale):
            return job
        now = timezone.now()
        job.state = ImportJob.State.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.finished_at = None
        job.done = 0
        job.errors, job.error_count, job.message, job.preview = [], 0, "", {}
        job.save()

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, heartbeat_at=timezone.now())

    user = job.user if job.user_id else None
    try:
        with job.file.open("rb") as handle:
            report = run_import(
                job.layout,
                handle,
                job.original_name,
                dry_run=job.dry_run,
                user=user,
                progress=progress,
                sheet=job.sheet,
            )
    except SheetError as exc:
        _finish(job, ImportJob.State.FAILED, message=exc.message)
        return job
    except Exception as exc:  # recorded on the job, never silent
        logger.exception("import job %s failed", job_id)
        _finish(job, ImportJob.State.FAILED, message=f"导入过程中发生错误：{exc}")
        return job
    job.total = job.done = report.total
    job.created_rows, job.updated_rows, job.unchanged_rows = (
        report.created,
        report.updated,
        report.unchanged,
    )
    job.preview = _preview(report)
    if report.errors:
        job.errors = [e.as_dict() for e in report.errors[:STORED_ERRORS]]
        job.error_count = len(report.errors)
        _finish(
            job,
            ImportJob.State.FAILED,
            message=f"发现 {len(report.errors)} 处错误，未写入任何数据。请按下表修改后重新上传。",
        )
    else:
        _finish(job, ImportJob.State.SUCCEEDED, message=report.summary())
    return job


STORED_CHANGES = 500


def _preview(report, rows: int = 20) -> dict:
    """What the job page shows: the rows, what was read and skipped, and the changes."""
    kinds = {"new": "新增", "update": "更新", "skip": "无变化"}
    return {
        "headers": report.preview_headers,
        "rows": [[kinds.get(kind, kind), *cells] for kind, cells in report.preview[:rows]],
        "details": report.details(),
        "changes": [
            {"row": row, "key": key, "fields": [list(f) for f in fields]}
            for row, key, fields in report.changes[:STORED_CHANGES]
        ],
        "change_count": len(report.changes),
    }


def _finish(job: ImportJob, state: str, *, message: str) -> None:
    job.state = state
    job.message = message
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()


def start_job(job: ImportJob, *, rows: int | None = None) -> ImportJob:
    """Inline for small files, a Celery task for large ones. Raises QueueUnavailable when the
    configured broker is down; the job is then marked failed with that reason and can be run
    again (never left queued for a task that was not sent)."""
    from kejiju.queue import QueueUnavailable, submit
    from kejiju.tasks import run_import_job

    rows = count_rows(job) if rows is None else rows
    ImportJob.objects.filter(pk=job.pk).update(total=rows)
    if rows <= INLINE_LIMIT:
        return run_job(job.pk)
    try:
        submit(run_import_job, job.pk)
    except QueueUnavailable as exc:
        ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.FAILED, message=str(exc), finished_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    return job


def rerun_job(job: ImportJob) -> ImportJob:
    if not job.can_rerun:
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.QUEUED, heartbeat_at=timezone.now(), finished_at=None
    )
    job.refresh_from_db()
    return start_job(job)
