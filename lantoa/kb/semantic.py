"""Semantic search over the knowledge base: each article's title and question embedded
(``lantoa.core.embedding``), compared with the query's embedding by brute force in memory.

Vectors (``ArticleVector``) are written by a background task after an article is saved
(``kb.embed_articles``, queued when the index is updated, ``lantoa.kb.services``), and the
beat's ``kb.embed_stale`` sweep embeds whatever has no current vector: an article saved
while the broker or the model was down, the whole collection after an upgrade or a change
of model (``lantoa kb embed`` does the same from a shell).

Each process keeps every vector in one float32 matrix (``_Snapshot``: 20.000 articles ×
384 = 29 MB) and keeps it in step with one aggregate query per search (how many vectors,
the latest written): rows written since are read and merged, a deletion reloads all. A
query is then one matrix-vector product (about 2 ms for 20.000 articles).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from lantoa.core import embedding
from lantoa.core.embedding import EmbeddingUnavailable
from lantoa.kb import spoken
from lantoa.kb.models import Article, ArticleStatus, ArticleVector

log = logging.getLogger(__name__)

EMBED_BATCH = 16
SWEEP_LIMIT = 500  # articles one sweep embeds at most (about 30 s)
# Two articles this similar (cosine of their vectors) ask the same question: see
# bench/duplicates_eval.py and bench/README.md for how it was chosen.
DUPLICATE_SIMILARITY = 0.92

# Words workers type for speed, spelled out for the model (which learnt from written text).
# Keys are folded; one-letter keys only match as whole words.
SPOKEN = {
    "ko": "không",
    "k": "không",
    "kg": "không",
    "khong": "không",
    "dc": "được",
    "đc": "được",
    "duoc": "được",
    "cty": "công ty",
    "ct": "công ty",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "bhtn": "bảo hiểm thất nghiệp",
    "bh": "bảo hiểm",
    "hđ": "hợp đồng",
    "hd": "hợp đồng",
    "hđld": "hợp đồng lao động",
    "hdld": "hợp đồng lao động",
    "nld": "người lao động",
    "tnld": "tai nạn lao động",
    "cđ": "công đoàn",
    "cdcs": "công đoàn cơ sở",
    "tg": "thời gian",
    "bn": "bao nhiêu",
    "bnhiu": "bao nhiêu",
    "j": "gì",
    "vk": "vợ",
    "ck": "chồng",
    "e": "em",
    "a": "anh",
    "sx": "sản xuất",
    "lm": "làm",
    "ng": "người",
    "nv": "nhân viên",
}
_TOKEN = re.compile(r"\w+", re.UNICODE)


def spelled_out(text: str) -> str:
    """``text`` with the abbreviations of ``SPOKEN`` written out ("cty ko đóng bhxh" →
    "công ty không đóng bảo hiểm xã hội")."""
    return _TOKEN.sub(lambda m: SPOKEN.get(m.group(0).lower(), m.group(0)), text)


def query_text(text: str) -> str:
    """What is embedded for a search: the text with abbreviations written out, and the law's
    words for the worker's own after it ("nghỉ đẻ …; nghỉ thai sản": ``lantoa.kb.spoken``)."""
    phrases = spoken.legal_phrases(text)
    written = spelled_out(text)
    return f"{written}; {', '.join(phrases)}" if phrases else written


def passage_text(article: Article) -> str:
    """What is embedded: the question the article answers, as its title and question say
    it (the answer's wording is the law's, not the worker's; the lexical index has it)."""
    tags = "; ".join(article.tags or [])
    return f"{article.title}\n{article.question}\n{tags}".strip()


def _digest(text: str) -> str:
    return hashlib.sha1(f"{embedding.MODEL_NAME}\n{text}".encode()).hexdigest()  # noqa: S324


# --- writing ------------------------------------------------------------------------------


def embed_articles(ids: Iterable[int]) -> int:
    """Embed the articles ``ids`` whose vector is missing or no longer matches their text;
    returns how many were embedded. ``EmbeddingUnavailable`` when the model cannot be used
    (nothing is written; the sweep tries again later)."""
    wanted = sorted(set(ids))
    done = 0
    for start in range(0, len(wanted), EMBED_BATCH):
        chunk = wanted[start : start + EMBED_BATCH]
        articles = list(Article.objects.filter(pk__in=chunk).order_by("pk"))
        current = dict(
            ArticleVector.objects.filter(article_id__in=chunk).values_list("article_id", "digest")
        )
        todo = []
        for article in articles:
            text = passage_text(article)
            digest = _digest(text)
            if current.get(article.pk) != digest:
                todo.append((article, text, digest))
        if not todo:
            continue
        vectors = embedding.embed_passages([text for _, text, _ in todo])
        now = timezone.now()
        with transaction.atomic():
            for (article, _, digest), vector in zip(todo, vectors, strict=True):
                ArticleVector.objects.update_or_create(
                    article_id=article.pk,
                    defaults={
                        "vector": embedding.to_bytes(vector),
                        "model": embedding.MODEL_NAME,
                        "digest": digest,
                        # Read again at write time: a publish since we read is not undone.
                        "published": Article.objects.filter(
                            pk=article.pk, status=ArticleStatus.PUBLISHED
                        ).exists(),
                        "updated_at": now,
                    },
                )
        done += len(todo)
    return done


def stale_articles() -> QuerySet[Article]:
    """Articles without a current vector: none yet, another model's, or older than the
    article's last save."""
    return Article.objects.filter(
        Q(vector__isnull=True)
        | ~Q(vector__model=embedding.MODEL_NAME)
        | Q(vector__updated_at__lt=F("updated_at"))
    )


def embed_stale(*, limit: int = SWEEP_LIMIT) -> int:
    """The sweep: embed up to ``limit`` articles without a current vector (0 when the model
    is unavailable: logged, and said by /healthz)."""
    if not embedding.enabled():
        return 0
    ids = list(stale_articles().order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    try:
        return embed_articles(ids)
    except EmbeddingUnavailable:
        return 0


def vectors_published(article_ids: Iterable[int], published: bool) -> None:
    """Keep the vectors' copy of the status in step (publish, unpublish)."""
    ArticleVector.objects.filter(article_id__in=list(article_ids)).update(
        published=published, updated_at=timezone.now()
    )


def queue_embedding(article_ids: Iterable[int]) -> None:
    """Embed these articles in the background once the transaction commits (the sweep
    catches those whose task is lost)."""
    if not embedding.enabled():
        return
    ids = sorted(set(article_ids))
    if not ids:
        return
    from lantoa.core.queueing import enqueue_on_commit
    from lantoa.kb.tasks import embed_articles_task

    enqueue_on_commit(embed_articles_task, ids)


# --- reading ------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    count: int = 0
    latest: Any = None
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    matrix: np.ndarray = field(
        default_factory=lambda: np.zeros((0, embedding.DIM), dtype=np.float32)
    )
    published: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


_snapshot = _Snapshot()
_snapshot_lock = threading.Lock()


def _rows(qs: QuerySet[ArticleVector]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = list(
        qs.filter(model=embedding.MODEL_NAME)
        .order_by("article_id")
        .values_list("article_id", "vector", "published")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    matrix = np.zeros((len(rows), embedding.DIM), dtype=np.float32)
    for i, row in enumerate(rows):
        matrix[i] = embedding.from_bytes(row[1])
    published = np.array([bool(r[2]) for r in rows], dtype=bool)
    return ids, matrix, published


def snapshot() -> _Snapshot:
    """Every current vector of this process, brought up to date with the database."""
    global _snapshot
    state = ArticleVector.objects.filter(model=embedding.MODEL_NAME).aggregate(
        count=Count("*"), latest=Max("updated_at")
    )
    snap = _snapshot
    if state["count"] == snap.count and state["latest"] == snap.latest:
        return snap
    with _snapshot_lock:
        snap = _snapshot
        if snap.latest is not None and state["count"] >= snap.count:
            # Rows written since (and those at the same instant, again): merge them.
            ids, matrix, published = _rows(
                ArticleVector.objects.filter(updated_at__gte=snap.latest)
            )
            position = {int(pk): i for i, pk in enumerate(snap.ids)}
            new = [i for i, pk in enumerate(ids) if int(pk) not in position]
            all_ids = np.concatenate([snap.ids, ids[new]])
            all_matrix = np.concatenate([snap.matrix, matrix[new]])
            all_published = np.concatenate([snap.published, published[new]])
            for i, pk in enumerate(ids):
                at = position.get(int(pk))
                if at is not None:
                    all_matrix[at] = matrix[i]
                    all_published[at] = published[i]
            if len(all_ids) == state["count"]:
                _snapshot = _Snapshot(
                    state["count"], state["latest"], all_ids, all_matrix, all_published
                )
                return _snapshot
        ids, matrix, published = _rows(ArticleVector.objects.all())
        _snapshot = _Snapshot(len(ids), state["latest"], ids, matrix, published)
        return _snapshot


def query_vector(text: str) -> np.ndarray | None:
    """The embedding of a search text, or None when the model is unavailable (logged once;
    the caller searches by words)."""
    if not embedding.enabled() or not text.strip():
        return None
    try:
        return embedding.embed_query(query_text(text))
    except EmbeddingUnavailable:
        return None


@dataclass(frozen=True)
class Match:
    article_id: int
    similarity: float


def rank(
    vector: np.ndarray,
    articles: QuerySet[Article] | None,
    *,
    limit: int,
    exclude: Iterable[int] = (),
) -> list[Match]:
    """The ``limit`` articles among ``articles`` (None: the published ones) closest to
    ``vector``, best first."""
    snap = snapshot()
    if not len(snap.ids) or limit <= 0:
        return []
    if articles is None:
        mask = snap.published.copy()
    else:
        allowed = np.fromiter(articles.order_by().values_list("pk", flat=True), dtype=np.int64)
        mask = np.isin(snap.ids, allowed)
    skip = list(exclude)
    if skip:
        mask &= ~np.isin(snap.ids, np.array(skip, dtype=np.int64))
    available = int(mask.sum())
    if not available:
        return []
    scores = np.where(mask, snap.matrix @ vector, -np.inf)
    n = min(limit, available)
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [Match(int(snap.ids[i]), float(scores[i])) for i in top]


def forget() -> None:
    """Drop this process's snapshot (tests)."""
    global _snapshot
    with _snapshot_lock:
        _snapshot = _Snapshot()


# --- near-duplicates ----------------------------------------------------------------------


def article_vector(article: Article) -> np.ndarray | None:
    """The vector of ``article``'s current text: the stored one when it is current, else
    embedded now (not written: the background job does that); None without the model."""
    if not embedding.enabled():
        return None
    text = passage_text(article)
    stored = (
        ArticleVector.objects.filter(article_id=article.pk, digest=_digest(text))
        .values_list("vector", flat=True)
        .first()
    )
    if stored is not None:
        return embedding.from_bytes(stored)
    try:
        return embedding.embed_passages([text])[0]
    except EmbeddingUnavailable:
        return None


def near_duplicates(
    article: Article,
    candidates: QuerySet[Article],
    *,
    limit: int = 3,
    vector: np.ndarray | None = None,
) -> list[Match]:
    """Articles among ``candidates`` that probably ask the same question as ``article``
    (similarity at least ``DUPLICATE_SIMILARITY``), closest first; [] without the model."""
    if vector is None:
        vector = article_vector(article)
    if vector is None:
        return []
    matches = rank(vector, candidates, limit=limit, exclude=[article.pk] if article.pk else [])
    return [m for m in matches if m.similarity >= DUPLICATE_SIMILARITY]


def duplicates_among(
    article_ids: Iterable[int], candidates: QuerySet[Article], *, limit: int = 3
) -> dict[int, list[Match]]:
    """For each of ``article_ids``, its probable duplicates among ``candidates``: their
    vectors are brought up to date first (``EmbeddingUnavailable`` when the model cannot
    be used)."""
    ids = sorted(set(article_ids))
    embed_articles(ids)
    stale = candidates.filter(pk__in=stale_articles().values("pk")).order_by("pk")
    embed_articles(stale.values_list("pk", flat=True)[:SWEEP_LIMIT])
    snap = snapshot()
    position = {int(pk): i for i, pk in enumerate(snap.ids)}
    found: dict[int, list[Match]] = {}
    for pk in ids:
        at = position.get(pk)
        if at is None:
            continue
        matches = rank(snap.matrix[at], candidates, limit=limit, exclude=[pk])
        kept = [m for m in matches if m.similarity >= DUPLICATE_SIMILARITY]
        if kept:
            found[pk] = kept
    return found
