"""The one Vietnamese phone normaliser (``lantoa.core.phone``)."""

from __future__ import annotations

import pytest

from lantoa.core.phone import normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("+84-912-345-678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084-912-345-678", "0912345678"),
        ("(+84) 386 123 456", "0386123456"),
        ("0312345678", "0312345678"),
        ("(024) 3825 1234", "02438251234"),
        ("+84 24 3825 1234", "02438251234"),
        ("84 24 3825 1234", "02438251234"),
        ("", ""),
    ],
)
def test_vietnamese_numbers_in_national_form(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "091234567",
        "09123456789",
        "1912345678",
        "0012345678",
        "0112345678",
        "+1 912 345 678",
        "09123abc78",
        "0912abc678",
    ],
)
def test_anything_else_is_not_a_number(raw: str) -> None:
    assert normalise_phone(raw) == ""
