import datetime as dt

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TRIGRAM_INDEXES = (
    ("screening_project_name_trgm", "name"),
    ("screening_project_summary_trgm", "summary"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON projects_project "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def protect_records(apps, schema_editor):
    """The database itself refuses to delete an integrity record (PostgreSQL: a trigger; SQLite's
    flush deletes row by row, so there the model and the admin refuse)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION screening_integrity_no_delete() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION '科研诚信记录不能删除'; END $$ LANGUAGE plpgsql"
    )
    schema_editor.execute(
        "CREATE TRIGGER screening_integrity_no_delete BEFORE DELETE ON "
        "screening_integrityrecord FOR EACH ROW EXECUTE FUNCTION screening_integrity_no_delete()"
    )


def unprotect_records(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS screening_integrity_no_delete ON screening_integrityrecord"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS screening_integrity_no_delete()")


DEFAULT_RULES = (
    (
        "block-serious",
        "严重失信主体不得申报",
        "block_application",
        ["serious"],
        ["enterprise", "person"],
    ),
    (
        "flag-lesser",
        "一般、较重失信主体的申报提请形式审查关注",
        "flag_application",
        ["general", "major"],
        ["enterprise", "person"],
    ),
    (
        "exclude-experts",
        "有效失信记录期间的专家不得参加评审",
        "exclude_from_draws",
        ["general", "major", "serious"],
        ["expert"],
    ),
)


def seed_rules(apps, schema_editor):
    IntegrityRule = apps.get_model("screening", "IntegrityRule")
    for code, name, effect, severities, subjects in DEFAULT_RULES:
        IntegrityRule.objects.get_or_create(
            code=code,
            effective_from=dt.date(2020, 1, 1),
            defaults={
                "name": name,
                "effect": effect,
                "severities": severities,
                "subjects": subjects,
                "basis": "《科研失信行为调查处理规则》（国科发监〔2022〕221号）",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(protect_records, unprotect_records),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
    ]
