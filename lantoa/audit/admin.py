from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lantoa.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so not even a superuser edits or deletes it here."""

    list_display = ("at", "actor_label", "action", "target", "unit", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "target")
    date_hierarchy = "at"
    list_select_related = ("unit",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
