"""Vietnamese number formatting for templates: ``{% load vn %}{{ n|vn_int }}``."""

from __future__ import annotations

import math
from decimal import Decimal

from django import template

from lantoa.core.text import format_int, format_percent

register = template.Library()


@register.filter
def vn_int(value: int | None) -> str:
    """1174 → "1.174"."""
    if value is None or value == "":
        return format_int(None)
    return format_int(int(value))


@register.filter
def vn_percent(value: float | Decimal | None, places: int = 1) -> str:
    """0.5 → "50,0%" (takes a ratio)."""
    if value is None or value == "":
        return format_percent(None)
    return format_percent(value, int(places))


@register.filter
def bar_width(value: float | Decimal | None) -> str:
    """A ratio as a CSS width percentage with a dot decimal ("37.5"), clamped to 0–100,
    for progress bars: the Vietnamese comma would make the CSS invalid."""
    if not value:
        return "0"
    pct = max(0.0, min(100.0, float(value) * 100))
    return f"{pct:.1f}"


@register.filter
def bar_class(value: float | Decimal | None) -> str:
    """A ratio as the class that sets a progress bar's width in whole percents ("w-38" for
    0.375; app.css has .w-0 … .w-100): a class, not a style attribute, which the
    Content-Security-Policy forbids."""
    pct = max(0.0, min(100.0, float(value or 0) * 100))
    return f"w-{math.floor(pct + 0.5)}"
