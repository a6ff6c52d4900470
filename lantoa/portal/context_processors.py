from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property

from lantoa import access
from lantoa.core.extensions import HeaderLink, header_links
from lantoa.units.models import Unit
from lantoa.units.selectors import site_unit


def _site_unit() -> Unit | None:
    try:
        return site_unit()
    except DatabaseError:  # the header of a page shown while the database is away
        return None


def lantoa(request: HttpRequest) -> dict[str, Any]:
    """The languages for the switch on every page, each named in itself and in composed
    Unicode (Django's own names are decomposed); the unit whose name heads the public pages
    (looked up only by a page that shows it; a public site's view passes its own); and for the
    signed-in officer's header: their home unit and the links to their work queues with how
    many wait (``lantoa.core.extensions.header_links``: new questions, items awaiting
    approval)."""
    languages = {
        "site_languages": settings.LANGUAGES,
        # A callable: the template calls it where it reads it, once (cached) per request.
        "site_unit": functools.cache(_site_unit),
    }
    # A request refused before the authentication middleware ran (a bad Host header: 400)
    # has no user; its error page must still render.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return languages
    links = [HeaderCount(link, user) for link in header_links if link.visible(user)]
    return {
        **languages,
        "home_unit": access.home_unit(user),
        "header_links": links,
        "header_polls": any(link.link.poll_url_name for link in links),
    }


class HeaderCount:
    """One header link for one officer; its number counted only if the template asks."""

    def __init__(self, link: HeaderLink, user: Any) -> None:
        self.link = link
        self.user = user
        self.url = reverse(link.url_name) + (f"?{link.query}" if link.query else "")
        self.poll_url = reverse(link.poll_url_name) if link.poll_url_name else ""

    @cached_property
    def count(self) -> int:
        return self.link.count(self.user)
