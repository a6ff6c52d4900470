"""Full-text search over the knowledge base with an inverted index that works the same on
SQLite and PostgreSQL.

Indexing: every text is folded (lower case, no diacritics, đ → d, so "Lương tối thiểu" and
"luong toi thieu" are the same words) and cut into terms: single words everywhere, plus
pairs of adjacent words from the title, the question and the tags, so that a query typed in
the article's own word order earns a bonus while any other order still matches word by
word. A term's weight in an article adds up the fields it occurs in::

    title 8 · question 4 · tags and law references 3 · answer 1 per occurrence, at most 3

Querying: the query is cut the same way; the last word, while the user is still typing it,
also matches the most frequent indexed words that start with it. The term dictionary
(``TermStat``: term → number of articles holding it) gives each word's document frequency
with primary-key lookups, for BM25's inverse document frequency, so rare words count more
than "người lao động"; then one grouped query sums, per article::

    Σ  idf(term) × (weight + PRESENCE)    over the query's words
    Σ  idf(pair) × weight                 over the query's adjacent pairs (bonus)

``WHERE term IN (…)`` on the ``(term, article, weight)`` index, ``GROUP BY article``,
``ORDER BY rank DESC LIMIT n``. The cost follows the postings of the query's words, not the
number of articles, and is capped: in a large collection the words nearly every article
holds are left out of the sum when rarer ones are there (``rank``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from django.db import connection
from django.db.models import (
    Case,
    Expression,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from lantoa.core.text import fold
from lantoa.kb import spoken
from lantoa.kb.models import Article, ArticleStatus, ArticleTerm, TermStat

FIELD_WEIGHTS = {"title": 8, "question": 4, "tags": 3, "answer": 1}
ANSWER_CAP = 3  # occurrences of a word in the answer that still add weight
PRESENCE = 6  # what matching a query word is worth before the field weight is added
CATEGORY_BONUS_PERCENT = 10  # of a perfect match, for suggestions in the same category
MAX_TERM = 32  # longer "words" are cut (the column holds two of them and a space)
MAX_QUERY_WORDS = 12
PREFIX_MIN = 2
PREFIX_EXPANSIONS = 20
MIN_SHARE_PERCENT = 20  # of the best article's rank, for an article to be listed at all
POSTINGS_BUDGET = 20_000  # postings one query reads at most, beyond its rarest word
IDF_SCALE = 100  # idf is kept as an integer (× 100) so the SQL stays integer arithmetic

# 4.960.000 → 4960000, so amounts are one word; "220,6" stays two.
_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str | None) -> list[str]:
    """Folded words of ``text`` in order; one-letter words other than digits are dropped."""
    folded = _THOUSANDS.sub("", fold(text))
    return [w[:MAX_TERM] for w in _WORD.findall(folded) if len(w) > 1 or w.isdigit()]


def pairs(seq: Sequence[str]) -> list[str]:
    return [f"{a} {b}" for a, b in pairwise(seq) if a != b]


def article_terms(
    *,
    title: str,
    question: str,
    answer: str,
    tags: Iterable[str] = (),
    law_refs: Iterable[str] = (),
) -> dict[str, int]:
    """The postings of one article: term → weight."""
    weights: Counter[str] = Counter()
    for name, texts in (
        ("title", [title]),
        ("question", [question]),
        ("tags", [*tags, *law_refs]),
    ):
        found: set[str] = set()
        for text in texts:
            seq = words(text)
            found.update(seq)
            found.update(pairs(seq))
        for term in found:
            weights[term] += FIELD_WEIGHTS[name]
    for term, count in Counter(words(answer)).items():
        weights[term] += FIELD_WEIGHTS["answer"] * min(count, ANSWER_CAP)
    return dict(weights)


def postings_for(article: Article) -> list[ArticleTerm]:
    terms = article_terms(
        title=article.title,
        question=article.question,
        answer=article.answer,
        tags=article.tags or [],
        law_refs=article.law_refs or [],
    )
    published = article.status == ArticleStatus.PUBLISHED
    return [
        ArticleTerm(article_id=article.pk, term=t, weight=w, published=published)
        for t, w in terms.items()
    ]


# --- querying -----------------------------------------------------------------------------


@dataclass
class Query:
    """A parsed query: the words to match, the word being typed (``prefix``) and the word
    before it, and the pairs of adjacent words."""

    words: list[str]
    prefix: str = ""
    previous: str = ""
    pairs: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.words


# Abbreviations workers type, spelled out in queries (the articles spell the words out).
ABBREVIATIONS = {
    "bhxh": "bao hiem xa hoi",
    "bhyt": "bao hiem y te",
    "bhtn": "bao hiem that nghiep",
    "hdld": "hop dong lao dong",
    "blld": "bo luat lao dong",
    "nld": "nguoi lao dong",
    "nsdld": "nguoi su dung lao dong",
    "tnld": "tai nan lao dong",
    "bnn": "benh nghe nghiep",
    "atvsld": "an toan ve sinh lao dong",
    "cdcs": "cong doan co so",
    "kpcd": "kinh phi cong doan",
    "ldld": "lien doan lao dong",
    "cccd": "can cuoc cong dan",
}


def parse(text: str, *, prefix: bool = True, max_words: int = MAX_QUERY_WORDS) -> Query:
    """``prefix``: the last word may be unfinished (search as you type) unless the text ends
    with a space. Known abbreviations ("bhxh") are spelled out, and the law's words are
    added for a worker's own ("nợ lương" → "chậm trả lương": ``lantoa.kb.spoken``)."""
    seq = [part for w in words(text) for part in ABBREVIATIONS.get(w, w).split()]
    unique = list(dict.fromkeys(seq))[:max_words]
    pair_list = list(dict.fromkeys(pairs(seq)))[:max_words]
    for phrase in spoken.legal_phrases(text):
        # The law's phrase as a phrase: its adjacent pairs (indexed from titles, questions and
        # tags), not its loose words ("làm", "giờ" are in every other answer).
        legal = words(phrase)
        if len(legal) == 1:
            unique += [w for w in legal if w not in unique]
        pair_list += [p for p in pairs(legal) if p not in pair_list]
    last = previous = ""
    if prefix and seq and not text[-1:].isspace() and len(seq[-1]) >= PREFIX_MIN:
        last = seq[-1]
        previous = seq[-2] if len(seq) > 1 else ""
    return Query(words=unique, prefix=last, previous=previous, pairs=pair_list)


def _prefix_filter(prefix: str) -> Q:
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case and cannot use the index; terms are [a-z0-9 ] only, so a
        # byte-order range (BINARY collation) is the same set and is an index range scan.
        return Q(term__gte=prefix, term__lt=prefix + "{")
    # PostgreSQL: LIKE 'x%' on the varchar_pattern_ops index Django adds to the key.
    return Q(term__startswith=prefix)


@dataclass
class _Terms:
    df: dict[str, int]
    expansions: list[str]  # words that start with the prefix, most frequent first
    pair_expansions: list[str]  # "<previous word> <expansion>"


def _document_frequencies(query: Query) -> _Terms:
    """df of every exact term and of the prefix's expansions, read from the term
    dictionary: primary-key lookups and short ranges over distinct terms."""
    df: dict[str, int] = {}
    exact = [*query.words, *query.pairs]
    if exact:
        df.update(TermStat.objects.filter(term__in=exact).values_list("term", "df"))
    found: dict[str, list[str]] = {"words": [], "pairs": []}
    if query.prefix:
        ranges = {"words": _prefix_filter(query.prefix) & ~Q(term__contains=" ")}
        if query.previous:
            ranges["pairs"] = _prefix_filter(f"{query.previous} {query.prefix}")
        for kind, where in ranges.items():
            rows = (
                TermStat.objects.filter(where)
                .exclude(term__in=exact)
                .order_by("-df", "term")
                .values_list("term", "df")[:PREFIX_EXPANSIONS]
            )
            for term, n in rows:
                df[term] = n
                found[kind].append(term)
    return _Terms(df=df, expansions=found["words"], pair_expansions=found["pairs"])


def _idf(df: int, total: int) -> int:
    """BM25's inverse document frequency: a word in every other article is worth little
    next to one found in a handful, so a long text's filler words do not outvote them."""
    df = min(max(df, 1), total)
    return max(1, round(math.log(1 + (total - df + 0.5) / (df + 0.5)) * IDF_SCALE))


@dataclass(frozen=True)
class Hit:
    article_id: int
    rank: int


def _points(terms: list[str], df: dict[str, int], total: int, presence: int) -> list[When]:
    return [When(term=t, then=(F("weight") + presence) * _idf(df[t], total)) for t in terms]


def _summed(whens: list[When], aggregate: type[Sum] | type[Max]) -> Expression:
    return aggregate(Case(*whens, default=Value(0), output_field=IntegerField()))


def rank(
    query: Query,
    articles: QuerySet[Article] | None,
    *,
    limit: int,
    category: str = "",
) -> list[Hit]:
    """The ids of the best ``limit`` articles among ``articles`` (None: the published ones,
    read from the index alone) for ``query``, best first; ``category`` earns a bonus.

    The words typed in full and their pairs add up; of the words the prefix may stand for,
    only the best one found in an article counts (``Max``), so that an article holding
    many words that start with "ph" does not outrank the one with "phép".

    The terms are taken rarest first while their postings stay within ``POSTINGS_BUDGET``
    (the rarest always counts). In a small collection that is every term; in a large one
    the words most articles hold ("người", "lao", "động", whose idf is close to zero anyway)
    are left out, so one query never reads more than about the budget, whatever the size of
    the collection.
    """
    if query.empty or limit <= 0:
        return []
    terms = _document_frequencies(query)
    df = terms.df
    total = Article.objects.count() or 1
    groups = {
        "words": [w for w in query.words if df.get(w)],
        "pairs": [p for p in query.pairs if df.get(p)],
        "expansions": terms.expansions,
        "pair_expansions": terms.pair_expansions,
    }
    if not groups["words"] and not groups["expansions"]:
        return []
    kept: set[str] = set()
    budget = 0
    for term in sorted((t for g in groups.values() for t in g), key=lambda t: (df[t], t)):
        if kept and budget + df[term] > POSTINGS_BUDGET:
            break
        kept.add(term)
        budget += df[term]
    groups = {name: [t for t in group if t in kept] for name, group in groups.items()}

    parts: list[Expression] = []
    exact = _points(groups["words"], df, total, PRESENCE) + _points(groups["pairs"], df, total, 0)
    if exact:
        parts.append(_summed(exact, Sum))
    if groups["expansions"]:
        parts.append(_summed(_points(groups["expansions"], df, total, PRESENCE), Max))
    if groups["pair_expansions"]:
        parts.append(_summed(_points(groups["pair_expansions"], df, total, 0), Max))
    if category:
        full = FIELD_WEIGHTS["title"] + FIELD_WEIGHTS["question"] + PRESENCE
        best = sum(full * _idf(df[t], total) for t in groups["words"])
        best += max((full * _idf(df[t], total) for t in groups["expansions"]), default=0)
        bonus = max(1, best * CATEGORY_BONUS_PERCENT // 100)
        parts.append(_summed([When(article__category=category, then=Value(bonus))], Max))
    score = parts[0]
    for part in parts[1:]:
        score = score + part

    postings = ArticleTerm.objects.filter(term__in=sorted(kept))
    if articles is None:
        postings = postings.filter(published=True)
    else:
        # "article_id + 0": the visibility test must not drive the plan. Given a bare column,
        # SQLite walks every visible article and probes the index for each word; as an
        # expression it reads the words' postings and checks each against the visible set.
        postings = postings.alias(visible=F("article_id") + 0).filter(
            visible__in=articles.order_by().values("pk")
        )
    rows = (
        postings.values("article_id").annotate(rank=score).order_by("-rank", "article_id")[:limit]
    )
    hits = [Hit(article_id=r["article_id"], rank=int(r["rank"])) for r in rows]
    # Articles that share only a word or two of little weight with the best one are noise in
    # a list read on a phone: keep those within reach of the best.
    floor = hits[0].rank * MIN_SHARE_PERCENT // 100 if hits else 0
    return [h for h in hits if h.rank >= floor]


def informative_words(text: str, *, keep: int) -> Query:
    """For suggestions from a long text (an inquiry): its ``keep`` rarest indexed words."""
    query = parse(text, prefix=False, max_words=200)
    if len(query.words) <= keep:
        return query
    df = _document_frequencies(Query(words=query.words)).df
    known = sorted((w for w in query.words if df.get(w)), key=lambda w: (df[w], w))[:keep]
    chosen = set(known)
    pairs_kept = [p for p in query.pairs if set(p.split(" ")) <= chosen]
    return Query(words=known, pairs=pairs_kept[:keep])
