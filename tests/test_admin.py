"""Every model registered in the admin has a working list page for the role whose work it is (the
lockout records for the security administrator, the rest for the system administrator), and every
spreadsheet layout in the admin offers its empty template."""

import pytest
from django.contrib import admin
from django.urls import reverse

from kejiju.choices import Role
from kejiju.imports.admin import LayoutAdmin
from kejiju.permissions import SECURITY_APPS

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(make_user):
    """A system administrator who also has the superuser flag (which adds nothing)."""
    return make_user(Role.ADMIN, username="root-admin", is_superuser=True)


@pytest.fixture
def security(make_user):
    return make_user(Role.SECURITY_ADMIN, username="security-admin")


REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)
LAYOUT_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, LayoutAdmin)
)


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_admin_list_page_renders(login, superuser, security, app, model):
    owner, other = (security, superuser) if app in SECURITY_APPS else (superuser, security)
    url = reverse(f"admin:{app}_{model}_changelist")
    assert login(owner).get(url).status_code == 200, (app, model)
    assert login(other).get(url).status_code == 403, (app, model)


@pytest.mark.parametrize(("app", "model"), LAYOUT_ADMINS)
def test_layout_admin_offers_import_and_its_template(login, superuser, app, model):
    client = login(superuser)
    page = client.get(reverse(f"admin:{app}_{model}_changelist")).content.decode()
    assert "下载导入模板" in page and "导入" in page
    template = client.get(reverse(f"admin:{app}_{model}_import_template"))
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_there_are_layout_admins():
    assert len(LAYOUT_ADMINS) >= 8
