from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, Qualification, RDInstitution


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "town", "industry", "tech_field")
    list_filter = ("town", "tech_field")
    search_fields = ("name", "credit_code")


@admin.register(Qualification)
class QualificationAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "kind", "level", "recognition", "recognized_on", "valid_until")
    list_filter = ("kind", "level", "recognition")
    search_fields = ("enterprise__name", "enterprise__credit_code", "certificate_no")
    autocomplete_fields = ("enterprise",)
    date_hierarchy = "recognized_on"


@admin.register(RDInstitution)
class RDInstitutionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "enterprise", "kind", "level", "recognized_on")
    list_filter = ("kind", "level")
    search_fields = ("name", "enterprise__name")
    autocomplete_fields = ("enterprise",)
