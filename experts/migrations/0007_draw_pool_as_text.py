"""The pool of a draw is stored as its ids joined by commas instead of a JSON array.

Existing records are rewritten to the same ids in the same order, so their fingerprints, seeds and
lists still verify; going back restores the JSON array.
"""

import json

from django.db import migrations

import experts.models


def pool_as_text(apps, schema_editor):
    # the column now holds each old array as JSON text; the field reads both forms
    Draw = apps.get_model("experts", "Draw")
    for pk, pool in Draw.objects.values_list("pk", "pool").iterator():
        Draw.objects.filter(pk=pk).update(pool=pool)


def pool_as_json(apps, schema_editor):
    Draw = apps.get_model("experts", "Draw")
    table = schema_editor.quote_name(Draw._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for pk, pool in Draw.objects.values_list("pk", "pool").iterator():
            cursor.execute(f"UPDATE {table} SET pool = %s WHERE id = %s", [json.dumps(pool), pk])


class Migration(migrations.Migration):
    dependencies = [("experts", "0006_default_draw_policy")]

    operations = [
        migrations.AlterField(
            model_name="draw",
            name="pool",
            field=experts.models.IdListField(verbose_name="合格专家池（编号，升序，逗号分隔）"),
        ),
        migrations.RunPython(pool_as_text, pool_as_json),
    ]
