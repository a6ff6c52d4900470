"""The inbox's bulk bar and the header's count of new questions, in a real browser at 390×844
and 1280×800: a province officer ticks two new questions and gives them to a colleague, the
count drops; a new question arrives and the count (and the page title) rise without a reload
when the tab comes back into view. Rows of workers asking the same carry a badge."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import Officers, Tree
from tests.e2e.checks import controls_off_screen, english_on_page, sideways_scroll
from tests.e2e.conftest import VIEWPORTS, Viewport
from tests.inquiries.support import receive

pytestmark = pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)


def test_bulk_assign_and_the_count_refreshing(
    open_session: Any, tree: Tree, officers: Officers, viewport: Viewport
) -> None:
    from django.test import override_settings

    from lantoa.core import embedding

    embedding.reset()
    # Three workers asking the same: the job embeds them, the rows carry the badge.
    with override_settings(LANTOA_SEMANTIC_SEARCH=True):
        cases = [receive(tree.a_g1, f"Câu hỏi về hợp đồng số {n}") for n in range(3)]
    session = open_session(viewport)
    page = session.page
    session.log_in(officers.a_admin)
    session.goto("/hop-thu/")
    badge = page.locator("a[data-poll-count] [data-count-badge]")
    assert badge.inner_text() == "3"
    assert page.title().startswith("(3) ")
    assert page.locator(".badge-similar").count() == 3
    assert page.locator(".badge-similar").first.inner_text() == "≈ 2 giống nhau"
    assert sideways_scroll(page, viewport.width) == []
    assert controls_off_screen(page, viewport.width) == []
    assert english_on_page(page) == []

    for case in cases[:2]:
        session.tap(page.locator(f'input[name="ma"][value="{case.code}"]'))
    page.select_option("#bulk-who", label=officers.a_communicator.get_full_name())
    session.follow(page.get_by_role("button", name="Giao", exact=True))
    assert "Đã giao 2 câu hỏi cho" in page.locator(".messages").inner_text()
    assert badge.inner_text() == "1" and page.title().startswith("(1) ")
    for case in cases:
        case.refresh_from_db()
    assert [c.assignee for c in cases] == [officers.a_communicator] * 2 + [None]

    # A worker writes in meanwhile; the officer comes back to the tab: no reload needed.
    receive(tree.a_g2, "Công ty chậm trả lương tháng này")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(badge).to_have_text("2")  # the poll's answer, not a reload
    expect(page).to_have_title(re.compile(r"^\(2\) "))
    assert not session.log.problems(), "\n".join(session.log.problems())
