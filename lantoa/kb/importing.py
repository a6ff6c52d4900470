"""Importing knowledge-base articles from CSV or XLSX (``lantoa kb import FILE``).

Columns (header row 1, English keys or the Vietnamese labels, in any order): ``title``,
``question``, ``answer``, ``category``, ``tags``, ``law_refs`` and optionally ``status``.
``category`` takes the code (``wages``) or the Vietnamese label; ``tags`` and ``law_refs``
are separated by ";"; ``status`` is ``published``/``internal`` or "Công khai"/"Nội bộ" (when
the column is absent, ``publish`` decides).

Upsert: a row updates the existing article with the same **title**, compared through its
slug (lower case, without diacritics or punctuation: "Lương tối thiểu vùng?" and "luong toi
thieu vung" are the same title), and creates an article otherwise. Titles are what officers
see and keep stable; there is no id column to get wrong. Two rows with the same title in one
file are an error.

As for every importer (files are read by ``lantoa.core.tabular``): the whole file is
validated first and every problem is reported as "Dòng N, cột “…”: …"; one bad row and
nothing is written; a good file is written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.core import tabular
from lantoa.core.services import acting_user, in_chunks
from lantoa.core.tabular import RowError, Sheet
from lantoa.core.text import fold, format_int
from lantoa.kb.models import Article, ArticleStatus, Category
from lantoa.kb.services import (
    MAX_ITEMS,
    MAX_LAW_REF,
    MAX_TAG,
    article_index,
    article_slug,
    split_list,
)
from lantoa.units.models import Unit

SHIPPED_ARTICLES = Path(__file__).resolve().parent / "data" / "articles.csv"
BATCH_SIZE = 500

COLUMNS = ("title", "question", "answer", "category", "tags", "law_refs", "status")
REQUIRED_COLUMNS = ("title", "question", "answer", "category")
FIELD_LABELS = {
    "title": "Tiêu đề",
    "question": "Câu hỏi",
    "answer": "Trả lời",
    "category": "Lĩnh vực",
    "tags": "Từ khoá",
    "law_refs": "Căn cứ pháp lý",
    "status": "Trạng thái",
}
SHEET = Sheet(
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    labels=FIELD_LABELS,
    header_hint="Tiêu đề, Câu hỏi, Trả lời, Lĩnh vực, …",
    extra_aliases={
        "cau tra loi": "answer",
        "noi dung tra loi": "answer",
        "can cu": "law_refs",
        "can cu phap luat": "law_refs",
        "van ban phap luat": "law_refs",
    },
)
_STATUS_WORDS = {
    "published": ArticleStatus.PUBLISHED,
    "cong khai": ArticleStatus.PUBLISHED,
    "internal": ArticleStatus.INTERNAL,
    "noi bo": ArticleStatus.INTERNAL,
}


def _category_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    with translation.override("vi"):
        for value, label in Category.choices:
            lookup[fold(value)] = value
            lookup[fold(str(label))] = value
    return lookup


@dataclass
class ImportResult(tabular.ImportResult):
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary_text(self) -> str:
        return _(
            "Đã nhập %(rows)s dòng: thêm mới %(created)s bài, cập nhật "
            "%(updated)s, không đổi %(unchanged)s."
        ) % {
            "rows": format_int(self.rows),
            "created": format_int(self.created),
            "updated": format_int(self.updated),
            "unchanged": format_int(self.unchanged),
        }


@dataclass
class _Row:
    row: int
    fields: dict[str, Any]
    status: str | None


def _parse(
    number: int, record: dict[str, str], categories: dict[str, str]
) -> _Row | list[RowError]:
    errors: list[RowError] = []
    for key in ("title", "question", "answer", "category"):
        if not record[key]:
            errors.append(SHEET.error(number, key, _("không được để trống.")))
    if len(record["title"]) > 255:
        errors.append(
            SHEET.error(
                number,
                "title",
                _("dài %(count)s ký tự, tối đa 255.") % {"count": format_int(len(record["title"]))},
            )
        )
    elif record["title"] and not article_slug(record["title"]):
        errors.append(SHEET.error(number, "title", _("phải có chữ hoặc số.")))
    category = ""
    if record["category"]:
        category = categories.get(fold(record["category"]), "")
        if not category:
            errors.append(
                SHEET.error(
                    number,
                    "category",
                    _(
                        "lĩnh vực “%(category)s” không hợp lệ (ghi mã như %(items)s "
                        "hoặc tên lĩnh vực)."
                    )
                    % {"category": record["category"], "items": ", ".join(Category.values)},
                )
            )
    lists: dict[str, list[str]] = {}
    for key, limit in (("tags", MAX_TAG), ("law_refs", MAX_LAW_REF)):
        items = split_list(record[key])
        lists[key] = items
        long = next((i for i in items if len(i) > limit), None)
        if long is not None:
            errors.append(
                SHEET.error(
                    number,
                    key,
                    _("mục “%(long)s…” dài quá %(limit)s ký tự.")
                    % {"long": long[:40], "limit": limit},
                )
            )
        elif len(items) > MAX_ITEMS:
            errors.append(
                SHEET.error(
                    number,
                    key,
                    _("nhiều nhất %(max_items)s mục, tách bằng “;”.") % {"max_items": MAX_ITEMS},
                )
            )
    status: str | None = None
    if record["status"]:
        status = _STATUS_WORDS.get(fold(record["status"]))
        if status is None:
            errors.append(
                SHEET.error(
                    number,
                    "status",
                    _("“%(status)s” không hợp lệ (ghi “Công khai” hoặc “Nội bộ”).")
                    % {"status": record["status"]},
                )
            )
    if errors:
        return errors
    fields = {
        "title": record["title"],
        "question": record["question"],
        "answer": record["answer"],
        "category": category,
        **lists,
    }
    return _Row(number, fields, status)


def articles_import(
    *,
    fileobj: IO[bytes],
    filename: str,
    unit: Unit,
    publish: bool = False,
    actor: Any = None,
    size: int | None = None,
) -> ImportResult:
    """Validate the whole file, then create or update its articles in one transaction.
    New articles belong to ``unit``; ``publish`` makes rows without a status public."""
    result = ImportResult()
    table = SHEET.read_into(result, fileobj, filename, size)
    if table is None:
        return result

    categories = _category_lookup()
    rows: list[_Row] = []
    first_of_slug: dict[str, int] = {}
    for number, record in table.rows:
        parsed = _parse(number, record, categories)
        if isinstance(parsed, list):
            result.errors += parsed
            continue
        slug = article_slug(parsed.fields["title"])
        if slug in first_of_slug:
            result.errors.append(
                SHEET.error(
                    number,
                    "title",
                    _("trùng tiêu đề với dòng %(row)s (“%(title)s”).")
                    % {"row": first_of_slug[slug], "title": parsed.fields["title"]},
                )
            )
            continue
        first_of_slug[slug] = number
        parsed.fields["slug"] = slug
        rows.append(parsed)
    if result.errors:
        result.errors = SHEET.sorted_errors(result.errors)
        return result

    default_status = ArticleStatus.PUBLISHED if publish else ArticleStatus.INTERNAL
    user = acting_user(actor)
    now = timezone.now()
    with transaction.atomic():
        existing: dict[str, Article] = {}
        for chunk in in_chunks(first_of_slug):
            for article in Article.objects.filter(slug__in=chunk):
                existing[article.slug] = article
        to_index: list[Article] = []
        new: list[Article] = []
        for row in rows:
            found = existing.get(row.fields["slug"])
            if found is None:
                status = row.status or default_status
                new.append(
                    Article(
                        unit=unit,
                        status=status,
                        published_at=now if status == ArticleStatus.PUBLISHED else None,
                        created_by=user,
                        updated_by=user,
                        **row.fields,
                    )
                )
                continue
            article = found
            changed = {k: v for k, v in row.fields.items() if getattr(article, k) != v}
            if row.status and row.status != article.status:
                changed["status"] = row.status
                if row.status == ArticleStatus.PUBLISHED:
                    changed["published_at"] = now
            if not changed:
                result.unchanged += 1
                continue
            for key, value in changed.items():
                setattr(article, key, value)
            article.updated_by = user
            article.save()
            result.updated += 1
            to_index.append(article)
        # Both backends return the new primary keys from a bulk insert.
        Article.objects.bulk_create(new, batch_size=BATCH_SIZE)
        result.created = len(new)
        for start in range(0, len(to_index) + len(new), BATCH_SIZE):
            article_index(articles=(to_index + new)[start : start + BATCH_SIZE])
        audit_record(
            action="kb.import",
            actor=actor,
            unit=unit,
            target=filename,
            data={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "publish": publish,
            },
            actor_label="" if user is not None else "lantoa kb import",
        )
    return result


def import_path(
    path: Path, *, unit: Unit | None = None, publish: bool = False, actor: Any = None
) -> ImportResult:
    """Import a file from disk; ``unit`` defaults to the root of the tree."""
    owner = unit or Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if owner is None:
        return ImportResult(
            errors=[RowError(0, "", _("chưa có đơn vị gốc (Tổng Liên đoàn) để ghi nhận bài."))]
        )
    with path.open("rb") as fh:
        return articles_import(
            fileobj=fh,
            filename=path.name,
            unit=owner,
            publish=publish,
            actor=actor,
            size=path.stat().st_size,
        )


def ensure_shipped_articles() -> ImportResult | None:
    """The demo's hook: load the articles that ship with Lan Tỏa, published, once (None
    when the knowledge base already has articles)."""
    if Article.objects.exists():
        return None
    return import_path(SHIPPED_ARTICLES, publish=True)
