from django.contrib import admin

from kejiju.admin_site import HistoryAdmin
from kejiju.imports.admin import LayoutAdmin

from .models import (
    AuctionDeal,
    Call,
    Commissioner,
    Disbursement,
    Project,
    ProjectEvent,
    TechContract,
)
from .resources import AuctionDealResource, ProjectResource, TechContractResource


@admin.register(Project)
class ProjectAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [ProjectResource]
    list_display = (
        "number",
        "name",
        "category",
        "undertaker",
        "status",
        "applied_on",
        "approved_on",
        "funding",
    )
    list_filter = ("category", "status", "stage", "funding_mode", "town")
    autocomplete_fields = ("enterprise",)
    raw_id_fields = ("call", "draw", "commissioner", "applicant")
    search_fields = ("number", "name", "undertaker")
    date_hierarchy = "applied_on"


@admin.register(TechContract)
class TechContractAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [TechContractResource]
    list_display = ("registration_no", "name", "kind", "seller", "buyer", "amount", "registered_on")
    list_filter = ("kind",)
    search_fields = ("registration_no", "name", "seller", "buyer")
    date_hierarchy = "registered_on"


@admin.register(AuctionDeal)
class AuctionDealAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [AuctionDealResource]
    list_display = ("achievement", "winner", "amount", "dealt_on", "event")
    search_fields = ("achievement", "winner", "event")
    date_hierarchy = "dealt_on"


@admin.register(Call)
class CallAdmin(HistoryAdmin):
    list_display = ("title", "category", "year", "opens_at", "closes_at", "budget_cap")
    list_filter = ("category", "year")
    search_fields = ("title",)


class ProjectInline(admin.TabularInline):
    model = Project
    fields = ("number", "name", "category", "status", "approved_on", "funding")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Commissioner)
class CommissionerAdmin(HistoryAdmin):
    list_display = ("name", "employer", "specialty", "batch", "town", "starts_on", "ends_on")
    list_filter = ("batch", "town")
    search_fields = ("name", "employer", "specialty")
    inlines = [ProjectInline]


@admin.register(ProjectEvent)
class ProjectEventAdmin(admin.ModelAdmin):
    list_display = ("at", "project", "action", "stage_from", "stage_to", "by")
    search_fields = ("project__name", "project__number", "action")
    readonly_fields = [f.name for f in ProjectEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disbursement)
class DisbursementAdmin(HistoryAdmin):
    """Read-only here: payments are recorded on the project page, where the grant is checked."""

    list_display = ("voucher_no", "project", "tranche", "amount", "paid_on")
    search_fields = ("voucher_no", "project__name", "project__number")
    readonly_fields = [f.name for f in Disbursement._meta.fields]

    def has_add_permission(self, request):
        return False
