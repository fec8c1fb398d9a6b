"""deploy/backup.sh and deploy/restore.sh: a backup of the demo county with files, the database
dropped and the media folder removed, the backup restored: every row of every table and every
file is back, byte for byte. Runs against the real PostgreSQL with its own database."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"

pytestmark = pytest.mark.slow

# Run inside the portal (manage.py shell): files for a few records, then the inventory.
ADD_FILES = """
import io
from django.core.files.base import ContentFile
from PIL import Image
from seismic.models import ActivityPhoto, PlanVersion, SeismicActivity
for version in PlanVersion.objects.all():
    version.document.save(f"预案-{version.pk}.pdf", ContentFile(b"%PDF-1.4 plan " * 50))
buffer = io.BytesIO()
Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
activity = SeismicActivity.objects.first()
ActivityPhoto.objects.create(activity=activity, caption="演练现场",
    image=ContentFile(buffer.getvalue(), name="现场.jpg"))
"""

INVENTORY = """
import hashlib, json
from django.apps import apps
from django.db.models import FileField
rows, files = {}, {}
for model in apps.get_models():
    values = list(model._base_manager.order_by("pk").values_list())
    rows[model._meta.label] = [len(values), hashlib.sha256(repr(values).encode()).hexdigest()]
    for field in model._meta.fields:
        if isinstance(field, FileField):
            for instance in model._base_manager.exclude(**{field.name: ""}):
                stored = getattr(instance, field.name)
                with stored.open("rb") as handle:
                    files[stored.name] = hashlib.sha256(handle.read()).hexdigest()
print(json.dumps({"rows": rows, "files": files}))
"""


def admin(sql: str) -> None:
    server = psycopg2.connect(f"{SERVER}/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(sql)
    server.close()


@pytest.fixture
def site(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the backup scripts are PostgreSQL's: checked in the PostgreSQL pass")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed")
    try:
        admin("SELECT 1")
    except psycopg2.OperationalError:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    name = f"kejiju_restore_{uuid.uuid4().hex[:8]}"
    admin(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{name}",
        "KEJIJU_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "kejiju.settings",
    }
    env.pop("MEDIA_ROOT", None)
    yield env, name, tmp_path / "var" / "media"
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def script(env, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


def inventory(env) -> dict:
    return json.loads(manage(env, "shell", "-c", INVENTORY).strip().splitlines()[-1])


def test_backup_wipe_restore_brings_back_every_record_and_file(site, tmp_path):
    env, name, media = site
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo", "--quiet-logins")
    manage(env, "shell", "-c", ADD_FILES)
    before = inventory(env)
    assert before["files"], "the demo county has files to back up"
    assert before["rows"]["enterprises.Enterprise"][0] > 0
    assert before["rows"]["kejiju.AuditEvent"][0] >= 0

    made = script(env, "deploy/backup.sh", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    assert {p.name for p in backup.iterdir()} == {"db.dump", "media.tar.gz", "SHA256SUMS"}

    admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    shutil.rmtree(media)

    refused = script(env, "deploy/restore.sh", str(backup), stdin="no\n")
    assert refused.returncode != 0 and "已取消" in refused.stdout
    assert not media.exists()

    restored = script(env, "deploy/restore.sh", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert inventory(env) == before

    # The audit log is still append-only after a restore: the trigger came back with the tables.
    restored_db = psycopg2.connect(f"{SERVER}/{name}")
    restored_db.autocommit = True
    with restored_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO kejiju_auditevent (at, action, username, path, user_agent, detail) "
            "VALUES (now(), 'login', 'x', '', '', '')"
        )
        with pytest.raises(psycopg2.Error, match="append-only"):
            cursor.execute("DELETE FROM kejiju_auditevent")
    restored_db.close()


def test_a_damaged_backup_is_refused_before_anything_is_touched(site, tmp_path):
    env, name, media = site
    manage(env, "migrate", "--noinput")
    media.mkdir(parents=True, exist_ok=True)
    (media / "kept.txt").write_text("原有文件")
    made = script(env, "deploy/backup.sh", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    with (backup / "media.tar.gz").open("ab") as damaged:
        damaged.write(b"\0")
    (media / "after.txt").write_text("备份之后的文件")

    refused = script(env, "deploy/restore.sh", str(backup), "--yes")
    assert refused.returncode != 0
    assert "校验失败" in refused.stderr
    assert sorted(p.name for p in media.iterdir()) == ["after.txt", "kept.txt"]
