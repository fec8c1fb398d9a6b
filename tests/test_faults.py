"""Faults against the real services (DESIGN.md §7).

* A Celery worker killed (SIGKILL) in the middle of a large spreadsheet import, an indicator
  computation and a summary PDF render: nothing is half-written, the job is not left running for
  ever (it is shown as interrupted and can be run again) and running it again does the work
  exactly once.
* Redis stopped: the pages still answer, starting background work says the queue is unavailable
  and leaves no job waiting for a task that was never sent.
* PostgreSQL restarted while a request writes: the request ends on the error page, the rows are
  all there or none, and the next request works.

Each worker is caught at a known point of its work: another transaction holds a lock on the
table (or row) the worker writes next, so the worker waits there with its earlier writes done
but not committed. Nothing in the portal is slowed down for the tests.

The worker tests need PostgreSQL (the worker must see the test's committed rows); every test uses
its own Redis server and the PostgreSQL restart its own cluster, never the shared ones.
"""

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import psycopg2
import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from experts.models import Expert
from kejiju.celery import app
from kejiju.choices import Role
from kejiju.imports.models import STALE_AFTER, ImportJob
from kejiju.imports.services import INLINE_LIMIT
from kejiju.queue import submit
from kejiju.tasks import run_import_job
from patents.models import Patent
from patents.tests.factories import patent_row, write_csv, write_xlsx
from reports import services as report_services
from reports import tasks as report_tasks
from reports.choices import NarrativeSection, RenderState
from reports.models import (
    STALE_HEARTBEAT,
    IndicatorSnapshot,
    IndicatorValue,
    NarrativeParagraph,
    SummaryRender,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
QUEUE_UNAVAILABLE = "任务队列暂时不可用"
ERROR_PAGE = "系统暂时无法处理您的请求"
WAIT = 180  # seconds; a safety net on a loaded machine, never a measured bound


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, what: str, log=lambda: "", timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}\n{log()}")


# ---- a private Redis server ------------------------------------------------------------------


class RedisServer:
    """``redis-server`` on a free port, without persistence, that a test may kill."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, "the private Redis server to start", timeout=30)

    def answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def forget_connections() -> None:
    """After the broker changed: drop pooled connections and the queue set-up built for the
    previous broker."""
    app.close()
    app.__dict__.pop("amqp", None)


@pytest.fixture
def broker(private_redis, settings, tmp_path):
    """The portal sends its tasks to the private Redis server, as in production."""
    settings.MEDIA_ROOT = tmp_path / "media"
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(
        broker_url=private_redis.url, task_always_eager=False, task_default_queue="kejiju-faults"
    )
    forget_connections()
    yield private_redis
    app.conf.update(saved)
    forget_connections()


# ---- Celery workers on the test database -----------------------------------------------------


WORKER_TEST = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def shared_database():
    if connection.vendor != "postgresql":
        pytest.skip("a worker process must share the test database: PostgreSQL only")


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, env: dict, log: Path):
        self.log_path = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).with_name("celery")), "-A", "kejiju", "worker"]
                + ["--pool=solo", "--queues=kejiju-faults", "--loglevel=INFO"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no clean-up, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def finished(self, task_id: str) -> bool:
        return bool(re.search(rf"\[{task_id}\] succeeded", self.log()))


@pytest.fixture
def workers(shared_database, broker, tmp_path):
    """Starts Celery workers on the test database and the private Redis server."""
    started: list[Worker] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kejiju.settings",
        "KEJIJU_VAR_DIR": str(tmp_path / "worker-var"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_BROKER_URL": broker.url,
        "DATABASE_URL": database_url(),
    }

    def start() -> Worker:
        worker = Worker(env, tmp_path / f"worker-{len(started) + 1}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


class Blocker:
    """A second connection to the test database that holds a lock, and a third that looks at
    the sessions (a transaction sees the activity statistics as they were at its start)."""

    def __init__(self):
        db = settings.DATABASES["default"]
        params = {
            "dbname": db["NAME"],
            "user": db["USER"],
            "password": db.get("PASSWORD") or None,
            "host": db["HOST"] or "127.0.0.1",
            "port": db["PORT"] or 5432,
        }
        self.holder = psycopg2.connect(**params)
        self.observer = psycopg2.connect(**params)
        self.observer.autocommit = True

    def hold(self, sql: str, params=()) -> None:
        with self.holder.cursor() as cursor:
            cursor.execute(sql, params)  # stays open until release()

    def release(self) -> None:
        self.holder.rollback()

    def query(self, sql: str, params=()) -> list[tuple]:
        with self.observer.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def waiting_writer(self, table: str) -> int | None:
        """The backend waiting for our lock to write ``table``."""
        rows = self.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query ILIKE %s",
            (f"%{table}%",),
        )
        return rows[0][0] if rows else None

    def has_written(self, pid: int, table: str) -> bool:
        """Whether backend ``pid`` holds a row-exclusive lock on ``table``: it wrote rows there
        in the transaction it has not committed."""
        return bool(
            self.query(
                "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = %s"
                " AND c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.granted",
                (pid, table),
            )
        )

    def gone(self, pid: int) -> bool:
        return not self.query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))

    def close(self) -> None:
        self.holder.close()
        self.observer.close()


@pytest.fixture
def blocker(shared_database):
    side = Blocker()
    yield side
    side.release()
    side.close()


def kill_while_writing(worker: Worker, side: Blocker, pid: int) -> None:
    """Kills the worker, then lets its database session go: PostgreSQL finds the client gone
    and rolls its transaction back."""
    worker.kill()
    side.release()
    wait_for(lambda: side.gone(pid), "the killed worker's session to end", worker.log)


@pytest.fixture
def staff(users, login):
    return login(users[Role.STAFF])


@pytest.fixture
def leader(users, login):
    return login(users[Role.LEADER])


# ---- 1. a worker killed mid-task -------------------------------------------------------------


@WORKER_TEST
def test_worker_killed_during_a_large_import_leaves_nothing_and_reruns_once(
    workers, blocker, staff, tmp_path
):
    rows = INLINE_LIMIT + 1500
    path = write_xlsx(tmp_path / "patents.xlsx", [patent_row(i) for i in range(1, rows + 1)])
    worker = workers()
    # The history rows are written after the patents, in the same transaction.
    blocker.hold("LOCK TABLE patents_historicalpatent IN SHARE MODE")
    response = staff.post(
        reverse("imports:upload"),
        {"layout": "patents", "file": SimpleUploadedFile("patents.xlsx", path.read_bytes())},
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:job", args=[job.pk])

    pid = wait_for(
        lambda: blocker.waiting_writer("patents_historicalpatent"), "the import", worker.log
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and job.done == rows  # every row checked
    assert blocker.has_written(pid, "patents_patent")
    kill_while_writing(worker, blocker, pid)

    assert not Patent.objects.exists() and not Patent.history.exists()
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and not job.can_rerun
    # Nobody reports progress any more: after the stale period the page says so and offers
    # to run the job again.
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - timezone.timedelta(minutes=1)
    )
    page = staff.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "执行进程可能已中断" in page and "重新执行" in page

    worker = workers()
    staff.post(reverse("imports:job_rerun", args=[job.pk]))
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, "the re-run", worker.log)
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    assert (job.created_rows, job.attempts) == (rows, 2)
    assert Patent.objects.count() == rows
    assert Patent.objects.values("application_number").distinct().count() == rows
    assert Patent.history.count() == rows

    # The task delivered once more (the broker hands out again what a dead worker took)
    # does nothing to a finished job.
    task_id = submit(run_import_job, job.pk).id
    wait_for(lambda: worker.finished(task_id), "the repeated task", worker.log)
    job.refresh_from_db()
    assert (job.attempts, Patent.objects.count()) == (2, rows)


@WORKER_TEST
def test_a_repeated_import_task_leaves_a_running_job_to_its_worker(
    workers, blocker, staff, tmp_path
):
    """Two workers never import the same file at once."""
    rows = INLINE_LIMIT + 200
    path = write_xlsx(tmp_path / "patents.xlsx", [patent_row(i) for i in range(1, rows + 1)])
    one, other = workers(), workers()
    blocker.hold("LOCK TABLE patents_historicalpatent IN SHARE MODE")
    staff.post(
        reverse("imports:upload"),
        {"layout": "patents", "file": SimpleUploadedFile("patents.xlsx", path.read_bytes())},
    )
    job = ImportJob.objects.get()

    def logs() -> str:
        return one.log() + other.log()

    wait_for(lambda: blocker.waiting_writer("patents_historicalpatent"), "the import", logs)
    # The same task again, while one worker is in the middle of the job: the other takes it.
    task_id = submit(run_import_job, job.pk).id
    wait_for(lambda: one.finished(task_id) or other.finished(task_id), "the repeated task", logs)
    blocker.release()
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, "the import", logs)
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    assert (job.attempts, job.created_rows, Patent.objects.count()) == (1, rows, rows)


@WORKER_TEST
def test_worker_killed_during_indicator_computation_keeps_the_last_snapshot(
    workers, blocker, leader
):
    year = timezone.localdate().year
    before = report_services.compute_indicators(year)
    declared = IndicatorValue.objects.filter(snapshot=before).count()
    experts_before = before.values.get(key="experts.total").value
    Expert.objects.create(
        name="新入库专家",
        employer="温州大学",
        title="senior",
        specialties="机械",
        mobile="13800000077",
    )
    worker = workers()
    # The values are written after the snapshot row, in the same transaction.
    blocker.hold("LOCK TABLE reports_indicatorvalue IN SHARE MODE")
    response = leader.post(reverse("reports:compute"), {"year": year}, follow=True)
    assert "已提交" in response.content.decode()

    pid = wait_for(
        lambda: blocker.waiting_writer("reports_indicatorvalue"), "the computation", worker.log
    )
    assert blocker.has_written(pid, "reports_indicatorsnapshot")
    kill_while_writing(worker, blocker, pid)

    snapshot = IndicatorSnapshot.objects.get(year=year)
    assert snapshot.computed_at == before.computed_at
    assert snapshot.values.count() == declared
    assert snapshot.values.get(key="experts.total").value == experts_before

    # No job record to repair: computing again replaces the year's snapshot in place.
    worker = workers()
    leader.post(reverse("reports:compute"), {"year": year})
    wait_for(
        lambda: IndicatorSnapshot.objects.get(year=year).computed_at != before.computed_at,
        "the computation",
        worker.log,
    )
    assert IndicatorSnapshot.objects.filter(year=year).count() == 1
    snapshot = IndicatorSnapshot.objects.get(year=year)
    assert snapshot.pk == before.pk and snapshot.values.count() == declared
    assert snapshot.values.get(key="experts.total").value == experts_before + 1
    task_id = submit(report_tasks.compute_indicators, year).id
    wait_for(lambda: worker.finished(task_id), "the repeated task", worker.log)
    assert IndicatorSnapshot.objects.filter(year=year).count() == 1
    assert IndicatorValue.objects.filter(snapshot__year=year).count() == declared


@WORKER_TEST
def test_worker_killed_during_a_summary_render_is_retried_into_one_file(
    workers, blocker, leader, settings
):
    year = timezone.localdate().year
    report_services.compute_indicators(year)
    NarrativeParagraph.objects.bulk_create(
        NarrativeParagraph(
            year=year,
            section=NarrativeSection.ENTERPRISE,
            order=i,
            text=f"第{i}段：高新技术企业 {{hnte.total}} 家。" * 20,
        )
        for i in range(150)
    )
    worker = workers()
    leader.post(reverse("reports:summary_start"), {"year": year, "format": "pdf"})
    job = SummaryRender.objects.get()

    def rendering():
        job.refresh_from_db()
        return job.state == RenderState.RUNNING and job.progress > 0

    wait_for(rendering, "the render to start", worker.log)
    # The worker stops at its next progress report while we hold the job's row.
    blocker.hold("SELECT 1 FROM reports_summaryrender WHERE id = %s FOR UPDATE", (job.pk,))
    pid = wait_for(
        lambda: blocker.waiting_writer("reports_summaryrender"), "the render", worker.log
    )
    summaries = Path(settings.MEDIA_ROOT) / "reports" / "summaries" / str(year)
    assert not summaries.exists() or not any(summaries.iterdir())
    kill_while_writing(worker, blocker, pid)

    job.refresh_from_db()
    assert job.state == RenderState.RUNNING and not job.file and not job.can_retry
    SummaryRender.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - STALE_HEARTBEAT - timezone.timedelta(minutes=1)
    )
    page = leader.get(reverse("reports:summary"), {"year": year}).content.decode()
    assert "已中断" in page

    worker = workers()
    leader.post(reverse("reports:summary_retry", args=[job.pk]))
    retried = SummaryRender.objects.exclude(pk=job.pk).get()
    wait_for(
        lambda: SummaryRender.objects.get(pk=retried.pk).state == RenderState.SUCCEEDED,
        "the retried render",
        worker.log,
    )
    job.refresh_from_db()
    assert job.state == RenderState.FAILED and "中断" in job.error
    assert SummaryRender.objects.filter(state=RenderState.SUCCEEDED).count() == 1
    retried.refresh_from_db()
    assert [p.name for p in summaries.iterdir()] == [Path(retried.file.name).name]
    download = leader.get(reverse("reports:summary_download", args=[retried.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    # Both tasks delivered once more: neither job is rendered again.
    ids = [submit(report_tasks.render_summary, pk).id for pk in (job.pk, retried.pk)]
    wait_for(lambda: all(worker.finished(i) for i in ids), "the repeated tasks", worker.log)
    retried.refresh_from_db()
    assert retried.attempts == 1 and len(list(summaries.iterdir())) == 1


# ---- 2. Redis stopped ------------------------------------------------------------------------


PAGES = {
    Role.STAFF: [
        "home",
        "staff_home",
        "enterprises:list",
        "projects:project_list",
        "patents:list",
        "experts:expert_list",
        "projects:call_list",
        "patents:statistics",
        "experts:draw_list",
        "seismic:overview",
        "seismic:plan_list",
        "imports:upload",
        "reports:dashboard",
        "reports:summary",
        "reports:manage",
    ],
    Role.ENTERPRISE: ["home", "enterprise_home"],
    Role.EXPERT: ["home", "expert_home"],
    Role.LEADER: ["home", "leader_home", "reports:dashboard", "reports:summary"],
    Role.ADMIN: ["home"],
    Role.AUDITOR: ["home", "audit_log"],
}


@pytest.mark.django_db
def test_with_redis_stopped_pages_answer_and_jobs_say_the_queue_is_down(
    broker, client, users, tmp_path
):
    assert client.get("/healthz").json()["broker"] == "ok"
    broker.kill()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert (health.json()["broker"], health.json()["database"]) == ("unavailable", "ok")

    for role, names in PAGES.items():
        client.force_login(users[role])
        for name in names:
            response = client.get(reverse(name), follow=True)
            assert response.status_code == 200, (role, name)

    client.force_login(users[Role.STAFF])
    path = write_csv(tmp_path / "p.csv", [patent_row(i) for i in range(1, INLINE_LIMIT + 2)])
    response = client.post(
        reverse("imports:upload"),
        {"layout": "patents", "file": SimpleUploadedFile("p.csv", path.read_bytes())},
        follow=True,
    )
    assert response.status_code == 200 and QUEUE_UNAVAILABLE in response.content.decode()
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and QUEUE_UNAVAILABLE in job.message
    assert job.can_rerun and "重新执行" in response.content.decode()
    response = client.post(reverse("imports:job_rerun", args=[job.pk]), follow=True)
    assert response.status_code == 200 and QUEUE_UNAVAILABLE in response.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and not Patent.objects.exists()

    year = timezone.localdate().year
    # (the dashboards opened above computed the missing snapshots themselves, without the queue)
    before = list(IndicatorSnapshot.objects.values_list("pk", "computed_at"))
    response = client.post(reverse("reports:compute"), {"year": year})
    assert response.status_code == 302
    # nothing queued, nothing half-written
    assert list(IndicatorSnapshot.objects.values_list("pk", "computed_at")) == before
    # the page it leads back to says so
    response = client.get(response["Location"])
    assert response.status_code == 200 and QUEUE_UNAVAILABLE in response.content.decode()

    response = client.post(
        reverse("reports:summary_start"), {"year": year, "format": "pdf"}, follow=True
    )
    assert response.status_code == 200 and QUEUE_UNAVAILABLE in response.content.decode()
    render = SummaryRender.objects.get()
    assert render.state == RenderState.FAILED and render.can_retry
    assert not SummaryRender.objects.active().exists()


# ---- 3. PostgreSQL restarted during a request ------------------------------------------------


def postgresql_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


class Cluster:
    """A PostgreSQL cluster of the test's own, on a free port (the shared server is never
    touched)."""

    def __init__(self, base: Path, bin_dir: Path):
        self.base, self.bin, self.port = base, bin_dir, free_port()
        self.data, self.logfile = base / "data", base / "server.log"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.base, user.pw_uid, user.pw_gid)
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def pg_ctl(self, action: str, mode: str = "fast") -> None:
        """``start``, ``stop`` or ``restart`` (``mode``: how running sessions are ended)."""
        args = ["-D", str(self.data), "-w", "-t", "60"]
        if action != "start":
            args += ["-m", mode]
        if action != "stop":
            options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
            args += ["-l", str(self.logfile), "-o", options]
        self.run("pg_ctl", action, *args)

    def connect(self, dbname: str = "kejiju"):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname)
        conn.autocommit = True
        return conn

    def scalar(self, sql: str, params=()):
        conn = self.connect()
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()[0]
        finally:
            conn.close()

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/kejiju"


@pytest.fixture
def cluster():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL restart runs once, in the PostgreSQL pass")
    bin_dir = postgresql_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    base = Path(tempfile.mkdtemp(prefix="kejiju-pg-"))
    server = Cluster(base, bin_dir)
    try:
        server.init()
        server.pg_ctl("start")
        admin = server.connect("postgres")
        admin.cursor().execute("CREATE DATABASE kejiju")
        admin.close()
        yield server
    finally:
        if (server.data / "postmaster.pid").exists():
            server.pg_ctl("stop", "immediate")
        shutil.rmtree(base, ignore_errors=True)


class Browser:
    """Cookies, CSRF and multipart forms over plain HTTP, for a portal in another process."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def request(self, path: str, data: bytes | None = None, headers=None, timeout: float = 60):
        """``(status, final path, body)``; error statuses are answers too."""
        request = Request(self.base_url + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                final = response.geturl().removeprefix(self.base_url)
                return response.status, final, response.read().decode(errors="replace")
        except HTTPError as error:
            return error.code, path, error.read().decode(errors="replace")

    def get(self, path: str):
        return self.request(path)

    def post(self, path: str, fields: dict, files: dict | None = None):
        fields = {**fields, "csrfmiddlewaretoken": self.csrf()}
        if not files:
            body = urlencode(fields).encode()
            return self.request(path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


@pytest.fixture
def portal(cluster):
    """gunicorn serving the portal on the private cluster, with one migrated database and a
    staff user."""
    var = cluster.base / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kejiju.settings",
        "DATABASE_URL": cluster.url(),
        "KEJIJU_VAR_DIR": str(var),
        "DJANGO_SECRET_KEY": "faults-" + uuid.uuid4().hex * 2,
    }
    for key in ("CELERY_BROKER_URL", "DJANGO_DEBUG", "MEDIA_ROOT"):
        env.pop(key, None)
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=600
    )
    create_user = (
        "from kejiju.choices import Role, Section; from kejiju.models import User; "
        "u = User(username='faults-staff', role=Role.STAFF, section=Section.HIGH_TECH); "
        f"u.set_password({PASSWORD!r}); u.save()"
    )
    subprocess.run(
        [*manage, "shell", "-c", create_user], cwd=ROOT, env=env, check=True, timeout=120
    )
    port = free_port()
    log = (var / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "kejiju.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    browser = Browser(f"http://127.0.0.1:{port}")
    browser.log = lambda: (var / "gunicorn.log").read_text(errors="replace")

    def healthy():
        try:
            return browser.get("/healthz")[0] == 200
        except (URLError, ConnectionError):
            return False

    try:
        wait_for(healthy, "gunicorn to answer", browser.log, timeout=60)
        yield browser
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_postgresql_restarted_during_an_import_request(cluster, portal, tmp_path):
    rows = 300
    portal.get("/accounts/login/")
    status, final, _ = portal.post(
        "/accounts/login/", {"username": "faults-staff", "password": PASSWORD}
    )
    assert status == 200 and final != "/accounts/login/", portal.log()

    path = write_csv(tmp_path / "p.csv", [patent_row(i) for i in range(1, rows + 1)])
    status, job_page, page = portal.post(
        "/imports/", {"layout": "patents"}, {"file": ("p.csv", path.read_bytes())}
    )
    assert status == 200 and "确认导入" in page, page
    confirm = job_page.rstrip("/") + "/confirm/"

    # Hold the confirmed import inside its transaction: patents written, history not yet.
    side = cluster.connect()
    side.autocommit = False
    side.cursor().execute("LOCK TABLE patents_historicalpatent IN SHARE MODE")
    answer = {}
    request = threading.Thread(
        target=lambda: answer.update(result=portal.post(confirm, {})), daemon=True
    )
    request.start()

    observer = cluster.connect()

    def writing():
        with observer.cursor() as cursor:
            cursor.execute(
                "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid"
                " JOIN pg_class c ON c.oid = l.relation WHERE a.wait_event_type = 'Lock'"
                " AND a.query ILIKE %s AND c.relname = 'patents_patent'"
                " AND l.mode = 'RowExclusiveLock' AND l.granted",
                ("%patents_historicalpatent%",),
            )
            return cursor.fetchone()

    wait_for(writing, "the import request to write", portal.log)
    observer.close()
    # The restart: the server goes down with the request's transaction open, and comes back.
    cluster.pg_ctl("stop")
    request.join(timeout=WAIT)
    assert not request.is_alive(), "the request hangs"
    cluster.pg_ctl("start")

    status, _, body = answer["result"]
    assert status == 500 and ERROR_PAGE in body and "未被部分保存" in body
    assert cluster.scalar("SELECT count(*) FROM patents_patent") == 0
    assert cluster.scalar("SELECT count(*) FROM patents_historicalpatent") == 0

    # The next request works on a new connection; the job, stopped for good, can be re-run
    # once nobody has reported progress for the stale period.
    status, _, page = portal.get("/patents/")
    assert status == 200 and "专利" in page
    job_id = int(re.search(r"/imports/jobs/(\d+)/", job_page).group(1))
    cluster.scalar(
        "UPDATE kejiju_importjob SET heartbeat_at = now() - %s RETURNING id",
        (STALE_AFTER + timezone.timedelta(minutes=1),),
    )
    status, _, page = portal.post(f"/imports/jobs/{job_id}/rerun/", {})
    assert status == 200 and "已完成" in page, page
    assert cluster.scalar("SELECT count(*) FROM patents_patent") == rows
    assert cluster.scalar("SELECT count(DISTINCT application_number) FROM patents_patent") == rows
    assert cluster.scalar("SELECT count(*) FROM patents_historicalpatent") == rows

    # A restart while nobody is asking: the kept connection is dead, the next request still works.
    cluster.pg_ctl("restart")
    status, _, page = portal.get("/patents/")
    assert status == 200 and "专利" in page, portal.log()

    # While the database is down, /healthz names it and pages answer with the error page.
    cluster.pg_ctl("stop")
    anonymous = Browser(portal.base_url)
    status, _, body = anonymous.get("/healthz")
    assert status == 503 and json.loads(body)["database"] == "unavailable"
    status, _, body = portal.get("/patents/")
    assert status == 500 and ERROR_PAGE in body
    cluster.pg_ctl("start")
    assert anonymous.get("/healthz")[0] == 200
