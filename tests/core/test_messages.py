"""Texts stored as made and shown in the reader's language (lantoa.core.messages)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_noop

from lantoa.core.messages import (
    Dec,
    Lines,
    Num,
    Phrase,
    Text,
    stored_text,
    text_in_site_language,
    text_render,
    text_store,
)
from lantoa.core.periods import Period
from lantoa.targets.evaluation import MISSED, STATUS_LABELS

NOTICE = Text(
    gettext_noop("%(unit)s: %(count)s chỉ tiêu cần chú ý"),
    {"unit": "CĐCS Công ty May A", "count": Num(1174)},
)


def test_numbers_periods_phrases_and_lines_follow_the_reader() -> None:
    stored = text_store(
        Text(
            gettext_noop("%(lines)s"),
            {
                "lines": Lines.of(
                    [
                        Text(
                            gettext_noop("Báo cáo %(period)s đã được duyệt"),
                            {"period": Period(2026, "half", 1)},
                        ),
                        Phrase.of(STATUS_LABELS[MISSED], lower=True),
                    ],
                    sep="; ",
                )
            },
        )
    )
    with translation.override("vi"):
        assert text_render(stored) == "Báo cáo 6 tháng đầu năm 2026 đã được duyệt; không đạt"
        assert text_render(text_store(NOTICE)) == "CĐCS Công ty May A: 1.174 chỉ tiêu cần chú ý"
    with translation.override("en"):
        shown = text_render(stored)
        assert shown is not None and shown.endswith("; not achieved")
        assert "2026" in shown and "tháng" not in shown
        assert text_render(text_store(NOTICE)) == "CĐCS Công ty May A: 1,174 targets need attention"
        # The copy kept for e-mails and older readers is in the site's language.
        assert text_in_site_language(NOTICE) == "CĐCS Công ty May A: 1.174 chỉ tiêu cần chú ý"


def test_decimals_and_percentages_follow_the_reader() -> None:
    stored = text_store(
        Text(
            gettext_noop("%(lines)s"),
            {"lines": Lines.of([Dec(1234.56), Dec(2.206, percent=True), Dec(-0.5, 2)], sep=" | ")},
        )
    )
    with translation.override("vi"):
        assert text_render(stored) == "1.234,6 | 220,6% | -0,50"
    with translation.override("en"):
        assert text_render(stored) == "1,234.6 | 220.6% | -0.50"


def test_an_unreadable_text_gives_none_so_the_stored_copy_shows() -> None:
    stored = text_store(NOTICE)
    assert text_render({**stored, "params": {}}) is None  # a parameter lost
    assert text_render({**stored, "params": {"unit": "X", "count": {"what": 1}}}) is None
    assert text_render({**stored, "params": {"unit": "X", "count": {"period": "2026-Q9"}}}) is None
    assert text_render({}) is None


def test_stored_text_shows_the_json_or_falls_back_to_the_string() -> None:
    stored = text_store(NOTICE)
    with translation.override("en"):
        assert stored_text(stored, "chuỗi cũ") == "CĐCS Công ty May A: 1,174 targets need attention"
        # Rows from before the JSON field, and JSON that cannot be read, show their string.
        assert stored_text(None, "chuỗi cũ") == "chuỗi cũ"
        assert stored_text({}, "chuỗi cũ") == "chuỗi cũ"
        assert stored_text("not a dict", "chuỗi cũ") == "chuỗi cũ"
        assert stored_text({**stored, "params": ["x"]}, "chuỗi cũ") == "chuỗi cũ"
        assert stored_text({"msgid": 7, "params": {}}, "chuỗi cũ") == "chuỗi cũ"
        assert stored_text({**stored, "params": {}}, "chuỗi cũ") == "chuỗi cũ"
        assert stored_text(None, None) == ""
    with translation.override("vi"):
        assert stored_text(stored) == "CĐCS Công ty May A: 1.174 chỉ tiêu cần chú ý"


def test_a_stored_text_can_be_a_parameter_of_another() -> None:
    quoted = Text(
        gettext_noop("Kết nối của kênh đang lỗi, cần kết nối lại: %(last_error)s"),
        {"last_error": text_store(NOTICE)},
    )
    assert text_store(quoted)["params"]["last_error"] == text_store(NOTICE)
    assert text_in_site_language(quoted) == (
        "Kết nối của kênh đang lỗi, cần kết nối lại: CĐCS Công ty May A: 1.174 chỉ tiêu cần chú ý"
    )
    with translation.override("en"):
        assert stored_text(text_store(quoted)) == (
            "The channel's connection has failed and must be reconnected: "
            "CĐCS Công ty May A: 1,174 targets need attention"
        )
