from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kejiju.imports.admin import LayoutAdmin

from .models import AuctionDeal, Project, TechContract
from .resources import AuctionDealResource, ProjectResource, TechContractResource


@admin.register(Project)
class ProjectAdmin(LayoutAdmin, SimpleHistoryAdmin):
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
    list_filter = ("category", "status", "funding_mode", "town")
    search_fields = ("number", "name", "undertaker")
    date_hierarchy = "applied_on"


@admin.register(TechContract)
class TechContractAdmin(LayoutAdmin, SimpleHistoryAdmin):
    resource_classes = [TechContractResource]
    list_display = ("registration_no", "name", "kind", "seller", "buyer", "amount", "registered_on")
    list_filter = ("kind",)
    search_fields = ("registration_no", "name", "seller", "buyer")
    date_hierarchy = "registered_on"


@admin.register(AuctionDeal)
class AuctionDealAdmin(LayoutAdmin, SimpleHistoryAdmin):
    resource_classes = [AuctionDealResource]
    list_display = ("achievement", "winner", "amount", "dealt_on", "event")
    search_fields = ("achievement", "winner", "event")
    date_hierarchy = "dealt_on"
