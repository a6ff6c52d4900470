"""A live "Rung chuông vàng" in the browser: a host console and a projector on a desktop, two
players on phones (390×844) who join by PIN. One player is eliminated, reloads the page
(same device) and finds their state; the host rescues everyone; on the last question that
player's page is reloaded mid-question and they still answer it. The game ends with the right
winners and becomes an activity record. No option is marked right on a phone before the host
reveals the answer; no sideways scrolling or control off screen on the phones, no script
error anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from lantoa.activities.models import Activity
from lantoa.livegame.engine import use_store
from lantoa.livegame.models import Game, Player, PlayerState
from lantoa.livegame.store import MemoryStore
from tests.conftest import Officers, Tree
from tests.e2e.checks import controls_off_screen, sideways_scroll
from tests.e2e.conftest import DESKTOP, PHONE, Session
from tests.livegame.support import make_game


@pytest.fixture(autouse=True)
def memory() -> Iterator[None]:
    use_store(MemoryStore())  # the live server's threads share this process's store
    yield
    use_store(None)


def _phone_fine(session: Session) -> None:
    problems = [
        *session.log.problems(),
        *sideways_scroll(session.page, PHONE.width),
        *controls_off_screen(session.page, PHONE.width),
    ]
    assert not problems, "\n".join(problems)


def _join(open_session: Any, game: Game, name: str, unit: Any) -> Session:
    player = open_session(PHONE)
    page = player.page
    player.goto("/choi/")
    page.get_by_label("Mã PIN").fill(game.pin)
    player.follow(page.get_by_role("button", name="Tiếp tục"))
    page.get_by_label("Tên của bạn").fill(name)
    page.locator("select[name=unit]").select_option(str(unit.pk))
    player.follow(page.get_by_role("button", name="Vào chơi"))
    assert page.url.endswith(f"/choi/{game.pin}/choi/")
    expect(page.locator("#lg-name")).to_have_text(name)
    _phone_fine(player)
    return player


def _see(session: Session, selector: str, text: str) -> None:
    expect(session.page.locator(selector)).to_contain_text(text)


def _exactly(session: Session, selector: str, text: str) -> None:
    expect(session.page.locator(selector)).to_have_text(text)


def _act(host: Session, label: str) -> None:
    host.page.get_by_role("button", name=label, exact=True).click()
    host.page.wait_for_timeout(150)
    error = host.page.locator("#lg-error").text_content() or ""
    assert not error.strip(), error


def test_live_game_in_the_browser(open_session: Any, tree: Tree, officers: Officers) -> None:
    game = make_game(tree.pa)
    host = open_session(DESKTOP)
    host.log_in(officers.a_propaganda)
    host.goto(f"/tro-choi/so/{game.pk}/dieu-khien/")
    screen = open_session(DESKTOP)
    screen.log_in(officers.a_propaganda)
    screen.goto(f"/tro-choi/so/{game.pk}/man-hinh/")
    assert game.pin in (screen.page.locator(".lg-pin").text_content() or "")

    an = _join(open_session, game, "Nguyễn Văn An", tree.a_g1)
    binh = _join(open_session, game, "Trần Thị Bình", tree.a_g2)
    _exactly(host, "#lg-joined", "2")
    _see(screen, "#lg-lobby", "Trần Thị Bình")

    _act(host, "Bắt đầu")
    _act(host, "Câu tiếp theo")
    for player in (an, binh, screen):
        expect(player.page.locator("#lg-qtext")).not_to_be_empty()
    question = an.page.locator("#lg-qtext").text_content() or ""
    assert "thử việc" in question
    # Before the reveal nothing on a phone says which option is right.
    assert an.page.locator(".lg-right").count() == 0
    an.tap(an.page.get_by_role("button", name="B. 60 ngày"))
    binh.tap(binh.page.get_by_role("button", name="A. 30 ngày"))
    _see(an, "#lg-status", "Đã gửi")
    _exactly(host, "#lg-answered", "2")
    _act(host, "Công bố đáp án")
    _see(an, "#lg-reveal", "Chính xác")
    _see(binh, "#lg-state", "bị loại")
    expect(screen.page.locator(".lg-right")).to_have_count(1)
    assert Player.objects.get(name="Trần Thị Bình").state == PlayerState.ELIMINATED

    # Bình's phone drops and comes back (the same device, within 60 s): still eliminated.
    binh.page.reload(wait_until="load")
    _see(binh, "#lg-state", "bị loại")
    _phone_fine(binh)

    _act(host, "Cứu trợ tất cả")
    _see(binh, "#lg-state", "cứu trợ")
    _act(host, "Câu tiếp theo")
    _see(an, "#lg-qtext", "giờ làm việc")
    an.tap(an.page.get_by_role("button", name="A. 8 giờ"))
    # Mid-question Bình's phone loses the page and comes back: the same question, its time
    # still running, Bình still rescued, and the answer counts.
    _see(binh, "#lg-qtext", "giờ làm việc")
    binh.page.reload(wait_until="load")
    _see(binh, "#lg-qtext", "giờ làm việc")
    _see(binh, "#lg-state", "cứu trợ")
    _see(binh, "#lg-timer", "giây")
    binh.tap(binh.page.get_by_role("button", name="A. 8 giờ"))
    _see(binh, "#lg-status", "Đã gửi")
    _exactly(host, "#lg-answered", "2")
    _act(host, "Công bố đáp án")
    _act(host, "Kết thúc")
    _see(screen, "#lg-reveal", "Nguyễn Văn An")
    assert "Trần Thị Bình" in (screen.page.locator("#lg-reveal").text_content() or "")
    game.refresh_from_db()
    winners = set(Player.objects.filter(game=game, winner=True).values_list("name", flat=True))
    assert winners == {"Nguyễn Văn An", "Trần Thị Bình"}
    activity = Activity.objects.get(pk=game.activity_id)
    assert activity.unit_id == tree.pa.pk and activity.participants == 2
    host.goto(f"/tro-choi/so/{game.pk}/")
    assert "Đã ghi thành hoạt động của đơn vị." in host.page.content()
    for session in (host, screen, an, binh):
        assert not session.log.problems(), session.log.problems()
