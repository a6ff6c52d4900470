"""While the database cannot be reached — PostgreSQL restarting, a failover, the connection
pool exhausted, SQLite locked for too long — requests get a "busy, try again" page (HTTP 503
with ``Retry-After``) in the site's layout, not an error page with a traceback.

``DatabaseUnavailableMiddleware`` catches the database's ``OperationalError`` and
``InterfaceError`` raised by a view; ``server_error`` (the project's ``handler500``) gives the
same answer when one is raised elsewhere (a middleware saving the session), and
``bad_request`` (``handler400``) when the session middleware turned a failed save into
"session interrupted" because the database went away during the request. The failed request's
connection is closed by Django at the end of the request (``CONN_HEALTH_CHECKS`` makes the next
request check a reused connection first), so the site recovers without anyone doing anything
once the database answers again.

The page is rendered without the request: no context processor runs, so nothing on it needs the
database. If even that fails, a plain page with the same text is sent.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

RETRY_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def _plain() -> str:
    title = _("Hệ thống đang bận, vui lòng thử lại sau")
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · Lan Tỏa</title></head><body><main><h1>{title}</h1><p>"
        + _("Vui lòng đợi khoảng %(seconds)s giây rồi tải lại trang.") % {"seconds": RETRY_SECONDS}
        + "</p></main></body></html>"
    )


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 answer for ``request``, whose database call raised ``exc``."""
    # The error class only: a message may quote a query and its parameters.
    log.warning(
        "database unavailable (%s) for %s %s", type(exc).__name__, request.method, request.path
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("Hệ thống đang bận, vui lòng thử lại sau.")}, status=503
        )
    else:
        body: str
        try:
            body = render_to_string("core/unavailable.html", {"retry_seconds": RETRY_SECONDS})
        except Exception:
            log.exception("the busy page could not be rendered")
            body = _plain()
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable_response(request, exception)
        return None


def _database_error_in(exc: BaseException | None) -> BaseException | None:
    """``exc`` or an exception it was raised from or while handling, if the database's."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DATABASE_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def bad_request(
    request: HttpRequest, exception: Exception, template_name: str = "400.html"
) -> HttpResponse:
    """``handler400``: the busy page when the database failed underneath (the session could
    not be saved), Django's answer otherwise."""
    found = _database_error_in(exception)
    if found is not None:
        return unavailable_response(request, found)
    return defaults.bad_request(request, exception, template_name)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: the busy page when the error was the database's, Django's otherwise."""
    found = _database_error_in(sys.exc_info()[1])
    if found is not None:
        return unavailable_response(request, found)
    return defaults.server_error(request, template_name)
