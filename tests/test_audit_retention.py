"""The audit log is kept at least 180 days (等保): the database refuses to change any event or to
delete a younger one; older events leave only through the archive command, into a file."""

import gzip
import json
import re
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kejiju.choices import AuditAction
from kejiju.models import AuditEvent

pytestmark = pytest.mark.django_db


def event(days_ago: int, username: str) -> AuditEvent:
    at = timezone.now() - timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return AuditEvent.objects.create(action=AuditAction.LOGIN, username=username)


def raw(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("days_ago", [0, 179])
def test_the_database_refuses_to_delete_an_event_younger_than_180_days(days_ago):
    young = event(days_ago, "clerk")
    with pytest.raises(DatabaseError):
        raw("DELETE FROM kejiju_auditevent WHERE id = %s", [young.pk])
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_the_database_refuses_to_change_even_an_old_event():
    old = event(400, "clerk")
    with pytest.raises(DatabaseError):
        raw("UPDATE kejiju_auditevent SET username = %s WHERE id = %s", ["someone", old.pk])
    assert AuditEvent.objects.get(pk=old.pk).username == "clerk"


def test_archive_moves_only_events_past_the_retention_into_a_file(tmp_path, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 365
    old = event(400, "old-clerk")
    kept = [event(200, "recent-clerk"), event(0, "today-clerk")]

    call_command("archive_audit_log", "--to", str(tmp_path))

    assert list(AuditEvent.objects.order_by("id")) == kept
    (archive,) = tmp_path.glob("audit-*.jsonl.gz")
    with gzip.open(archive, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    assert [(row["id"], row["username"], row["action"]) for row in rows] == [
        (old.pk, "old-clerk", "login")
    ]


def test_a_shorter_retention_archives_down_to_180_days_and_never_below(tmp_path, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 180
    event(200, "past")
    young = event(170, "young")
    call_command("archive_audit_log", "--to", str(tmp_path))
    assert list(AuditEvent.objects.all()) == [young]

    settings.AUDIT_LOG_RETENTION_DAYS = 90
    with pytest.raises(CommandError, match="少于 180 天"):
        call_command("archive_audit_log", "--to", str(tmp_path / "again"))
    assert list(AuditEvent.objects.all()) == [young]
    assert not (tmp_path / "again").exists()


def test_dry_run_reports_and_changes_nothing(tmp_path, settings, capsys):
    settings.AUDIT_LOG_RETENTION_DAYS = 180
    event(300, "past")
    call_command("archive_audit_log", "--to", str(tmp_path), "--dry-run")
    assert "1 条将被归档" in capsys.readouterr().out
    assert AuditEvent.objects.count() == 1
    assert not list(tmp_path.iterdir())


def test_a_retention_shorter_than_180_days_fails_the_system_check(settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 179
    assert "kejiju.E001" in [message.id for message in run_checks()]
    settings.AUDIT_LOG_RETENTION_DAYS = 180
    assert "kejiju.E001" not in [message.id for message in run_checks()]


DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31}


def test_the_web_server_logs_are_rotated_no_sooner_than_180_days():
    text = (DEPLOY / "logrotate.conf").read_text()
    stanzas = re.findall(r"^(/\S.*?)\{(.*?)\}", text, flags=re.S | re.M)
    assert stanzas
    for paths, body in stanzas:
        words = body.split()
        (period,) = [word for word in words if word in PERIOD_DAYS]
        rotate = int(words[words.index("rotate") + 1])
        assert rotate * PERIOD_DAYS[period] >= 180, paths
    nginx = (DEPLOY / "nginx.conf").read_text()
    for logged in re.findall(r"(?:access|error)_log\s+(\S+?);", nginx):
        assert any(logged in paths.split() for paths, _ in stanzas), logged


def test_the_journal_keeps_the_services_logs_a_year():
    text = (DEPLOY / "journald-kejiju.conf").read_text()
    assert re.search(r"^MaxRetentionSec=1year$", text, flags=re.M)
    assert re.search(r"^Storage=persistent$", text, flags=re.M)
