"""Natural order for names with numbers (lantoa.core.text.natural_key)."""

from __future__ import annotations

from lantoa.core.text import natural_key


def test_numbers_read_as_numbers_case_and_diacritics_ignored() -> None:
    names = [
        "Công đoàn khu vực số 10",
        "Công đoàn khu vực số 2",
        "công đoàn khu vực số 1",
        "Công đoàn khu vực số 11",
        "Công đoàn Đại Từ",
        "Công đoàn Da Phúc",
    ]
    assert sorted(names, key=natural_key) == [
        "Công đoàn Da Phúc",
        "Công đoàn Đại Từ",
        "công đoàn khu vực số 1",
        "Công đoàn khu vực số 2",
        "Công đoàn khu vực số 10",
        "Công đoàn khu vực số 11",
    ]
