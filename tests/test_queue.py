"""The task queue: a real Celery worker over Redis, and a configured broker that is down."""

import json
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
from django.db import connection

from kejiju.celery import app
from kejiju.queue import QueueUnavailable, broker_status, submit
from kejiju.tasks import HEARTBEAT_FILE, heartbeat

ROOT = Path(__file__).resolve().parent.parent
WORKER_REDIS_DB = 14
UNREACHABLE_BROKER = "redis://127.0.0.1:6390/0"


@pytest.fixture
def broker(request):
    """Points the Celery app at ``request.param`` for one test, then back to the settings."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def use(url: str) -> None:
        app.conf.broker_url = url
        app.conf.task_always_eager = False
        app.close()  # drop pooled connections to the previous broker

    yield use
    app.conf.update(saved)
    app.close()


@pytest.mark.django_db
def test_unreachable_broker_fails_fast_with_a_clear_message(broker, client):
    broker(UNREACHABLE_BROKER)
    started = time.monotonic()
    with pytest.raises(QueueUnavailable, match="任务队列暂时不可用"):
        submit(heartbeat, "never-delivered")
    # A generous bound: the point is "no 20-second hang", not a timing benchmark.
    assert time.monotonic() - started < 10
    assert broker_status() == "unavailable"

    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_without_a_broker_tasks_run_in_process(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    assert broker_status() == "eager"
    submit(heartbeat, "eager")
    assert json.loads((tmp_path / HEARTBEAT_FILE).read_text())["token"] == "eager"


def worker_database_url(tmp_path: Path) -> str:
    """The database the worker uses: the test database itself on PostgreSQL (the test commits,
    so the worker sees its rows); a freshly migrated file on SQLite, whose test database lives
    in memory and cannot be shared."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}"


def migrate(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_task_over_redis(redis_service, tmp_path, users):
    broker_url = f"redis://127.0.0.1:6379/{WORKER_REDIS_DB}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kejiju.settings",
        "KEJIJU_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": broker_url,
    }
    env["DATABASE_URL"] = worker_database_url(tmp_path)

    # A queue of this run's own: other checkouts on the machine may use the same Redis database.
    queue = f"kejiju-test-{uuid.uuid4().hex[:12]}"
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
    token = uuid.uuid4().hex
    try:
        if connection.vendor != "postgresql":  # while the worker starts
            migrate(env)
        # The task is submitted the way the portal submits it: kejiju.queue.submit.
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from kejiju.celery import app; from kejiju.queue import submit; "
                "from kejiju.tasks import heartbeat; "
                f"app.conf.task_default_queue = {queue!r}; submit(heartbeat, {token!r})",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )
        result = tmp_path / HEARTBEAT_FILE
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            if result.exists() and json.loads(result.read_text())["token"] == token:
                break
            time.sleep(0.25)
        else:
            pytest.fail("the worker did not run the task: " + stop(worker))
    finally:
        log = stop(worker)
        redis.Redis.from_url(broker_url).delete(queue)

    seen = json.loads(result.read_text())
    assert seen["database"] == connection.vendor
    if connection.vendor == "postgresql":
        assert seen["database_name"] == settings.DATABASES["default"]["NAME"]
        assert seen["users"] == len(users)  # the rows this test committed
    else:
        assert seen["users"] == 0
    assert "kejiju.heartbeat" in log


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.stdout.read().decode(errors="replace") if process.stdout else ""
