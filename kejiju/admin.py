from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .admin_site import HistoryAdmin
from .choices import Role
from .models import CalendarDay, PlanCategory, TechField, Town, User

# Accounts of these roles are another administrator's (三员分立): the system administrator sees
# them but neither gives these roles nor changes such an account or its password. They are made
# with ``manage.py create_admin``; the security administrator disables them at /security/.
SEPARATE_DUTIES = (Role.SECURITY_ADMIN, Role.AUDITOR)


@admin.register(User)
class UserAdmin(BaseUserAdmin, HistoryAdmin):
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
    # The role decides what an account may do; the superuser and staff flags and single
    # permissions are not offered (the staff flag follows the role, kejiju.permissions).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("last_name", "first_name", "email")}),
        ("角色与归属", {"fields": ("role", "section", "enterprise", "expert", "town", "phone")}),
        ("状态与权限组", {"fields": ("is_active", "groups")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("角色与归属", {"fields": ("role", "section", "enterprise", "expert", "town")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [
                (value, label)
                for value, label in db_field.get_choices(include_blank=True)
                if value not in SEPARATE_DUTIES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.role in SEPARATE_DUTIES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are deactivated (取消“有效”), never deleted: the append-only audit log keeps
        # pointing at them, and the database refuses to change its rows.
        return False


@admin.register(Town)
class TownAdmin(HistoryAdmin):
    list_display = ("name", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("name",)


@admin.register(PlanCategory)
class PlanCategoryAdmin(HistoryAdmin):
    list_display = ("code", "name", "level", "legacy", "order")
    list_filter = ("level", "legacy")
    search_fields = ("code", "name")


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("note",)


@admin.register(TechField)
class TechFieldAdmin(HistoryAdmin):
    list_display = ("name", "order")
    search_fields = ("name",)


from .imports import admin as imports_admin  # noqa: E402,F401  (layouts and import jobs)
