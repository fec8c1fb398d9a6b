from django.contrib import admin

from kejiju.admin_site import HistoryAdmin
from kejiju.imports.admin import LayoutAdmin

from .models import (
    AccountRequest,
    Application,
    ApplicationTransition,
    Enterprise,
    InnovationPlatform,
    PlatformMembership,
    Qualification,
    RDInstitution,
    RuleSet,
)
from .resources import EnterpriseResource, QualificationResource, RDInstitutionResource


@admin.register(Enterprise)
class EnterpriseAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [EnterpriseResource]
    list_display = ("name", "credit_code", "town", "industry", "tech_field")
    list_filter = ("town", "tech_field")
    search_fields = ("name", "credit_code")


@admin.register(Qualification)
class QualificationAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [QualificationResource]
    list_display = ("enterprise", "kind", "level", "recognition", "recognized_on", "valid_until")
    list_filter = ("kind", "level", "recognition")
    search_fields = ("enterprise__name", "enterprise__credit_code", "certificate_no")
    autocomplete_fields = ("enterprise",)
    date_hierarchy = "recognized_on"


@admin.register(RDInstitution)
class RDInstitutionAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [RDInstitutionResource]
    list_display = ("name", "enterprise", "kind", "level", "recognized_on")
    list_filter = ("kind", "level")
    search_fields = ("name", "enterprise__name")
    autocomplete_fields = ("enterprise",)


class MembershipInline(admin.TabularInline):
    model = PlatformMembership
    extra = 0
    autocomplete_fields = ("enterprise",)


@admin.register(InnovationPlatform)
class InnovationPlatformAdmin(HistoryAdmin):
    list_display = ("name", "kind", "level", "operator", "town", "recognized_on", "closed_on")
    list_filter = ("kind", "level", "town")
    search_fields = ("name", "operator__name")
    autocomplete_fields = ("operator",)
    inlines = [MembershipInline]


@admin.register(RuleSet)
class RuleSetAdmin(HistoryAdmin):
    list_display = ("kind", "version", "effective_from", "effective_to", "source")
    list_filter = ("kind",)


class TransitionInline(admin.TabularInline):
    model = ApplicationTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "by", "at", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(HistoryAdmin):
    list_display = ("enterprise", "kind", "year", "status", "verdict", "override_verdict")
    list_filter = ("kind", "status", "year")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    readonly_fields = ("figures", "precheck", "status", "verdict")
    inlines = [TransitionInline]


@admin.register(AccountRequest)
class AccountRequestAdmin(admin.ModelAdmin):
    list_display = ("enterprise_name", "credit_code", "contact", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("enterprise_name", "credit_code", "contact")
    exclude = ("password",)
