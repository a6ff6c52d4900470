from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest

from lantoa import access
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
    (looked up only by a page that shows it; a public site's view passes its own); and the
    signed-in officer's home unit for the header."""
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
    return {**languages, "home_unit": access.home_unit(user)}
