"""Template helpers of the targets and dashboard screens: ``{% load targets %}``."""

from __future__ import annotations

from typing import Any

from django import template

from lantoa import access
from lantoa.units.models import Unit

register = template.Library()


@register.inclusion_tag("targets/_unit_links.html", takes_context=True)
def target_unit_links(
    context: dict[str, Any], unit: Unit, style: str = "buttons"
) -> dict[str, Any]:
    """Links from a unit's pages to its dashboard, period reports and targets."""
    held = access.permissions_at(context["request"].user, unit)
    return {
        "unit": unit,
        "style": style,
        "can_dashboard": "activity.view" in held,
        "can_targets": "target.view" in held,
    }
