"""A survey in a real browser, at 390×844 (phone) and 1280×800 (desktop): a worker answers on
their unit's page (the follow-up question appears only when its condition holds), the sheet
is stored for that unit; the officers' paper entry, progress and results pages fit a phone.
No sideways scroll, no script error, no broken resource."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from lantoa.surveys.models import Response, Survey
from lantoa.surveys.services import response_submit
from lantoa.units.models import Unit
from tests.e2e.checks import controls_off_screen, sideways_scroll, vietnamese_on_page
from tests.e2e.conftest import PHONE, VIEWPORTS, Viewport, World
from tests.surveys.support import answers, open_survey

pytestmark = pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)


def _fits(session: Any, viewport: Viewport) -> list[str]:
    problems = session.log.problems()
    if viewport is PHONE:
        problems += sideways_scroll(session.page, PHONE.width)
        problems += controls_off_screen(session.page, PHONE.width)
    return problems


def _shot(session: Any, name: str) -> None:
    folder = os.environ.get("LANTOA_E2E_SCREENSHOTS")
    if folder:
        session.page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_worker_answers_on_the_units_page(
    open_session: Any, world: World, viewport: Viewport
) -> None:
    tree, officers = world.tree, world.officers
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    session = open_session(viewport)
    page = session.page
    url = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code}
    )
    assert session.goto(url).status == 200
    _shot(session, f"survey-public-{viewport.name}")
    assert _fits(session, viewport) == []
    follow_up = page.locator("#cau-B4")
    assert follow_up.is_hidden()
    for code, value in (("A1", "2"), ("A3", "1"), ("A4", "1"), ("B1", "2"), ("C1", "2")):
        session.tap(page.locator(f'input[name="{code}"][value="{value}"]'))
    page.fill('input[name="A2"]', "31")
    session.tap(page.locator('input[name="B3"][value="1"]'))  # "Không đủ": B4 is asked
    assert follow_up.is_visible()
    session.tap(page.locator('input[name="B4"][value="3"]'))
    for row in ("1", "2", "3", "4", "5"):
        session.tap(page.locator(f'input[name="C2.{row}"][value="4"]'))
    session.tap(page.locator('input[name="D1"][value="4"]'))
    session.tap(page.locator('input[name="D3"][value="2"]'))
    assert page.locator("#cau-D4").is_hidden()
    session.follow(page.locator("button.pub-submit"))
    assert "/da-gui/" in page.url, page.locator("main").inner_text()[:500]
    response = Response.objects.get()
    assert response.unit == tree.a_g1
    assert set(response.answers.filter(question__code="B4").values_list("choice", flat=True)) == {
        "3"
    }
    assert _fits(session, viewport) == []


def test_a_worker_finds_their_union_by_typing(
    open_session: Any, world: World, viewport: Viewport
) -> None:
    """A unit question: a box searched over the survey's units (no list of them all), the
    suggestions fit the phone, the one picked is stored."""
    from lantoa.surveys.services import (
        question_add,
        survey_approve,
        survey_create,
        survey_open,
        survey_submit,
    )

    tree, officers = world.tree, world.officers
    author = officers.a_propaganda
    survey = survey_create(unit=tree.a_kcn, title="Nơi làm việc", actor=author)
    question_add(
        survey=survey, actor=author, code="U1", kind="unit", text="Công đoàn cơ sở của bạn"
    )
    survey_submit(survey=survey, actor=author)
    survey_approve(survey=survey, actor=officers.a_leader)
    survey_open(survey=survey, actor=author)
    session = open_session(viewport)
    page = session.page
    url = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.a_kcn.code}
    )
    assert session.goto(url).status == 200
    box = page.get_by_role("combobox", name="Công đoàn cơ sở của bạn")
    box.press_sequentially("dien tu dong", delay=20)
    option = page.get_by_role("option", name=tree.a_g2.name)
    option.wait_for(state="visible")
    assert page.get_by_role("option").count() == 1
    _shot(session, f"survey-unit-picker-{viewport.name}")
    assert _fits(session, viewport) == []
    session.tap(option)
    assert box.input_value() == tree.a_g2.name
    session.follow(page.locator("button.pub-submit"))
    assert "/da-gui/" in page.url, page.locator("main").inner_text()[:500]
    assert Response.objects.get().answers.get().choice == tree.a_g2.code
    assert _fits(session, viewport) == []


def test_officers_pages_fit_the_screen(open_session: Any, world: World, viewport: Viewport) -> None:
    tree, officers = world.tree, world.officers
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    for i in range(12):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(A1=str(1 + i % 2)))
    session = open_session(viewport)
    session.log_in(officers.a_propaganda)
    problems: dict[str, list[str]] = {}
    names = ("detail", "progress", "quotas", "codes", "entry", "import", "sheets", "results")
    for name in (*names, "trends", "texts"):
        path = reverse(f"surveys:{name}", kwargs={"pk": survey.pk})
        if name == "results":
            path += "?cau=A1&theo=don-vi"
        assert session.goto(path).status == 200, path
        _shot(session, f"survey-{name}-{viewport.name}")
        found = _fits(session, viewport)
        if found:
            problems[name] = found
        session.log.clear()
    assert not problems, problems


def _survey_data(survey: Survey) -> list[str]:
    """What people wrote that the pages show: titles, questions, options, unit names."""
    found = [survey.title, survey.purpose, *Unit.objects.values_list("name", flat=True)]
    found += Unit.objects.exclude(short_name="").values_list("short_name", flat=True)
    version = survey.current_version()
    found += version.sections.values_list("title", flat=True)
    for q in version.questions.all():
        found += [q.text, q.help_text]
        found += [str(i["label"]) for i in [*q.options, *q.scale, *q.rows]]
        found += [f"{q.text[:67]}...", f"{q.text[:47]}..."]  # cut in the cross-tab's lists
    found += [c.label for c in survey.quota_cells.all()]
    return found


def test_officers_pages_in_english(open_session: Any, world: World, viewport: Viewport) -> None:
    tree, officers = world.tree, world.officers
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader, sample_size=100)
    for i in range(12):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(A1=str(1 + i % 2)))
    session = open_session(viewport)
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": session.base_url}]
    )
    session.log_in(officers.a_propaganda)
    data = _survey_data(survey)
    found: list[str] = []
    paths = [reverse("surveys:unit", kwargs={"code": tree.pa.code})]
    paths += [
        reverse(f"surveys:{name}", kwargs={"pk": survey.pk})
        for name in (
            "detail",
            "progress",
            "quotas",
            "codes",
            "entry",
            "import",
            "sheets",
            "results",
            "trends",
            "texts",
        )
    ]
    for path in paths:
        assert session.goto(path).status == 200, path
        found += [f"{path}: {line}" for line in vietnamese_on_page(session.page, data)]
        found += [f"{path}: {p}" for p in session.log.problems()]
        session.log.clear()
    assert not found, "\n".join(found)


def _fill(session: Any, sheet: dict[str, str]) -> None:
    """Answer the template's questionnaire on the page (income enough: B4 skipped; no
    problem: D4 skipped); ``sheet`` overrides the single-choice answers."""
    page = session.page
    chosen = {"A1": "2", "A3": "1", "A4": "1", "B1": "2", "B3": "2", "C1": "2", "D1": "4"}
    chosen.update({"D3": "2", **sheet})
    for code, value in chosen.items():
        session.tap(page.locator(f'input[name="{code}"][value="{value}"]'))
    page.fill('input[name="A2"]', "31")
    for row in ("1", "2", "3", "4", "5"):
        session.tap(page.locator(f'input[name="C2.{row}"][value="3"]'))


def _row_text(session: Any, unit: Unit) -> str:
    return str(session.page.locator("tr", has_text=unit.name).first.inner_text())


def test_province_survey_from_template_to_the_dashboard(
    open_session: Any, world: World, viewport: Viewport
) -> None:
    """The issue's "done when": a province officer creates a survey from the template with
    700/300 quotas allocated to two upper-level unions; three respondents answer on phones
    (one offline, then back online); two paper sheets are keyed with codes (a reused code is
    refused); the progress page shows the sheets per unit and per cell."""
    from lantoa.surveys.models import QuotaCell, SurveyCode
    from lantoa.surveys.services import survey_approve

    tree, officers = world.tree, world.officers
    officer = open_session(viewport)
    officer.log_in(officers.a_propaganda)
    page = officer.page
    problems: list[str] = []

    def check(name: str) -> None:
        _shot(officer, f"survey-journey-{name}-{viewport.name}")
        problems.extend(f"{name}: {p}" for p in _fits(officer, viewport))
        officer.log.clear()

    # Create from the template, sample of 1.000: the cells 700 / 300.
    assert officer.goto(reverse("surveys:new", kwargs={"code": tree.pa.code})).status == 200
    page.select_option("#id_template_key", "doi-song-y-kien")
    page.fill("#id_title", "Khảo sát đời sống người lao động 2026")
    page.fill("#id_sample_size", "1000")
    check("new")
    officer.follow(page.get_by_role("button", name="Tạo bản nháp"))
    survey = Survey.objects.get()
    cells = list(QuotaCell.objects.filter(survey=survey).order_by("position"))
    assert [c.target for c in cells] == [700, 300]
    # Allocated to the two upper-level unions.
    officer.goto(reverse("surveys:quotas", kwargs={"pk": survey.pk}))
    for cell, (kcn, xa) in zip(cells, [(500, 200), (100, 200)], strict=True):
        form = page.locator("form", has=page.locator(f'input[name="cell"][value="{cell.pk}"]'))
        form.locator(f'input[name="u{tree.a_kcn.pk}"]').fill(str(kcn))
        form.locator(f'input[name="u{tree.a_xa.pk}"]').fill(str(xa))
        officer.follow(form.locator("button[type=submit]"))
    check("quotas")
    # Submitted, approved by the leader (four eyes), opened.
    officer.goto(survey.get_absolute_url())
    officer.follow(page.get_by_role("button", name="Gửi duyệt"))
    survey_approve(survey=survey, actor=officers.a_leader)
    officer.goto(survey.get_absolute_url())
    officer.follow(page.get_by_role("button", name="Mở thu phiếu"))
    check("detail")
    survey.refresh_from_db()
    assert survey.status == "open"

    # Three respondents on phones, each on their unit's link.
    def link(unit: Unit) -> str:
        return reverse(
            "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": unit.code}
        )

    for unit, sector in ((tree.a_g1, "1"), (tree.a_g3, "2")):
        phone = open_session(PHONE)
        assert phone.goto(link(unit)).status == 200
        _fill(phone, {"A3": sector})
        phone.follow(phone.page.locator("button.pub-submit"))
        assert "/da-gui/" in phone.page.url
        assert _fits(phone, PHONE) == []
    # The third opens the page, loses the connection, opens it again (the page's service
    # worker serves it), answers: the sheet waits on the phone; back online, it is sent once.
    phone = open_session(PHONE)
    offline = phone.page
    phone.goto(link(tree.a_g2))
    offline.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.context.set_offline(True)
    offline.reload(wait_until="load")
    assert offline.locator("button.pub-submit").is_visible()
    _fill(phone, {"A3": "1"})
    phone.tap(offline.locator("button.pub-submit"))
    notice = offline.locator("#survey-queue")
    notice.wait_for(state="visible")
    assert "lưu trên máy" in notice.inner_text()
    assert Response.objects.filter(survey=survey).count() == 2
    assert (
        offline.evaluate("JSON.parse(localStorage.getItem('lantoa.survey.queue.v1')).length") == 1
    )
    with offline.expect_navigation(wait_until="load", timeout=20_000):
        phone.context.set_offline(False)
    assert "/da-gui/" in offline.url
    assert (
        offline.evaluate("JSON.parse(localStorage.getItem('lantoa.survey.queue.v1')).length") == 0
    )
    assert [p for p in phone.log.problems() if p.startswith("script error")] == []
    assert Response.objects.filter(survey=survey, unit=tree.a_g2).count() == 1

    # Two paper sheets keyed with codes; the reused code is refused.
    officer.goto(reverse("surveys:codes", kwargs={"pk": survey.pk}))
    page.select_option("#id_unit", tree.a_g1.code)
    page.fill("#id_count", "2")
    officer.follow(page.get_by_role("button", name="Tạo mã"))
    check("codes")
    first, second = SurveyCode.objects.filter(survey=survey).order_by("number")
    entry = reverse("surveys:entry", kwargs={"pk": survey.pk})
    for code in (first.code, second.code, first.code):
        officer.goto(entry)
        page.select_option("#id_unit", tree.a_g1.code)
        page.fill("#id_code", code)
        _fill(officer, {"A3": "1", "A1": "1"})
        officer.follow(page.locator("form.survey-form button[type=submit]"))
    assert "đã được dùng" in page.locator("main").inner_text()
    check("entry")
    assert Response.objects.filter(survey=survey, channel="paper").count() == 2
    assert Response.objects.filter(survey=survey).count() == 5

    # The dashboard: per unit and per cell, against the allocations.
    officer.goto(reverse("surveys:progress", kwargs={"pk": survey.pk}))
    check("progress")
    kcn, xa = _row_text(officer, tree.a_kcn), _row_text(officer, tree.a_xa)
    assert "4 / 500" in kcn and "0 / 100" in kcn  # A-G1: 1 phone + 2 paper, A-G2: 1 phone
    assert "0 / 200" in xa and "1 / 200" in xa  # A-G3: 1 phone, public sector
    cards = page.locator("dl.bars").inner_text()
    assert "4 / 700" in cards and "1 / 300" in cards
    assert not problems, problems
