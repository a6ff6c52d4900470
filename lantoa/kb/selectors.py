"""Reads over the knowledge base, with the visibility rule of ``lantoa.kb.models``: published
articles for everyone; internal articles and drafts for officers of the owner unit's subtree
and of its ancestors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from lantoa import access
from lantoa.access import AnyUser
from lantoa.kb import hybrid, search
from lantoa.kb.models import Article, ArticleReference, ArticleStatus, LegalDocument
from lantoa.units.models import Unit, UnitClosure

MAX_RESULTS = 200
SUGGEST_WORDS = 12
SUGGEST_CHARS = 1000  # of an inquiry's text, for its meaning (the model reads 512 tokens)


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED)


def articles_visible_to(user: AnyUser | None) -> QuerySet[Article]:
    """Every article ``user`` may read; the public (None or anonymous) gets published ones."""
    published = Q(status=ArticleStatus.PUBLISHED)
    if user is None or not user.is_authenticated or not user.is_active:
        return Article.objects.filter(published)
    if access.sees_everything(user):
        return Article.objects.all()
    member_units = sorted({u for u, _ in access.memberships(user)})
    if not member_units:
        return Article.objects.filter(published)
    below = UnitClosure.objects.filter(ancestor_id__in=member_units).values("descendant_id")
    above = UnitClosure.objects.filter(descendant_id__in=member_units).values("ancestor_id")
    return Article.objects.filter(published | Q(unit_id__in=below) | Q(unit_id__in=above))


def article_list(
    *,
    user: AnyUser | None,
    category: str = "",
    statuses: Iterable[str] | None = None,
) -> QuerySet[Article]:
    qs = articles_visible_to(user)
    if category:
        qs = qs.filter(category=category)
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    return qs.select_related("unit").order_by("title", "pk")


@dataclass(frozen=True)
class SearchResult:
    article: Article
    score: int


def article_search(
    *,
    text: str,
    user: AnyUser | None = None,
    category: str = "",
    statuses: Iterable[str] | None = None,
    limit: int = 20,
    prefix: bool = True,
) -> list[SearchResult]:
    """Articles ``user`` may read that match ``text`` (diacritics optional, any word order,
    the last word may be unfinished) or mean what it says (``lantoa.kb.hybrid``), best
    first. ``category`` filters."""
    query = search.parse(text, prefix=prefix)
    articles: QuerySet[Article] | None = None
    if category or not _is_public(user):
        articles = article_list(user=user, category=category, statuses=statuses)
    return _results(hybrid.rank(text, query, articles, limit=min(limit, MAX_RESULTS)))


def _is_public(user: AnyUser | None) -> bool:
    """Whether ``user`` reads published articles only (then the index alone answers)."""
    return user is None or not user.is_authenticated or not user.is_active


def _results(hits: list[search.Hit]) -> list[SearchResult]:
    by_id = Article.objects.select_related("unit").in_bulk([h.article_id for h in hits])
    return [SearchResult(by_id[h.article_id], h.rank) for h in hits if h.article_id in by_id]


def kb_suggest(
    *, text: str, category: str = "", limit: int = 5, user: AnyUser | None = None
) -> list[Article]:
    """Articles that may answer ``text`` (an inquiry's subject and messages), best first;
    those of ``category`` are preferred, not required.

    Without ``user`` only published articles are suggested; pass the officer looking at the
    inquiry to include the internal articles they may read. Drafts are never suggested.
    """
    articles: QuerySet[Article] | None = None
    if not _is_public(user):
        articles = articles_visible_to(user).exclude(status=ArticleStatus.DRAFT)
    query = search.informative_words(text, keep=SUGGEST_WORDS)
    hits = hybrid.rank(text[:SUGGEST_CHARS], query, articles, limit=limit, category=category)
    return [r.article for r in _results(hits)]


def manageable_units(user: AnyUser) -> QuerySet[Unit]:
    """Units an officer may file a new article under: where they hold a role granting
    ``kb.manage`` (the root of the tree for a superuser without a role)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    ids = [u for u, role in access.memberships(user) if role in access.PERMISSIONS["kb.manage"]]
    if not ids and user.is_superuser:
        return Unit.objects.filter(parent__isnull=True)
    return Unit.objects.filter(pk__in=ids).order_by("depth", "name")


# --- review ---------------------------------------------------------------------------------

REVIEW_FLAGGED = "can-ra-soat"  # flagged because a document it cites changed
REVIEW_OVERDUE = "qua-han"  # last reviewed more than LANTOA_KB_REVIEW_MONTHS ago


def overdue_filter(on: Any = None) -> Q:
    """Articles due for their periodic review: last reviewed on or before the cutoff, or
    never (drafts excepted: they have their own check)."""
    from lantoa.kb.register import review_cutoff

    return Q(reviewed_on__lte=review_cutoff(on)) | (
        Q(reviewed_on__isnull=True) & ~Q(status=ArticleStatus.DRAFT)
    )


def review_queue(
    *,
    user: AnyUser,
    unit: Unit | None = None,
    reason: str = "",
    document: Any = None,
    category: str = "",
) -> QuerySet[Article]:
    """The articles ``user`` looks after (units where they hold ``kb.manage``) that need a
    review: flagged "cần rà soát", or past their review interval. ``unit`` narrows to its
    subtree, ``reason`` to one of the two, ``document`` to the articles citing it. Flagged
    articles first (oldest flag first), then the longest unreviewed."""
    qs = Article.objects.filter(unit__in=access.visible_units(user, "kb.manage"))
    if unit is not None:
        qs = qs.filter(unit__in=UnitClosure.objects.filter(ancestor=unit).values("descendant_id"))
    flagged = Q(review_flagged_at__isnull=False)
    if reason == REVIEW_FLAGGED:
        qs = qs.filter(flagged)
    elif reason == REVIEW_OVERDUE:
        qs = qs.filter(overdue_filter())
    else:
        qs = qs.filter(flagged | overdue_filter())
    if document is not None:
        qs = qs.filter(
            pk__in=ArticleReference.objects.filter(document=document).values("article_id")
        )
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("unit", "reviewed_by").order_by(
        F("review_flagged_at").asc(nulls_last=True),
        F("reviewed_on").asc(nulls_first=True),
        "title",
        "pk",
    )


def documents_with_counts() -> QuerySet[LegalDocument]:
    """The register, each document with how many articles cite it."""
    return (
        LegalDocument.objects.select_related("replaced_by")
        .annotate(citing=Count("references__article", distinct=True))
        .order_by("-issued_on", "number")
    )


def citing_articles(document: LegalDocument, user: AnyUser | None) -> QuerySet[Article]:
    """The articles citing ``document`` that ``user`` may read."""
    return (
        articles_visible_to(user)
        .filter(pk__in=ArticleReference.objects.filter(document=document).values("article_id"))
        .select_related("unit")
        .order_by("title", "pk")
    )
