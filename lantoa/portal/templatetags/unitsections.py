"""``{% unit_section section extra %}``: one card of another app on the unit page, its
template rendered like an ``{% include %}`` with the section's own context on top."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from lantoa.core.extensions import UnitSection

register = template.Library()


@register.simple_tag(takes_context=True)
def unit_section(
    context: template.Context, section: UnitSection, extra: dict[str, Any]
) -> SafeString:
    assert context.template is not None  # set while a template renders
    card = context.template.engine.get_template(section.template_name)
    with context.push(**extra):
        return card.render(context)
