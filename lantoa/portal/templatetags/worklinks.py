"""Links from a unit's pages to the work areas, each shown only when the officer's policy
allows it. The links are the ``WorkLink`` items the apps register in
``lantoa.core.extensions.work_links``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from lantoa import access
from lantoa.core.extensions import WorkLink, work_links
from lantoa.units.models import Unit

register = template.Library()


def _href(link: WorkLink, unit: Unit) -> str:
    return reverse(link.url_name, args=[unit.code] if link.unit_arg else [])


@register.inclusion_tag("core/_work_links.html", takes_context=True)
def unit_work_links(context: dict[str, Any], unit: Unit, style: str = "tiles") -> dict[str, Any]:
    """``style="tiles"``: the "Công việc" card of the unit page; ``"nav"``: the links in the
    sub-navigation of the channel and roster pages."""
    held = access.permissions_at(context["request"].user, unit)
    shown = [link for link in work_links if link.visible(held, unit)]
    nav = sorted(
        (link for link in shown if link.nav_order is not None and not link.primary),
        key=lambda link: (link.nav_order, link.key),
    )
    return {
        "unit": unit,
        "style": style,
        "primary": [(link, _href(link, unit)) for link in shown if link.primary],
        "tiles": [(link, _href(link, unit)) for link in shown if not link.primary],
        "nav": [(link.nav_label or link.label, _href(link, unit)) for link in nav],
    }
