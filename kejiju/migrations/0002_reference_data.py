from django.db import migrations


def load_reference_data(apps, schema_editor):
    from kejiju.reference_data import load

    load(apps.get_model("kejiju", "Town"), apps.get_model("kejiju", "PlanCategory"),
         apps.get_model("kejiju", "TechField"))


APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION kejiju_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'kejiju_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER kejiju_auditevent_append_only
    BEFORE UPDATE OR DELETE ON kejiju_auditevent
    FOR EACH ROW EXECUTE FUNCTION kejiju_auditevent_append_only();
"""


def append_only_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL)
    elif schema_editor.connection.vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER kejiju_auditevent_no_{op.lower()} BEFORE {op} ON kejiju_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'kejiju_auditevent is append-only'); END;"
            )


class Migration(migrations.Migration):
    dependencies = [("kejiju", "0001_initial")]

    operations = [
        migrations.RunPython(load_reference_data, migrations.RunPython.noop),
        migrations.RunPython(append_only_trigger, migrations.RunPython.noop),
    ]
