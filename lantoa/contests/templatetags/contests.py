"""Template filters of the contests: ``{% load contests %}``."""

from __future__ import annotations

from django import template

from lantoa.contests.results import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(phone: str) -> str:
    """0912345678 → 0912***678 (the public results and the flags screen)."""
    return _mask_phone(str(phone or ""))
