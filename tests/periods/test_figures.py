"""The period report reads its figures from the registered ``PeriodFigures`` provider."""

from __future__ import annotations

import pytest

from lantoa.core.extensions import PeriodFigures, period_figures, period_figures_provider


def test_activities_provide_the_period_figures() -> None:
    assert period_figures_provider().key == "activities"


def test_no_provider_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(period_figures, "_items", {})
    with pytest.raises(LookupError, match="period_figures"):
        period_figures_provider()


def test_the_first_provider_in_order_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    first = PeriodFigures(
        "first",
        live=lambda unit, start, end: None,
        snapshot=lambda figures, taken_at: {},
        rows=lambda figures: [],
        monthly=lambda root, start, end: {},
        merge=lambda figures, unit, start, end: None,
        order=0,
    )
    monkeypatch.setattr(period_figures, "_items", {**period_figures._items, "first": first})
    assert period_figures_provider() is first
