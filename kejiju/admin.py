from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarDay, PlanCategory, TechField, Town, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = (
        "username",
        "last_name",
        "first_name",
        "role",
        "section",
        "enterprise",
        "is_active",
    )
    list_filter = ("role", "section", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    autocomplete_fields = ("enterprise",)
    fieldsets = BaseUserAdmin.fieldsets + (
        ("角色与归属", {"fields": ("role", "section", "enterprise", "expert", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("角色与归属", {"fields": ("role", "section", "enterprise", "expert")}),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are deactivated (取消“有效”), never deleted: the append-only audit log keeps
        # pointing at them, and the database refuses to change its rows.
        return False


@admin.register(Town)
class TownAdmin(SimpleHistoryAdmin):
    list_display = ("name", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("name",)


@admin.register(PlanCategory)
class PlanCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "legacy", "order")
    list_filter = ("level", "legacy")
    search_fields = ("code", "name")


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("note",)


@admin.register(TechField)
class TechFieldAdmin(SimpleHistoryAdmin):
    list_display = ("name", "order")
    search_fields = ("name",)


from .imports import admin as imports_admin  # noqa: E402,F401  (layouts and import jobs)
