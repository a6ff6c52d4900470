"""The links of the public pages' header and footer: ``{% load public %}{% public_links "nav"
as links %}``. The apps register them (``lantoa.core.extensions.public_links``); nothing here
needs the database or the request, so the error pages rendered without either show them too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from lantoa.core.extensions import public_links as registry

register = template.Library()


@dataclass(frozen=True)
class ShownLink:
    key: str
    label: Any
    url: str


@register.simple_tag
def public_links(place: str = "nav") -> list[ShownLink]:
    shown = []
    for link in registry:
        if link.place != place:
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:  # an app whose routes this deployment does not mount
            continue
        shown.append(ShownLink(link.key, link.label, url))
    return shown
