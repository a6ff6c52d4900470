"""Template filters of video and photo contests: ``{% load contests_media %}``."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def points(value: float | None) -> str:
    """87.456 → "87,5" (a final score out of 100)."""
    if value is None:
        return "—"
    return f"{float(value):.1f}".replace(".", ",")


@register.filter
def percent(value: float | None) -> str:
    """0.8125 → "81,3%" (a jury score, 0–1)."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%".replace(".", ",")
