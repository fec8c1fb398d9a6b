from django.contrib import admin

from kejiju.admin_site import HistoryAdmin
from kejiju.imports.admin import LayoutAdmin

from .models import (
    ActivityPhoto,
    Assistant,
    DemoSite,
    Drill,
    EmergencyPlan,
    MonthlyReport,
    ObservationPoint,
    PlanVersion,
    SeismicActivity,
    SiteInspection,
    Station,
    StationMilestone,
    Volunteer,
    VolunteerTeam,
)
from .resources import SeismicActivityResource


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    readonly_fields = ("image", "uploaded_at")


@admin.register(SeismicActivity)
class SeismicActivityAdmin(LayoutAdmin, HistoryAdmin):
    resource_classes = [SeismicActivityResource]
    list_display = ("held_on", "name", "kind", "theme_day", "town", "participants", "materials")
    list_filter = ("kind", "theme_day", "town")
    search_fields = ("name", "place")
    date_hierarchy = "held_on"
    inlines = [PhotoInline]


class VersionInline(admin.TabularInline):
    model = PlanVersion
    extra = 0


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(HistoryAdmin):
    list_display = ("name", "scope")
    search_fields = ("name",)
    inlines = [VersionInline]


@admin.register(Drill)
class DrillAdmin(HistoryAdmin):
    list_display = ("activity", "plan", "version")
    list_filter = ("plan",)
    raw_id_fields = ("activity",)


class InspectionInline(admin.TabularInline):
    model = SiteInspection
    extra = 0


@admin.register(DemoSite)
class DemoSiteAdmin(HistoryAdmin):
    list_display = ("name", "kind", "town", "status", "applied_on", "next_review_on")
    list_filter = ("kind", "status", "town")
    search_fields = ("name",)
    inlines = [InspectionInline]


@admin.register(ObservationPoint)
class ObservationPointAdmin(HistoryAdmin):
    list_display = ("code", "name", "kind", "town", "observer", "active")
    list_filter = ("kind", "town", "active")
    search_fields = ("code", "name", "observer")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(HistoryAdmin):
    list_display = ("point", "month", "anomaly", "reported_on", "checked_on")
    list_filter = ("anomaly", "month")
    search_fields = ("point__code", "point__name")


@admin.register(Assistant)
class AssistantAdmin(HistoryAdmin):
    list_display = ("name", "town", "phone", "appointed_on", "active")
    list_filter = ("town", "active")
    search_fields = ("name", "phone")


class VolunteerInline(admin.TabularInline):
    model = Volunteer
    extra = 1


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(HistoryAdmin):
    list_display = ("name", "town", "leader", "phone")
    search_fields = ("name", "leader")
    inlines = [VolunteerInline]


class MilestoneInline(admin.TabularInline):
    model = StationMilestone
    extra = 0


@admin.register(Station)
class StationAdmin(HistoryAdmin):
    list_display = ("code", "name", "kind", "status", "site")
    list_filter = ("kind", "status")
    search_fields = ("code", "name")
    inlines = [MilestoneInline]
