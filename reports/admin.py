from django.contrib import admin

from kejiju.admin_site import HistoryAdmin

from .models import (
    Honour,
    IndicatorSnapshot,
    IndicatorValue,
    NarrativeParagraph,
    SummaryRender,
    YearTarget,
)


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    fields = ("key", "label", "value", "unit", "yoy", "computed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(HistoryAdmin):
    list_display = ("year", "computed_at")
    inlines = [IndicatorValueInline]
    readonly_fields = ("year", "computed_at")


@admin.register(YearTarget)
class YearTargetAdmin(HistoryAdmin):
    list_display = ("year", "label", "indicator_key", "minimum", "maximum", "unit", "order")
    list_filter = ("year",)
    search_fields = ("label", "indicator_key")


@admin.register(Honour)
class HonourAdmin(HistoryAdmin):
    list_display = ("year", "text", "order")
    list_filter = ("year",)


@admin.register(NarrativeParagraph)
class NarrativeParagraphAdmin(HistoryAdmin):
    list_display = ("year", "section", "order", "__str__")
    list_filter = ("year", "section")


@admin.register(SummaryRender)
class SummaryRenderAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "format",
        "state",
        "progress",
        "requested_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("state", "format", "year")
    readonly_fields = [f.name for f in SummaryRender._meta.fields]
