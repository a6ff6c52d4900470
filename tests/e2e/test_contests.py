"""A quiz contest on a phone (390×844): an entrant reads the rules, registers, types the
one-time code, answers with autosave, loses the connection mid-way (the unsent answer is
sent again when it is back, and the page opened again shows every choice), submits and
reads the result with explanations. No sideways scrolling, no control off screen, no script
error, and the attempt page stays under 300 KB."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from lantoa.contests.models import Answer, Attempt, Option, Question
from tests.conftest import Tree
from tests.contests.support import quiz
from tests.e2e.checks import controls_off_screen, sideways_scroll, vietnamese_on_page
from tests.e2e.conftest import PHONE, Session


def _fine(session: Session) -> None:
    if os.environ.get("LANTOA_E2E_SHOTS"):  # as tests/e2e/test_pages.py: screenshots to look at
        name = session.page.url.split("/thi/", 1)[-1].strip("/").replace("/", "-") or "thi"
        shot = Path(os.environ["LANTOA_E2E_SHOTS"]) / f"contest-{name}.png"
        session.page.screenshot(path=str(shot), full_page=True)
    problems = [
        *session.log.problems(),
        *sideways_scroll(session.page, PHONE.width),
        *controls_off_screen(session.page, PHONE.width),
    ]
    assert not problems, "\n".join(problems)


def _wait_saved(session: Session, attempt: Attempt, count: int) -> None:
    for _ in range(200):
        if Answer.objects.filter(attempt=attempt).exclude(chosen=[]).count() >= count:
            return
        session.page.wait_for_timeout(25)
    raise AssertionError(f"{count} answers not saved")


def test_entrant_journey_on_a_phone(
    open_session: Any, tree: Tree, capsys: pytest.CaptureFixture
) -> None:
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4, attempts_allowed=1)
    rnd.opens_at = timezone.now() - dt.timedelta(hours=1)
    rnd.closes_at = timezone.now() + dt.timedelta(days=2)
    rnd.save()
    entrant = open_session(PHONE)
    page = entrant.page
    entrant.goto(f"/thi/{contest.pk}/")
    assert "Mỗi người thi tối đa hai lần." in page.content()
    _fine(entrant)
    entrant.follow(page.get_by_role("link", name="Đăng ký dự thi"))
    page.get_by_label("Họ và tên").fill("Lý Thị Mai")
    page.get_by_label("Ngày sinh").fill("15/08/1996")
    page.get_by_label("Số điện thoại").fill("0905 123 456")
    page.get_by_label("Công đoàn cơ sở, đơn vị của bạn").select_option(str(tree.a_g1.pk))
    _fine(entrant)
    entrant.follow(page.get_by_role("button", name="Nhận mã xác minh"))
    code = re.findall(r"…456\): (\d{6})", capsys.readouterr().out)[-1]
    page.get_by_label("Mã xác minh").fill(code)
    _fine(entrant)
    entrant.follow(page.get_by_role("button", name="Xác minh"))
    entrant.follow(page.get_by_role("button", name="Bắt đầu làm bài"))
    attempt = Attempt.objects.get()
    assert page.url.endswith(f"/thi/bai/{attempt.pk}/")
    html = page.content()
    assert len(html.encode()) < 300_000 and "Giải thích câu" not in html
    _fine(entrant)
    answers = list(Answer.objects.filter(attempt=attempt).order_by("position"))
    right = {
        a.question_id: Option.objects.get(question_id=a.question_id, correct=True).pk
        for a in answers
    }

    def choose(answer: Answer) -> None:
        entrant.tap(page.locator(f"input[value='{right[answer.question_id]}']"))

    choose(answers[0])
    choose(answers[1])
    _wait_saved(entrant, attempt, 2)
    # The connection drops: the third choice cannot be sent…
    entrant.context.set_offline(True)
    choose(answers[2])
    page.wait_for_function(
        "document.querySelector('[data-save-status]').textContent.includes('mất mạng')"
    )
    assert Answer.objects.filter(attempt=attempt).exclude(chosen=[]).count() == 2
    # …and goes when it is back.
    entrant.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _wait_saved(entrant, attempt, 3)
    # The only complaint while offline is the save that could not leave the phone.
    assert all("ERR_INTERNET_DISCONNECTED" in p for p in entrant.log.problems())
    entrant.log.clear()
    # Opened again (a new tab after the drop): the saved choices are there.
    entrant.goto(f"/thi/bai/{attempt.pk}/")
    for answer in answers[:3]:
        assert page.locator(f"input[value='{right[answer.question_id]}']").is_checked()
    choose(answers[3])
    page.get_by_label(re.compile("Câu hỏi phụ")).fill("1")
    _fine(entrant)
    entrant.follow(page.get_by_role("button", name="Nộp bài"))
    assert page.url.endswith(f"/thi/bai/{attempt.pk}/ket-qua/")
    text = page.content()
    assert "Bạn trả lời đúng 4/4 câu." in text and "Giải thích câu" in text
    attempt.refresh_from_db()
    assert (attempt.score, attempt.prediction) == (4, 1)
    _fine(entrant)
    entrant.goto(f"/thi/{contest.pk}/")
    assert "Kết quả lần 1: đúng 4/4 câu" in page.content()
    assert "Bạn đã thi hết số lần của đợt này." in page.content()
    # The same pages in English (the language switch's cookie): no Vietnamese but the data.
    entrant.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": entrant.base_url}]
    )
    data = [contest.title, contest.rules, rnd.title, contest.unit.name, "Lý Thị Mai"]
    data += [tree.vn.name, tree.vn.short_name]  # the site brand
    data += list(Question.objects.values_list("text", flat=True))
    data += list(Question.objects.values_list("explanation", flat=True))
    data += list(Option.objects.values_list("text", flat=True))
    for path in (f"/thi/{contest.pk}/", f"/thi/bai/{attempt.pk}/ket-qua/"):
        entrant.goto(path)
        assert not vietnamese_on_page(page, data), (path, vietnamese_on_page(page, data))


def test_officer_pages_on_a_phone(open_session: Any, tree: Tree, officers: Any) -> None:
    """The organisers' pages at 390 px: the contest with its forms, the rankings with the
    participation table; no sideways scroll, no control off screen, no English word."""
    from lantoa.contests import entry
    from tests.contests.support import NOW, answer_all, entrant
    from tests.e2e.checks import english_on_page

    contest, (rnd,) = quiz(tree.pa)
    person = entrant(contest, tree.a_g1, "0912000888", "Trương Văn Phúc")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    answer_all(attempt, right=2, now=NOW + dt.timedelta(seconds=20))
    entry.attempt_submit(attempt=attempt, prediction=2, now=NOW + dt.timedelta(seconds=50))
    draft, _rounds = quiz(tree.pa, approve=False)
    session = open_session(PHONE)
    session.log_in(officers.a_admin)
    for path in (
        "/cuoc-thi/P-A/",
        f"/cuoc-thi/so/{contest.pk}/",
        f"/cuoc-thi/so/{draft.pk}/",
        "/cuoc-thi/P-A/tao/",
        f"/cuoc-thi/so/{contest.pk}/xep-hang/",
        f"/cuoc-thi/so/{contest.pk}/xep-hang/?dot=1",
    ):
        response = session.goto(path)
        assert response is not None and response.status == 200, path
        if os.environ.get("LANTOA_E2E_SHOTS"):
            name = path.strip("/").replace("/", "-").replace("?", "-")
            shot = Path(os.environ["LANTOA_E2E_SHOTS"]) / f"officer-{name}.png"
            session.page.screenshot(path=str(shot), full_page=True)
        problems = [*session.log.problems(), *english_on_page(session.page)]
        problems += sideways_scroll(session.page, PHONE.width)
        problems += controls_off_screen(session.page, PHONE.width)
        assert not problems, f"{path}:\n" + "\n".join(problems)
