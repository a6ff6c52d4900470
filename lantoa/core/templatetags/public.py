"""The links of the public pages' header and footer: ``{% load public %}{% public_nav "nav" %}``
and ``{% public_nav "footer" %}``. The apps register them
(``lantoa.core.extensions.public_links``); nothing here needs the database, nor the request
(only to mark the current page), so the error pages rendered without either show them too."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lantoa.core.extensions import public_links as registry

register = template.Library()


@dataclass(frozen=True)
class ShownLink:
    key: str
    label: Any
    url: str


def _key(place: str) -> tuple[str, str | None, str, str, tuple[tuple[str, str, str], ...]]:
    """What the links of ``place`` depend on: the language, the script prefix, the URLconf and
    the links registered."""
    registered = tuple((link.key, link.url_name, link.place) for link in registry)
    urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
    return place, get_language(), get_script_prefix(), urlconf, registered


@register.simple_tag(takes_context=True)
def public_nav(context: template.Context, place: str = "nav") -> str:
    """The links of ``place`` as the layout shows them: the header's (``nav``), the current
    page's marked ``aria-current``, or the footer's, separated by " · ". The HTML is built once
    per language, script prefix, URLconf, links registered and current page among them, the
    links reversed once per all but the last (Django's template loop over them, each link
    reversed, took a fifth of a light public page's CPU). The labels are lazy translations,
    rendered in the language of the key."""
    key = _key(place)
    path = getattr(context.get("request"), "path", "")
    current = path if any(link.url == path for link in _shown(*key)) else ""
    return _html(*key, current)


@functools.lru_cache(maxsize=256)
def _html(
    place: str,
    language: str | None,
    prefix: str,
    urlconf: str,
    registered: tuple[tuple[str, str, str], ...],
    current: str,
) -> str:
    links = _shown(place, language, prefix, urlconf, registered)
    if place == "footer":
        return format_html_join(" · ", '<a href="{}">{}</a>', ((x.url, x.label) for x in links))
    marked = mark_safe(' aria-current="page"')
    return format_html_join(
        "",
        '<a href="{}"{}>{}</a>',
        ((x.url, marked if x.url == current else "", x.label) for x in links),
    )


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
