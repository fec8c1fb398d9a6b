"""The audit log keeps every event at least 180 days (等保): the database refuses to change any
event and to delete one younger than that, whoever asks. Older events may be archived and removed
(``manage.py archive_audit_log``)."""

from django.db import migrations

MINIMUM_DAYS = 180

POSTGRESQL_SQL = f"""
CREATE OR REPLACE FUNCTION kejiju_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{MINIMUM_DAYS} days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'kejiju_auditevent is append-only; events are kept at least {MINIMUM_DAYS} days';
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_TRIGGERS = [
    "CREATE TRIGGER kejiju_auditevent_no_update BEFORE UPDATE ON kejiju_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'kejiju_auditevent is append-only'); END;",
    # Django stores UTC datetimes as 'YYYY-MM-DD HH:MM:SS[.ffffff]', which compare as text.
    "CREATE TRIGGER kejiju_auditevent_no_delete BEFORE DELETE ON kejiju_auditevent "
    f"WHEN OLD.at > datetime('now', '-{MINIMUM_DAYS} days') "
    f"BEGIN SELECT RAISE(ABORT, 'kejiju_auditevent events are kept at least {MINIMUM_DAYS} days'); "
    "END;",
]


def retention_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_SQL)
    elif vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kejiju_auditevent_no_{op}")
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("kejiju", "0005_audit_keeps_users")]

    operations = [migrations.RunPython(retention_triggers, migrations.RunPython.noop)]
