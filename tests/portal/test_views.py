"""The home page ("/"): a signed-in officer goes on to their unit; one without a unit is told
so (lantoa.portal.views)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lantoa.accounts.models import User
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db


def test_home_redirects_to_home_unit_and_no_unit_page(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_leader)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=["P-A"])
    lonely = User.objects.create_user(username="chua_co", password="x-" * 6)
    login(client, lonely)
    response = client.get("/")
    assert response.status_code == 200
    assert "Chưa được phân công đơn vị" in response.content.decode()


def test_favicon_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    from django.contrib.staticfiles import finders

    assert finders.find("lantoa/favicon.svg")


def test_client_errors_are_logged_without_traceback(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from lantoa.core.logs import ClientErrorsWithoutTraceback

    keep = ClientErrorsWithoutTraceback()
    try:
        raise PermissionError("denied")
    except PermissionError:
        import sys

        info = sys.exc_info()
    forbidden = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden", (), info)
    forbidden.status_code = 403
    crash = logging.LogRecord("django.request", logging.ERROR, "", 0, "Server error", (), info)
    crash.status_code = 500
    assert keep.filter(forbidden) and keep.filter(crash)
    assert forbidden.exc_info is None and crash.exc_info is not None


def test_a_refused_request_logs_one_line(
    client: Client, tree: Tree, officers: Officers, caplog: pytest.LogCaptureFixture
) -> None:
    """A 403 (a viewer trying to submit a report) is a warning line, not a traceback."""
    login(client, officers.a_viewer)
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.post("/bao-cao/A-G1/ky/2024-03/gui/", {"note": "x"})
    assert response.status_code == 403
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged and all(r.exc_info is None for r in logged)


def test_an_unknown_host_logs_one_line(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    """The demo bound to every interface and opened by another name: a 400 and one line."""
    with caplog.at_level("WARNING", logger="django.security"):
        response = client.get("/", HTTP_HOST="may-cua-toi.local:8000")
    assert response.status_code == 400
    logged = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert logged and all(r.exc_info is None for r in logged)


@pytest.mark.parametrize("path", ["/", "/cau-hoi/", "/cau-hoi/tra-cuu/", "/tai-khoan/dang-nhap/"])
def test_every_public_page_offers_the_language_switch_in_its_own_words(
    client: Client, tree: Tree, path: str
) -> None:
    response = client.get(path, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="en"' in html and ">English<" in html
    assert "Tiếng Anh" not in html
    english = client.post("/i18n/setlang/", {"language": "en", "next": path}, follow=True)
    page = english.content.decode()
    assert ">Tiếng Việt<" in page, page[
        page.find("lang-switch") - 20 : page.find("lang-switch") + 600
    ]
