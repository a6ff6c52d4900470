"""Removing a worker's identity from a text before it becomes a knowledge-base article.

Deliberately simple and predictable (the officer reviews every draft before publishing):
citizen ID numbers (CCCD, 12 digits), Vietnamese phone numbers (0xxxxxxxxx, +84…, with or
without spaces, dots or dashes), e-mail addresses, and the worker's name when it is known —
matched with or without diacritics, in full, without the family name, and as "chị Lan",
"anh Hùng", "tên là Lan"…
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lantoa.core.text import fold

NAME = "[họ tên]"
PHONE = "[số điện thoại]"
EMAIL = "[thư điện tử]"
CITIZEN_ID = "[số CCCD]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 12 digits, optionally in groups of 3 or 4 separated by spaces (not dots: 120.000.000.000
# is an amount of money).
_CITIZEN_ID = re.compile(r"(?<![\d+.,])(?:\d{12}|\d{3}(?: \d{3}){3}|\d{4}(?: \d{4}){2})(?![\d])")
# 0 or +84/84, then 9 (mobile) or 10 (landline 02x) digits, separators allowed between digits.
_PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)[ .\-]?\(?\d\)?(?:[ .\-]?\d){8,9}(?!\d)")
# Forms of address before a given name; matched with their diacritics (or typed entirely
# without), so that "có lần" is not taken for "cô Lan".
_TITLES = (
    "anh",
    "chị",
    "em",
    "cô",
    "chú",
    "bác",
    "ông",
    "bà",
    "tôi tên là",
    "tôi tên",
    "tên là",
    "tên tôi là",
    "tôi là",
    "mình tên là",
    "mình là",
)


def _fold_char(ch: str) -> str:
    """One character folded to one character, so positions in the folded text are the same
    as in the original."""
    folded = fold(ch)
    return folded if len(folded) == 1 else (ch.lower() if len(ch.lower()) == 1 else ch)


def _same_or_unaccented(typed: str, expected: str) -> bool:
    """``typed`` (folded-equal to ``expected``) is the same word with the same diacritics, or
    was typed without any: "Lan"/"lan" match the name Lan, "lần" does not."""
    typed = " ".join(typed.lower().split())
    return typed == expected.lower() or typed == fold(typed)


def _name_variants(name: str) -> list[tuple[str, str, str]]:
    """(folded form, title, name part) to remove: the full name, every ending of two words
    or more, then "<title> <given name>" (a lone given name is also an ordinary word, "Hoa",
    "Lan", so it is removed only after a title, or when the name has one word only)."""
    parts = unicodedata.normalize("NFC", name).split()
    if not parts:
        return []
    found = [("", " ".join(parts[i:])) for i in range(len(parts) - 1)]
    found += [(title, parts[-1]) for title in _TITLES]
    if len(parts) == 1:
        found.append(("", parts[0]))
    variants = {fold(f"{title} {part}"): (title, part) for title, part in found}
    return sorted(
        ((key, title, part) for key, (title, part) in variants.items()),
        key=lambda v: len(v[0]),
        reverse=True,
    )


def _remove_names(text: str, names: Iterable[str]) -> str:
    variants: dict[str, tuple[str, str]] = {}
    for name in names:
        for key, title, part in _name_variants(name):
            variants.setdefault(key, (title, part))
    if not variants or not text:
        return text
    folded = "".join(_fold_char(ch) for ch in text)
    alternatives = sorted(variants, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in alternatives)
        + r")(?!\w)"
    )
    out: list[str] = []
    last = 0
    for match in pattern.finditer(folded):
        start, end = match.span()
        title, part = variants[" ".join(match.group(1).split())]
        segment = text[start:end]
        head = ""
        if title:
            words_in_title = len(title.split())
            pieces = segment.split()
            head = " ".join(pieces[:words_in_title])
            body = " ".join(pieces[words_in_title:])
            if not _same_or_unaccented(head, title):
                continue
        else:
            body = segment
        if not _same_or_unaccented(body, part):
            continue
        out.append(text[last:start] + (head + " " if head else "") + NAME)
        last = end
    out.append(text[last:])
    return "".join(out)


def anonymise(text: str, *, names: Iterable[str] = (), extra: Iterable[str] = ()) -> str:
    """``text`` without CCCD numbers, phone numbers, e-mails, the given ``names`` and the
    exact strings in ``extra`` (the contact's own phone and e-mail as stored)."""
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    for value in extra:
        value = (value or "").strip()
        if len(value) >= 5:
            text = text.replace(value, PHONE if "@" not in value else EMAIL)
    text = _EMAIL.sub(EMAIL, text)
    text = _CITIZEN_ID.sub(CITIZEN_ID, text)
    text = _PHONE.sub(PHONE, text)
    return _remove_names(text, [n for n in names if n and n.strip()])
