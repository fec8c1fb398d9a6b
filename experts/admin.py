from django.contrib import admin

from kejiju.admin_site import HistoryAdmin
from kejiju.imports.admin import LayoutAdmin

from .models import Draw, DrawPolicy, Expert, Relation, Specialty
from .resources import ExpertResource


@admin.register(Expert)
class ExpertAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [ExpertResource]
    list_display = ("name", "employer", "title", "specialties", "status", "entered_on")
    list_filter = ("status", "title")
    search_fields = ("name", "employer", "specialties", "mobile")


@admin.register(Specialty)
class SpecialtyAdmin(HistoryAdmin):
    list_display = ("name", "parent", "order")
    list_filter = ("parent",)
    search_fields = ("name",)


@admin.register(Relation)
class RelationAdmin(HistoryAdmin):
    list_display = ("expert", "kind", "enterprise", "organisation", "started_on", "ended_on")
    list_filter = ("kind",)
    search_fields = ("expert__name", "enterprise__name", "organisation")
    raw_id_fields = ("expert", "enterprise")


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    """Draws are read here, never changed: the record is append-only."""

    list_display = ("created_at", "purpose", "subject", "step", "supervisor")
    search_fields = ("subject", "supervisor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DrawPolicy)
class DrawPolicyAdmin(HistoryAdmin):
    list_display = (
        "effective_from",
        "effective_to",
        "relation_years",
        "named_cap",
        "same_applicant_years",
        "max_draws_per_year",
        "panel_min",
        "panel_min_major",
    )
