"""Content-Security-Policy on every page, and templates that live with it: no inline script
without a nonce, no on* handler, no style attribute (issue 11, finding 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import Officers, login

TEMPLATE_ROOT = Path(__file__).resolve().parents[2] / "lantoa"
# E-mails are not pages: mail clients need inline styles, and no CSP applies to them.
TEMPLATES = sorted(
    p for p in TEMPLATE_ROOT.rglob("*.html") if "email" not in p.relative_to(TEMPLATE_ROOT).parts
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)

REQUIRED = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def offences(html: str) -> list[str]:
    found = []
    for attrs in SCRIPT_TAG.findall(html):
        if "src=" not in attrs and "nonce=" not in attrs:
            found.append(f"<script{attrs}> without src or nonce")
    found += [f"handler: {m.group(0)[:80]}" for m in HANDLER.finditer(html)]
    found += [f"style attribute: {m.group(0)[:80]}" for m in STYLE_ATTR.finditer(html)]
    found += [f"<style> element at {m.start()}" for m in STYLE_TAG.finditer(html)]
    return found


def test_there_are_templates() -> None:
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATE_ROOT)))
def test_template_has_no_inline_script_handler_or_style(path: Path) -> None:
    assert offences(path.read_text(encoding="utf-8")) == []


def _routes(patterns: list[object], prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return out


def _concrete(route: str) -> str | None:
    values = {"code": "P-A", "unit_code": "P-A"}
    try:
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)
    except KeyError:
        return None
    if any(c in url for c in "()^$") or url.startswith(("api/v1/", "webhooks/", "quan-tri/")):
        return None
    return "/" + url


# Every page without an id in its address (those need rows): the officers' screens of a
# province, the public site and inquiry desk, the login pages; plus the back office's index.
PAGES = [
    *sorted({u for r in _routes(get_resolver().url_patterns) if (u := _concrete(r))}),
    "/quan-tri/",
]


def test_there_are_pages() -> None:
    assert len(PAGES) > 50


def _assert_policy(response: object, url: str) -> None:
    policy = response["Content-Security-Policy"]  # type: ignore[index]
    for directive in REQUIRED:
        assert directive in policy, f"{url}: {directive!r} missing from {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("url", PAGES)
def test_every_page_carries_the_policy(url: str, officers: Officers) -> None:
    officers.national_admin.is_superuser = True
    officers.national_admin.save()
    client = login(Client(), officers.national_admin)
    for c in (client, Client()):
        response = c.get(url)
        _assert_policy(response, url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert offences(response.content.decode()) == [], url


def test_the_nonce_is_fresh_on_each_request_and_named_in_the_header(db: None) -> None:
    """For a page that needs an inline script one day: ``nonce="{{ CSP_NONCE }}"``."""
    from csp.context_processors import nonce as nonce_context
    from csp.middleware import CSPMiddleware
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.test import RequestFactory

    template = engines["django"].from_string('<script nonce="{{ CSP_NONCE }}">1</script>')

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(template.render(nonce_context(request)))

    nonces = []
    for _ in range(2):
        response = CSPMiddleware(view)(RequestFactory().get("/"))
        found = re.search(r'nonce="([^"]+)"', response.content.decode())
        assert found is not None
        assert f"'nonce-{found.group(1)}'" in response["Content-Security-Policy"]
        nonces.append(found.group(1))
    assert nonces[0] != nonces[1]
