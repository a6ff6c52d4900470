"""The session's idle timeout is renewed by activity without writing the row on every request
(lantoa/core/sessions.py): written when the session changed or when its expiry is more than
LANTOA_SESSION_RENEW_SECONDS behind a full period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantoa.core.sessions import RenewingSessionMiddleware, SessionStore
from tests.conftest import Officers, login

pytestmark = pytest.mark.django_db

PAGE = "audit:list"


def _expiry(key: str) -> dt.datetime:
    return Session.objects.get(session_key=key).expire_date


def _session_writes(client: Client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(reverse(PAGE)).status_code
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    return status, len(writes)


def test_a_fresh_session_is_not_written_again_on_each_request(
    client: Client, officers: Officers
) -> None:
    login(client, officers.a_leader)
    key = client.session.session_key
    before = _expiry(key)
    for _ in range(3):
        assert _session_writes(client) == (200, 0)
    assert _expiry(key) == before


def test_a_session_whose_renewal_is_due_is_pushed_a_full_period_ahead(
    client: Client, officers: Officers
) -> None:
    login(client, officers.a_leader)
    key = client.session.session_key
    renew = settings.LANTOA_SESSION_RENEW_SECONDS
    # Last written a little more than one renewal period ago: this request writes it.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - renew - 5)
    )
    assert _session_writes(client) == (200, 1)
    left = (_expiry(key) - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 30 < left <= settings.SESSION_COOKIE_AGE
    # … and the next one does not.
    assert _session_writes(client) == (200, 0)


def test_a_changed_session_is_written_at_once(rf: RequestFactory) -> None:
    store = SessionStore()
    store["seen"] = 1
    store.create()
    key = store.session_key

    def view(request: HttpRequest) -> HttpResponse:
        request.session["seen"] = 2  # a fresh session, but changed
        return HttpResponse("ok")

    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = key
    response = RenewingSessionMiddleware(view)(request)
    assert SessionStore(session_key=key).load()["seen"] == 2
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == key


def test_an_expired_session_ends_and_its_cookie_is_cleared(
    client: Client, officers: Officers
) -> None:
    login(client, officers.a_leader)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    r = client.get(reverse(PAGE))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    assert not Session.objects.filter(session_key=key, expire_date__gt=timezone.now()).exists()
