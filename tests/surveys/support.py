"""Helpers for the survey tests: a survey from the template, approved and open, and a valid
set of answers to it."""

from __future__ import annotations

from typing import Any

from lantoa.surveys.models import Survey
from lantoa.surveys.services import (
    survey_approve,
    survey_create,
    survey_open,
    survey_submit,
)


def open_survey(
    unit: Any, author: Any, approver: Any, *, title: str = "Khảo sát đời sống 2026", **kw: Any
) -> Survey:
    survey = survey_create(
        unit=unit, title=title, actor=author, template_key="doi-song-y-kien", **kw
    )
    survey_submit(survey=survey, actor=author)
    survey_approve(survey=survey, actor=approver)
    survey_open(survey=survey, actor=author)
    return survey


def answers(**overrides: Any) -> dict[str, Any]:
    """A complete answer sheet to the template (income enough: B4 skipped; no problem: D4
    skipped)."""
    base: dict[str, Any] = {
        "A1": "2",
        "A2": "29",
        "A3": "1",
        "A4": "1",
        "B1": "2",
        "B3": "2",
        "C1": "2",
        "C2": {"1": "2", "2": "3", "3": "4", "4": "3", "5": "2"},
        "D1": "4",
        "D2": ["1", "3"],
        "D3": "2",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}
