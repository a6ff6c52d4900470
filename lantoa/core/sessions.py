"""Sessions that renew their idle timeout without a database write on every request.

The idle timeout (``SESSION_COOKIE_AGE``) is pushed a full period ahead by activity. Django
does that with ``SESSION_SAVE_EVERY_REQUEST``: every request with a session cookie writes the
session row again (BEGIN, UPDATE, COMMIT), even when nothing in it changed — 3 of the 4
database round trips of a contest's answer autosave, which phones send several times a
minute each. Here the row is written when the session changed, or when the expiry the row
holds is more than ``LANTOA_SESSION_RENEW_SECONDS`` older than a fresh one would be: a session
in use is renewed at most once a period, and an idle one still dies between
``SESSION_COOKIE_AGE − LANTOA_SESSION_RENEW_SECONDS`` and ``SESSION_COOKIE_AGE`` seconds after
its last request. The session cookie lives until the browser closes
(``SESSION_EXPIRE_AT_BROWSER_CLOSE``), so nothing about the cookie changes between renewals.

``SessionStore`` is Django's database store that remembers the expiry of the row it loaded
(the same query, nothing more); ``RenewingSessionMiddleware`` replaces Django's
``SessionMiddleware`` and marks a session modified when its renewal is due, then lets
Django's own code save it and set the cookie. Revocation (``accounts.services``) deletes rows
through the store, as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from lantoa.core import rawsql

_LIVE_ROW = (
    "SELECT session_data, expire_date FROM django_session "
    "WHERE session_key = %s AND expire_date > %s"
)


class SessionStore(DatabaseSessionStore):
    """Django's database session store, which keeps the expiry of the row it loaded."""

    loaded_expiry: dt.datetime | None = None

    def _get_session_from_db(self) -> Any:
        """Django's lookup (the live row of this key, or none and the key forgotten), by SQL
        written once: the ORM's query building cost more than the query on every request."""
        model = self.model
        key = self.session_key
        row = (
            None
            if key is None
            else rawsql.fetch_one(
                _LIVE_ROW,
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
                ((model, "session_data"), (model, "expire_date")),
                prepare=True,
            )
        )
        if key is None or row is None:
            self._session_key = None
            self.loaded_expiry = None
            return None
        self.loaded_expiry = row[1]
        return model(session_key=key, session_data=row[0], expire_date=row[1])

    def renewal_due(self) -> bool:
        """Whether the row's expiry should be pushed ahead: it was not loaded (a new session),
        or it is more than ``LANTOA_SESSION_RENEW_SECONDS`` behind a full idle period."""
        if self.loaded_expiry is None:
            return True
        left = (self.loaded_expiry - timezone.now()).total_seconds()
        return left < self.get_expiry_age() - settings.LANTOA_SESSION_RENEW_SECONDS


class RenewingSessionMiddleware(SessionMiddleware):
    """Django's session middleware, saving an unchanged session only when its renewal is due
    (``SESSION_SAVE_EVERY_REQUEST`` stays off)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and not session.modified
            and session.session_key is not None
            and isinstance(session, SessionStore)
        ):
            session.keys()  # loads the row (Django's save-every-request loaded it too)
            if not session.is_empty() and session.renewal_due():
                session.modified = True
        return super().process_response(request, response)
