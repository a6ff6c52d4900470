"""Every route declares an access policy, and unit-scoped routes hide other provinces.

The walk covers every URL pattern of the project (Django admin included) and every operation
of the API, so a new route without a policy fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lantoa.access import Policy
from tests.conftest import Officers, Tree, login


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


ALL_ROUTES = list(walk(get_resolver().url_patterns))


def policy_of(pattern: URLPattern) -> Any:
    callback = pattern.callback
    found = getattr(callback, "access_policy", None)
    if found is None and hasattr(callback, "view_class"):
        found = getattr(callback.view_class, "access_policy", None)
    return found


def test_routes_exist() -> None:
    assert len(ALL_ROUTES) > 20


def test_every_route_declares_a_policy() -> None:
    missing = []
    for route, pattern in ALL_ROUTES:
        if route.startswith("api/v1/"):
            continue  # checked per operation below
        if not isinstance(policy_of(pattern), Policy):
            missing.append(route)
    assert missing == [], f"routes without an access policy: {missing}"


def test_every_api_operation_declares_a_policy() -> None:
    from lantoa.api.introspection import api_operations

    operations = api_operations()
    assert operations, "the API has no operations"
    missing = [
        f"{method} {path}"
        for path, method, view in operations
        if not isinstance(getattr(view, "access_policy", None), Policy)
    ]
    assert missing == [], f"API operations without an access policy: {missing}"


def concrete(route: str, **values: str) -> str | None:
    """Fill a route's converters; None when it has a parameter we don't know how to fill."""
    out = route

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in values:
            raise KeyError(name)
        return values[name]

    try:
        out = re.sub(r"<(?:(\w+):)?(\w+)>", fill, out)
    except KeyError:
        return None
    if "(" in out or "^" in out or "$" in out:  # regex routes (admin internals)
        return None
    return "/" + out


UNIT_ROUTES = [
    route
    for route, _ in ALL_ROUTES
    if "<str:code>" in route or "<code>" in route or "<slug:code>" in route
]


def test_there_are_unit_scoped_routes() -> None:
    assert len(UNIT_ROUTES) >= 5, UNIT_ROUTES


@pytest.mark.parametrize("route", UNIT_ROUTES)
def test_other_province_gets_404_on_unit_routes(
    route: str, client: Client, tree: Tree, officers: Officers
) -> None:
    """An admin of province B asking for anything under province A's units gets 404."""
    login(client, officers.b_admin)
    for code in ("P-A", "A-KCN", "A-G1"):
        url = concrete(route, code=code)
        if url is None:
            continue
        get = client.get(url)
        assert get.status_code in (404, 405), f"GET {url} → {get.status_code}"
        post = client.post(url, {})
        assert post.status_code in (404, 405), f"POST {url} → {post.status_code}"
    # …and the same routes work for the unit's own officers (not 404), so the 404 above is
    # the access rule, not a broken route.
    login(client, officers.a_admin)
    url = concrete(route, code="P-A")
    if url is not None:
        assert client.get(url).status_code != 404 or client.post(url, {}).status_code != 404


LOGIN_ROUTES = [
    url
    for r, p in ALL_ROUTES
    if getattr(policy_of(p), "login", False)
    and (url := concrete(r, code="P-A", pk="1", id="1")) is not None
]


def test_there_are_login_routes() -> None:
    assert len(LOGIN_ROUTES) >= 20


@pytest.mark.parametrize("url", LOGIN_ROUTES)
def test_anonymous_is_sent_to_login(url: str, client: Client, tree: Tree) -> None:
    response = client.get(url)
    assert response.status_code in (302, 405), f"{url} → {response.status_code}"
    if response.status_code == 302:
        assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_admin_site_requires_verified_superuser(
    client: Client, tree: Tree, officers: Officers
) -> None:
    from lantoa.accounts.models import User

    boss = User.objects.create_superuser("boss", password="x-Mat-khau-2026")
    client.force_login(boss)
    assert client.get("/quan-tri/").status_code == 302  # logged in but not OTP-verified
    login(client, boss)
    assert client.get("/quan-tri/").status_code == 200
    login(client, officers.a_admin)  # not a superuser
    assert client.get("/quan-tri/").status_code == 302
