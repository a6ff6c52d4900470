"""The ``vn`` template filters (lantoa.core.templatetags.vn): Vietnamese numbers, percentages, bar
widths."""

from __future__ import annotations

import pytest

from lantoa.core.templatetags.vn import bar_class, bar_width, vn_int, vn_percent

pytestmark = pytest.mark.django_db


def test_vn_filters() -> None:
    assert vn_int(1174) == "1.174"
    assert vn_percent(2.206) == "220,6%"
    assert vn_percent(None) == "—"
    assert bar_width(0.375) == "37.5"
    assert bar_width(1.7) == "100.0"
    assert bar_class(0.375) == "w-38"
    assert bar_class(1.7) == "w-100"
    assert bar_class(None) == "w-0"
    assert bar_class(-0.2) == "w-0"
