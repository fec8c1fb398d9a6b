"""Admin support for layouts: django-import-export's import (with preview) and export, plus a
download of the empty template (导入模板); and the list of import jobs."""

import tablib
from django.contrib import admin
from django.urls import path
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX, Format

from .exporting import template_response
from .models import ImportJob


class SourceDataset(tablib.Dataset):
    """The uploaded file itself: the layout reads it with the portal's reader (title rows,
    hidden rows, .xls and .ods) instead of a table tablib made of it."""

    def __init__(self, source: bytes):
        super().__init__()
        self.source = source

    def __bool__(self) -> bool:
        return bool(self.source)


class SheetFile(Format):
    """Any spreadsheet the import reads: .xlsx, .xls, .ods, .csv or tab-separated text."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "表格文件（xlsx / xls / ods / csv）"

    def create_dataset(self, in_stream):
        return SourceDataset(in_stream)

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "xlsx"

    def can_import(self):
        return True

    def can_export(self):
        return False


class LayoutAdmin(ImportExportModelAdmin):
    """Use with ``resource_classes = [SomeLayoutResource]``."""

    import_export_change_list_template = "admin/kejiju/layout_change_list.html"
    import_formats = [SheetFile]
    export_formats = [XLSX, CSV]

    def has_import_permission(self, request):
        # An import adds and changes rows: it needs both model permissions in the admin.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

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
