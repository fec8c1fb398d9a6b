"""The Django admin site, entered by role (kejiju.permissions), never by the superuser flag.

Installed in place of ``django.contrib.admin`` (INSTALLED_APPS names ``PortalAdminConfig``), so
every app's ``admin.site.register`` lands on :class:`PortalAdminSite`.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    site_header = "瑞安市科学技术局业务平台 · 后台管理"
    site_title = "科技局后台管理"
    index_title = "数据与用户管理"

    def has_permission(self, request) -> bool:
        from .permissions import may_use_admin_site

        return may_use_admin_site(request.user)


class PortalAdminConfig(AdminConfig):
    default_site = "kejiju.admin_site.PortalAdminSite"
