"""Plain helpers shared by several test modules of this folder."""

from __future__ import annotations

from lantoa.kb.models import Article, ArticleStatus, ArticleTerm, TermStat
from lantoa.kb.register import ensure_register
from lantoa.kb.services import article_create
from tests.conftest import Tree


def make(tree: Tree, title: str, *, unit=None, status=ArticleStatus.PUBLISHED, **kw) -> Article:
    """An article through the service; the shipped register is loaded first, so that its
    references ("Điều 1 Bộ luật Lao động 2019") name documents the register knows."""
    ensure_register()
    fields = {
        "question": kw.pop("question", "Câu hỏi mẫu của người lao động?"),
        "answer": kw.pop("answer", "Trả lời mẫu."),
        "category": kw.pop("category", "other"),
        "law_refs": kw.pop("law_refs", ["Điều 1 Bộ luật Lao động 2019"]),
        "tags": kw.pop("tags", []),
    }
    return article_create(unit=unit or tree.vn, title=title, status=status, **fields, **kw)


def titles(results) -> list[str]:
    return [r.article.title for r in results]


def assert_frequencies_match_postings() -> None:
    from django.db.models import Count, Q

    real = dict(ArticleTerm.objects.values_list("term").annotate(n=Count("id")).order_by())
    assert dict(TermStat.objects.values_list("term", "df")) == real
    # …and every posting knows whether its article is published.
    mismatch = ArticleTerm.objects.filter(
        Q(published=True) & ~Q(article__status="published")
        | Q(published=False) & Q(article__status="published")
    )
    assert not mismatch.exists()
