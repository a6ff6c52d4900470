"""Hybrid ranking: the lexical index (``lantoa.kb.search``: exact words, diacritics optional)
fused with semantic similarity (``lantoa.kb.semantic``: meaning, in the worker's own words).

Each finds what the other misses: typed without diacritics, "nghi de duoc may thang" means
little to the model but matches the index word for word; "nghỉ đẻ được mấy tháng" shares
no word with "Lao động nữ sinh con được nghỉ thai sản bao lâu" but means the same.

A weighted sum of normalised scores (``MODE = "score"``): the lexical rank divided by the
best one, plus ``SEMANTIC_WEIGHT`` × the similarity rescaled between the 20th match (0) and
the best (1). The semantic list only brings articles whose similarity is within
``SEMANTIC_MARGIN`` of its best one and at least ``SEMANTIC_FLOOR`` (e5's cosines are high
even for unrelated text: a query about nothing the collection holds then adds nothing), and
counts ``PLAIN_WEIGHT`` as much for a query typed without diacritics. Reciprocal rank
fusion (``MODE = "rrf"``) did as well at best and worse at its usual k = 60. The constants
are tuned on ``lantoa/kb/data/search_eval.csv`` (``bench/search_eval.py --grid``).

Without the model (switched off, missing, failing) the lexical list is the answer.

The query is embedded in a thread of its own while the database ranks the words (the model
and SQLite/psycopg release the GIL), so a search costs the longer of the two, not their sum.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet

from lantoa.core import embedding
from lantoa.core.text import fold
from lantoa.kb import search, semantic
from lantoa.kb.models import Article

RRF_K = 10
LEXICAL_WEIGHT = 1.0
SEMANTIC_WEIGHT = 0.5
SEMANTIC_CANDIDATES = 20
SEMANTIC_MARGIN = 0.05
SEMANTIC_FLOOR = 0.83
LEXICAL_CANDIDATES = 50
PLAIN_WEIGHT = 0.3
MODE = "score"
SCORE_SCALE = 10_000  # fused scores are reported as integers


@dataclass(frozen=True)
class Params:
    rrf_k: int = RRF_K
    lexical_weight: float = LEXICAL_WEIGHT
    semantic_weight: float = SEMANTIC_WEIGHT
    margin: float = SEMANTIC_MARGIN
    floor: float = SEMANTIC_FLOOR
    # Typed without diacritics, a query is mostly noise to the model: its list counts less.
    plain_weight: float = PLAIN_WEIGHT
    mode: str = MODE


DEFAULT = Params()


def semantic_kept(matches: list[semantic.Match], params: Params = DEFAULT) -> list[semantic.Match]:
    """The semantic matches close enough to count."""
    if not matches:
        return []
    best = matches[0].similarity
    return [
        m for m in matches if m.similarity >= params.floor and m.similarity >= best - params.margin
    ]


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


def fuse(
    lexical: list[search.Hit],
    matches: list[semantic.Match],
    *,
    limit: int,
    plain: bool = False,
    params: Params = DEFAULT,
) -> list[search.Hit]:
    """Both lists as one, best first; ``Hit.rank`` is the fused score × ``SCORE_SCALE``.
    ``plain``: the query was typed without diacritics."""
    scores: dict[int, float] = {}
    weight = params.semantic_weight * (params.plain_weight if plain else 1.0)
    kept = semantic_kept(matches, params)
    if params.mode == "score":
        top = lexical[0].rank if lexical else 1
        for hit in lexical:
            scores[hit.article_id] = params.lexical_weight * hit.rank / top
        if kept:
            base = matches[-1].similarity
            spread = max(kept[0].similarity - base, 1e-6)
            for match in kept:
                scores[match.article_id] = scores.get(match.article_id, 0.0) + weight * (
                    (match.similarity - base) / spread
                )
    else:
        for position, hit in enumerate(lexical, start=1):
            scores[hit.article_id] = params.lexical_weight / (params.rrf_k + position)
        for position, match in enumerate(kept, start=1):
            scores[match.article_id] = scores.get(match.article_id, 0.0) + (
                weight / (params.rrf_k + position)
            )
    order = sorted(scores, key=lambda pk: (-scores[pk], pk))[:limit]
    return [search.Hit(pk, round(scores[pk] * SCORE_SCALE)) for pk in order]


_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _embedder() -> ThreadPoolExecutor:
    """This process's threads for embedding queries (a forked worker makes its own)."""
    global _pool
    pid = os.getpid()
    current = _pool
    if current is not None and current[0] == pid:
        return current[1]
    with _pool_lock:
        if _pool is None or _pool[0] != pid:
            _pool = (pid, ThreadPoolExecutor(max_workers=4, thread_name_prefix="kb-query"))
        return _pool[1]


def rank(
    text: str,
    query: search.Query,
    articles: QuerySet[Article] | None,
    *,
    limit: int,
    category: str = "",
) -> list[search.Hit]:
    """The best ``limit`` articles among ``articles`` (None: the published ones) for
    ``text``, parsed for the index as ``query``; words only when the model is unavailable."""
    pending: Future[np.ndarray | None] | None = None
    if embedding.enabled() and text.strip():
        pending = _embedder().submit(semantic.query_vector, text)
    lexical = search.rank(query, articles, limit=max(limit, LEXICAL_CANDIDATES), category=category)
    vector = pending.result() if pending is not None else None
    if vector is None:
        return lexical[:limit]
    matches = semantic.rank(vector, articles, limit=SEMANTIC_CANDIDATES)
    return fuse(lexical, matches, limit=limit, plain=not has_diacritics(text))
