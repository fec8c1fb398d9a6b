"""The Django admin site, entered by role (kejiju.permissions), never by the superuser flag.

Installed in place of ``django.contrib.admin`` (INSTALLED_APPS names ``PortalAdminConfig``), so
every app's ``admin.site.register`` lands on :class:`PortalAdminSite`.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class PortalAdminSite(admin.AdminSite):
    site_header = "瑞安市科学技术局业务平台 · 后台管理"
    site_title = "科技局后台管理"
    index_title = "数据与用户管理"

    def has_permission(self, request) -> bool:
        from .permissions import may_use_admin_site

        return may_use_admin_site(request.user)


class PortalAdminConfig(AdminConfig):
    default_site = "kejiju.admin_site.PortalAdminSite"


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of every model that keeps its history (django-simple-history).

    django-simple-history shows an old version to whoever may view the record and, on POST, saves
    it back (a revert) without asking whether the user may change the record. A revert is a change:
    it needs the change permission, like the change form."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            record = self.get_object(request, object_id)
            if record is None or not self.has_change_permission(request, record):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
