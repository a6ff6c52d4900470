"""Workers' words for what the law calls otherwise: "nợ lương" is "chậm trả lương",
"nghỉ đẻ" is "nghỉ thai sản", "bị sếp gạ gẫm" is "quấy rối tình dục".

The articles are written in the law's words; a worker types their own. The list
(``data/spoken_terms.csv``: spoken phrase, the law's phrases separated by ";") adds the law's
phrases to a query that holds a spoken one, for the word index and for the model alike.

A phrase of two words or more is also found typed without diacritics ("no luong"); a single
word only as written ("đẻ", not "de", which is also "để"), unless it has no diacritics
itself ("ot").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lantoa.core.text import fold

SPOKEN_TERMS = Path(__file__).resolve().parent / "data" / "spoken_terms.csv"
MAX_PHRASES = 4  # the law's phrases added to one query at most

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Entry:
    spoken: tuple[str, ...]  # lower case, as written
    folded: tuple[str, ...] | None  # also matched without diacritics (None: only as written)
    legal: tuple[str, ...]


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.lower()))


@cache
def entries() -> tuple[Entry, ...]:
    found = []
    with SPOKEN_TERMS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            spoken = _tokens(row["spoken"])
            legal = tuple(p.strip() for p in row["legal"].split(";") if p.strip())
            if not spoken or not legal:
                continue
            folded = tuple(fold(t) for t in spoken)
            plain_ok = len(spoken) > 1 or folded == spoken
            found.append(Entry(spoken, folded if plain_ok else None, legal))
    # Longer phrases first: "nghỉ đẻ" before "đẻ".
    return tuple(sorted(found, key=lambda e: -len(e.spoken)))


def _holds(seq: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(seq[i : i + n] == phrase for i in range(len(seq) - n + 1))


def legal_phrases(text: str) -> list[str]:
    """The law's phrases for the spoken ones in ``text``, in the order met, without repeats,
    at most ``MAX_PHRASES``; none the text already holds."""
    seq = _tokens(text)
    if not seq:
        return []
    plain = tuple(fold(t) for t in seq)
    folded_text = " ".join(plain)
    phrases: list[str] = []
    for entry in entries():
        if _holds(seq, entry.spoken) or (entry.folded and _holds(plain, entry.folded)):
            for phrase in entry.legal:
                if phrase not in phrases and f" {fold(phrase)} " not in f" {folded_text} ":
                    phrases.append(phrase)
    return phrases[:MAX_PHRASES]
