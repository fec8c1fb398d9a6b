from datetime import date

from django.db import migrations


def default_policy(apps, schema_editor):
    DrawPolicy = apps.get_model("experts", "DrawPolicy")
    if not DrawPolicy.objects.exists():
        DrawPolicy.objects.create(
            effective_from=date(2016, 1, 1),
            basis="DOMAIN.md §3：回避近三年任职、合作、纠纷；申请回避不超过 3 人；高新技术企业评审专家不少于 5 人且为奇数",
        )


class Migration(migrations.Migration):
    dependencies = [("experts", "0005_draw_policy")]

    operations = [migrations.RunPython(default_policy, migrations.RunPython.noop)]
