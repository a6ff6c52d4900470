"""The links of the public pages' header and footer: ``{% load public %}{% public_links "nav"
as links %}``. The apps register them (``lantoa.core.extensions.public_links``); nothing here
needs the database or the request, so the error pages rendered without either show them too."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from lantoa.core.extensions import public_links as registry

register = template.Library()


@dataclass(frozen=True)
class ShownLink:
    key: str
    label: Any
    url: str


@register.simple_tag
def public_links(place: str = "nav") -> list[ShownLink]:
    """The links of ``place``, reversed once per language and script prefix (every public
    page shows them; reversing them took a tenth of a light page's time), URLconf and
    registered links. The labels stay lazy: each renders in the reader's language."""
    registered = tuple((link.key, link.url_name, link.place) for link in registry)
    urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
    return list(_shown(place, get_language(), get_script_prefix(), urlconf, registered))


@functools.lru_cache(maxsize=64)
def _shown(
    place: str,
    language: str | None,
    prefix: str,
    urlconf: str,
    registered: tuple[tuple[str, str, str], ...],
) -> tuple[ShownLink, ...]:
    shown = []
    for link in registry:
        if link.place != place:
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:  # an app whose routes this deployment does not mount
            continue
        shown.append(ShownLink(link.key, link.label, url))
    return tuple(shown)
