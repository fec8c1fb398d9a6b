"""Background tasks of the platform itself."""

import json

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import timezone

HEARTBEAT_FILE = "worker-heartbeat.json"


@shared_task(name="kejiju.heartbeat")
def heartbeat(token: str) -> dict:
    """Proves a worker takes tasks and reaches the database: writes what it saw to
    ``var/worker-heartbeat.json``. Idempotent; used by the integration test and ``prod-local``."""
    from .models import User

    seen = {
        "token": str(token)[:100],
        "at": timezone.now().isoformat(),
        "database": connection.vendor,
        "database_name": str(connection.settings_dict["NAME"]),
        "users": User.objects.count(),
    }
    (settings.VAR_DIR / HEARTBEAT_FILE).write_text(json.dumps(seen))
    return seen


@shared_task(name="kejiju.run_import_job")
def run_import_job(job_id: int) -> str:
    """Runs one spreadsheet import job; its state and error report live on the ImportJob row."""
    from .imports.services import run_job

    return run_job(job_id).state
