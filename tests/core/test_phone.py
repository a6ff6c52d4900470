"""The one Vietnamese phone normaliser (``lantoa.core.phone``)."""

from __future__ import annotations

import pytest

from lantoa.core.phone import find_phones, normalise_phone


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


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Gọi em số 0912 345 678 nhé", "0912 345 678"),
        ("sđt: 0912.345.678.", "0912.345.678"),
        ("0912-345-678", "0912-345-678"),
        ("091 234 5678", "091 234 5678"),
        ("+84 912345678", "+84 912345678"),
        ("+84912345678, cảm ơn", "+84912345678"),
        ("84-912-345-678", "84-912-345-678"),
        ("(+84) 386 123 456", "(+84) 386 123 456"),
        ("0084 912 345 678", "0084 912 345 678"),
        ("máy bàn 024 3825 1234", "024 3825 1234"),
        ("(024) 38251234", "(024) 38251234"),
        ("ĐT0987654321", "0987654321"),
    ],
)
def test_phone_numbers_are_found_in_free_text(text: str, number: str) -> None:
    [(start, end)] = find_phones(text)
    assert text[start:end] == number


def test_two_numbers_side_by_side_stay_two() -> None:
    text = "0912345678 0987654321"
    assert [text[s:e] for s, e in find_phones(text)] == ["0912345678", "0987654321"]


@pytest.mark.parametrize(
    "text",
    [
        "ngày 12/05/2025",
        "05/12/2025 lúc 09:12",
        "bị trừ 5.000.000 đồng",
        "nợ 84.912.345.678 đồng",
        "84912345678 đồng",
        "Điều 168 Bộ luật Lao động",
        "năm 2024 và 2025",
        "mã tra cứu HD-7K3M-9QX2",
        "Nghị định 145/2020/NĐ-CP",
        "mã số thuế 0101234567",
        "CCCD 001203004567",
        "số 09123456789 (11 số)",
        "091234567",
        "1.0912345678",
    ],
)
def test_other_numbers_are_not_phone_numbers(text: str) -> None:
    assert find_phones(text) == []
