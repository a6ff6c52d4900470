"""Vietnamese phone numbers: the one normaliser used by every form, service and import."""

from __future__ import annotations

import re

# Spaces, dots, dashes and brackets may separate the digits: "(+84) 912.345-678".
_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile: 0 + 9 digits starting 3/5/7/8/9; landline: 0 + 2 + 9 digits (since 2017).
_NATIONAL = re.compile(r"^0(?:[35789]\d{8}|2\d{9})$")


def normalise_phone(text: str | None) -> str:
    """The national form of a Vietnamese number, "" when ``text`` is not one (or empty).

    "+84 912.345.678", "0084-912-345-678", "84912345678" and "0912 345 678" all give
    "0912345678"; "(024) 3825 1234" gives the landline "02438251234". Callers that must refuse
    a malformed number check ``text.strip() and not normalise_phone(text)`` and word the error
    for their screen.
    """
    digits = _SEPARATORS.sub("", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if _NATIONAL.match(digits) else ""


# A Vietnamese number inside free text: the prefix (0, 84, +84 or 0084, the country code
# possibly in brackets), then 9 or 10 more digits, each optionally followed by one separator
# (space, dot, dash, closing bracket). Bounded, so two numbers typed side by side stay two.
# The candidates are confirmed by ``normalise_phone`` (mobile prefixes 03/05/07/08/09,
# landlines 02x); what looks like an amount of money is left alone (``_is_amount``).
_IN_TEXT = re.compile(
    r"(?<![\d+_])(?<!\d[.,/])"  # not inside a longer number, a date or an amount
    r"(?:\(\s?(?:\+84|0084|84)\s?\)|\+\s?84|0084|84|\(\s?0|0)"
    r"[ .\-]?"
    r"(?:\d\)?[ .\-]?){8,9}\d"
    r"(?!\d)(?![.,/]\d)"
)
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
# What follows an amount of money: "84912345678 đồng", "500000000đ".
MONEY_AFTER = re.compile(r"^\s*(?:đồng|đ\b|vnđ|vnd|₫|triệu|nghìn|ngàn|tỷ|tỉ|usd|\$)", re.IGNORECASE)


def _is_amount(candidate: str, after: str) -> bool:
    """``84.912.345.678`` or ``84912345678 đồng`` is money, not a phone number; a number with a
    leading 0 or + never is."""
    if candidate.startswith(("0", "+", "(")):
        return False
    return bool(_AMOUNT.match(candidate) or MONEY_AFTER.match(after))


def find_phones(text: str | None) -> list[tuple[int, int]]:
    """(start, end) of every Vietnamese phone number in ``text``, in the writings people use:
    "0912 345 678", "0912.345.678", "091-234-5678", "+84 912345678", "84-912-345-678",
    "(+84) 912 345 678", landlines "024 3825 1234", "(024) 38251234". Dates, amounts, years,
    article numbers and other digit runs are not phone numbers."""
    found: list[tuple[int, int]] = []
    for match in _IN_TEXT.finditer(text or ""):
        candidate = match.group(0)
        if not normalise_phone(candidate):
            continue
        if _is_amount(candidate, (text or "")[match.end() : match.end() + 8]):
            continue
        found.append(match.span())
    return found
