"""Stored texts in the reader's language: ``{% load texts %}``
``{{ obj.last_error_text|stored_text:obj.last_error }}`` (``lantoa.core.messages``)."""

from __future__ import annotations

from typing import Any

from django import template

from lantoa.core import messages

register = template.Library()


@register.filter
def stored_text(stored: Any, fallback: Any = "") -> str:
    """The stored text in the active language, else ``fallback`` (the stored string)."""
    return messages.stored_text(stored, fallback)
