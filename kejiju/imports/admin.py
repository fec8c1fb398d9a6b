"""Admin support for layouts: django-import-export's import (with preview) and export, plus a
download of the empty template (导入模板); and the list of import jobs."""

from django.contrib import admin
from django.urls import path
from import_export.admin import ImportExportModelAdmin

from .exporting import template_response
from .models import ImportJob


class LayoutAdmin(ImportExportModelAdmin):
    """Use with ``resource_classes = [SomeLayoutResource]``."""

    change_list_template = "admin/kejiju/layout_change_list.html"

    def get_skip_admin_log(self):
        return True  # the models keep their own change history

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import-template/",
                self.admin_site.admin_view(self.template_view),
                name="{}_{}_import_template".format(*info),
            ),
        ] + super().get_urls()

    def template_view(self, request):
        return template_response(self.get_import_resource_classes(request)[0]())


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "layout", "original_name", "state", "done", "total", "user")
    list_filter = ("state", "layout")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
