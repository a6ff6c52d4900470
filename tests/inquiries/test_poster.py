"""The QR poster (lantoa.inquiries.poster): a PDF with the unit's public form address, for officers
of the subtree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_poster_is_a_pdf_with_the_units_form_address(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    response = client.get(reverse("inquiries_public:poster", args=["A-G1"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="ap-phich-hoi-dap-A-G1.pdf"' in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert b"http://testserver/cau-hoi/don-vi/A-G1/" in pdf
    assert len(pdf) > 5000  # fonts and the QR drawing are in it


def test_poster_uses_the_public_address(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_viewer)
    with override_settings(LANTOA_PUBLIC_URL="https://congdoan.example.vn"):
        pdf = client.get(reverse("inquiries_public:poster", args=["A-G1"])).content
    assert b"https://congdoan.example.vn/cau-hoi/don-vi/A-G1/" in pdf


def test_poster_is_for_officers_of_the_subtree(
    client: Client, tree: Tree, officers: Officers
) -> None:
    url = reverse("inquiries_public:poster", args=["A-G1"])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/tai-khoan/")
    login(client, officers.b_admin)
    assert client.get(url).status_code == 404
    login(client, officers.a_viewer)  # at A-G1
    assert client.get(reverse("inquiries_public:poster", args=["A-G2"])).status_code == 404
