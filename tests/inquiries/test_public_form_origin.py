"""The public pages must let a real browser post its own forms.

Browsers send ``Origin: null`` on a form POST from a page whose referrer policy is
"no-referrer", and Django's CSRF check refuses that; the test client sends no Origin at all, so
only the policy itself can be checked here (found by driving the demo in Chromium)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/cau-hoi/", "/cau-hoi/tra-cuu/"])
def test_public_pages_keep_the_origin_of_their_own_posts(
    client: Client, tree: Tree, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    policies = re.findall(r'<meta name="referrer" content="([^"]+)"', html)
    assert policies == ["same-origin"]  # nothing leaves for other sites, Origin kept at home
    assert page["Referrer-Policy"] in (
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    )


def test_a_post_with_the_browsers_null_origin_is_what_fails(tree: Tree) -> None:
    """Why it matters: the same form posted with "Origin: null" is refused outright."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/cau-hoi/")  # the public address printed on posters
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    data = {"csrfmiddlewaretoken": token.group(1), "question": "Công ty nợ lương hai tháng"}
    assert browser.post("/cau-hoi/", data, HTTP_ORIGIN="null").status_code == 403
    assert browser.post("/cau-hoi/", data, HTTP_ORIGIN="http://testserver").status_code != 403
