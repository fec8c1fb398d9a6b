"""Accounts made with ``createsuperuser`` before the superuser flag stopped counting: they were
given the default role 局机关工作人员 without a section (which no staff account made through the
forms lacks) and ran the portal by the flag alone. They become 系统管理员, the role the first
administrator had in practice; the 安全管理员 and 安全审计员 come from ``manage.py create_admin``."""

from django.db import migrations


def superusers_become_administrators(apps, schema_editor):
    User = apps.get_model("kejiju", "User")
    User.objects.filter(is_superuser=True, role="staff", section="").update(
        role="admin", is_staff=True
    )


class Migration(migrations.Migration):
    dependencies = [("kejiju", "0010_roles_security_admin")]

    operations = [
        migrations.RunPython(superusers_become_administrators, migrations.RunPython.noop),
    ]
