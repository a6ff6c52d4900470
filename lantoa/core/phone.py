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
