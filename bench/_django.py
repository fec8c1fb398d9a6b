"""Helpers of the benchmarks: run a measurement in a child process on a dedicated database."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def sqlite_url(name: str) -> str:
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{BENCH_VAR / name}.sqlite3"


def postgres_url(name: str) -> str | None:
    """Creates the bench database if needed; None when PostgreSQL is not reachable."""
    try:
        import psycopg2
    except ImportError:
        return None
    try:
        connection = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
    except psycopg2.OperationalError:
        return None
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return f"{PG_SERVER}/{name}"


def child_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["DJANGO_SETTINGS_MODULE"] = "kejiju.settings"
    # a separate var/ so that the demo logins and media of the developer's setup stay untouched
    env["KEJIJU_VAR_DIR"] = str(BENCH_VAR / "var")
    env.pop("CELERY_BROKER_URL", None)
    return env


def run_child(script: Path, database_url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(script), "--child", *args],
        env=child_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{script.name} failed on {database_url.split(':')[0]}")
    return result.stdout


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        memory = "RAM unknown"
    return f"{cpu}, {os.cpu_count()} CPUs, {memory}, Python {platform.python_version()}"


def today() -> str:
    return datetime.now().strftime("%Y-%m-%d")
