"""Trigram indexes for the list's search box on PostgreSQL.

The search matches anywhere in the application number, the title and the applicants
(``UPPER(column) LIKE UPPER('%…%')``); without these indexes every search, and the page count
that comes with it, read all 300,000 rows of a county's register (about 0.5 s a search). The GIN
indexes are on the same ``UPPER(column)`` expressions, so the planner uses them for that query as
it is. SQLite has no such index and keeps scanning, which is fine at its sizes.
"""

from django.db import migrations

COLUMNS = {
    "patent_number_trgm": "application_number",
    "patent_title_trgm": "title",
    "patent_applicants_trgm": "applicants",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON patents_patent "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("patents", "0002_fewer_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
