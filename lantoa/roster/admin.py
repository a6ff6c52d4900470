from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lantoa.roster.models import Communicator, Training, TrainingAttendance


@admin.register(Communicator)
class CommunicatorAdmin(admin.ModelAdmin):
    list_display = ["full_name", "role", "unit", "phone", "trained", "active"]
    list_filter = ["role", "trained", "active"]
    search_fields = ["full_name", "search_text", "phone", "email", "unit__code"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]

    def save_model(self, request: HttpRequest, obj: Communicator, form: Any, change: bool) -> None:
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["communicator"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["title", "organizer", "held_on", "hours"]
    search_fields = ["title", "organizer__code", "organizer__name"]
    raw_id_fields = ["organizer"]
    date_hierarchy = "held_on"
    inlines = [TrainingAttendanceInline]
