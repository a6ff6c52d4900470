"""Similar questions from workers: several workers writing about the same workplace problem in
a few days (unpaid wages at one company, no social insurance, forced overtime) are often the
first sign of a dispute. Each inquiry's question is embedded (``lantoa.core.embedding``) and
compared with the other inquiries of the last ``WINDOW_DAYS`` days that the officer sees.

Vectors (``InquiryVector``) are written by a background task queued when an inquiry is
received (``inquiries.embed``), never in the request or webhook; the beat's
``inquiries.embed_stale`` sweep embeds the recent inquiries that have none (the broker or the
model was down) and deletes the vectors older than the window. They derive from the worker's
text, so they are deleted with the worker's contact details (``privacy._erase``: the erase
link, retention), and an erased inquiry is never embedded again. Texts are never logged.

Reading is one query per page: every vector of the viewer's subtree in the window, compared
in memory (2.000 inquiries a week: one 2.000 × 2.000 product, see bench/README.md). Without
the model nothing is shown and nothing breaks: stored vectors still compare (no model needed),
and an inquiry without one simply has no similar questions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lantoa.core import embedding
from lantoa.core.embedding import EmbeddingUnavailable
from lantoa.inquiries.models import (
    Direction,
    EventKind,
    Inquiry,
    InquiryVector,
    Message,
)
from lantoa.kb.semantic import spelled_out

WINDOW_DAYS = 7
# Two questions this similar (cosine of their query vectors) are about the same problem: see
# bench/inquiry_similar_eval.py and bench/README.md for how it was chosen.
SIMILARITY = 0.90
EMBED_BATCH = 16
SWEEP_LIMIT = 500
MAX_TEXT = 1000  # characters embedded: the model reads 512 tokens at most
MAX_WINDOW = 5000  # vectors compared at most (the most recent)


def question_text(subject: str, body: str) -> str:
    """What is embedded: the worker's first message, after the subject unless the subject
    is its beginning; abbreviations spelled out ("cty ko đóng bhxh")."""
    subject, body = subject.strip(), body.strip()
    text = body if not subject or body.startswith(subject.rstrip("…. ")) else f"{subject}\n{body}"
    return spelled_out(text[:MAX_TEXT])


def _digest(text: str) -> str:
    return hashlib.sha1(f"{embedding.MODEL_NAME}\n{text}".encode()).hexdigest()  # noqa: S324


def _erased() -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(events__kind=EventKind.CONTACT_ERASED)


def window_start(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=WINDOW_DAYS)


# --- writing ------------------------------------------------------------------------------


def embed_inquiries(ids: Iterable[int]) -> int:
    """Embed the inquiries ``ids`` that are recent, not erased, and whose vector is missing
    or stale; returns how many. ``EmbeddingUnavailable`` when the model cannot be used."""
    wanted = sorted(set(ids))
    done = 0
    for start in range(0, len(wanted), EMBED_BATCH):
        chunk = wanted[start : start + EMBED_BATCH]
        inquiries = list(
            Inquiry.objects.filter(pk__in=chunk, received_at__gte=window_start())
            .exclude(pk__in=_erased().values("pk"))
            .order_by("pk")
            .values_list("pk", "subject", "received_at")
        )
        bodies: dict[int, str] = {}
        for inquiry_id, body in (
            Message.objects.filter(inquiry_id__in=[i[0] for i in inquiries], direction=Direction.IN)
            .order_by("-created_at", "-pk")
            .values_list("inquiry_id", "body")
        ):
            bodies[inquiry_id] = body  # the earliest wins (read last)
        current = dict(
            InquiryVector.objects.filter(inquiry_id__in=chunk).values_list("inquiry_id", "digest")
        )
        todo = []
        for pk, subject, received_at in inquiries:
            text = question_text(subject, bodies.get(pk, ""))
            digest = _digest(text)
            if text and current.get(pk) != digest:
                todo.append((pk, received_at, text, digest))
        if not todo:
            continue
        vectors = embedding.embed_queries([t[2] for t in todo])
        with transaction.atomic():
            # Erased while the model ran: not written.
            gone = set(_erased().filter(pk__in=[t[0] for t in todo]).values_list("pk", flat=True))
            for (pk, received_at, _text, digest), vector in zip(todo, vectors, strict=True):
                if pk in gone:
                    continue
                InquiryVector.objects.update_or_create(
                    inquiry_id=pk,
                    defaults={
                        "vector": embedding.to_bytes(vector),
                        "model": embedding.MODEL_NAME,
                        "digest": digest,
                        "received_at": received_at,
                    },
                )
                done += 1
    return done


def stale_inquiries(now: dt.datetime | None = None) -> QuerySet[Inquiry]:
    """Recent inquiries without a vector of the current model (erased ones excluded)."""
    return (
        Inquiry.objects.filter(received_at__gte=window_start(now))
        .exclude(vector__model=embedding.MODEL_NAME)
        .exclude(pk__in=_erased().values("pk"))
    )


def embed_stale(*, limit: int = SWEEP_LIMIT, now: dt.datetime | None = None) -> int:
    """The sweep: forget vectors older than the window (with a day's margin), then embed up
    to ``limit`` recent inquiries without one (0 when the model is unavailable)."""
    now = now or timezone.now()
    InquiryVector.objects.filter(received_at__lt=window_start(now) - dt.timedelta(days=1)).delete()
    if not embedding.enabled():
        return 0
    ids = list(stale_inquiries(now).order_by("-received_at").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    try:
        return embed_inquiries(ids)
    except EmbeddingUnavailable:
        return 0


def queue_embedding(inquiry_id: int) -> None:
    """Embed this inquiry in the background once the transaction commits."""
    if not embedding.enabled():
        return
    from lantoa.core.queueing import enqueue_on_commit
    from lantoa.inquiries.tasks import embed_inquiries_task

    enqueue_on_commit(embed_inquiries_task, [inquiry_id])


def forget(inquiry: Inquiry) -> None:
    """Delete the vector of ``inquiry`` (its worker's text is erased)."""
    InquiryVector.objects.filter(inquiry=inquiry).delete()


# --- reading ------------------------------------------------------------------------------


@dataclass
class Neighbours:
    """The recent inquiries of one viewer's scope and, for each, the others like it."""

    similar: dict[int, list[int]]

    def of(self, inquiry_id: int) -> list[int]:
        return self.similar.get(inquiry_id, [])

    def with_similar(self) -> list[int]:
        return [pk for pk, others in self.similar.items() if others]


def neighbours(
    visible: QuerySet[Inquiry], *, now: dt.datetime | None = None, rows: Iterable[int] | None = None
) -> Neighbours:
    """For the inquiries of ``visible`` received in the window (those of ``rows`` only, if
    given), the others of the window, among ``visible``, that ask the same, closest first.
    One query; nothing when no vectors are stored."""
    since = window_start(now)
    data = list(
        InquiryVector.objects.filter(
            model=embedding.MODEL_NAME,
            received_at__gte=since,
            inquiry__in=visible.filter(received_at__gte=since).order_by().values("pk"),
        )
        .order_by("-received_at")
        .values_list("inquiry_id", "vector")[:MAX_WINDOW]
    )
    if len(data) < 2:
        return Neighbours({})
    ids = np.array([pk for pk, _ in data], dtype=np.int64)
    matrix = np.stack([embedding.from_bytes(blob) for _, blob in data])
    if rows is None:
        picked = np.arange(len(ids))
    else:
        picked = np.flatnonzero(np.isin(ids, np.fromiter(rows, dtype=np.int64)))
    if not len(picked):
        return Neighbours({})
    scores = matrix[picked] @ matrix.T
    scores[np.arange(len(picked)), picked] = -1.0  # not similar to itself
    found: dict[int, list[int]] = {}
    for r, at in enumerate(picked):
        hits = np.flatnonzero(scores[r] >= SIMILARITY)
        if len(hits):
            hits = hits[np.argsort(-scores[r][hits], kind="stable")]
            found[int(ids[at])] = [int(ids[h]) for h in hits]
    return Neighbours(found)


def similar_to(
    inquiry: Inquiry, visible: QuerySet[Inquiry], *, now: dt.datetime | None = None
) -> list[Inquiry]:
    """The inquiries of ``visible`` in the window that ask what ``inquiry`` asks, closest
    first (codes and subjects are what the caller shows)."""
    ids = neighbours(visible, now=now, rows=[inquiry.pk]).of(inquiry.pk)
    if not ids:
        return []
    found = {i.pk: i for i in visible.filter(pk__in=ids).select_related("unit")}
    return [found[pk] for pk in ids if pk in found]
