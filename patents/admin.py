from django.contrib import admin

from kejiju.admin_site import HistoryAdmin
from kejiju.imports.admin import LayoutAdmin

from .models import DisputeCase, IPActivity, Patent
from .resources import PatentDisputeResource, PatentResource


@admin.register(Patent)
class PatentAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [PatentResource]
    list_display = (
        "application_number",
        "title",
        "kind",
        "applicants",
        "enterprise",
        "filed_on",
        "granted_on",
        "legal_status",
    )
    list_filter = ("kind", "legal_status")
    search_fields = ("application_number", "title", "applicants")
    date_hierarchy = "filed_on"
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise",)
    show_full_result_count = False


@admin.register(DisputeCase)
class DisputeCaseAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [PatentDisputeResource]
    list_display = ("case_number", "cause", "parties", "accepted_on", "closed_on", "outcome")
    list_filter = ("outcome",)
    search_fields = ("case_number", "cause", "parties")


@admin.register(IPActivity)
class IPActivityAdmin(HistoryAdmin):
    list_display = ("held_on", "kind", "title", "location", "participants")
    list_filter = ("kind",)
    search_fields = ("title", "location")
