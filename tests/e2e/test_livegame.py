"""A live "Rung chuông vàng" in the browser: a host console and a projector on a desktop, five
players on phones (390×844) who join by PIN, picking their union by searching it (from the
suggestions, by a code typed in full, and by choosing among several matches as a phone
without script would). Six questions of an elimination game: players are eliminated by a
wrong or missing answer, the rescue question brings one back, one player's page is reloaded
mid-question (same device) and still answers, the golden bell question is rung by the last
player standing. The winner and each elimination are right, the game becomes an activity
record of the organising province, and its dashboard shows the game and its players counted
for their unions. No option is marked right on a phone before the host reveals the answer;
no sideways scrolling or control off screen on the phones, no script error anywhere."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from lantoa.activities.models import Activity, ActivityKind
from lantoa.livegame.engine import use_store
from lantoa.livegame.models import Game, Player, PlayerState
from lantoa.livegame.store import MemoryStore
from tests.conftest import Officers, Tree
from tests.e2e.checks import controls_off_screen, sideways_scroll
from tests.e2e.conftest import DESKTOP, PHONE, Session
from tests.livegame.support import make_game

UNIT_BOX = "Công đoàn cơ sở, đơn vị của bạn"


@pytest.fixture(autouse=True)
def memory() -> Iterator[None]:
    use_store(MemoryStore())  # the live server's threads share this process's store
    cache.clear()  # the join limits start afresh
    yield
    use_store(None)


def _phone_fine(session: Session) -> None:
    problems = [
        *session.log.problems(),
        *sideways_scroll(session.page, PHONE.width),
        *controls_off_screen(session.page, PHONE.width),
    ]
    assert not problems, "\n".join(problems)


def _join(open_session: Any, game: Game, name: str, unit: Any, how: str) -> Session:
    """Join by PIN; the union found by the suggestions typed for (``how`` "suggest"), by its
    code typed in full ("code") or by choosing among several matches after sending ("choose")."""
    player = open_session(PHONE)
    page = player.page
    player.goto("/choi/")
    page.get_by_label("Mã PIN").fill(game.pin)
    player.follow(page.get_by_role("button", name="Tiếp tục"))
    page.get_by_label("Tên của bạn").fill(name)
    box = page.get_by_label(UNIT_BOX)
    if how == "suggest":
        box.press_sequentially("dien tu dong", delay=20)
        option = page.get_by_role("option", name=unit.name)
        expect(option).to_be_visible()
        _phone_fine(player)  # the suggestions fit the phone
        player.tap(option)
        expect(box).to_have_value(unit.name)
    elif how == "code":
        box.fill(unit.code)
    else:
        box.fill("my binh")
        page.keyboard.press("Escape")
        player.follow(page.get_by_role("button", name="Vào chơi"))
        expect(page.locator(".errorlist")).to_contain_text("Có nhiều đơn vị khớp")
        _phone_fine(player)
        player.tap(page.get_by_role("radio", name=unit.name))
    _open_live(player, lambda: player.tap(page.get_by_role("button", name="Vào chơi")))
    assert page.url.endswith(f"/choi/{game.pin}/choi/"), page.content()[:2000]
    expect(page.locator("#lg-name")).to_have_text(name)
    _phone_fine(player)
    return player


def _open_live(session: Session, go: Any) -> None:
    """Open a live page: its event stream stays open, so Session.settle (no request in flight)
    would wait its whole limit; the page is ready once loaded."""
    with session.page.expect_navigation(wait_until="load"):
        go()


def _see(session: Session, selector: str, text: str) -> None:
    expect(session.page.locator(selector)).to_contain_text(text)


def _exactly(session: Session, selector: str, text: str) -> None:
    expect(session.page.locator(selector)).to_have_text(text)


def _act(host: Session, label: str) -> None:
    host.page.get_by_role("button", name=label, exact=True).click()
    host.page.wait_for_timeout(150)
    error = host.page.locator("#lg-error").text_content() or ""
    assert not error.strip(), error


def _answer(player: Session, option: str) -> None:
    player.tap(player.page.get_by_role("button", name=option))
    _see(player, "#lg-status", "Đã gửi")


def _ask(host: Session, label: str, players: list[Session], text: str) -> None:
    _act(host, label)
    for player in players:
        _see(player, "#lg-qtext", text)
        # Before the reveal nothing on a phone says which option is right.
        assert player.page.locator(".lg-right").count() == 0


def test_live_game_in_the_browser(open_session: Any, tree: Tree, officers: Officers) -> None:
    game = make_game(tree.pa)
    host = open_session(DESKTOP)
    host.log_in(officers.a_propaganda)
    _open_live(host, lambda: host.page.goto(f"/tro-choi/so/{game.pk}/dieu-khien/"))
    screen = open_session(DESKTOP)
    screen.log_in(officers.a_propaganda)
    _open_live(screen, lambda: screen.page.goto(f"/tro-choi/so/{game.pk}/man-hinh/"))
    assert game.pin in (screen.page.locator(".lg-pin").text_content() or "")

    an = _join(open_session, game, "Nguyễn Văn An", tree.a_g1, "code")
    binh = _join(open_session, game, "Trần Thị Bình", tree.a_g1, "code")
    chi = _join(open_session, game, "Lê Minh Chi", tree.a_g2, "suggest")
    dung = _join(open_session, game, "Phạm Văn Dũng", tree.a_xa, "code")  # a commune union
    em = _join(open_session, game, "Hoàng Thị Em", tree.a_g3, "choose")
    everyone = [an, binh, chi, dung, em]
    _exactly(host, "#lg-joined", "5")
    _see(screen, "#lg-lobby", "Hoàng Thị Em")
    _act(host, "Bắt đầu")

    # 1. Dũng answers wrong, Em not at all: both are out.
    _ask(host, "Câu tiếp theo", everyone, "thử việc")
    for player in (an, binh, chi):
        _answer(player, "B. 60 ngày")
    _answer(dung, "A. 30 ngày")
    _exactly(host, "#lg-answered", "4")
    _act(host, "Công bố đáp án")
    _see(an, "#lg-reveal", "Chính xác")
    _see(dung, "#lg-state", "bị loại")
    _see(em, "#lg-state", "bị loại")
    expect(screen.page.locator(".lg-right")).to_have_count(1)

    # 2. Bình's phone loses the page mid-question and comes back (the same device, within
    # 60 s): the same question, its time still running, and the answer counts. Chi is out.
    _ask(host, "Câu tiếp theo", [an, binh, chi], "giờ làm việc")
    _answer(an, "A. 8 giờ")
    binh.page.reload(wait_until="load")
    _see(binh, "#lg-qtext", "giờ làm việc")
    _see(binh, "#lg-timer", "giây")
    _see(binh, "#lg-state", "trong cuộc chơi")
    _phone_fine(binh)
    _answer(binh, "A. 8 giờ")
    _answer(chi, "B. 10 giờ")
    _exactly(host, "#lg-answered", "3")
    _act(host, "Công bố đáp án")
    _see(chi, "#lg-state", "bị loại")

    # 3. The rescue question, for the three eliminated: Dũng answers right and comes back.
    _ask(host, "Câu hỏi cứu trợ", [chi, dung, em], "Quốc tế Lao động")
    _answer(dung, "A. 1/5")
    _answer(em, "B. 2/9")
    _act(host, "Công bố đáp án")
    _see(dung, "#lg-state", "cứu trợ")
    _see(em, "#lg-state", "bị loại")

    # 4. Bình is out; 5. Dũng is out, An is the last one standing.
    _ask(host, "Câu tiếp theo", [an, binh, dung], "lương thử việc")
    _answer(an, "B. 85%")
    _answer(binh, "A. 70%")
    _answer(dung, "B. 85%")
    _act(host, "Công bố đáp án")
    _see(binh, "#lg-state", "bị loại")
    _ask(host, "Câu tiếp theo", [an, dung], "làm thêm")
    _answer(an, "A. 200 giờ")
    _answer(dung, "B. 400 giờ")
    _act(host, "Công bố đáp án")
    _see(dung, "#lg-state", "bị loại")
    _exactly(host, "#lg-alive", "1")

    # 6. The golden bell question (two right options, sent with the submit button).
    _ask(host, "Câu tiếp theo", [an], "chuông vàng")
    an.tap(an.page.get_by_role("button", name="A. Đình công theo luật"))
    an.tap(an.page.get_by_role("button", name="B. Thành lập, gia nhập công đoàn"))
    an.tap(an.page.get_by_role("button", name="Gửi câu trả lời"))
    _see(an, "#lg-status", "Đã gửi")
    _act(host, "Công bố đáp án")
    _act(host, "Kết thúc")
    _see(screen, "#lg-reveal", "Nguyễn Văn An")
    _see(an, "#lg-reveal", "Rung chuông vàng")

    players = {p.name: p for p in Player.objects.filter(game=game)}
    assert {name for name, p in players.items() if p.winner} == {"Nguyễn Văn An"}
    assert players["Nguyễn Văn An"].golden_bell and players["Nguyễn Văn An"].state == "alive"
    out = {name: (p.state, p.eliminated_at) for name, p in players.items() if not p.winner}
    assert out == {
        "Hoàng Thị Em": (PlayerState.ELIMINATED, 1),
        "Lê Minh Chi": (PlayerState.ELIMINATED, 2),
        "Trần Thị Bình": (PlayerState.ELIMINATED, 4),
        "Phạm Văn Dũng": (PlayerState.ELIMINATED, 5),  # out at 1, rescued at 3
    }
    assert players["Phạm Văn Dũng"].unit_id == tree.a_xa.pk
    assert players["Hoàng Thị Em"].unit_id == tree.a_g3.pk
    # The activity is recorded just after "finished" reaches the phones (engine.finish).
    deadline = time.monotonic() + 10
    while True:
        game.refresh_from_db()
        if game.activity_id or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    activity = Activity.objects.get(pk=game.activity_id)
    assert (activity.unit_id, activity.kind, activity.participants) == (
        tree.pa.pk,
        ActivityKind.CONTEST,
        5,
    )
    host.goto(f"/tro-choi/so/{game.pk}/")
    assert "Đã ghi thành hoạt động của đơn vị." in host.page.content()

    # The province's dashboard: the game and its five players; the industrial zone's union
    # counts the three of its grassroots unions.
    month = timezone.localdate().strftime("%Y-%m")
    host.goto(f"/bao-cao/{tree.pa.code}/tong-quan/?ky={month}")
    tile = host.page.locator(".stat", has_text="lượt người chơi Rung chuông vàng")
    expect(tile).to_contain_text("5")
    expect(tile).to_contain_text("1 trò chơi được tổ chức")
    column = host.page.get_by_role("columnheader", name="Người chơi Rung chuông vàng")
    expect(column).to_be_visible()
    kcn = host.page.get_by_role("row", name=tree.a_kcn.name)
    index = int(column.evaluate("th => th.cellIndex"))
    expect(kcn.locator("td, th").nth(index)).to_have_text("3")
    for session in (host, screen, *everyone):
        assert not session.log.problems(), session.log.problems()
