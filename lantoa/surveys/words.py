"""The most frequent words of free-text answers, Vietnamese-aware.

Vietnamese writes a word as one to several syllables separated by spaces ("công đoàn",
"tăng lương", "nhà trọ"), so splitting on spaces gives syllables, not words. Without a
dictionary we segment the way statistical segmenters start: two neighbouring syllables
(within a phrase: punctuation breaks it) that occur together in at least ``PAIR_MIN``
answers make one word; the segmentation then takes such a pair greedily from left to right,
and a lone syllable otherwise. Known compounds (``data/compounds_vi.txt``: "nhà ở", "làm
thêm", "công nhân"…) are always joined, even where a syllable is a stop word or the pair
occurs once. Stop words (``data/stopwords_vi.txt``, syllables and pairs, kept in the
repository) are dropped, and so are numbers.

Grouping is insensitive to case (and to how the tone marks were typed: text is put in NFC
first), never to the tone marks themselves: "lương" (salary) and "luồng" (stream) are
different words. A word is shown with its diacritics, in lower case, or as a name ("Zalo",
"Hà Nội") when it is capitalised wherever it does not start a phrase.

A word counts once per answer that uses it: the count is the number of respondents who
wrote it, which is what a suppression threshold applies to.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

PAIR_MIN = 2
_PHRASES = re.compile(r"[^\w\s]+|\d+|_")  # punctuation (and digits) end a phrase
_DATA = Path(__file__).resolve().parent / "data"


def _lines(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(
        _key(line) for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


@cache
def stop_words() -> frozenset[str]:
    return _lines("stopwords_vi.txt")


@cache
def known_compounds() -> frozenset[tuple[str, str]]:
    pairs = (tuple(c.split()) for c in _lines("compounds_vi.txt"))
    return frozenset((p[0], p[1]) for p in pairs if len(p) == 2)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def phrases(text: str) -> list[list[str]]:
    """The answer's phrases, each a list of syllables as written (NFC)."""
    clean = unicodedata.normalize("NFC", text)
    found = []
    for part in _PHRASES.split(clean):
        syllables = part.split()
        if syllables:
            found.append(syllables)
    return found


def _pairs(syllables: list[str], stop: frozenset[str]) -> Iterable[tuple[str, str]]:
    for a, b in pairwise(syllables):
        ka, kb = a.casefold(), b.casefold()
        if ka not in stop and kb not in stop and f"{ka} {kb}" not in stop:
            yield ka, kb


def segment(syllables: list[str], compounds: set[tuple[str, str]]) -> list[str]:
    """The words of one phrase (as written), pairs in ``compounds`` joined, stop words out."""
    stop = stop_words()
    words: list[str] = []
    i = 0
    while i < len(syllables):
        here = syllables[i]
        if i + 1 < len(syllables):
            pair = (here.casefold(), syllables[i + 1].casefold())
            if pair in compounds:
                words.append(f"{here} {syllables[i + 1]}")
                i += 2
                continue
        if here.casefold() not in stop and len(here) > 1:
            words.append(here)
        i += 1
    return words


@dataclass(frozen=True)
class Word:
    text: str  # the most frequent written form
    count: int  # answers using it


def frequent_words(texts: Iterable[str], *, limit: int = 20, min_count: int = 2) -> list[Word]:
    """The ``limit`` words used in the most answers (at least ``min_count``), most first,
    ties in alphabetical order of their key."""
    answers = [phrases(t) for t in texts if t and t.strip()]
    stop = stop_words()
    pair_answers: Counter[tuple[str, str]] = Counter()
    for answer in answers:
        pair_answers.update({p for syllables in answer for p in _pairs(syllables, stop)})
    compounds = {p for p, n in pair_answers.items() if n >= PAIR_MIN} | known_compounds()
    used: Counter[str] = Counter()
    names: dict[str, str] = {}  # key → its capitalised form, while always so written
    for answer in answers:
        seen = set()
        for syllables in answer:
            for position, word in enumerate(segment(syllables, compounds)):
                key = _key(word)
                seen.add(key)
                if position == 0:
                    continue
                titled = all(w[:1].isupper() and w[1:].islower() for w in word.split())
                if titled and names.get(key, word) == word:
                    names[key] = word
                else:
                    names[key] = ""
        used.update(seen)
    ranked = sorted(
        ((key, n) for key, n in used.items() if n >= min_count), key=lambda kn: (-kn[1], kn[0])
    )
    return [Word(names.get(key) or key, n) for key, n in ranked[:limit]]
