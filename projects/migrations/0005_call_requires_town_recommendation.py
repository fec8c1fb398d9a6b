from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_call_created_by_optional"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="requires_town_recommendation",
            field=models.BooleanField(
                default=False,
                help_text="勾选后，申报须经企业所在镇街推荐，科技局才开始形式审查。",
                verbose_name="须镇街推荐",
            ),
        ),
        migrations.AddField(
            model_name="historicalcall",
            name="requires_town_recommendation",
            field=models.BooleanField(
                default=False,
                help_text="勾选后，申报须经企业所在镇街推荐，科技局才开始形式审查。",
                verbose_name="须镇街推荐",
            ),
        ),
    ]
