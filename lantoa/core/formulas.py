"""Which text a spreadsheet would run as a formula (or as DDE) when it opens a file: every CSV
and XLSX writer of ``lantoa.core`` (``tabular``, ``xlsx_stream``) marks such text inert."""

from __future__ import annotations

import re

# Text whose first visible character is one of these runs as a formula (or as DDE) when a
# spreadsheet opens the file: ASCII, full-width and small forms.
FORMULA_STARTS = (
    "=", "+", "-", "@", "\t", "\r", "\n",
    "\uff1d", "\uff0b", "\uff0d", "\uff20",  # ＝ ＋ － ＠
    "\ufe66", "\ufe62", "\ufe63", "\ufe6b",  # ﹦ ﹢ ﹣ ﹫
)  # fmt: skip
# A negative number written as text ("-12", "-1.234,5", "-3,5%") is a number, not a formula.
_NEGATIVE_NUMBER = re.compile(r"-\d+(?:[.,]\d+)*%?")


def formula_like(text: str) -> bool:
    """Would a spreadsheet run this text as a formula? (leading spaces are skipped: some
    programs trim them before deciding)."""
    stripped = text.lstrip(" \u00a0")
    return stripped[:1] in FORMULA_STARTS and not _NEGATIVE_NUMBER.fullmatch(stripped)
