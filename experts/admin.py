from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Expert


@admin.register(Expert)
class ExpertAdmin(SimpleHistoryAdmin):
    list_display = ("name", "employer", "title", "specialties", "status", "entered_on")
    list_filter = ("status", "title")
    search_fields = ("name", "employer", "specialties", "mobile")
