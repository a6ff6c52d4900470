"""Vietnamese text helpers: diacritic folding for search, number and percent formatting."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics (đ/Đ → d) and collapse spaces.

    "Liên đoàn Lao động TỈNH Thái Nguyên" → "lien doan lao dong tinh thai nguyen".
    Stored beside searchable names so that a query typed without accents matches on SQLite
    and PostgreSQL alike.
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def format_int(value: int | None) -> str:
    """1174 → "1.174" (Vietnamese thousands separator)."""
    if value is None:
        return "—"
    return f"{value:,}".replace(",", ".")


def format_percent(value: float | Decimal | None, places: int = 1) -> str:
    """2.206 → "220,6%"; takes a ratio, not a percentage."""
    if value is None:
        return "—"
    quant = Decimal(1).scaleb(-places)
    pct = (Decimal(str(value)) * 100).quantize(quant, rounding=ROUND_HALF_UP)
    whole, _, frac = f"{pct:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = format_int(abs(int(whole)))
    return f"{sign}{whole},{frac}%" if frac else f"{sign}{whole}%"
