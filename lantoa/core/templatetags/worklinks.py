"""Links from a unit's pages to the work areas (campaigns, content, cascades, publishing,
activities, reports, knowledge base), each shown only when the officer's policy allows it."""

from __future__ import annotations

from typing import Any

from django import template

from lantoa import access
from lantoa.units.models import Unit

register = template.Library()


@register.inclusion_tag("core/_work_links.html", takes_context=True)
def unit_work_links(context: dict[str, Any], unit: Unit, style: str = "tiles") -> dict[str, Any]:
    held = access.permissions_at(context["request"].user, unit)

    def can(perm: str) -> bool:
        return perm in held

    return {
        "unit": unit,
        "style": style,
        "can_campaigns": can("campaign.view"),
        "can_content": can("content.view"),
        "can_cascades": can("cascade.view"),
        "can_publishing": can("publishing.view"),
        "can_connect": can("channel.manage") and unit.is_active,
        "can_activities": can("activity.view"),
        "can_record": can("activity.manage"),
        "can_reports": can("report.create"),
        "can_poster": can("inquiry.view") and unit.is_active,
        "can_kb": can("unit.view"),
    }
