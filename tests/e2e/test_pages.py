"""The main pages in a real browser, at 390×844 (phone) and 1280×800 (desktop): none scrolls
sideways on the phone, none logs a script error or loads a broken resource, none shows
English words in the Vietnamese interface; the inbox reached from a unit page keeps its
filters folded on a phone."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.checks import controls_off_screen, english_on_page, sideways_scroll
from tests.e2e.conftest import DESKTOP, PHONE, VIEWPORTS, Viewport, World


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[World], str]
    user: str | None  # an attribute of World.officers, "grassroots", or None (a visitor)
    status: int = 200


def _officer(world: World, who: str) -> Any:
    return world.grassroots if who == "grassroots" else getattr(world.officers, who)


PAGES = [
    # officers' workspace
    Page("unit page (province)", lambda w: "/don-vi/P-A/", "a_admin"),
    Page("unit page (grassroots)", lambda w: "/don-vi/A-G1/", "grassroots"),
    Page("inbox", lambda w: "/hop-thu/", "a_admin"),
    Page("inquiry", lambda w: f"/hop-thu/{w.inquiry.code}/", "a_admin"),
    Page("activities", lambda w: "/hoat-dong/A-G1/", "a_admin"),
    Page("period reports", lambda w: "/bao-cao/A-G1/ky/", "a_admin"),
    Page("period reports (province)", lambda w: "/bao-cao/P-A/ky/", "a_admin"),
    Page("channels", lambda w: "/kenh/A-G1/", "a_admin"),
    Page("channel coverage", lambda w: "/kenh/P-A/do-phu/", "a_admin"),
    Page("cascades sent", lambda w: "/trien-khai/P-A/", "a_admin"),
    Page("cascade progress", lambda w: f"/trien-khai/chi-tiet/{w.cascade.pk}/", "a_admin"),
    Page("cascades to do", lambda w: "/trien-khai/A-G1/nhan/", "grassroots"),
    Page(
        "cascade report form",
        lambda w: f"/trien-khai/A-G1/nhan/{w.cascade.pk}/",
        "grassroots",
    ),
    Page("roster", lambda w: "/doi-ngu/A-G1/", "a_admin"),
    Page("dashboard", lambda w: "/bao-cao/P-A/tong-quan/", "a_leader"),
    Page("targets", lambda w: "/chi-tieu/P-A/", "a_admin"),
    Page("content list", lambda w: "/noi-dung/P-A/", "a_propaganda"),
    Page("content item", lambda w: f"/noi-dung/chi-tiet/{w.content.pk}/", "a_leader"),
    Page("new content", lambda w: "/noi-dung/P-A/them/", "a_propaganda"),
    Page("campaigns", lambda w: "/chien-dich/P-A/", "a_admin"),
    Page("notifications", lambda w: "/thong-bao/", "a_leader"),
    Page("record an activity", lambda w: "/hoat-dong/A-G1/them/", "grassroots"),
    Page("activities (province, whole tree)", lambda w: "/hoat-dong/P-A/?cay=1", "a_admin"),
    Page("report builder", lambda w: "/bao-cao/P-A/", "a_admin"),
    Page("channels (whole tree)", lambda w: "/kenh/P-A/?cay=1", "a_admin"),
    Page("roster (whole tree)", lambda w: "/doi-ngu/P-A/?cay=1", "a_admin"),
    Page("publications", lambda w: "/dang-tai/P-A/", "a_admin"),
    Page("media library", lambda w: "/noi-dung/P-A/thu-vien/", "a_propaganda"),
    Page("inquiry report", lambda w: "/hop-thu/P-A/bao-cao/", "a_admin"),
    Page("legal knowledge base", lambda w: "/tri-thuc/", "a_admin"),
    Page("officers", lambda w: "/tai-khoan/can-bo/", "a_admin"),
    Page("audit log", lambda w: "/nhat-ky/", "a_admin"),
    Page("sessions and API keys", lambda w: "/tai-khoan/bao-mat/", "a_admin"),
    Page("articles to review", lambda w: "/tri-thuc/ra-soat/", "a_admin"),
    Page("legal documents register", lambda w: "/tri-thuc/van-ban/", "a_admin"),
    Page("unit import (template download)", lambda w: "/don-vi/nhap/", "a_admin"),
    # public pages
    Page("public home", lambda w: "/", None),
    Page("question form", lambda w: "/cau-hoi/", None),
    Page("answer lookup", lambda w: "/cau-hoi/tra-cuu/", None),
    Page("legal Q&A", lambda w: "/hoi-dap/", None),
    Page("contests", lambda w: "/thi/", None),
    Page("news", lambda w: "/tin-tuc/", None),
    Page("privacy notice", lambda w: "/cau-hoi/bao-mat/", None),
    Page("public campaigns", lambda w: "/chien-dich-cong-khai/", None),
    Page("login", lambda w: "/tai-khoan/dang-nhap/", None),
    # error pages: an officer outside their branch, a visitor on a wrong address
    Page("another province's unit", lambda w: "/don-vi/P-B/", "a_admin", status=404),
    Page("page not found", lambda w: "/khong-co-trang-nay/", None, status=404),
]


def _visit_all(open_session: Any, world: World, viewport: Viewport) -> dict[str, list[str]]:
    """Open every page as its user; returns {page name: problems}."""
    problems: dict[str, list[str]] = {}
    sessions: dict[str | None, Any] = {}
    for page in PAGES:
        session = sessions.get(page.user)
        if session is None:
            session = sessions[page.user] = open_session(viewport)
            if page.user:
                session.log_in(_officer(world, page.user))
        session.log.clear()
        path = page.path(world)
        response = session.goto(path)
        found: list[str] = []
        if response is None or response.status != page.status:
            found.append(f"HTTP {response.status if response else '?'} at {session.page.url}")
        if viewport is PHONE:
            found += sideways_scroll(session.page, viewport.width)
            found += controls_off_screen(session.page, viewport.width)
        if os.environ.get("LANTOA_E2E_SHOTS"):
            shot = Path(os.environ["LANTOA_E2E_SHOTS"]) / f"{viewport.name}-{page.name}.png"
            session.page.screenshot(path=str(shot), full_page=True)
        found += session.log.problems()
        found += [f"English {e}" for e in english_on_page(session.page)]
        if found:
            problems[f"{page.name} {path}"] = found
    return problems


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{name}:\n  " + "\n  ".join(lines) for name, lines in sorted(problems.items())
    )


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
def test_main_pages(open_session: Any, world: World, viewport: Viewport) -> None:
    """Every main page: 200, no sideways scroll on a phone, no console or script error, no
    broken resource of ours, no English word."""
    problems = _visit_all(open_session, world, viewport)
    assert not problems, _report(problems)


_HEADER_JS = """
(width) => {
  const header = document.querySelectorAll('header[data-public-header]');
  if (header.length !== 1) return {count: header.length};
  const h = header[0];
  const links = [...h.querySelectorAll('nav a')].map(a => {
    const r = a.getBoundingClientRect();
    return [a.getAttribute('href'), a.innerText.trim(), r.left >= 0 && r.right <= width];
  });
  const lang = [...h.querySelectorAll('.lang-switch button')]
    .filter(b => b.getBoundingClientRect().width > 0).map(b => b.innerText.trim());
  const brand = h.querySelector('.brand').innerText.trim();
  return {count: 1, links, lang, brand, right: h.getBoundingClientRect().right};
}
"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
def test_public_pages_share_one_header(open_session: Any, world: World, viewport: Viewport) -> None:
    """Every page a visitor sees (site, legal Q&A, question desk, privacy, a 404) has the same
    header, whole on a phone's screen: the unit, the five links and "English"."""
    session = open_session(viewport)
    headers = {}
    for page in [p for p in PAGES if p.user is None and p.name != "login"]:
        session.goto(page.path(world))
        found = session.page.evaluate(_HEADER_JS, viewport.width)
        assert found["count"] == 1, f"{page.name}: {found['count']} public headers"
        assert all(on_screen for _href, _text, on_screen in found["links"]), (page.name, found)
        assert found["right"] <= viewport.width, (page.name, found)
        headers[page.name] = (found["brand"], [link[:2] for link in found["links"]], found["lang"])
    first = headers["public home"]
    assert first[1] == [
        ["/tin-tuc/", "Tin tức"],
        ["/hoi-dap/", "Hỏi đáp pháp luật"],
        ["/thi/", "Cuộc thi"],
        ["/cau-hoi/", "Gửi câu hỏi"],
        ["/cau-hoi/tra-cuu/", "Tra cứu"],
    ]
    assert first[2] == ["English"]
    assert {name: h for name, h in headers.items() if h != first} == {}


def test_inbox_from_unit_page_keeps_filters_folded_on_a_phone(
    open_session: Any, world: World
) -> None:
    session = open_session(PHONE)
    session.log_in(world.officers.a_admin)
    session.goto("/don-vi/A-G1/")
    session.page.get_by_role("link", name="Hộp thư hỏi đáp").first.click()
    session.page.wait_for_url("**/hop-thu/**")
    page = session.page
    # The unit filter from the link applies (the question of A-G1 is listed) …
    assert world.inquiry.code in page.locator("#inbox-results").inner_text()
    # … but the extra filters stay folded: the list comes first on a small screen.
    assert not page.locator("#f-kenh").is_visible()
    assert page.locator("details.inbox-more").evaluate("d => d.open") is False
    # The reader still sees that a unit filter is on, and can open the filters to change it.
    chips = page.locator(".chips")
    assert world.tree.a_g1.name in chips.inner_text()
    session.tap(page.locator("details.inbox-more > summary"))
    assert page.locator("#f-dv").is_visible()
    assert page.locator("#f-dv").input_value() == "A-G1"


def test_inbox_filters_chosen_by_the_officer_stay_open(open_session: Any, world: World) -> None:
    """Filters the officer chose (a channel) stay open after the page reloads."""
    session = open_session(DESKTOP)
    session.log_in(world.officers.a_admin)
    session.goto("/hop-thu/?don_vi=A-G1&kenh=web")
    assert session.page.locator("#f-kenh").is_visible()


def test_the_checks_catch_what_they_look_for(open_session: Any, world: World) -> None:
    """The page checks are not blind: the English interface is reported as English, a box
    wider than the phone as sideways scrolling (with the culprit named), a button pushed off
    the screen as off screen, a script error, a console error and a missing image as such."""
    session = open_session(PHONE)
    session.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": session.base_url}]
    )
    session.goto("/tai-khoan/dang-nhap/")
    english = " ".join(english_on_page(session.page))
    assert "“Log in”" in english and "“Password”" in english
    page = session.page
    assert sideways_scroll(page, PHONE.width) == []
    page.evaluate(
        """() => {
          const box = document.createElement('div');
          box.className = 'too-wide'; box.style.width = '420px'; box.textContent = 'x';
          document.querySelector('main').append(box);
          const b = document.createElement('button');
          b.className = 'btn'; b.textContent = 'Lưu'; b.style.marginLeft = '400px';
          document.querySelector('main').append(b);
          const img = document.createElement('img');
          img.src = '/static/lantoa/khong-co.png';
          document.querySelector('main').append(img);
          console.error('lỗi thử');
          setTimeout(() => { undefined.x; }, 0);
        }"""
    )
    session.settle()
    wide = " ".join(sideways_scroll(page, PHONE.width))
    assert "div.too-wide" in wide
    assert any("Lưu" in c for c in controls_off_screen(page, PHONE.width))
    problems = " ".join(session.log.problems())
    assert "lỗi thử" in problems and "script error" in problems
    assert "request failed: 404" in problems and "khong-co.png" in problems


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
def test_article_page_warns_of_a_near_duplicate(
    open_session: Any, tree: Any, officers: Any, viewport: Viewport
) -> None:
    """An editor opening an article that asks the question of another sees the other one,
    linked, whole on a phone's screen, in Vietnamese."""
    from django.test import override_settings

    from lantoa.core import embedding
    from lantoa.kb import semantic
    from tests.kb.support import make

    embedding.reset()
    semantic.forget()
    with override_settings(LANTOA_SEMANTIC_SEARCH=True):
        shipped = make(
            tree,
            "Lao động nữ sinh con được nghỉ thai sản bao lâu và hưởng bao nhiêu?",
            question="Tôi sắp sinh con đầu lòng. Tôi được nghỉ thai sản bao lâu, "
            "ai trả tiền và được bao nhiêu?",
        )
        own = make(
            tree,
            "Chế độ thai sản khi sinh con",
            question="Lao động nữ sinh con được nghỉ bao nhiêu tháng và hưởng tiền thai "
            "sản bao nhiêu?",
            unit=tree.pa,
        )
        session = open_session(viewport)
        session.log_in(officers.a_propaganda)
        session.goto(f"/tri-thuc/{own.pk}/")
        if os.environ.get("LANTOA_E2E_SHOTS"):
            shot = Path(os.environ["LANTOA_E2E_SHOTS"]) / f"{viewport.name}-kb-duplicate.png"
            session.page.screenshot(path=str(shot), full_page=True)
        box = session.page.locator(".kb-duplicates")
        assert box.is_visible()
        assert box.get_by_role("link", name=shipped.title).get_attribute("href") == (
            f"/tri-thuc/{shipped.pk}/"
        )
        problems = session.log.problems() + english_on_page(session.page)
        if viewport is PHONE:
            problems += sideways_scroll(session.page, viewport.width)
        assert not problems
    embedding.reset()
    semantic.forget()
