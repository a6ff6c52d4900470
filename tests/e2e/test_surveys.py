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


def test_officers_pages_fit_the_screen(open_session: Any, world: World, viewport: Viewport) -> None:
    tree, officers = world.tree, world.officers
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    for i in range(12):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(A1=str(1 + i % 2)))
    session = open_session(viewport)
    session.log_in(officers.a_propaganda)
    problems: dict[str, list[str]] = {}
    for name in ("detail", "progress", "quotas", "codes", "entry", "results"):
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
        for name in ("detail", "progress", "quotas", "codes", "entry", "results")
    ]
    for path in paths:
        assert session.goto(path).status == 200, path
        found += [f"{path}: {line}" for line in vietnamese_on_page(session.page, data)]
        found += [f"{path}: {p}" for p in session.log.problems()]
        session.log.clear()
    assert not found, "\n".join(found)
