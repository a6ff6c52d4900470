"""English mode translates the service's own words on screens: the inbox tabs and period
names (official documents stay Vietnamese: ``Period.label``)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lantoa.core.periods import parse_period
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db


def _english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def test_inbox_tabs_in_english(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    _english(client)
    page = client.get(reverse("inquiries:inbox")).content.decode()
    for english in ("Open", "Mine", "Unassigned", "Overdue", "All"):
        assert english in page
    for vietnamese in ("Đang mở", "Chưa phân công", "Tất cả"):
        assert vietnamese not in page


def test_period_names_follow_the_language() -> None:
    from django.utils import translation

    half = parse_period("2026-H1")
    with translation.override("en"):
        assert half.name == "first half of 2026"
        assert parse_period("2026-05").name_title == "May 2026"
        assert parse_period("2026-Q3").name == "quarter III of 2026"
    with translation.override("vi"):
        assert half.name_title == "6 tháng đầu năm 2026"
    assert half.label == "6 tháng đầu năm 2026"  # documents


def test_period_page_in_english(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    _english(client)
    page = client.get(reverse("periods:periods", args=["P-A"])).content.decode()
    assert "Tháng " not in page and "6 tháng" not in page
