"""Text people typed, for display (``lantoa.core.text``): invisible characters dropped,
personal data (phone numbers, e-mail addresses, CCCD/CMND numbers) found and masked; ordinary
numbers left alone."""

from __future__ import annotations

import pytest

from lantoa.core.text import (
    CITIZEN_ID,
    EMAIL,
    PHONE,
    find_personal_data,
    mask_personal_data,
    masked_phone,
    visible_text,
)

HIDDEN_EMAIL = "[thư điện tử đã ẩn]"
HIDDEN_ID = "[số CCCD/CMND đã ẩn]"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Số em 0912 345 678", [(PHONE, "0912 345 678")]),
        ("0912.345.678", [(PHONE, "0912.345.678")]),
        ("+84 912345678", [(PHONE, "+84 912345678")]),
        ("84-912-345-678", [(PHONE, "84-912-345-678")]),
        ("Máy bàn 024 3825 1234", [(PHONE, "024 3825 1234")]),
        ("thư lan.nguyen+hd@gmail.com.vn.", [(EMAIL, "lan.nguyen+hd@gmail.com.vn")]),
        ("0912345678@gmail.com", [(EMAIL, "0912345678@gmail.com")]),
        ("CCCD 001203004567", [(CITIZEN_ID, "001203004567")]),
        ("CCCD 001 203 004 567", [(CITIZEN_ID, "001 203 004 567")]),
        ("CCCD 0012 0300 4567", [(CITIZEN_ID, "0012 0300 4567")]),
        ("CMND số 123456789", [(CITIZEN_ID, "123456789")]),
        ("CMND 123 456 789", [(CITIZEN_ID, "123 456 789")]),
        (
            "Tôi 0987654321, lan@ví-dụ.vn, CCCD 079188001234",
            [(PHONE, "0987654321"), (EMAIL, "lan@ví-dụ.vn"), (CITIZEN_ID, "079188001234")],
        ),
    ],
)
def test_personal_data_is_found(text: str, found: list[tuple[str, str]]) -> None:
    assert kinds(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 12/05/2025 tôi bị trừ 5.000.000 đồng tiền lương.",
        "Theo Điều 168 Bộ luật Lao động 2019, khoản 2 Điều 35.",
        "Năm 2024, 2025 công ty nợ 120.000.000.000 đồng; 500000000 đồng; 150000000đ.",
        "Mã tra cứu HD-7K3M-9QX2, mật mã K7M3-9QX2.",
        "Nghị định 145/2020/NĐ-CP, Luật số 45/2019/QH14.",
        "Lương 8 500 000 một tháng, 1.350 công nhân, 220,6%.",
        "Ca 06:00-14:00, phòng 101, tầng 3.",
        "",
    ],
)
def test_ordinary_text_has_no_personal_data(text: str) -> None:
    assert find_personal_data(text) == []
    assert mask_personal_data(text) == text


def test_masking_keeps_the_sentence_and_hides_the_data() -> None:
    text = (
        "Tôi bị nợ 5.000.000 đồng từ 12/05/2025 (Điều 97). Gọi 0912.345.678 hoặc "
        "+84 987 654 321, thư lan@gmail.com, CCCD 001203004567."
    )
    assert mask_personal_data(text) == (
        "Tôi bị nợ 5.000.000 đồng từ 12/05/2025 (Điều 97). Gọi 09•• ••• •78 hoặc "
        f"09•• ••• •21, thư {HIDDEN_EMAIL}, CCCD {HIDDEN_ID}."
    )


def test_masked_phone_forms() -> None:
    assert masked_phone("0912 345 678") == "09•• ••• •78"
    assert masked_phone("+84 24 3825 1234") == "02•• •••• •34"


def test_invisible_characters_cannot_hide_a_number() -> None:
    assert mask_personal_data("0912\u200b345\u2060678") == "09•• ••• •78"
    assert mask_personal_data("lan\u200d@gmail.com") == HIDDEN_EMAIL


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("hoa-don\u202egpj.exe", "hoa-dongpj.exe"),  # RLO: the spoofed file name
        ("a\u202db\u202cc", "abc"),  # LRO, PDF
        ("\u2066x\u2067y\u2068z\u2069", "xyz"),  # LRI, RLI, FSI, PDI
        ("\u200ek\u200fl\u061cm", "klm"),  # LRM, RLM, ALM
        ("zero\u200bwidth\u200cnon\u200djoiner\ufeff", "zerowidthnonjoiner"),
        ("soft\u00adhyphen\u2060joined", "softhyphenjoined"),
        ("👩\u200d💻", "👩💻"),  # an emoji sequence falls apart, harmlessly
        ("bell\x07 esc\x1b[31m null\x00", "bell esc[31m null"),
        ("dòng 1\r\ndòng 2\rdòng 3\u2028dòng 4\tcột", "dòng 1\ndòng 2\ndòng 3\ndòng 4\tcột"),
        ("Tiếng Việt có dấu: Người lao động", "Tiếng Việt có dấu: Người lao động"),
        ("Tie\u0302\u0301ng (NFD)", "Tie\u0302\u0301ng (NFD)"),  # combining marks stay
        (None, ""),
    ],
)
def test_visible_text_drops_direction_and_zero_width_characters(
    raw: str | None, shown: str
) -> None:
    assert visible_text(raw) == shown


def test_timing_line_as_the_first_run_bench_reads_it() -> None:
    from lantoa.core.text import timing_line

    assert timing_line("seed: targets", 6.954) == "Thời gian — seed: targets: 6,95 giây"
    assert timing_line("migrate", 5.414, 5.0) == "Thời gian — migrate: 5,41 giây (CPU 5,00 giây)"
