"""`make prod-local` is exercised, not just written: its smoke mode starts gunicorn, a Celery
worker and Celery beat with the production settings on PostgreSQL and Redis, checks /healthz, a
static file served by WhiteNoise and a task round trip, then stops them."""

import os
import socket
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from conftest import require_service

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_the_production_stack_starts_serves_and_stops(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the production stack runs on PostgreSQL whatever the suite uses: once, in the PostgreSQL pass"
        )
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
    env = {
        **os.environ,
        "PROD_LOCAL_DB": "kejiju_prod_local_smoke",
        "PROD_LOCAL_REDIS": "redis://127.0.0.1:6379/13",
        "PROD_LOCAL_PORT": str(free_port()),
        "PROD_LOCAL_VAR": str(tmp_path / "prod-local"),
    }
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG"):
        env.pop(key, None)
    result = subprocess.run(
        [str(ROOT / "deploy" / "prod-local.sh"), "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert '"database": "ok"' in output and '"broker": "ok"' in output
    assert "served by WhiteNoise" in output
    assert "SMOKE OK" in output
