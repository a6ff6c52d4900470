"""Periods as people write them in spreadsheets (lantoa.core.periods.parse_period_text)."""

from __future__ import annotations

import pytest

from lantoa.core.periods import PeriodError, parse_period_text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2026-H1", "2026-H1"),
        ("6 tháng đầu năm 2026", "2026-H1"),
        ("6 THANG CUOI NAM 2026", "2026-H2"),
        ("Nửa đầu năm 2025", "2025-H1"),
        ("tháng 5/2026", "2026-05"),
        ("Tháng 05 năm 2026", "2026-05"),
        ("05/2026", "2026-05"),
        ("T5/2026", "2026-05"),
        ("quý II năm 2026", "2026-Q2"),
        ("Quý 4/2026", "2026-Q4"),
        ("Q3 2026", "2026-Q3"),
        ("năm 2026", "2026"),
        ("Cả năm 2026", "2026"),
        ("first half of 2026", "2026-H1"),
    ],
)
def test_names_and_codes(text: str, code: str) -> None:
    assert parse_period_text(text).code == code


@pytest.mark.parametrize("text", ["", "nửa năm sau", "tháng 13/2026", "quý V năm 2026", "H1"])
def test_refused_with_both_forms_named(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period_text(text)
    message = str(caught.value)
    assert "2026-H1" in message or "YYYY" in message or f"“{text}”" in message
