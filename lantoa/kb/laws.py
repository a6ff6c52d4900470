"""Importing and exporting the register of legal documents (``lantoa kb laws import|export``).

Columns (header row 1, English keys or the Vietnamese labels, in any order): ``number``,
``title``, ``kind``, ``issuer``, ``issued_on`` (required), ``short_title``,
``in_force_from``, ``status``, ``replaced_by``, ``amended_by`` (numbers separated by ";"),
``note``. ``kind`` and ``status`` take the code or the Vietnamese label ("Luật", "Đã bị thay
thế"); dates are dd/mm/yyyy. A row updates the document with the same number, or adds one;
``replaced_by`` and ``amended_by`` may name documents of the register or of the same file.

As for every importer: the whole file is validated first and every problem is reported as
"Dòng N, cột “…”: …"; one bad row and nothing is written. A good file is written in one
transaction, and a document whose status becomes amended, replaced or expired flags the
articles citing it (``lantoa.kb.register.after_change``), exactly as a change on screen does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.core import tabular
from lantoa.core.periods import parse_date
from lantoa.core.services import acting_user
from lantoa.core.tabular import RowError, Sheet
from lantoa.core.text import fold, format_int
from lantoa.kb.models import DocumentKind, DocumentStatus, LegalDocument
from lantoa.kb.references import clean_number, number_key
from lantoa.kb.register import after_change, clean_document_fields, clean_links
from lantoa.kb.services import split_list

COLUMNS = (
    "number",
    "title",
    "short_title",
    "kind",
    "issuer",
    "issued_on",
    "in_force_from",
    "status",
    "replaced_by",
    "amended_by",
    "note",
)
REQUIRED_COLUMNS = ("number", "title", "kind", "issuer", "issued_on")
FIELD_LABELS = {
    "number": "Số hiệu",
    "title": "Tên văn bản",
    "short_title": "Tên gọi tắt",
    "kind": "Loại văn bản",
    "issuer": "Cơ quan ban hành",
    "issued_on": "Ngày ban hành",
    "in_force_from": "Hiệu lực từ",
    "status": "Tình trạng hiệu lực",
    "replaced_by": "Được thay thế bởi",
    "amended_by": "Được sửa đổi bởi",
    "note": "Ghi chú",
}
SHEET = Sheet(
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    labels=FIELD_LABELS,
    header_hint="Số hiệu, Tên văn bản, Loại văn bản, Cơ quan ban hành, Ngày ban hành, …",
    extra_aliases={
        "so hieu van ban": "number",
        "so van ban": "number",
        "trich yeu": "title",
        "ten goi": "short_title",
        "loai": "kind",
        "co quan": "issuer",
        "ngay ky": "issued_on",
        "ngay co hieu luc": "in_force_from",
        "hieu luc": "in_force_from",
        "tinh trang": "status",
        "trang thai": "status",
        "thay the boi": "replaced_by",
        "van ban thay the": "replaced_by",
        "sua doi boi": "amended_by",
        "duoc sua doi, bo sung boi": "amended_by",
        "van ban sua doi": "amended_by",
    },
)


def _choices_lookup(choices: Iterable[tuple[str, Any]], extra: Mapping[str, str]) -> dict[str, str]:
    lookup = dict(extra)
    with translation.override("vi"):
        for value, label in choices:
            lookup[fold(value)] = value
            lookup[fold(str(label))] = value
    return lookup


_STATUS_EXTRA = {
    "con hieu luc": DocumentStatus.IN_FORCE,
    "hieu luc": DocumentStatus.IN_FORCE,
    "da duoc sua doi, bo sung": DocumentStatus.AMENDED,
    "da duoc sua doi": DocumentStatus.AMENDED,
    "sua doi": DocumentStatus.AMENDED,
    "bi thay the": DocumentStatus.REPLACED,
    "thay the": DocumentStatus.REPLACED,
    "het hieu luc": DocumentStatus.EXPIRED,
    "chua co hieu luc": DocumentStatus.PENDING,
}


@dataclass
class LawsImportResult(tabular.ImportResult):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0

    def summary_text(self) -> str:
        text = _(
            "Đã nhập %(rows)s dòng: thêm mới %(created)s văn bản, cập nhật %(updated)s, "
            "không đổi %(unchanged)s."
        ) % {
            "rows": format_int(self.rows),
            "created": format_int(self.created),
            "updated": format_int(self.updated),
            "unchanged": format_int(self.unchanged),
        }
        if self.flagged:
            text += " " + _(
                "%(count)s bài hỏi đáp dẫn văn bản đã thay đổi được đánh dấu cần rà soát."
            ) % {"count": format_int(self.flagged)}
        return text


@dataclass
class _Row:
    row: int
    fields: dict[str, Any]
    replaced_by: str = ""
    amended_by: list[str] = field(default_factory=list)


@dataclass
class _Stub:
    """A document named by a row, for the link checks before anything is written."""

    number: str


def _date(number: int, record: dict[str, str], key: str, errors: list[RowError]) -> Any:
    if not record[key]:
        return None
    try:
        return parse_date(record[key])
    except ValueError as exc:
        errors.append(SHEET.error(number, key, str(exc)))
        return None


def _parse(
    number: int, record: dict[str, str], kinds: dict[str, str], statuses: dict[str, str]
) -> _Row | list[RowError]:
    errors: list[RowError] = []
    for key in REQUIRED_COLUMNS:
        if not record[key]:
            errors.append(SHEET.error(number, key, _("không được để trống.")))
    kind = ""
    if record["kind"]:
        kind = kinds.get(fold(record["kind"]), "")
        if not kind:
            errors.append(
                SHEET.error(
                    number,
                    "kind",
                    _("loại “%(kind)s” không hợp lệ (ví dụ: Luật, Bộ luật, Nghị định, Quyết định).")
                    % {"kind": record["kind"]},
                )
            )
    status: str = DocumentStatus.IN_FORCE
    if record["status"]:
        status = statuses.get(fold(record["status"]), "")
        if not status:
            errors.append(
                SHEET.error(
                    number,
                    "status",
                    _(
                        "“%(status)s” không hợp lệ (ghi “Còn hiệu lực”, “Đã được sửa đổi, bổ "
                        "sung”, “Đã bị thay thế”, “Hết hiệu lực” hoặc “Chưa có hiệu lực”)."
                    )
                    % {"status": record["status"]},
                )
            )
    issued_on = _date(number, record, "issued_on", errors)
    in_force_from = _date(number, record, "in_force_from", errors)
    fields: dict[str, Any] = {
        "number": record["number"],
        "title": record["title"],
        "short_title": record["short_title"],
        "kind": kind or DocumentKind.OTHER,
        "issuer": record["issuer"],
        "issued_on": issued_on,
        "in_force_from": in_force_from,
        "status": status or DocumentStatus.IN_FORCE,
        "note": record["note"],
    }
    if errors:
        return errors
    # Uniqueness is not checked: a number already in the register is the row's document.
    for key, message in clean_document_fields(fields, check_unique=False).items():
        errors.append(SHEET.error(number, key, message[:1].lower() + message[1:]))
    if errors:
        return errors
    return _Row(
        number,
        fields,
        replaced_by=clean_number(record["replaced_by"]),
        amended_by=[clean_number(n) for n in split_list(record["amended_by"])],
    )


def laws_import(
    *, fileobj: IO[bytes], filename: str, actor: Any = None, size: int | None = None
) -> LawsImportResult:
    """Validate the whole file, then add or update its documents in one transaction."""
    result = LawsImportResult()
    table = SHEET.read_into(result, fileobj, filename, size)
    if table is None:
        return result
    kinds = _choices_lookup(DocumentKind.choices, {})
    statuses = _choices_lookup(DocumentStatus.choices, _STATUS_EXTRA)
    rows: list[_Row] = []
    first_of: dict[str, int] = {}
    for number, record in table.rows:
        parsed = _parse(number, record, kinds, statuses)
        if isinstance(parsed, list):
            result.errors += parsed
            continue
        key = number_key(parsed.fields["number"])
        if key in first_of:
            result.errors.append(
                SHEET.error(
                    number,
                    "number",
                    _("trùng số hiệu với dòng %(row)s.") % {"row": first_of[key]},
                )
            )
            continue
        first_of[key] = number
        rows.append(parsed)

    existing = {number_key(d.number): d for d in LegalDocument.objects.all()}
    known = {**existing, **{k: _Stub(k) for k in first_of if k not in existing}}
    for row in rows:
        replaced = known.get(number_key(row.replaced_by)) if row.replaced_by else None
        if row.replaced_by and replaced is None:
            result.errors.append(_unknown(row.row, "replaced_by", row.replaced_by))
            continue
        amending = []
        for other in row.amended_by:
            found = known.get(number_key(other))
            if found is None:
                result.errors.append(_unknown(row.row, "amended_by", other))
            else:
                amending.append(found)
        problems = clean_links(
            number=row.fields["number"],
            status=row.fields["status"],
            replaced_by=replaced,
            amended_by=amending,
        )
        for key, message in problems.items():
            column = key if key in COLUMNS else "status"
            result.errors.append(SHEET.error(row.row, column, message[:1].lower() + message[1:]))
    if result.errors:
        result.errors = SHEET.sorted_errors(result.errors)
        return result

    user = acting_user(actor)
    with transaction.atomic():
        saved: dict[str, LegalDocument] = {}
        before: dict[str, tuple[str, set[int]] | None] = {}
        changed: set[str] = set()
        for row in rows:
            key = number_key(row.fields["number"])
            document = existing.get(key)
            if document is None:
                document = LegalDocument(created_by=user, updated_by=user, **row.fields)
                document.save()
                result.created += 1
                before[key] = None
                changed.add(key)
            else:
                before[key] = (
                    document.status,
                    set(document.amended_by.values_list("pk", flat=True)),
                )
                diff = {k: v for k, v in row.fields.items() if getattr(document, k) != v}
                if diff:
                    for k, v in diff.items():
                        setattr(document, k, v)
                    document.updated_by = user
                    document.save()
                    changed.add(key)
            saved[key] = document
        everything = {**existing, **saved}
        for row in rows:
            key = number_key(row.fields["number"])
            document = saved[key]
            replaced = everything[number_key(row.replaced_by)] if row.replaced_by else None
            amending_ids = {everything[number_key(n)].pk for n in row.amended_by}
            if document.replaced_by_id != (replaced.pk if replaced else None):
                document.replaced_by = replaced
                document.save(update_fields=["replaced_by", "updated_at"])
                changed.add(key)
            old = before[key]
            if old is None or old[1] != amending_ids:
                document.amended_by.set(amending_ids)
                if old is not None:
                    changed.add(key)
        for row in rows:
            key = number_key(row.fields["number"])
            if before[key] is not None:
                if key in changed:
                    result.updated += 1
                else:
                    result.unchanged += 1
                result.flagged += after_change(saved[key], before=before[key], actor=actor)
        audit_record(
            action="kb.laws_import",
            actor=actor,
            target=filename,
            data={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "flagged": result.flagged,
            },
            actor_label="" if user is not None else "lantoa kb laws import",
        )
    return result


def _unknown(row: int, column: str, number: str) -> RowError:
    return SHEET.error(
        row,
        column,
        _("văn bản số “%(number)s” không có trong danh mục cũng như trong tệp.")
        % {"number": number},
    )


def laws_import_path(path: Path, *, actor: Any = None) -> LawsImportResult:
    with path.open("rb") as fh:
        return laws_import(fileobj=fh, filename=path.name, actor=actor, size=path.stat().st_size)


def _day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def laws_export_rows() -> Iterator[list[Any]]:
    """The register in the importer's columns (a file the importer reads back unchanged)."""
    with translation.override("vi"):
        for d in (
            LegalDocument.objects.select_related("replaced_by")
            .prefetch_related("amended_by")
            .order_by("issued_on", "number")
        ):
            yield [
                d.number,
                d.title,
                d.short_title,
                str(d.get_kind_display()),
                d.issuer,
                _day(d.issued_on),
                _day(d.in_force_from),
                str(d.get_status_display()),
                d.replaced_by.number if d.replaced_by else "",
                "; ".join(sorted(a.number for a in d.amended_by.all())),
                d.note,
            ]


def laws_export_header() -> list[str]:
    return [FIELD_LABELS[c] for c in COLUMNS]
