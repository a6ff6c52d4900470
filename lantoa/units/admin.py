"""Back-office views of the tree, read-mostly: structure (parent, kind, status, merges) only
changes through ``lantoa.units.services`` so the closure table and history stay right."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lantoa.units.models import Unit, UnitEvent
from lantoa.units.services import unit_update

# Fields the admin may change: descriptive ones that no tree invariant depends on.
ADMIN_EDITABLE = (
    "name",
    "short_name",
    "member_count",
    "worker_count",
    "employer_name",
    "address",
    "industrial_zone",
    "sector",
)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "status", "parent", "member_count", "worker_count")
    list_filter = ("kind", "status")
    search_fields = ("code", "name", "short_name", "search_text")
    list_select_related = ("parent",)
    ordering = ("depth", "name")
    readonly_fields = (
        "code",
        "kind",
        "parent",
        "depth",
        "status",
        "successor",
        "ended_on",
        "created_at",
        "updated_at",
    )
    fields = (
        "code",
        "kind",
        "parent",
        "depth",
        "status",
        "successor",
        "ended_on",
        *ADMIN_EDITABLE,
        "created_at",
        "updated_at",
    )
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        # Through the service, so search text and validation match the unit screens.
        unit_update(
            unit=obj,
            actor=request.user,
            **{f: form.cleaned_data[f] for f in ADMIN_EDITABLE if f in form.cleaned_data},
        )


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_on", "kind", "unit", "old_parent", "new_parent", "successor", "actor")
    list_filter = ("kind",)
    search_fields = ("unit__code", "unit__name", "note")
    list_select_related = ("unit", "old_parent", "new_parent", "successor", "actor")
    date_hierarchy = "occurred_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
