from django.contrib import admin

from kejiju.admin_site import HistoryAdmin

from .models import DuplicatePair, IntegrityRecord, IntegrityRule, TownRecommendation


@admin.register(IntegrityRule)
class IntegrityRuleAdmin(HistoryAdmin):
    """The effects of integrity records, as data with a validity period: a new version is a new
    row with its effective date, the old one gets an end date."""

    list_display = ("name", "effect", "severities", "subjects", "effective_from", "effective_to")
    list_filter = ("effect",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NoDeleteReadOnly(HistoryAdmin):
    """Seen in the admin, written only through the portal's pages (with the reasons they ask)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IntegrityRecord)
class IntegrityRecordAdmin(NoDeleteReadOnly):
    list_display = ("number", "subject_kind", "person_name", "kind", "severity", "starts_on")
    list_filter = ("subject_kind", "severity", "kind")
    search_fields = ("number", "person_name", "enterprise__name", "expert__name", "decision_no")
    exclude = ("decision_file",)


@admin.register(DuplicatePair)
class DuplicatePairAdmin(NoDeleteReadOnly):
    list_display = ("project", "other", "kind", "name_similarity", "summary_similarity", "decision")
    list_filter = ("decision", "kind")


@admin.register(TownRecommendation)
class TownRecommendationAdmin(NoDeleteReadOnly):
    list_display = ("project", "town", "decision", "at")
    list_filter = ("decision", "town")
