"""The report screens of a unit (lantoa.reports.views)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import Officers, Tree, login


def test_report_page_names_the_union_document_format(
    client: Client, tree: Tree, officers: Officers
) -> None:
    """Union documents follow Quyết định 933/QĐ-TLĐ (built on Nghị định 30/2020/NĐ-CP)."""
    login(client, officers.a_admin)
    html = client.get(reverse("reports:unit", args=["P-A"])).content.decode()
    assert "Quyết định 933/QĐ-TLĐ ngày 14/5/2024" in html
    assert "(Nghị định 30/2020/NĐ-CP)" not in html
