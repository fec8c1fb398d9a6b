"""A large browser upload imported by a real Celery worker over Redis (PostgreSQL only: the
worker must see the test's committed rows, which an in-memory SQLite database cannot share)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from kejiju.celery import app
from kejiju.choices import Role
from kejiju.imports.models import ImportJob
from kejiju.imports.services import INLINE_LIMIT, create_job, start_job
from patents.models import Patent
from patents.tests.factories import patent_row, write_xlsx

ROOT = Path(__file__).resolve().parent.parent.parent
WORKER_REDIS_DB = 13


def _stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.stdout.read().decode(errors="replace") if process.stdout else ""


def _forget_connections() -> None:
    """After the broker or the default queue changed: an earlier test may have left pooled
    connections to another broker and the queue set-up (app.amqp) built for another queue."""
    app.close()
    app.__dict__.pop("amqp", None)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_large_upload_runs_on_a_real_worker(redis_service, tmp_path, users, settings_override):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database the worker process can share (PostgreSQL)")
    db = settings.DATABASES["default"]
    broker_url = f"redis://127.0.0.1:6379/{WORKER_REDIS_DB}"
    queue = f"kejiju-import-test-{uuid.uuid4().hex[:12]}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kejiju.settings",
        "KEJIJU_VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_BROKER_URL": broker_url,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "kejiju",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    try:
        app.conf.update(broker_url=broker_url, task_always_eager=False, task_default_queue=queue)
        _forget_connections()
        path = write_xlsx(
            tmp_path / "p.xlsx", [patent_row(i) for i in range(1, INLINE_LIMIT + 201)]
        )
        upload = SimpleUploadedFile("p.xlsx", path.read_bytes())
        job = start_job(create_job(layout="patents", upload=upload, user=users[Role.STAFF]))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.5)
        else:
            pytest.fail("the worker did not finish the job: " + _stop(worker))
    finally:
        app.conf.update(saved)
        _forget_connections()
        log = _stop(worker)
        redis.Redis.from_url(broker_url).delete(queue)
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    assert (job.done, job.created_rows) == (INLINE_LIMIT + 200, INLINE_LIMIT + 200)
    assert Patent.objects.count() == INLINE_LIMIT + 200
    assert "kejiju.run_import_job" in log


@pytest.fixture
def settings_override(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings
