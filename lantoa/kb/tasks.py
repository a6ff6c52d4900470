"""Background work for the knowledge base. Tasks take ids, never model objects."""

from __future__ import annotations

from celery import shared_task

from lantoa.core.embedding import EmbeddingUnavailable
from lantoa.kb import semantic


@shared_task(name="kb.embed_articles", soft_time_limit=300, time_limit=330, acks_late=True)
def embed_articles_task(article_ids: list[int]) -> int:
    """Embed articles just saved; when the model is unavailable, leave them to the sweep."""
    try:
        return semantic.embed_articles(article_ids)
    except EmbeddingUnavailable:
        return 0


@shared_task(name="kb.embed_stale", soft_time_limit=300, time_limit=330, acks_late=True)
def embed_stale_task() -> int:
    """The beat's sweep: articles without a current vector."""
    return semantic.embed_stale()
