"""Writes to the knowledge base. Every write keeps the search index (``ArticleTerm``) in step
inside the same transaction and leaves an audit row.

An article's legal basis is given as references (``law_refs``: "45/2019/QH14 Đ168 k3",
"khoản 3 Điều 168 Bộ luật Lao động 2019"…, see ``lantoa.kb.references``), read against the
register of legal documents; a reference to a document the register lacks is refused. They are
stored as ``ArticleReference`` rows, and ``Article.law_refs`` holds them written out for
people (what the search index and the screens read)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.core.services import acting_user, in_chunks
from lantoa.core.text import fold
from lantoa.kb import semantic
from lantoa.kb.anonymise import anonymise
from lantoa.kb.categories import category_codes
from lantoa.kb.models import (
    Article,
    ArticleReference,
    ArticleStatus,
    ArticleTerm,
    LegalDocument,
    TermStat,
)
from lantoa.kb.references import Ref, Register, parse_references, reference_label
from lantoa.kb.search import postings_for
from lantoa.units.models import Unit

ARTICLE_EDITABLE_FIELDS = ("title", "question", "answer", "category", "tags", "law_refs")
MAX_TAG = 60
MAX_LAW_REF = 255
MAX_ITEMS = 30
INDEX_BATCH = 2000


def article_slug(title: str) -> str:
    """The slug of a title: folded, hyphenated; two titles that differ only in case,
    diacritics or punctuation have the same slug (and are the same article for imports)."""
    return slugify(fold(title))[:200].strip("-")


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """ "a; b\\nc" or ["a", " b "] → ["a", "b", "c"], blanks and repeats dropped."""
    if value is None:
        return []
    items: Iterable[str]
    if isinstance(value, str):
        items = value.replace("\r", "\n").replace("\n", ";").split(";")
    else:
        items = value
    return list(dict.fromkeys(i.strip() for i in items if i and i.strip()))


def clean_article_fields(
    fields: dict[str, Any], *, exclude_pk: int | None = None
) -> list[Ref] | None:
    """Normalise ``fields`` in place; raise a ValidationError keyed by field, in Vietnamese.
    Returns the references read from ``law_refs`` (None when ``fields`` has none), and puts
    their labels in ``fields["law_refs"]``."""
    errors: dict[str, str] = {}
    refs: list[Ref] | None = None
    for key in ("title", "question", "answer"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
            if not fields[key]:
                errors[key] = _("Không được để trống.")
    if "title" in fields and len(fields["title"]) > 255:
        errors["title"] = _("Tiêu đề dài %(count)s ký tự, tối đa 255 ký tự.") % {
            "count": len(fields["title"])
        }
    if "category" in fields:
        fields["category"] = (fields["category"] or "").strip()
        if fields["category"] and fields["category"] not in category_codes():
            errors["category"] = _("Lĩnh vực “%(category)s” không hợp lệ.") % {
                "category": fields["category"]
            }
    for key, limit, what in (
        ("tags", MAX_TAG, _("Từ khóa")),
        ("law_refs", MAX_LAW_REF, _("Căn cứ")),
    ):
        if key not in fields:
            continue
        items = split_list(fields[key])
        fields[key] = items
        too_long = [i for i in items if len(i) > limit]
        if too_long:
            errors[key] = _("%(what)s “%(too_long)s…” dài quá %(limit)s ký tự.") % {
                "what": what,
                "too_long": too_long[0][:40],
                "limit": limit,
            }
        elif len(items) > MAX_ITEMS:
            errors[key] = _("Nhiều nhất %(max_items)s mục (đang có %(count)s).") % {
                "max_items": MAX_ITEMS,
                "count": len(items),
            }
        elif key == "law_refs":
            refs, problems = parse_references(items, Register(LegalDocument.objects.all()))
            if problems:
                errors[key] = " ".join(
                    _("“%(item)s”: %(error)s") % {"item": item[:60], "error": error}
                    for item, error in problems
                )
            else:
                fields[key] = [reference_label(r) for r in refs]
    if "title" in fields and "title" not in errors:
        slug = article_slug(fields["title"])
        if not slug:
            errors["title"] = _("Tiêu đề phải có chữ hoặc số.")
        else:
            same_slug = Article.objects.filter(slug=slug)
            if exclude_pk is not None:
                same_slug = same_slug.exclude(pk=exclude_pk)
            same = same_slug.first()
            if same is not None:
                errors["title"] = _(
                    "Đã có bài “%(same_title)s” với tiêu đề này (mã bài %(same_pk)s)."
                ) % {"same_title": same.title, "same_pk": same.pk}
            fields["slug"] = slug
    if errors:
        raise ValidationError(errors)
    return refs


def save_references(article: Article, refs: list[Ref]) -> None:
    """Replace the references of ``article`` with ``refs`` (in that order)."""
    ArticleReference.objects.filter(article=article).delete()
    ArticleReference.objects.bulk_create(
        ArticleReference(
            article=article,
            document_id=ref.document.pk,
            dieu=ref.dieu,
            khoan=ref.khoan,
            diem=ref.diem,
            ordering=i,
        )
        for i, ref in enumerate(refs)
    )


def _target(article: Article) -> str:
    return f"{article.pk}: {article.title}"


def _apply_frequency_deltas(deltas: dict[str, int]) -> None:
    """``df = df + delta`` for every changed term, as one upsert per batch; terms no article
    holds any more are dropped. Concurrent writers add up correctly (the row is locked by
    the upsert), so no count is ever lost."""
    gained = [(term, delta) for term, delta in deltas.items() if delta > 0]
    lost = [(delta, delta, term) for term, delta in deltas.items() if delta < 0]
    table = connection.ops.quote_name(TermStat._meta.db_table)
    with connection.cursor() as cur:
        for start in range(0, len(gained), INDEX_BATCH):
            cur.executemany(
                f"INSERT INTO {table} (term, df) VALUES (%s, %s) "  # noqa: S608 - our table
                f"ON CONFLICT (term) DO UPDATE SET df = {table}.df + excluded.df",
                gained[start : start + INDEX_BATCH],
            )
        for start in range(0, len(lost), INDEX_BATCH):
            # Never below zero, even if the figures had drifted (``kb reindex`` rebuilds them).
            cur.executemany(
                f"UPDATE {table} SET df = CASE WHEN df + %s > 0 "  # noqa: S608 - our table
                "THEN df + %s ELSE 0 END WHERE term = %s",
                lost[start : start + INDEX_BATCH],
            )
    gone = [term for _, _, term in lost]
    for chunk in in_chunks(gone):
        TermStat.objects.filter(term__in=chunk, df=0).delete()


def article_index(*, articles: Iterable[Article]) -> int:
    """Replace the postings of ``articles`` and keep the term frequencies in step; returns
    how many postings were written. Every write to an article's text must come through
    here (deleting articles too: ``article_delete``)."""
    batch = list(articles)
    if not batch:
        return 0
    written = 0
    deltas: Counter[str] = Counter()
    with transaction.atomic():
        ids = [a.pk for a in batch]
        old: dict[int, set[str]] = {}
        for chunk in in_chunks(ids):
            for article_id, term in ArticleTerm.objects.filter(article_id__in=chunk).values_list(
                "article_id", "term"
            ):
                old.setdefault(article_id, set()).add(term)
            ArticleTerm.objects.filter(article_id__in=chunk).delete()
        postings: list[ArticleTerm] = []
        for article in batch:
            mine = postings_for(article)
            before = old.get(article.pk, set())
            after = {p.term for p in mine}
            deltas.update(after - before)
            deltas.subtract(before - after)
            postings += mine
            if len(postings) >= INDEX_BATCH:
                ArticleTerm.objects.bulk_create(postings, batch_size=INDEX_BATCH)
                written += len(postings)
                postings = []
        ArticleTerm.objects.bulk_create(postings, batch_size=INDEX_BATCH)
        written += len(postings)
        _apply_frequency_deltas(dict(deltas))
        # Their meaning, in the background once this commits (lantoa.kb.semantic).
        semantic.queue_embedding(ids)
    return written


def article_delete(*, article: Article, actor: Any = None) -> None:
    """Delete an article with its postings, keeping the term frequencies right."""
    with transaction.atomic():
        terms = list(article.terms.values_list("term", flat=True))
        audit_record(
            action="kb.article_delete", actor=actor, unit=article.unit, target=_target(article)
        )
        article.delete()
        _apply_frequency_deltas({term: -1 for term in terms})


def articles_reindex(*, chunk: int = 500) -> tuple[int, int]:
    """Rebuild the whole index and its frequencies (after a change of the indexing rules);
    returns (articles, postings)."""
    count = postings = 0
    last = 0
    with transaction.atomic():
        ArticleTerm.objects.all().delete()
        TermStat.objects.all().delete()
        while True:
            batch = list(Article.objects.filter(pk__gt=last).order_by("pk")[:chunk])
            if not batch:
                return count, postings
            postings += article_index(articles=batch)
            count += len(batch)
            last = batch[-1].pk


def article_create(
    *,
    unit: Unit,
    title: str,
    question: str,
    answer: str,
    category: str = "",
    tags: Iterable[str] | str = (),
    law_refs: Iterable[str] | str = (),
    status: str = ArticleStatus.INTERNAL,
    actor: Any = None,
    source_inquiry: Any = None,
    audit_action: str = "kb.article_create",
) -> Article:
    fields: dict[str, Any] = {
        "title": title,
        "question": question,
        "answer": answer,
        "category": category,
        "tags": tags,
        "law_refs": law_refs,
    }
    refs = clean_article_fields(fields) or []
    if status not in ArticleStatus.values:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    user = acting_user(actor)
    # Written today against the law in force: reviewed today. A draft is not, until an
    # officer checks it.
    reviewed = status != ArticleStatus.DRAFT
    article = Article(
        unit=unit,
        status=status,
        published_at=timezone.now() if status == ArticleStatus.PUBLISHED else None,
        source_inquiry=source_inquiry,
        created_by=user,
        updated_by=user,
        reviewed_on=timezone.localdate() if reviewed else None,
        reviewed_by=user if reviewed else None,
        **fields,
    )
    with transaction.atomic():
        article.save()
        save_references(article, refs)
        article_index(articles=[article])
        data: dict[str, Any] = {"status": status, "category": article.category}
        if source_inquiry is not None:
            data["inquiry"] = source_inquiry.pk
        audit_record(
            action=audit_action, actor=actor, unit=unit, target=_target(article), data=data
        )
    return article


def article_update(*, article: Article, actor: Any = None, **fields: Any) -> Article:
    unknown = set(fields) - set(ARTICLE_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    refs = clean_article_fields(fields, exclude_pk=article.pk)
    changed = [k for k, v in fields.items() if getattr(article, k) != v and k != "slug"]
    if not changed:
        return article
    for key, value in fields.items():
        setattr(article, key, value)
    if getattr(actor, "is_authenticated", False):
        article.updated_by = actor
    with transaction.atomic():
        article.save()
        if refs is not None and "law_refs" in changed:
            save_references(article, refs)
        article_index(articles=[article])
        audit_record(
            action="kb.article_update",
            actor=actor,
            unit=article.unit,
            target=_target(article),
            data={"fields": changed},
        )
    return article


def _set_status(article: Article, status: str, actor: Any, action: str) -> Article:
    if article.status == status:
        return article
    with transaction.atomic():
        article.status = status
        if status == ArticleStatus.PUBLISHED:
            article.published_at = timezone.now()
        if getattr(actor, "is_authenticated", False):
            article.updated_by = actor
        article.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
        ArticleTerm.objects.filter(article=article).update(
            published=status == ArticleStatus.PUBLISHED
        )
        semantic.vectors_published([article.pk], status == ArticleStatus.PUBLISHED)
        audit_record(action=action, actor=actor, unit=article.unit, target=_target(article))
    return article


def article_publish(*, article: Article, actor: Any = None) -> Article:
    """Make the article public (on /hoi-dap/ and for anonymous API callers)."""
    return _set_status(article, ArticleStatus.PUBLISHED, actor, "kb.article_publish")


def article_unpublish(*, article: Article, actor: Any = None) -> Article:
    """Take the article off the public site; officers keep seeing it (internal)."""
    return _set_status(article, ArticleStatus.INTERNAL, actor, "kb.article_unpublish")


def article_mark_reviewed(*, article: Article, actor: Any = None) -> Article:
    """A draft the officer has checked becomes internal (usable in suggestions); checked
    today, it is also reviewed today."""
    if article.status != ArticleStatus.DRAFT:
        return article
    article.reviewed_on = timezone.localdate()
    article.reviewed_by = acting_user(actor)
    article.save(update_fields=["reviewed_on", "reviewed_by"])
    return _set_status(article, ArticleStatus.INTERNAL, actor, "kb.article_review")


def inquiry_contact_identity(inquiry: Any) -> tuple[list[str], list[str]]:
    """(names, exact strings) of the worker behind ``inquiry``, to strip from texts."""
    try:
        contact = inquiry.contact
    except ObjectDoesNotExist:
        return [], []
    names = [contact.name] if contact.name else []
    extra = [v for v in (contact.phone, contact.email) if v]
    return names, extra


def anonymise_for_inquiry(text: str, inquiry: Any) -> str:
    names, extra = inquiry_contact_identity(inquiry)
    return anonymise(text, names=names, extra=extra)


def article_create_from_inquiry(
    *, inquiry: Any, actor: Any, title: str, question: str, answer: str
) -> Article:
    """An answered inquiry turned into a draft article, owned by the inquiry's unit, with
    phone numbers, e-mails, CCCD numbers and the worker's name removed from every text.
    The draft is internal and never suggested until an officer reviews it."""
    names, extra = inquiry_contact_identity(inquiry)
    texts = {
        key: anonymise(value or "", names=names, extra=extra)
        for key, value in (("title", title), ("question", question), ("answer", answer))
    }
    return article_create(
        unit=inquiry.unit,
        category=inquiry.category or "",
        status=ArticleStatus.DRAFT,
        actor=actor,
        source_inquiry=inquiry,
        audit_action="kb.article_from_inquiry",
        **texts,
    )
