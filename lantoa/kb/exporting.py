"""Exporting knowledge-base articles (``lantoa kb export FILE``, "Tải về" on /tri-thuc/) in the
columns the importer reads — the legal basis as register references ("45/2019/QH14 Đ168
k3") and the last review date — so that an exported file imports back unchanged.

Drafts are left out: they come from workers' inquiries and are not checked yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils import translation

from lantoa.core import tabular
from lantoa.kb.importing import COLUMNS, FIELD_LABELS
from lantoa.kb.models import Article, ArticleReference, ArticleStatus
from lantoa.kb.references import reference_code

SHEET_TITLE = "Hỏi đáp pháp luật"


def export_queryset(articles: QuerySet[Article]) -> QuerySet[Article]:
    return (
        articles.exclude(status=ArticleStatus.DRAFT)
        .prefetch_related(
            Prefetch(
                "references",
                queryset=ArticleReference.objects.select_related("document").order_by(
                    "ordering", "pk"
                ),
            )
        )
        .order_by("title", "pk")
    )


def export_header() -> list[str]:
    return [FIELD_LABELS[c] for c in COLUMNS]


def export_rows(articles: QuerySet[Article]) -> Iterator[list[Any]]:
    with translation.override("vi"):
        for article in export_queryset(articles).iterator(chunk_size=500):
            refs = [reference_code(r) for r in article.references.all()]
            yield [
                article.title,
                article.question,
                article.answer,
                article.category,
                "; ".join(article.tags or []),
                "; ".join(refs),
                str(article.get_status_display()),
                article.reviewed_on.strftime("%d/%m/%Y") if article.reviewed_on else "",
            ]


def export_to_path(path: Path, articles: QuerySet[Article] | None = None) -> int:
    """Write the articles (every one but drafts by default) to ``path``, .csv or .xlsx by
    its extension; returns the number of rows."""
    rows = list(export_rows(articles if articles is not None else Article.objects.all()))
    if path.suffix.lower() == ".xlsx":
        spool: IO[bytes] = tabular.xlsx_spool(SHEET_TITLE, export_header(), rows)
        path.write_bytes(spool.read())
    else:
        path.write_text("".join(tabular.csv_chunks(export_header(), rows)), encoding="utf-8")
    return len(rows)
