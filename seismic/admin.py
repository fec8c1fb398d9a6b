from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SeismicActivity


@admin.register(SeismicActivity)
class SeismicActivityAdmin(SimpleHistoryAdmin):
    list_display = ("held_on", "name", "kind", "theme_day", "town", "participants", "materials")
    list_filter = ("kind", "theme_day", "town")
    search_fields = ("name", "place")
    date_hierarchy = "held_on"
