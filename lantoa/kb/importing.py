"""Importing knowledge-base articles from CSV or XLSX (``lantoa kb import FILE``).

Columns (header row 1, English keys or the Vietnamese labels, in any order): ``title``,
``question``, ``answer``, ``category``, ``tags``, ``law_refs`` and optionally ``status`` and
``reviewed_on``. ``category`` takes the code (``wages``), the Vietnamese or English label, as
people write them (``lantoa.kb.categories``: diacritics, case, spaces and punctuation do not
matter); a field that matches none is created, and the result says which text went where; ``tags``
and ``law_refs`` are separated by ";"; ``status`` is ``published``/``internal`` or "Công
khai"/"Nội bộ" (when the column is absent, ``publish`` decides).

``law_refs`` are the article's legal basis, each naming a document of the register
(``lantoa.kb.references``): "45/2019/QH14 Đ14; 45/2019/QH14 Đ168 k3" as the export writes
them, or "Điều 14 Bộ luật Lao động 2019" as an article's text does; a document the register
does not hold is an error of that row. ``reviewed_on`` (dd/mm/yyyy) is the day the article
was last checked against the law; a new article without one is reviewed on the import day.

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

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.core import tabular
from lantoa.core.periods import parse_date
from lantoa.core.services import acting_user, in_chunks
from lantoa.core.tabular import RowError, Sheet
from lantoa.core.text import fold, format_int
from lantoa.kb.categories import (
    MAX_NAME,
    Resolved,
    categories_create,
    categories_resolve,
    category_choices,
    category_key,
)
from lantoa.kb.models import (
    Article,
    ArticleReference,
    ArticleStatus,
    Category,
    LegalDocument,
)
from lantoa.kb.references import Ref, Register, parse_references, reference_label
from lantoa.kb.services import (
    MAX_ITEMS,
    MAX_LAW_REF,
    MAX_TAG,
    article_index,
    article_slug,
    save_references,
    split_list,
)
from lantoa.units.models import Unit

SHIPPED_ARTICLES = Path(__file__).resolve().parent / "data" / "articles.csv"
BATCH_SIZE = 500

COLUMNS = (
    "title",
    "question",
    "answer",
    "category",
    "tags",
    "law_refs",
    "status",
    "reviewed_on",
)
REQUIRED_COLUMNS = ("title", "question", "answer", "category")
FIELD_LABELS = {
    "title": "Tiêu đề",
    "question": "Câu hỏi",
    "answer": "Trả lời",
    "category": "Lĩnh vực",
    "tags": "Từ khóa",
    "law_refs": "Căn cứ pháp lý",
    "status": "Trạng thái",
    "reviewed_on": "Rà soát lần cuối",
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
        "ngay ra soat": "reviewed_on",
        "ra soat": "reviewed_on",
    },
)
_STATUS_WORDS = {
    "published": ArticleStatus.PUBLISHED,
    "cong khai": ArticleStatus.PUBLISHED,
    "internal": ArticleStatus.INTERNAL,
    "noi bo": ArticleStatus.INTERNAL,
}


@dataclass
class ImportResult(tabular.ImportResult):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Categories written otherwise than a field's code or label: where each went.
    categories: list[Resolved] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    # Articles just created that probably ask the question of one already there:
    # (new title, existing title, similarity), from ``check_duplicates``.
    duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    duplicates_unchecked: bool = False

    def duplicate_lines(self) -> list[str]:
        if self.duplicates_unchecked:
            return [
                _(
                    "Chưa kiểm tra được bài trùng câu hỏi: mô hình ngữ nghĩa không dùng được "
                    "(xem nhật ký). Vui lòng chạy lại khi mô hình hoạt động."
                )
            ]
        if not self.duplicates:
            return []
        lines = [
            _(
                "%(count)s bài mới có thể trùng câu hỏi với bài đã có; anh/chị vui lòng xem "
                "lại và gộp nếu trùng:"
            )
            % {"count": format_int(len({new for new, _old, _s in self.duplicates}))}
        ]
        for new, old, similarity in self.duplicates:
            lines.append(
                _("  “%(new)s” ≈ “%(old)s” (độ giống %(similarity)s)")
                % {"new": new, "old": old, "similarity": format_similarity(similarity)}
            )
        return lines

    def category_lines(self) -> list[str]:
        lines = []
        for item in self.categories:
            if item.how == "created":
                lines.append(
                    _("Lĩnh vực “%(written)s”: chưa có, đã tạo mới.") % {"written": item.written}
                )
            else:
                lines.append(
                    _("Lĩnh vực “%(written)s”: ghép vào “%(label)s”.")
                    % {"written": item.written, "label": item.label}
                )
        return lines

    def summary_text(self) -> str:
        text = _(
            "Đã nhập %(rows)s dòng: thêm mới %(created)s bài, cập nhật "
            "%(updated)s, không đổi %(unchanged)s."
        ) % {
            "rows": format_int(self.rows),
            "created": format_int(self.created),
            "updated": format_int(self.updated),
            "unchanged": format_int(self.unchanged),
        }
        return "\n".join([text, *self.category_lines(), *self.duplicate_lines()])


def _accepted_categories() -> str:
    with translation.override("vi"):
        return "; ".join(f"{label} ({code})" for code, label in category_choices())


def template() -> tabular.Template:
    """The blank file of ``lantoa kb template``: one article; fields of law to choose from,
    or a new name, which the import creates."""
    with translation.override("vi"):
        categories = [label for _code, label in category_choices()]
        contract = str(Category.CONTRACT.label)
    # The legal basis is read against the register; a database without it gets none.
    basis = (
        "45/2019/QH14 Đ25 k4"
        if LegalDocument.objects.filter(number="45/2019/QH14").exists()
        else ""
    )
    return tabular.Template(
        sheet=SHEET,
        title="Hỏi đáp",
        example={
            "title": "Thời gian thử việc tối đa",
            "question": "Công ty bắt thử việc 3 tháng với công việc phổ thông có đúng không?",
            "answer": (
                "Không. Với công việc không đòi hỏi trình độ chuyên môn, kỹ thuật, thời gian "
                "thử việc không quá 6 ngày làm việc (khoản 4 Điều 25 Bộ luật Lao động 2019)."
            ),
            "category": contract,
            "tags": "thử việc; hợp đồng",
            "law_refs": basis,
            "status": "Nội bộ",
        },
        choices={"category": categories, "status": ["Công khai", "Nội bộ"]},
        open=frozenset({"category"}),
    )


@dataclass
class _Row:
    row: int
    fields: dict[str, Any]
    status: str | None
    refs: list[Ref]


def _parse(
    number: int, record: dict[str, str], categories: dict[str, Resolved], register: Register
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
    if record["category"] and record["category"] not in categories:
        if not category_key(record["category"]):
            problem = _(
                "lĩnh vực “%(category)s” phải có chữ hoặc số (ghi tên hoặc mã một lĩnh vực đã "
                "có: %(items)s; tên mới sẽ được tạo thành lĩnh vực mới)."
            )
        else:
            problem = _(
                "lĩnh vực “%(category)s…” dài quá %(limit)s ký tự (ghi tên hoặc mã một lĩnh vực "
                "đã có: %(items)s; tên mới sẽ được tạo thành lĩnh vực mới)."
            )
        errors.append(
            SHEET.error(
                number,
                "category",
                problem
                % {
                    "category": record["category"][:60],
                    "limit": MAX_NAME,
                    "items": _accepted_categories(),
                },
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
    refs: list[Ref] = []
    if not any(e.field == "law_refs" for e in errors):
        refs, problems = parse_references(lists["law_refs"], register)
        for item, problem in problems:
            errors.append(
                SHEET.error(
                    number,
                    "law_refs",
                    _("căn cứ “%(item)s”: %(problem)s") % {"item": item[:60], "problem": problem},
                )
            )
        lists["law_refs"] = [reference_label(r) for r in refs]
    reviewed_on = None
    if record["reviewed_on"]:
        try:
            reviewed_on = parse_date(record["reviewed_on"])
        except ValueError as exc:
            errors.append(SHEET.error(number, "reviewed_on", str(exc)))
        else:
            if reviewed_on > timezone.localdate():
                errors.append(SHEET.error(number, "reviewed_on", _("ngày rà soát ở tương lai.")))
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
    fields: dict[str, Any] = {
        "title": record["title"],
        "question": record["question"],
        "answer": record["answer"],
        # The text as written: its code is known once new fields are created.
        "category": record["category"],
        **lists,
    }
    if reviewed_on is not None:
        fields["reviewed_on"] = reviewed_on
    return _Row(number, fields, status, refs)


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

    categories = categories_resolve(
        text
        for _number, record in table.rows
        if (text := record["category"]) and category_key(text) and len(text) <= MAX_NAME
    )
    register = Register(LegalDocument.objects.all())
    rows: list[_Row] = []
    first_of_slug: dict[str, int] = {}
    for number, record in table.rows:
        parsed = _parse(number, record, categories, register)
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
    today = timezone.localdate()
    with transaction.atomic():
        categories = categories_create(categories)
        result.categories = [c for c in categories.values() if c.how != "exact"]
        for row in rows:
            if row.fields["category"]:
                row.fields["category"] = categories[row.fields["category"]].code
        existing: dict[str, Article] = {}
        for chunk in in_chunks(first_of_slug):
            for article in Article.objects.filter(slug__in=chunk):
                existing[article.slug] = article
        # Articles that already have structured references (older ones may not).
        with_refs: set[int] = set()
        for ids in in_chunks([a.pk for a in existing.values()]):
            with_refs.update(
                ArticleReference.objects.filter(article_id__in=ids).values_list(
                    "article_id", flat=True
                )
            )
        to_index: list[Article] = []
        new: list[Article] = []
        refs_of: dict[str, list[Ref]] = {}
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
                        reviewed_by=user,
                        **{"reviewed_on": today, **row.fields},
                    )
                )
                refs_of[row.fields["slug"]] = row.refs
                continue
            article = found
            changed = {k: v for k, v in row.fields.items() if getattr(article, k) != v}
            if "law_refs" in changed or article.pk not in with_refs:
                save_references(article, row.refs)
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
        result.created_ids = [a.pk for a in new]
        ArticleReference.objects.bulk_create(
            (
                ArticleReference(
                    article=article,
                    document_id=ref.document.pk,
                    dieu=ref.dieu,
                    khoan=ref.khoan,
                    diem=ref.diem,
                    ordering=i,
                )
                for article in new
                for i, ref in enumerate(refs_of[article.slug])
            ),
            batch_size=BATCH_SIZE,
        )
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
                # Which text went to which field, and which fields the import created.
                "categories": [
                    {"written": c.written, "code": c.code, "how": c.how} for c in result.categories
                ],
            },
            actor_label="" if user is not None else "lantoa kb import",
        )
    return result


def format_similarity(value: float) -> str:
    """A cosine similarity as people read it: 0,94."""
    return f"{value:.2f}".replace(".", ",")


def check_duplicates(result: ImportResult) -> ImportResult:
    """Fill ``result.duplicates``: each article the import created that probably asks the
    question of an article that was there before (``semantic.DUPLICATE_SIMILARITY``), so
    that the editors merge them; nothing when semantic search is switched off."""
    from lantoa.core import embedding
    from lantoa.kb import semantic

    if not result.ok or not result.created_ids or not embedding.enabled():
        return result
    before = Article.objects.exclude(pk__in=result.created_ids)
    try:
        found = semantic.duplicates_among(result.created_ids, before)
    except embedding.EmbeddingUnavailable:
        result.duplicates_unchecked = True
        return result
    titles = dict(
        Article.objects.filter(
            pk__in={*found, *(m.article_id for ms in found.values() for m in ms)}
        ).values_list("pk", "title")
    )
    result.duplicates = [
        (titles[pk], titles[m.article_id], m.similarity)
        for pk in sorted(found, key=lambda pk: titles[pk])
        for m in found[pk]
    ]
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
    """The demo's hook: load the register of legal documents when it is empty, then the
    articles that ship with Lan Tỏa, published, once (None when the knowledge base already
    has articles and the register)."""
    from lantoa.kb.register import ensure_register

    register = ensure_register()
    if Article.objects.exists():
        if register is None or not register.ok:
            return None
        # A knowledge base from before the register: the shipped articles are brought up to
        # date (same titles, corrected content, structured references) and the references of
        # the others are matched against the register.
        result = import_path(SHIPPED_ARTICLES, publish=True)
        articles_link_references()
        return result
    return import_path(SHIPPED_ARTICLES, publish=True)


@dataclass
class LinkResult:
    articles: int = 0  # articles that had free-text references only
    linked: int = 0  # references now pointing into the register
    unmatched: int = 0  # references kept as text; their articles are flagged for review


def articles_link_references(*, actor: Any = None) -> LinkResult:
    """Articles written before the register (free-text ``law_refs``, no ``ArticleReference``):
    read each reference against the register. Those it knows become structured references;
    the others are kept as written and the article is flagged "cần rà soát" with them, so an
    editor completes the register or corrects the basis. Nothing is dropped."""
    from lantoa.kb.register import today

    result = LinkResult()
    register = Register(LegalDocument.objects.all())
    now = timezone.now()
    with translation.override("vi"), transaction.atomic():
        todo = Article.objects.filter(references__isnull=True).exclude(law_refs=[]).order_by("pk")
        for article in todo:
            refs, problems = parse_references(list(article.law_refs or []), register)
            result.articles += 1
            result.linked += len(refs)
            result.unmatched += len(problems)
            save_references(article, refs)
            article.law_refs = [reference_label(r) for r in refs] + [i for i, _e in problems]
            fields = ["law_refs"]
            if problems:
                line = _(
                    "Căn cứ chưa khớp danh mục văn bản pháp luật (ghi nhận %(day)s): %(items)s."
                ) % {
                    "day": today().strftime("%d/%m/%Y"),
                    "items": "; ".join(i for i, _e in problems),
                }
                reasons = article.review_reasons
                if line not in reasons:
                    article.review_reason = "\n".join([*reasons, line])
                article.review_flagged_at = article.review_flagged_at or now
                fields += ["review_reason", "review_flagged_at"]
            article.save(update_fields=fields)
            article_index(articles=[article])
        if result.articles:
            audit_record(
                action="kb.link_references",
                actor=actor,
                target="",
                data={
                    "articles": result.articles,
                    "linked": result.linked,
                    "unmatched": result.unmatched,
                },
                actor_label="" if acting_user(actor) is not None else "lantoa kb laws link",
            )
    return result
