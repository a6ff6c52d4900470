"""The anonymiser (lantoa.kb.anonymise): phone numbers, emails, citizen IDs, names; ordinary
numbers stay."""

from __future__ import annotations

import pytest

from lantoa.kb.anonymise import CITIZEN_ID, EMAIL, NAME, PHONE, anonymise


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "028 3822 1234",
    ],
)
def test_anonymise_phone_numbers(raw: str) -> None:
    assert anonymise(f"Gọi tôi số {raw} nhé.") == f"Gọi tôi số {PHONE} nhé."


def test_anonymise_emails_citizen_ids_and_names() -> None:
    text = (
        "Tôi là Nguyễn Thị Lan, CCCD 001234567890, email lan.nguyen@gmail.com. "
        "Chị Lan có lần bị trừ lương 4.960.000 đồng ngày 01/07/2025; nguyen thi lan ký. "
        "Thị Lan đã hỏi. Cô Lan, có lần. Chủ tịch Lân."
    )
    out = anonymise(text, names=["Nguyễn Thị Lan"])
    assert out == (
        f"Tôi là {NAME}, CCCD {CITIZEN_ID}, email {EMAIL}. "
        f"Chị {NAME} có lần bị trừ lương 4.960.000 đồng ngày 01/07/2025; {NAME} ký. "
        f"{NAME} đã hỏi. Cô {NAME}, có lần. Chủ tịch Lân."
    )


def test_anonymise_leaves_ordinary_numbers_alone() -> None:
    text = "Điều 113 Bộ luật Lao động 2019, 45/2019/QH14, mức 5.310.000 đồng, 120.000.000.000 đồng."
    assert anonymise(text) == text
