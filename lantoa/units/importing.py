"""Importing a list of units from CSV or XLSX.

The whole file is read and every row validated before anything is written: one bad row and
nothing is imported, and the officer gets every problem at once, each named by the row number
they see in Excel (the header is row 1) and the Vietnamese column name.

A valid file is written in one transaction, parents before children. New units are inserted
with ``bulk_create`` level by level, and their closure rows are computed in Python from the
parent's existing ancestors plus the chain inside the file, so a 5,000-row import into the
national database costs a handful of queries instead of a closure rebuild of the whole table.
In update mode, rows whose code already exists update that unit; a changed parent goes
through ``unit_move``, which refuses cycles.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa.audit.services import audit_record
from lantoa.core import jobs as durable
from lantoa.core import tabular
from lantoa.core.extensions import JobKind, PrivateFile, unit_scopes
from lantoa.core.messages import Text, text_pair
from lantoa.core.queueing import QUEUE_GRACE, enqueue, enqueue_on_commit
from lantoa.core.services import in_chunks
from lantoa.core.tabular import (  # the unit screens and tests import these from here
    ALLOWED_EXTENSIONS as ALLOWED_EXTENSIONS,
)
from lantoa.core.tabular import (
    ERRORS_SHOWN,
    RowError,
    Sheet,
    check_file,
    parse_count,
)
from lantoa.core.tabular import (
    ImportFileError as ImportFileError,
)
from lantoa.core.text import fold, format_int
from lantoa.units.models import Unit, UnitClosure, UnitImportJob, UnitKind, kinds_under
from lantoa.units.selectors import site_unit_forget, units_by_code
from lantoa.units.services import unit_move, unit_update

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User

COLUMNS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent_code",
    "member_count",
    "worker_count",
    "employer_name",
    "address",
    "industrial_zone",
    "sector",
)
REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")
FIELD_LABELS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "short_name": "Tên viết tắt",
    "kind": "Loại",
    "parent_code": "Mã đơn vị cấp trên",
    "member_count": "Số đoàn viên",
    "worker_count": "Số người lao động",
    "employer_name": "Tên doanh nghiệp",
    "address": "Địa chỉ",
    "industrial_zone": "Khu công nghiệp",
    "sector": "Ngành nghề",
}
_EXTRA_ALIASES = {
    "ma": "code",
    "ten": "name",
    "loai don vi": "kind",
    "ma cap tren": "parent_code",
    "don vi cap tren": "parent_code",
    "ma don vi cap tren truc tiep": "parent_code",
    "doan vien": "member_count",
    "so cnvcld": "worker_count",
    "ten doanh nghiep, co quan": "employer_name",
    "ten co quan, doanh nghiep": "employer_name",
    "kcn": "industrial_zone",
    "nganh": "sector",
}
SHEET = Sheet(
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    labels=FIELD_LABELS,
    header_hint="Mã đơn vị, Tên đơn vị, Loại, …",
    extra_aliases=_EXTRA_ALIASES,
)
MAX_LENGTHS: dict[str, int] = {
    name: int(Unit._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]
    for name in (
        "code",
        "name",
        "short_name",
        "employer_name",
        "address",
        "industrial_zone",
        "sector",
    )
}
BATCH_SIZE = 2000

ProgressFn = Callable[[str, int, int], None]
"""Called as ``progress(phase, done, total)``; phase is "validate" or "write"."""


def _kind_key(text: str) -> str:
    """Folded, "_" and "-" read as spaces: "Upper_Level" → "upper level"."""
    return " ".join(fold(text).replace("_", " ").replace("-", " ").split())


def _kind_lookup() -> dict[str, str]:
    """Code, Vietnamese or English label or a usual short name (as ``_kind_key``) → kind."""
    lookup: dict[str, str] = {}
    with translation.override("vi"):
        for value, label in UnitKind.choices:
            lookup[fold(value)] = value
            lookup[fold(value.replace("_", " "))] = value
            lookup[fold(str(label))] = value
    lookup.update(
        {
            "cdcs": UnitKind.GRASSROOTS,
            "ldld tinh": UnitKind.PROVINCE,
            "ldld thanh pho": UnitKind.PROVINCE,
            "tong ldld": UnitKind.NATIONAL,
            # An upper-level union whose kind the file does not say (công đoàn cấp trên trực
            # tiếp cơ sở), and English names other tools use.
            "cap tren": UnitKind.OTHER_UPPER,
            "cong doan cap tren": UnitKind.OTHER_UPPER,
            "cong doan cap tren truc tiep co so": UnitKind.OTHER_UPPER,
            "ctcs": UnitKind.OTHER_UPPER,
            "upper": UnitKind.OTHER_UPPER,
            "upper level": UnitKind.OTHER_UPPER,
            "upper-level": UnitKind.OTHER_UPPER,
            "grassroots union": UnitKind.GRASSROOTS,
            "enterprise union": UnitKind.GRASSROOTS,
            "provincial federation": UnitKind.PROVINCE,
            "national": UnitKind.NATIONAL,
            "confederation": UnitKind.NATIONAL,
            "sector union": UnitKind.SECTOR,
            "industrial zone": UnitKind.INDUSTRIAL_ZONE,
            "industrial park": UnitKind.INDUSTRIAL_ZONE,
            "kcn": UnitKind.INDUSTRIAL_ZONE,
            "ward": UnitKind.COMMUNE,
            "commune union": UnitKind.COMMUNE,
        }
    )
    with translation.override("en"):
        for value, label in UnitKind.choices:
            lookup.setdefault(fold(str(label)), value)
    return {_kind_key(key): value for key, value in lookup.items()}


def attach_provinces(validator: Any, rows: list[_Row]) -> None:
    """Province rows with no parent code go under the national root: the file's national row,
    else the database's root (a fresh install has one from its first migration)."""
    orphans = [r for r in rows if r.kind == UnitKind.PROVINCE and not r.parent_code]
    if not orphans:
        return
    root = next((r.code for r in rows if r.kind == UnitKind.NATIONAL and r.code), "")
    if not root:
        found = Unit.objects.filter(parent__isnull=True, kind=UnitKind.NATIONAL).first()
        root = found.code if found is not None else ""
    for row in orphans:
        if root:
            row.parent_code = root
        else:
            validator.error(
                row.row,
                "parent_code",
                _(
                    "chưa có đơn vị gốc (Tổng Liên đoàn Lao động Việt Nam): thêm một dòng loại "
                    "“Tổng Liên đoàn” hoặc ghi mã đơn vị cấp trên."
                ),
            )


def kind_label(kind: str) -> str:
    """The Vietnamese label of a kind, whatever the active language (files stay Vietnamese)."""
    with translation.override("vi"):
        return str(UnitKind(kind).label)


def template() -> tabular.Template:
    """The blank file of ``lantoa units template`` and the import page: a province that goes
    under the national root (no parent code), kinds to choose from."""
    return tabular.Template(
        sheet=SHEET,
        title="Đơn vị",
        example={
            "code": "CM",
            "name": "Liên đoàn Lao động tỉnh Cà Mau",
            "short_name": "LĐLĐ Cà Mau",
            "kind": kind_label(UnitKind.PROVINCE),
            "parent_code": "",
            "member_count": 45000,
            "worker_count": 60000,
            "address": "Số 1 đường Trần Hưng Đạo, phường An Xuyên, tỉnh Cà Mau",
        },
        choices={"kind": [kind_label(kind) for kind in UnitKind.values]},
    )


@dataclass
class ImportResult(tabular.ImportResult):
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    root_code: str = ""

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "moved": self.moved,
            "unchanged": self.unchanged,
            "root_code": self.root_code,
        }

    def summary_text(self) -> str:
        parts = [
            _("Đã nhập %(rows)s dòng: thêm mới %(created)s đơn vị")
            % {"rows": format_int(self.rows), "created": format_int(self.created)}
        ]
        if self.updated or self.moved or self.unchanged:
            parts.append(
                _("cập nhật %(updated)s, chuyển cấp trên %(moved)s, không đổi %(unchanged)s")
                % {
                    "updated": format_int(self.updated),
                    "moved": format_int(self.moved),
                    "unchanged": format_int(self.unchanged),
                }
            )
        return "; ".join(parts) + "."


# --- validation ---------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    fields: dict[str, Any]  # editable fields other than name/kind
    existing: Unit | None = None
    parent_unit: Unit | None = None  # the parent when it is already in the database
    level: int = 0


def _manageable_ids(actor: User | None, units: Iterable[Unit]) -> set[int]:
    """Ids among ``units`` where the officer holds "unit.manage", as lantoa.access answers it
    (asked in chunks: an import checks thousands); ``actor`` None is the system."""
    ids = [u.pk for u in units]
    if actor is None:
        return set(ids)
    scope = unit_scopes.get("unit.manage").units(actor)
    allowed: set[int] = set()
    for chunk in in_chunks(ids):
        allowed.update(scope.filter(pk__in=chunk).values_list("pk", flat=True))
    return allowed


class _Validator:
    def __init__(self, *, actor: User | None, update: bool) -> None:
        self.actor = actor
        self.update = update
        self.errors: list[RowError] = []
        self.kinds = _kind_lookup()

    def error(self, row: int, field_name: str, message: str) -> None:
        self.errors.append(SHEET.error(row, field_name, message))

    def parse(self, number: int, record: dict[str, str]) -> _Row:
        for key, limit in MAX_LENGTHS.items():
            value = record[key]
            if len(value) > limit:
                self.error(
                    number,
                    key,
                    _("dài %(count)s ký tự, tối đa %(limit)s ký tự.")
                    % {"count": format_int(len(value)), "limit": format_int(limit)},
                )
        for key in ("code", "name", "kind"):
            if not record[key]:
                self.error(number, key, _("không được để trống."))
        kind = ""
        if record["kind"]:
            kind = self.kinds.get(_kind_key(record["kind"]), "")
            if not kind:
                with translation.override("vi"):
                    allowed = ", ".join(str(label) for _kind, label in UnitKind.choices)
                self.error(
                    number,
                    "kind",
                    _("loại đơn vị “%(kind)s” không hợp lệ (chấp nhận: %(allowed)s).")
                    % {"kind": record["kind"], "allowed": allowed},
                )
        counts: dict[str, int | None] = {}
        for key in ("member_count", "worker_count"):
            try:
                counts[key] = parse_count(record[key])
            except ValueError as exc:
                counts[key] = None
                self.error(number, key, str(exc))
        members, workers = counts["member_count"], counts["worker_count"]
        # An empty worker count means "not known", not zero workers.
        if (
            members is not None
            and workers is not None
            and record["worker_count"]
            and workers < members
        ):
            self.error(
                number,
                "worker_count",
                _("số người lao động (%(workers)s) nhỏ hơn số đoàn viên (%(members)s).")
                % {"workers": format_int(workers), "members": format_int(members)},
            )
        if kind == UnitKind.NATIONAL and record["parent_code"]:
            self.error(
                number,
                "parent_code",
                _(
                    "Tổng Liên đoàn là gốc của cây, không có đơn vị cấp trên; vui lòng để "
                    "trống cột này."
                ),
            )
        elif (
            kind
            and kind not in (UnitKind.NATIONAL, UnitKind.PROVINCE)
            and not record["parent_code"]
        ):
            self.error(number, "parent_code", _("không được để trống."))
        # A province row without a parent belongs under the national root: ``attach_provinces``
        # fills the code in once every row is read.
        fields: dict[str, Any] = {
            key: record[key]
            for key in ("short_name", "employer_name", "address", "industrial_zone", "sector")
        }
        fields["member_count"] = members or 0
        fields["worker_count"] = workers or 0
        return _Row(number, record["code"], record["name"], kind, record["parent_code"], fields)

    def check_codes(self, rows: list[_Row]) -> dict[str, _Row]:
        by_code: dict[str, _Row] = {}
        for row in rows:
            if not row.code:
                continue
            first = by_code.get(row.code)
            if first is not None:
                self.error(
                    row.row,
                    "code",
                    _("mã “%(row_code)s” bị trùng ở dòng %(row)s và dòng %(row2)s.")
                    % {"row_code": row.code, "row": first.row, "row2": row.row},
                )
            else:
                by_code[row.code] = row
        existing = units_by_code(by_code)
        manageable = _manageable_ids(self.actor, existing.values())
        for code, unit in existing.items():
            row = by_code[code]
            if not self.update:
                self.error(
                    row.row,
                    "code",
                    _(
                        "mã “%(code)s” đã có trong hệ thống (chọn chế độ cập nhật để sửa đơn vị "
                        "đã có)."
                    )
                    % {"code": code},
                )
            elif unit.pk not in manageable:
                self.error(
                    row.row,
                    "code",
                    _("mã “%(code)s” đã được dùng cho một đơn vị ngoài phạm vi anh/chị quản lý.")
                    % {"code": code},
                )
            elif not unit.is_active:
                self.error(
                    row.row,
                    "code",
                    _("đơn vị “%(code)s” đã hợp nhất hoặc giải thể, không thể cập nhật.")
                    % {"code": code},
                )
            else:
                row.existing = unit
        return by_code

    def check_parents(self, rows: list[_Row], by_code: dict[str, _Row]) -> None:
        outside = {r.parent_code for r in rows if r.parent_code and r.parent_code not in by_code}
        db_parents = units_by_code(outside)
        manageable = _manageable_ids(self.actor, db_parents.values())
        for row in rows:
            if (
                row.kind == UnitKind.NATIONAL
                and row.existing is None
                and self.actor is not None
                and not self.actor.is_superuser
            ):
                self.error(
                    row.row, "kind", _("anh/chị không có quyền tạo đơn vị cấp Tổng Liên đoàn.")
                )
            code = row.parent_code
            if not code or row.kind == UnitKind.NATIONAL:
                continue
            parent_row = by_code.get(code)
            if parent_row is not None:
                if parent_row.kind == UnitKind.GRASSROOTS:
                    self.error(
                        row.row,
                        "parent_code",
                        _(
                            "đơn vị cấp trên “%(code)s” (dòng %(row)s) là công đoàn cơ sở, "
                            "không thể có đơn vị trực thuộc."
                        )
                        % {"code": code, "row": parent_row.row},
                    )
                continue
            parent = db_parents.get(code)
            # Units outside the officer's scope are reported exactly like missing ones.
            if parent is None or parent.pk not in manageable:
                self.error(
                    row.row,
                    "parent_code",
                    _(
                        "không tìm thấy đơn vị cấp trên “%(code)s” (không có trong tệp và trong "
                        "hệ thống)."
                    )
                    % {"code": code},
                )
            elif parent.kind == UnitKind.GRASSROOTS:
                self.error(
                    row.row,
                    "parent_code",
                    _(
                        "đơn vị cấp trên “%(code)s” là công đoàn cơ sở, không thể có đơn vị trực "
                        "thuộc."
                    )
                    % {"code": code},
                )
            elif not parent.is_active:
                self.error(
                    row.row,
                    "parent_code",
                    _("đơn vị cấp trên “%(code)s” đã hợp nhất hoặc giải thể.") % {"code": code},
                )
            else:
                row.parent_unit = parent
                if (
                    row.existing is not None
                    and row.existing.parent_id != parent.pk
                    and UnitClosure.objects.filter(
                        ancestor=row.existing, descendant=parent
                    ).exists()
                ):
                    self.error(
                        row.row,
                        "parent_code",
                        _(
                            "không thể chuyển “%(row_code)s” vào “%(code)s” vì “%(code)s” là "
                            "đơn vị trực thuộc của nó (tạo vòng lặp)."
                        )
                        % {"row_code": row.code, "code": code},
                    )

    def check_kinds(self, rows: list[_Row], by_code: dict[str, _Row]) -> None:
        """The tree's one rule on kinds (``lantoa.units.models.kinds_under``), for each row that
        creates a unit, re-kinds it or gives it a new parent, once its parent is known to be
        sound (no other error on the row's kind or parent); a unit the file leaves where and
        what it is is not reported."""
        flagged = {(e.row, e.field) for e in self.errors}
        root_exists = Unit.objects.filter(kind=UnitKind.NATIONAL).exists()
        for row in rows:
            if (
                row.kind == UnitKind.NATIONAL
                and row.existing is None
                and (row.row, "kind") not in flagged
            ):
                if root_exists:
                    self.error(
                        row.row, "kind", _("cây tổ chức đã có Tổng Liên đoàn, chỉ có một gốc.")
                    )
                root_exists = True  # a second national row in the same file is refused too
            if not row.kind or row.kind == UnitKind.NATIONAL or not row.parent_code:
                continue
            if (row.row, "kind") in flagged or (row.row, "parent_code") in flagged:
                continue
            parent_row = by_code.get(row.parent_code)
            if parent_row is not None:
                parent_kind = parent_row.kind
                parent_id = parent_row.existing.pk if parent_row.existing else None
            elif row.parent_unit is not None:
                parent_kind, parent_id = row.parent_unit.kind, row.parent_unit.pk
            else:
                continue
            existing = row.existing
            same_parent = existing is not None and existing.parent_id == parent_id
            if existing is not None and same_parent and existing.kind == row.kind:
                continue
            allowed = kinds_under(parent_kind)
            if not parent_kind or row.kind in allowed:
                continue
            params = {
                "kind": kind_label(row.kind),
                "code": row.parent_code,
                "parent_kind": kind_label(parent_kind),
                "allowed": ", ".join(f"“{kind_label(k)}”" for k in allowed),
            }
            if same_parent:
                self.error(
                    row.row,
                    "kind",
                    _(
                        "loại “%(kind)s” không hợp với vị trí của đơn vị: trực thuộc “%(code)s” "
                        "(%(parent_kind)s) chỉ có thể là %(allowed)s."
                    )
                    % params,
                )
            else:
                self.error(
                    row.row,
                    "parent_code",
                    _(
                        "đơn vị cấp trên “%(code)s” (%(parent_kind)s) không thể nhận đơn vị loại "
                        "“%(kind)s”; trực thuộc nó chỉ có thể là %(allowed)s."
                    )
                    % params,
                )

    def check_cycles(self, rows: list[_Row], by_code: dict[str, _Row]) -> None:
        """Give every row its level inside the file (0: parent in the database) and report
        the rows on a parent loop; rows below a loop get level -1."""

        def parent_of(row: _Row) -> _Row | None:
            if not row.parent_code or row.kind == UnitKind.NATIONAL:
                return None
            return by_code.get(row.parent_code)

        levels: dict[str, int] = {}
        for start in rows:
            if not start.code or start.code in levels:
                continue
            path: list[_Row] = []
            on_path: dict[str, int] = {}
            row: _Row | None = start
            while row is not None and row.code not in levels:
                if row.code in on_path:
                    loop = path[on_path[row.code] :]
                    chain = " → ".join([r.code for r in loop] + [row.code])
                    for member in loop:
                        self.error(
                            member.row,
                            "parent_code",
                            _("vòng lặp đơn vị cấp trên: %(chain)s.") % {"chain": chain},
                        )
                        levels[member.code] = -1
                    break
                on_path[row.code] = len(path)
                path.append(row)
                row = parent_of(row)
            for member in reversed(path):
                if member.code in levels:
                    continue
                parent = parent_of(member)
                if parent is None:
                    levels[member.code] = 0
                else:
                    above = levels[parent.code]
                    levels[member.code] = -1 if above < 0 else above + 1
        for row in rows:
            row.level = levels.get(row.code, -1)


# --- writing ------------------------------------------------------------------------------


class _Rollback(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    top: Unit | None = None


def _validation_errors(row: int, exc: ValidationError) -> list[RowError]:
    to_column = {"parent": "parent_code", "successor": "parent_code"}
    if hasattr(exc, "error_dict"):
        return [
            SHEET.error(row, to_column.get(key, key if key in COLUMNS else ""), str(msg))
            for key, messages in exc.message_dict.items()
            for msg in messages
        ]
    return [SHEET.error(row, "", str(msg)) for msg in exc.messages]


def _ancestor_chains(unit_ids: set[int]) -> dict[int, list[tuple[int, int]]]:
    """(ancestor id, depth) pairs of each unit, itself included at depth 0."""
    chains: dict[int, list[tuple[int, int]]] = {pk: [] for pk in unit_ids}
    for chunk in in_chunks(sorted(unit_ids)):
        for desc, anc, depth in UnitClosure.objects.filter(descendant_id__in=chunk).values_list(
            "descendant_id", "ancestor_id", "depth"
        ):
            chains[desc].append((anc, depth))
    return chains


def _write(
    rows: list[_Row], *, actor: User | None, filename: str, report: ProgressFn, columns: set[str]
) -> _Counts:
    counts = _Counts()
    total = len(rows)
    by_code = {r.code: r for r in rows}
    created: dict[str, Unit] = {}
    new_chains: dict[str, list[tuple[int, int]]] = {}

    def parent_for(row: _Row) -> Unit | None:
        if row.kind == UnitKind.NATIONAL or not row.parent_code:
            return None
        parent_row = by_code.get(row.parent_code)
        if parent_row is None:
            return row.parent_unit
        return parent_row.existing or created[parent_row.code]

    new_rows = [r for r in rows if r.existing is None]
    db_chains = _ancestor_chains(
        {r.parent_unit.pk for r in new_rows if r.parent_unit is not None}
        | {r.existing.pk for r in rows if r.existing is not None}
    )
    written = 0
    for level in sorted({r.level for r in new_rows}):
        batch = [r for r in new_rows if r.level == level]
        units: list[Unit] = []
        for row in batch:
            parent = parent_for(row)
            unit = Unit(
                code=row.code,
                name=row.name,
                kind=row.kind,
                parent=parent,
                depth=parent.depth + 1 if parent is not None else 0,
                **row.fields,
            )
            unit.refresh_search_text()
            units.append(unit)
        Unit.objects.bulk_create(units, batch_size=BATCH_SIZE)
        site_unit_forget()  # bulk_create sends no post_save
        links: list[UnitClosure] = []
        for row, unit in zip(batch, units, strict=True):
            created[row.code] = unit
            chain = [(unit.pk, 0)]
            parent = unit.parent
            if parent is not None:
                above = new_chains[parent.code] if parent.code in created else db_chains[parent.pk]
                chain += [(anc, depth + 1) for anc, depth in above]
            new_chains[row.code] = chain
            links += [
                UnitClosure(ancestor_id=anc, descendant_id=unit.pk, depth=depth)
                for anc, depth in chain
            ]
        UnitClosure.objects.bulk_create(links, batch_size=BATCH_SIZE)
        written += len(units)
        report("write", written, total)
    counts.created = written

    errors: list[RowError] = []
    for row in sorted((r for r in rows if r.existing is not None), key=lambda r: r.level):
        current = row.existing
        assert current is not None
        # Columns missing from the file leave the unit's values alone.
        wanted = {"name": row.name, "kind": row.kind, **row.fields}
        changes = {k: v for k, v in wanted.items() if k in columns and getattr(current, k) != v}
        parent = parent_for(row)
        note = f"Nhập từ tệp {filename}"[:500]
        # A new kind that would not fit under the old parent is taken after the move (a
        # grassroots union becoming a province's own sector union), otherwise before it.
        move_first = (
            parent is not None
            and "kind" in changes
            and current.parent_id != parent.pk
            and current.parent is not None
            and changes["kind"] not in kinds_under(current.parent.kind)
        )
        moved = False
        try:
            if parent is not None and move_first:
                moved = _move_if_needed(current, parent, actor=actor, note=note)
            if changes:
                unit_update(unit=current, actor=actor, **changes)
                counts.updated += 1
            if parent is not None and not move_first:
                moved = _move_if_needed(current, parent, actor=actor, note=note)
        except ValidationError as exc:
            errors.extend(_validation_errors(row.row, exc))
            continue
        if moved:
            counts.moved += 1
        if not changes and not moved:
            counts.unchanged += 1
        written += 1
        report("write", written, total)
    if errors:
        raise _Rollback(errors)

    counts.top = _top_unit([r for r in rows if r.level == 0], created, db_chains)
    return counts


def _move_if_needed(current: Unit, parent: Unit, *, actor: User | None, note: str) -> bool:
    """Move ``current`` under ``parent`` (through ``unit_move``) unless it is there already."""
    # Earlier moves in this import may have changed depths and parents.
    current.refresh_from_db(fields=["parent", "depth"])
    parent.refresh_from_db(fields=["parent", "depth", "status", "kind"])
    if current.parent_id == parent.pk:
        return False
    unit_move(unit=current, new_parent=parent, actor=actor, note=note)
    return True


def _top_unit(
    tops: list[_Row], created: dict[str, Unit], chains: dict[int, list[tuple[int, int]]]
) -> Unit | None:
    """The unit the import hangs under: the one top row, or else the nearest unit that is an
    ancestor of every top row's parent (audit rows and the result link point there)."""
    if len(tops) == 1:
        return tops[0].existing or created[tops[0].code]
    common: dict[int, int] | None = None
    for row in tops:
        anchor = row.existing or row.parent_unit
        if anchor is None:
            return None
        chain = dict(
            chains.get(anchor.pk)
            or UnitClosure.objects.filter(descendant=anchor).values_list("ancestor_id", "depth")
        )
        common = (
            chain
            if common is None
            else {anc: depth for anc, depth in common.items() if anc in chain}
        )
    if not common:
        return None
    return Unit.objects.get(pk=min(common, key=lambda anc: common[anc]))


def units_import(
    *,
    fileobj: IO[bytes],
    filename: str,
    actor: User | None = None,
    update: bool = False,
    size: int | None = None,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Validate the whole file, then write it in one transaction, or nothing at all.

    ``actor`` None is a system import (the server's command line) with full rights; an
    officer may only import under units where they hold ``unit.manage``.
    """
    report: ProgressFn = progress or (lambda phase, done, total: None)
    result = ImportResult()
    parsed = SHEET.read_into(result, fileobj, filename, size)
    if parsed is None:
        return result
    table = parsed.rows
    total = len(table)

    validator = _Validator(actor=actor, update=update)
    rows: list[_Row] = []
    for done, (number, record) in enumerate(table, start=1):
        rows.append(validator.parse(number, record))
        if done % 500 == 0:
            report("validate", done, total)
    attach_provinces(validator, rows)
    by_code = validator.check_codes(rows)
    validator.check_parents(rows, by_code)
    validator.check_cycles(rows, by_code)
    validator.check_kinds(rows, by_code)
    report("validate", total, total)
    if validator.errors:
        result.errors = SHEET.sorted_errors(validator.errors)
        return result

    report("write", 0, total)
    try:
        with transaction.atomic():
            counts = _write(
                rows, actor=actor, filename=filename, report=report, columns=parsed.columns
            )
            result.created, result.updated = counts.created, counts.updated
            result.moved, result.unchanged = counts.moved, counts.unchanged
            result.root_code = counts.top.code if counts.top is not None else ""
            audit_record(
                action="unit.import",
                actor=actor,
                unit=counts.top,
                target=filename,
                data={"update": update, **result.summary()},
                actor_label="" if actor is not None else "lantoa units import",
            )
    except _Rollback as exc:
        result.errors = SHEET.sorted_errors(exc.errors)
    return result


# --- background jobs ----------------------------------------------------------------------


def unit_import_job_create(
    *, user: User, upload: UploadedFile, update: bool = False
) -> UnitImportJob:
    """Store the upload and queue its import after the surrounding transaction commits."""
    from lantoa.units.tasks import import_units_task

    name = PurePath(upload.name or "").name
    check_file(upload, name, upload.size)
    job = UnitImportJob(
        created_by_id=user.pk,
        original_name=name[:255],
        update_existing=update,
        language=translation.get_language() or "",
    )
    # Private storage under a random name (the field's upload_to keeps only the extension);
    # the original name is for display and the download only.
    job.file.save(name, upload, save=False)
    job.save()
    enqueue_on_commit(import_units_task, job.pk)
    return job


UNIT_IMPORT_FILES = "units.import"  # the key in lantoa.core.extensions.private_files


def unit_import_file(user: Any, pk: int, variant: str) -> PrivateFile | None:
    """The uploaded file of import job ``pk``, for the officer who uploaded it only (the rule
    of the job page)."""
    job = UnitImportJob.objects.filter(pk=pk, created_by_id=getattr(user, "pk", None)).first()
    if job is None or variant or not job.file:
        return None
    kind = mimetypes.guess_type(job.original_name)[0] or "application/octet-stream"
    return PrivateFile(job.file.name, job.original_name, kind)


# A job claimed this long ago and still unfinished lost its worker (the task's hard time
# limit is 16 minutes): it may be claimed and run again.
STALE_AFTER = dt.timedelta(minutes=20)


def unit_import_job_run(*, job_id: int) -> UnitImportJob | None:
    """Run a pending job (also one handed back by the sweep after its worker died, see
    ``UNIT_IMPORT_JOBS``; the import is a single transaction, so it starts again from a clean
    state). Claiming it with a conditional update makes a re-delivered task a no-op while the
    first still runs, so two workers never import the same file."""
    from django.utils import timezone

    pending = UnitImportJob.objects.filter(pk=job_id, status=UnitImportJob.Status.PENDING)
    if not durable.claim(
        pending,
        now=timezone.now(),
        status=UnitImportJob.Status.VALIDATING,
        rows_validated=0,
        rows_written=0,
    ):
        return None
    job = UnitImportJob.objects.select_related("created_by").get(pk=job_id)
    jobs = UnitImportJob.objects.filter(pk=job_id)

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "validate":
            jobs.update(rows_total=total, rows_validated=done)
        else:
            jobs.update(
                rows_total=total,
                rows_validated=total,
                rows_written=done,
                status=UnitImportJob.Status.IMPORTING,
            )

    # Row errors in the language of the officer who reads them (the job is theirs alone).
    language = job.language if job.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    try:
        with job.file.open("rb") as fh, translation.override(language):
            result = units_import(
                fileobj=fh,
                filename=job.original_name,
                actor=job.created_by,
                update=job.update_existing,
                size=job.file.size,
                progress=progress,
            )
    except Exception:
        _fail(
            job_id,
            Text(
                gettext_noop("lỗi hệ thống khi nhập tệp; vui lòng thử lại hoặc báo quản trị."),
                {},
            ),
        )
        raise
    job.refresh_from_db()
    job.finished_at = timezone.now()
    job.rows_total = result.rows
    job.summary = result.summary()
    if result.ok:
        job.status = UnitImportJob.Status.DONE
        job.rows_validated = job.rows_written = result.rows
    else:
        job.status = UnitImportJob.Status.FAILED
        job.rows_written = 0
        job.error_count = len(result.errors)
        job.errors = [e.as_dict() for e in result.errors[:ERRORS_SHOWN]]
    job.save()
    return job


def _fail(pk: int, reason: Text) -> None:
    """Fail the job with one error for the whole file: ``reason`` in the site's language, and
    as JSON (``message_text``) shown in the reader's language."""
    from django.utils import timezone

    message, stored = text_pair(reason)
    UnitImportJob.objects.filter(pk=pk).update(
        status=UnitImportJob.Status.FAILED,
        finished_at=timezone.now(),
        error_count=1,
        errors=[{**RowError(0, "", message).as_dict(), "message_text": stored}],
    )


def _requeue(pk: int) -> None:
    from lantoa.units.tasks import import_units_task

    enqueue(import_units_task, pk)


# Unit imports for the generic sweep of durable jobs (registered in contributions.py).
UNIT_IMPORT_JOBS = JobKind(
    key="units.import_job",
    model=UnitImportJob,
    running=Q(status__in=[UnitImportJob.Status.VALIDATING, UnitImportJob.Status.IMPORTING]),
    hand_back=lambda now: {"status": UnitImportJob.Status.PENDING},
    fail=_fail,
    requeue=_requeue,
    stale_after=STALE_AFTER,
    # A job whose task never reached the broker (Redis down when it was created) starts late.
    due=lambda now: Q(status=UnitImportJob.Status.PENDING, created_at__lt=now - QUEUE_GRACE),
)


def unit_import_jobs_resume() -> int:
    """Queue again the jobs whose worker died (what the beat's sweep of durable jobs does
    every minute); a job whose worker died ``max_crashes`` times is failed instead."""
    return len(durable.sweep(UNIT_IMPORT_JOBS))
