"""Vietnamese text helpers: diacritic folding for search, number and percent formatting, and
the display of text people typed — invisible control characters dropped, personal data
(phone numbers, e-mail addresses, citizen ID numbers) found and masked."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from lantoa.core.phone import MONEY_AFTER, find_phones, normalise_phone

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


def timing_line(step: str, seconds: float, cpu: float | None = None) -> str:
    """One line of ``-v 2`` output saying how long a step of a command took (and, given, the
    processor time this process spent on it), as ``bench/first_run_bench.py`` reads it:
    ``Thời gian — migrate: 5,41 giây (CPU 5,02 giây)``."""

    def decimal(value: float) -> str:
        return f"{value:.2f}".replace(".", ",")

    line = f"Thời gian — {step}: {decimal(seconds)} giây"
    return line if cpu is None else f"{line} (CPU {decimal(cpu)} giây)"


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


# ---------------------------------------------------------------------------------------------
# Text people typed, for display

_KEPT_CONTROLS = frozenset("\n\t")
_LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n\n", "\r\n": "\n", "\r": "\n"}
_LINE_BREAK = re.compile("\r\n|[\r\u2028\u2029]")


def visible_text(text: str | None) -> str:
    """``text`` without the characters that change how it looks without being seen: the
    bidirectional controls (RLO/LRO/PDF, LRI/RLI/FSI/PDI, LRM/RLM/ALM), zero-width spaces and
    joiners, the byte-order mark, soft hyphens and every other format (Cf) or control (Cc)
    character except line breaks and tabs. "hoa-don\u202egpj.exe" shows as the
    "hoa-dongpj.exe" it really is. For display only: the stored original stays as evidence.
    (Dropping a zero-width joiner splits a combined emoji into its parts, which is harmless.)
    """
    if not text:
        return ""
    text = _LINE_BREAK.sub(lambda m: _LINE_BREAKS[m.group(0)], text)
    return "".join(
        ch
        for ch in text
        if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co")
    )


PHONE = "phone"
EMAIL = "email"
CITIZEN_ID = "citizen_id"

# Local part, @, a domain with at least one dot.
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Citizen ID (CCCD, 12 digits) or the old identity card (CMND, 9 digits): together or in groups
# of 3 or 4 separated by spaces (not dots: 120.000.000 is an amount of money).
_CITIZEN_ID = re.compile(
    r"(?<![\d+_])(?<!\d[.,/])"
    r"(?:\d{12}|\d{3}(?: \d{3}){3}|\d{4}(?: \d{4}){2}|\d{9}|\d{3}(?: \d{3}){2})"
    r"(?!\d)(?![.,/]\d)"
)


@dataclass(frozen=True)
class PersonalData:
    """Where a piece of personal data sits in a text, and what it is."""

    kind: str  # PHONE, EMAIL or CITIZEN_ID
    start: int
    end: int


def find_personal_data(text: str | None) -> list[PersonalData]:
    """Phone numbers, e-mail addresses and citizen ID numbers (CCCD 12 digits, CMND 9) in
    ``text``, in order, never overlapping (an e-mail address made of a phone number is one
    e-mail address). Dates (12/05/2025), amounts (5.000.000 đồng), article numbers (Điều 168),
    years, tracking codes (HD-7K3M-9QX2) and document numbers (45/2019/QH14) are not found."""
    if not text:
        return []
    found: list[PersonalData] = []

    def free(start: int, end: int) -> bool:
        return all(end <= f.start or start >= f.end for f in found)

    for match in _EMAIL.finditer(text):
        found.append(PersonalData(EMAIL, *match.span()))
    for start, end in find_phones(text):
        if free(start, end):
            found.append(PersonalData(PHONE, start, end))
    for match in _CITIZEN_ID.finditer(text):
        if MONEY_AFTER.match(text[match.end() : match.end() + 8]):
            continue
        if free(*match.span()):
            found.append(PersonalData(CITIZEN_ID, *match.span()))
    return sorted(found, key=lambda f: f.start)


def masked_phone(number: str) -> str:
    """ "0912 345 678" → "09•• ••• •78": enough to tell two numbers apart, not to call."""
    digits = normalise_phone(number) or re.sub(r"\D", "", number)
    hidden = digits[:2] + "•" * (len(digits) - 4) + digits[-2:]
    if len(hidden) == 11:
        return f"{hidden[:4]} {hidden[4:8]} {hidden[8:]}"
    return f"{hidden[:4]} {hidden[4:7]} {hidden[7:]}"


def mask_personal_data(text: str | None) -> str:
    """``text`` (made visible first, so that a zero-width space cannot hide a number) with its
    phone numbers shown as "09•• ••• •78" and its e-mail addresses and ID numbers replaced
    by a bracketed note."""
    text = visible_text(text)
    out: list[str] = []
    last = 0
    for found in find_personal_data(text):
        out.append(text[last : found.start])
        value = text[found.start : found.end]
        if found.kind == PHONE:
            out.append(masked_phone(value))
        elif found.kind == EMAIL:
            out.append(_("[thư điện tử đã ẩn]"))
        else:
            out.append(_("[số CCCD/CMND đã ẩn]"))
        last = found.end
    out.append(text[last:])
    return "".join(out)


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str | None) -> tuple[tuple[int, int | str], ...]:
    """Sort key that reads numbers as numbers and ignores case and diacritics: "khu vực số 2"
    before "khu vực số 10", "Đà" beside "Da"."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in _DIGITS.split(fold(text))
        if part
    )
