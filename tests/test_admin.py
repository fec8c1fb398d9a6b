"""Every model registered in the admin has a working list page, and every spreadsheet layout in
the admin offers its empty template."""

import pytest
from django.contrib import admin
from django.urls import reverse

from kejiju.choices import Role
from kejiju.imports.admin import LayoutAdmin

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(make_user):
    return make_user(Role.ADMIN, username="root-admin", is_superuser=True)


REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)
LAYOUT_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, LayoutAdmin)
)


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_admin_list_page_renders(login, superuser, app, model):
    response = login(superuser).get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200, (app, model)


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
