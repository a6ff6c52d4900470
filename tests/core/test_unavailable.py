"""While the database cannot be reached, pages answer 503 "Hệ thống đang bận, vui lòng thử lại
sau" in the site's layout (or JSON for the API), never a 500 with a traceback, and the next
request after the database is back works (issue 11, finding 2)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.utils import timezone

from lantoa.core import unavailable
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db

BUSY = "Hệ thống đang bận, vui lòng thử lại sau"


@pytest.fixture
def database_down() -> Iterator[None]:
    """Every query fails as during a PostgreSQL restart. The cache is emptied first: a public
    page another test left in it would (rightly) still be served without the database."""
    from django.core.cache import cache

    cache.clear()

    def refuse(*args: Any) -> Any:
        raise OperationalError("terminating connection due to administrator command")

    with connection.execute_wrapper(refuse):
        yield


def assert_busy_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(unavailable.RETRY_SECONDS)
    html = response.content.decode()
    assert BUSY in html
    assert '<header class="topbar' in html  # the site's layout (header)
    assert "Traceback" not in html and "administrator command" not in html


@pytest.mark.parametrize("path", ["/", "/tin-tuc/", "/tin-tuc/P-A/", "/hoi-dap/"])
def test_pages_during_a_database_restart(
    path: str, client: Client, tree: Tree, officers: Officers, database_down: None
) -> None:
    assert_busy_page(client.get(path))


def test_question_posted_during_a_database_restart(
    client: Client, tree: Tree, database_down: None
) -> None:
    from tests.inquiries.test_public_views import FORM, form_data

    assert_busy_page(client.post(FORM, form_data()))


def test_signed_in_officer_whose_session_cannot_be_read(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    assert client.get("/don-vi/A-G1/").status_code == 200

    def refuse(*args: Any) -> Any:
        raise InterfaceError("connection already closed")

    # Reading the session fails in the view, saving it fails again in the session middleware
    # (after the view): both give the busy page, not a 500.
    client.raise_request_exception = False
    with connection.execute_wrapper(refuse):
        assert_busy_page(client.get("/don-vi/A-G1/"))
    # The database is back: the same session works again, nothing to do by hand.
    assert client.get("/don-vi/A-G1/").status_code == 200


def test_error_outside_the_view_gets_the_busy_page_too(
    tree: Tree, officers: Officers, database_down: None
) -> None:
    """A middleware that touches the database after the view (saving the session) raises
    outside the view: the project's handler500 answers."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    try:
        raise OperationalError("could not connect to server: Connection refused")
    except OperationalError:
        response = unavailable.server_error(request)
    assert_busy_page(response)
    try:
        raise ValueError("a bug")
    except ValueError:
        other = unavailable.server_error(request)
    assert other.status_code == 500


def test_handlers_are_the_projects() -> None:
    from lantoa import urls

    assert urls.handler500 == "lantoa.core.unavailable.server_error"
    assert urls.handler400 == "lantoa.core.unavailable.bad_request"


def test_database_gone_when_the_session_is_saved(
    client: Client, tree: Tree, officers: Officers
) -> None:
    """The view worked, then the database went away: saving the session fails, which Django
    reports as "session interrupted" (400). The officer gets the busy page instead."""
    login(client, officers.a_admin)
    # A session whose renewal is due (lantoa/core/sessions.py): this request writes it.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now()
        + dt.timedelta(
            seconds=settings.SESSION_COOKIE_AGE - settings.LANTOA_SESSION_RENEW_SECONDS - 5
        )
    )

    def refuse_session_writes(execute: Any, sql: str, *args: Any) -> Any:
        if sql.startswith("UPDATE") and "django_session" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, *args)

    client.raise_request_exception = False
    with connection.execute_wrapper(refuse_session_writes):
        assert_busy_page(client.get("/don-vi/A-G1/"))
    assert client.get("/don-vi/A-G1/").status_code == 200


def test_other_bad_requests_keep_their_answer(client: Client) -> None:
    from django.core.exceptions import SuspiciousOperation
    from django.test import RequestFactory

    response = unavailable.bad_request(RequestFactory().get("/"), SuspiciousOperation("x"))
    assert response.status_code == 400


def test_api_gets_json(client: Client, tree: Tree, database_down: None) -> None:
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer lt_" + "a" * 40)
    assert response.status_code == 503
    assert json.loads(response.content) == {"detail": BUSY + "."}


def test_page_in_english_for_who_chose_english(
    client: Client, tree: Tree, database_down: None
) -> None:
    client.cookies["django_language"] = "en"
    response = client.get("/tin-tuc/")
    assert response.status_code == 503
    assert "The system is busy" in response.content.decode()
