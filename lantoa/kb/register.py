"""The register of legal documents (danh mục văn bản pháp luật) and what follows a change of one.

Writes go through ``document_save`` (the screens) and ``lantoa.kb.laws`` (the import); both
end in ``_after_change``: when a document becomes amended, replaced or expired — or gets a new
amending document — every article citing it is flagged "cần rà soát" with the reason, the
articles whose basis is no longer in force show the public notice, and the knowledge-base
editors of each article's unit (the nearest unit up the tree that has some) are notified.
``article_record_review`` records that an editor checked an article and clears the flag.

Who edits the register: holders of ``kb.manage`` at the root of the tree (the national
level) — one register serves every unit, and a change to it flags articles everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.core.messages import Lines, Num, Text, text_render, text_store
from lantoa.core.services import acting_user
from lantoa.kb.models import (
    NOT_IN_FORCE,
    Article,
    ArticleReference,
    DocumentKind,
    DocumentStatus,
    LegalDocument,
)
from lantoa.kb.references import Register, clean_number, looks_like_number, number_key
from lantoa.units.models import Unit, UnitClosure

SHIPPED_LAWS = Path(__file__).resolve().parent / "data" / "laws.csv"
NOTICE_TITLES = 10  # article titles listed in one notification
DOCUMENT_FIELDS = (
    "number",
    "title",
    "short_title",
    "kind",
    "issuer",
    "issued_on",
    "in_force_from",
    "status",
    "note",
)


def today() -> dt.date:
    return timezone.localdate()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (later when negative); the month's last day when
    that month is shorter."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def review_cutoff(on: dt.date | None = None) -> dt.date:
    """Articles last reviewed on or before this day are due for review again."""
    return months_before(on or today(), settings.LANTOA_KB_REVIEW_MONTHS)


def review_due_on(article: Article) -> dt.date | None:
    """When ``article`` is due for its next review (None: never reviewed)."""
    if article.reviewed_on is None:
        return None
    return months_before(article.reviewed_on, -settings.LANTOA_KB_REVIEW_MONTHS)


def load_register() -> Register:
    return Register(LegalDocument.objects.all())


def can_edit_register(user: Any) -> bool:
    """Whether ``user`` may add documents to the register and change their status."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        access.can(user, "kb.manage", root) for root in Unit.objects.filter(parent__isnull=True)
    )


# --- validation ------------------------------------------------------------------------------


def clean_document_fields(
    fields: dict[str, Any],
    *,
    document: LegalDocument | None = None,
    check_unique: bool = True,
) -> dict[str, str]:
    """Normalise ``fields`` in place; return {field: Vietnamese error}. ``check_unique``:
    refuse a number another document of the register already has."""
    errors: dict[str, str] = {}
    for key in ("number", "title", "short_title", "issuer", "note"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    for key in ("number", "title", "issuer"):
        if key in fields and not fields[key]:
            errors[key] = _("Không được để trống.")
    if fields.get("number"):
        fields["number"] = clean_number(fields["number"])
        if not looks_like_number(fields["number"]):
            errors["number"] = _(
                "Số hiệu “%(number)s” không đúng dạng (ví dụ: 45/2019/QH14, 293/2025/NĐ-CP, "
                "61/QĐ-TLĐ)."
            ) % {"number": fields["number"]}
        elif check_unique:
            others = LegalDocument.objects.all()
            if document is not None:
                others = others.exclude(pk=document.pk)
            key = number_key(fields["number"])
            same = next((d for d in others if number_key(d.number) == key), None)
            if same is not None:
                errors["number"] = _("Đã có văn bản số %(number)s trong danh mục.") % {
                    "number": same.number
                }
    for key, limit in (("number", 60), ("title", 500), ("short_title", 200), ("issuer", 200)):
        if len(fields.get(key) or "") > limit:
            errors[key] = _("Dài quá %(limit)s ký tự.") % {"limit": limit}
    if "kind" in fields and fields["kind"] not in DocumentKind.values:
        errors["kind"] = _("Loại văn bản không hợp lệ.")
    if "status" in fields and fields["status"] not in DocumentStatus.values:
        errors["status"] = _("Tình trạng hiệu lực không hợp lệ.")
    if "issued_on" in fields:
        if fields["issued_on"] is None:
            errors["issued_on"] = _("Không được để trống.")
        elif fields["issued_on"] > today():
            errors["issued_on"] = _("Ngày ban hành ở tương lai.")
    return errors


def clean_links(
    *,
    number: str,
    status: str,
    replaced_by: Any,
    amended_by: Iterable[Any],
) -> dict[str, str]:
    """The rules tying the status to the links; {field: Vietnamese error}."""
    errors: dict[str, str] = {}
    amended = list(amended_by)
    key = number_key(number or "")
    if replaced_by is not None and number_key(replaced_by.number) == key:
        errors["replaced_by"] = _("Văn bản không thể thay thế chính nó.")
    elif status == DocumentStatus.REPLACED and replaced_by is None:
        errors["replaced_by"] = _("Văn bản đã bị thay thế: vui lòng chọn văn bản thay thế nó.")
    elif status != DocumentStatus.REPLACED and replaced_by is not None:
        errors["status"] = _("Đã ghi văn bản thay thế thì tình trạng phải là “Đã bị thay thế”.")
    if any(number_key(d.number) == key for d in amended):
        errors["amended_by"] = _("Văn bản không thể sửa đổi chính nó.")
    elif status == DocumentStatus.AMENDED and not amended:
        errors["amended_by"] = _("Văn bản đã được sửa đổi, bổ sung: vui lòng ghi văn bản sửa đổi.")
    return errors


# --- writes ---------------------------------------------------------------------------------


def document_save(
    *,
    actor: Any = None,
    document: LegalDocument | None = None,
    replaced_by: LegalDocument | None = None,
    amended_by: Iterable[LegalDocument] = (),
    **fields: Any,
) -> LegalDocument:
    """Create (``document`` None) or update a document of the register. A change of its
    status to amended, replaced or expired, or a new amending document, flags the articles
    citing it and notifies their editors."""
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown document fields: {sorted(unknown)}")
    amended = list(amended_by)
    errors = clean_document_fields(fields, document=document)
    number = fields.get("number") or (document.number if document else "")
    status = fields.get("status") or (document.status if document else DocumentStatus.IN_FORCE)
    errors.update(
        clean_links(number=number, status=status, replaced_by=replaced_by, amended_by=amended)
    )
    if errors:
        raise ValidationError(errors)
    user = acting_user(actor)
    with transaction.atomic():
        if document is None:
            document = LegalDocument(created_by=user, updated_by=user, **fields)
            before: tuple[str, set[int]] | None = None
        else:
            document = LegalDocument.objects.select_for_update().get(pk=document.pk)
            before = (document.status, set(document.amended_by.values_list("pk", flat=True)))
            for key, value in fields.items():
                setattr(document, key, value)
            if user is not None:
                document.updated_by = user
        document.replaced_by = replaced_by
        document.save()
        document.amended_by.set(amended)
        audit_record(
            action="kb.document_create" if before is None else "kb.document_update",
            actor=actor,
            target=document.number,
            data={"status": document.status},
        )
        document.flagged_count = after_change(document, before=before, actor=actor)
    return document


def document_mark(
    *,
    document: LegalDocument,
    status: str,
    replaced_by: LegalDocument | None = None,
    amended_by: Iterable[LegalDocument] = (),
    note: str | None = None,
    actor: Any = None,
) -> LegalDocument:
    """Mark ``document`` amended (by ``amended_by``, added to those it had), replaced (by
    ``replaced_by``) or expired — the register change the issue of a new law makes."""
    amended = list(document.amended_by.all())
    amended += [d for d in amended_by if d not in amended]
    fields: dict[str, Any] = {"status": status}
    if note is not None:
        fields["note"] = note
    if status != DocumentStatus.REPLACED:
        replaced_by = None
    return document_save(
        document=document, actor=actor, replaced_by=replaced_by, amended_by=amended, **fields
    )


def change_reason_text(document: LegalDocument, *, on: dt.date | None = None) -> Text:
    """One line of an article's "cần rà soát" reason, as a text each reader sees in their
    language (dates as dd/mm/yyyy)."""
    day = (on or today()).strftime("%d/%m/%Y")
    if document.status == DocumentStatus.REPLACED and document.replaced_by is not None:
        return Text(
            gettext_noop("%(document)s đã bị thay thế bởi %(other)s (ghi nhận %(day)s)."),
            {"document": document.name, "other": document.replaced_by.name, "day": day},
        )
    if document.status == DocumentStatus.EXPIRED:
        return Text(
            gettext_noop("%(document)s đã hết hiệu lực (ghi nhận %(day)s)."),
            {"document": document.name, "day": day},
        )
    names = ", ".join(d.name for d in document.amended_by.order_by("issued_on", "number"))
    return Text(
        gettext_noop("%(document)s đã được sửa đổi, bổ sung bởi %(others)s (ghi nhận %(day)s)."),
        {"document": document.name, "others": names, "day": day},
    )


def change_reason(document: LegalDocument, *, on: dt.date | None = None) -> str:
    """``change_reason_text`` in Vietnamese whatever the caller's language (the reason is
    stored on the article and read by every editor)."""
    with translation.override("vi"):
        return text_render(text_store(change_reason_text(document, on=on))) or ""


def after_change(
    document: LegalDocument, *, before: tuple[str, set[int]] | None, actor: Any = None
) -> int:
    """Flag the articles citing ``document`` when its change calls for it; returns how many
    were flagged. ``before``: (status, amending document ids) before the change, or None for
    a document just added (nothing cites it yet)."""
    if before is None:
        return 0
    old_status, old_amending = before
    new_amending = set(document.amended_by.values_list("pk", flat=True))
    status_changed = document.status != old_status and document.status in (
        DocumentStatus.AMENDED,
        DocumentStatus.REPLACED,
        DocumentStatus.EXPIRED,
    )
    if not status_changed and not (new_amending - old_amending):
        return 0
    return articles_flag(
        document=document,
        reason=change_reason_text(document),
        outdated=document.status in NOT_IN_FORCE,
        actor=actor,
    )


def articles_flag(
    *, document: LegalDocument, reason: str | Text, outdated: bool, actor: Any = None
) -> int:
    """Flag every article citing ``document`` "cần rà soát" with ``reason`` (added to the
    reasons it already has), mark their basis outdated when the document no longer governs,
    and notify their editors (a ``Text`` reason is stored in Vietnamese on the articles and
    shown to each editor in their language in the notice). Returns the number of articles
    flagged."""
    reason_text = (
        reason if isinstance(reason, Text) else Text(gettext_noop("%(reason)s"), {"reason": reason})
    )
    with translation.override("vi"):
        reason = text_render(text_store(reason_text)) or ""
    now = timezone.now()
    articles = list(
        Article.objects.filter(references__document=document).distinct().select_related("unit")
    )
    if not articles:
        return 0
    for article in articles:
        reasons = article.review_reasons
        if reason not in reasons:
            reasons.append(reason)
        article.review_reason = "\n".join(reasons)
        if article.review_flagged_at is None:
            article.review_flagged_at = now
        article.basis_outdated = article.basis_outdated or outdated
    Article.objects.bulk_update(
        articles, ["review_reason", "review_flagged_at", "basis_outdated"], batch_size=500
    )
    audit_record(
        action="kb.articles_flagged",
        actor=actor,
        target=document.number,
        data={
            "status": document.status,
            "articles": len(articles),
            "outdated": outdated,
        },
    )
    _notify_editors(document, articles, reason_text)
    return len(articles)


def kb_editors(unit: Unit) -> list[Any]:
    """Who looks after ``unit``'s articles: the active officers holding ``kb.manage`` at the
    unit itself or, when it has none, at the nearest unit above it that has some."""
    from lantoa.notifications.services import officers_of

    roles = access.PERMISSIONS["kb.manage"]
    chain = (
        UnitClosure.objects.filter(descendant=unit)
        .order_by("depth")
        .select_related("ancestor")
        .values_list("ancestor", flat=True)
    )
    units = Unit.objects.in_bulk(list(chain))
    for unit_id in chain:
        found = list(officers_of(units[unit_id], roles))
        if found:
            return found
    return []


def _notify_editors(document: LegalDocument, articles: list[Article], reason: Text) -> None:
    from lantoa.notifications.services import notify

    by_unit: dict[int, list[Article]] = defaultdict(list)
    for article in articles:
        by_unit[article.unit_id].append(article)
    per_user: dict[int, tuple[Any, Unit, list[Article]]] = {}
    for unit_articles in by_unit.values():
        unit = unit_articles[0].unit
        for user in kb_editors(unit):
            if user.pk in per_user:
                per_user[user.pk][2].extend(unit_articles)
            else:
                per_user[user.pk] = (user, unit, list(unit_articles))
    url = reverse("kb:review_queue") + f"?van_ban={document.pk}"
    for user, unit, mine in per_user.values():
        lines: list[Text | str] = [f"– {a.title}" for a in mine[:NOTICE_TITLES]]
        more = len(mine) - NOTICE_TITLES
        if more > 0:
            lines.append(Text(gettext_noop("… và %(more)s bài khác."), {"more": Num(more)}))
        notify(
            users=[user],
            kind="kb.review",
            title=Text(
                gettext_noop("Cần rà soát %(count)s bài hỏi đáp: %(document)s đã thay đổi"),
                {"count": Num(len(mine)), "document": document.name},
            ),
            body=Text(
                gettext_noop("%(reason)s\n\n%(listed)s"),
                {"reason": reason, "listed": Lines.of(lines)},
            ),
            url=url,
            unit=unit,
        )


def outdated_references(article: Article) -> list[ArticleReference]:
    """The references of ``article`` to documents no longer in force."""
    return list(
        article.references.select_related("document").filter(document__status__in=NOT_IN_FORCE)
    )


def article_record_review(*, article: Article, actor: Any = None) -> Article:
    """ "Đã rà soát": the editor checked ``article`` against the law in force today. Records
    who and when and clears the flag (and the public notice). Refused while the article still
    cites a document that is no longer in force: its basis must be corrected first."""
    stale = outdated_references(article)
    if stale:
        names = ", ".join(dict.fromkeys(r.document.name for r in stale))
        raise ValidationError(
            _(
                "Bài còn dẫn văn bản không còn hiệu lực: %(names)s. Vui lòng sửa nội "
                "dung và căn cứ "
                "pháp lý của bài rồi mới ghi nhận đã rà soát."
            )
            % {"names": names}
        )
    user = acting_user(actor)
    reasons = article.review_reasons
    with transaction.atomic():
        article.reviewed_on = today()
        article.reviewed_by = user
        article.review_reason = ""
        article.review_flagged_at = None
        article.basis_outdated = False
        article.save(
            update_fields=[
                "reviewed_on",
                "reviewed_by",
                "review_reason",
                "review_flagged_at",
                "basis_outdated",
            ]
        )
        audit_record(
            action="kb.article_reviewed",
            actor=actor,
            unit=article.unit,
            target=f"{article.pk}: {article.title}",
            data={"reasons": reasons},
        )
    return article


def review_scope(user: Any) -> Q:
    """The articles ``user`` may review: those of units where they hold ``kb.manage``."""
    return Q(unit__in=access.visible_units(user, "kb.manage"))


def ensure_register() -> Any:
    """Load the shipped register (laws.csv) when the register is empty; the import result,
    or None when there was nothing to do."""
    if LegalDocument.objects.exists():
        return None
    from lantoa.kb.laws import laws_import_path

    return laws_import_path(SHIPPED_LAWS)
