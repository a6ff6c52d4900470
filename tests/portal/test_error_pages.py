"""Error pages (400, 403, 404, 500, CSRF) in Vietnamese, in the site's layout, with a way back
and the phone viewport — not Django's English pages."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db

ENGLISH = ("Not Found", "Forbidden", "Server Error", "CSRF verification failed", "Bad Request")


def _check(html: str, *, title: str) -> None:
    assert title in html
    assert 'name="viewport"' in html
    assert "Về trang chủ" in html
    assert not any(word in html for word in ENGLISH), html[:500]


@pytest.fixture(autouse=True)
def _production(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False


def test_404_for_a_visitor_and_outside_an_officers_branch(
    client: Client, tree: Tree, officers: Officers
) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    _check(response.content.decode(), title="Không tìm thấy trang")
    login(client, officers.a_leader)
    response = client.get(f"/don-vi/{tree.pb.code}/")
    assert response.status_code == 404
    _check(response.content.decode(), title="Không tìm thấy trang")
    assert "Tìm đơn vị" in response.content.decode()


def test_403_says_why_and_how_back(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_viewer)
    response = client.post("/bao-cao/A-G1/ky/2024-03/gui/", {"note": "x"})
    assert response.status_code == 403
    _check(response.content.decode(), title="không có quyền")


def test_csrf_failure_page(tree: Tree, officers: Officers) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, officers.a_leader)
    response = client.post("/bao-cao/P-A/ky/2024-03/gui/", {"note": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    _check(html, title="Biểu mẫu đã hết hạn")
    assert "Quay lại trang trước" in html


def test_500_renders_without_the_database() -> None:
    request = RequestFactory().get("/")
    response = defaults.server_error(request)
    assert response.status_code == 500
    _check(response.content.decode(), title="Có lỗi xảy ra")


def test_400_page() -> None:
    request = RequestFactory().get("/")
    response = defaults.bad_request(request, Exception("bad"))
    assert response.status_code == 400
    _check(response.content.decode(), title="Yêu cầu không hợp lệ")


def test_a_bad_host_gets_the_vietnamese_400(client: Client) -> None:
    response = client.get("/", HTTP_HOST="ke-gian.example")
    assert response.status_code == 400
    _check(response.content.decode(), title="Yêu cầu không hợp lệ")
