"""Exporting units to CSV or XLSX with the columns the importer reads, so that an exported
file imported into an empty database gives the same tree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lantoa.core import tabular
from lantoa.units.importing import COLUMNS, FIELD_LABELS, kind_label
from lantoa.units.models import Unit, UnitStatus
from lantoa.units.selectors import units_in_subtree

HEADER = [FIELD_LABELS[c] for c in COLUMNS]
_VALUES = [c if c != "parent_code" else "parent__code" for c in COLUMNS]


def export_queryset(*, root: Unit | None, include_ended: bool = False) -> QuerySet[Unit]:
    """Units of ``root``'s subtree (all units when None), parents before children."""
    units = units_in_subtree(root) if root is not None else Unit.objects.all()
    if not include_ended:
        units = units.filter(status=UnitStatus.ACTIVE)
    return units.order_by("depth", "code")


def export_rows(units: QuerySet[Unit]) -> Iterator[list[Any]]:
    labels: dict[str, str] = {}
    for values in units.values_list(*_VALUES).iterator(chunk_size=2000):
        row = list(values)
        kind = row[3]
        row[3] = labels.setdefault(kind, kind_label(kind))
        row[4] = row[4] or ""
        yield row


def csv_chunks(rows: Iterator[list[Any]]) -> Iterator[str]:
    """CSV text for a streaming response: BOM (so Excel reads UTF-8), header, rows."""
    return tabular.csv_chunks(HEADER, rows)


def write_csv(rows: Iterator[list[Any]], out: IO[str]) -> int:
    """Write the CSV to ``out``; returns the data row count (the header not included)."""
    lines = 0
    for chunk in csv_chunks(rows):
        out.write(chunk)
        lines += 1
    return lines - 1


def _counted(rows: Iterator[list[Any]], seen: list[int]) -> Iterator[list[Any]]:
    for row in rows:
        seen[0] += 1
        yield row


def xlsx_chunks(rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """The one-sheet workbook as bytes made while the rows are read (a country's tree is
    tens of thousands of units), for a streaming response or a file."""
    return tabular.xlsx_chunks([tabular.xlsx_sheet("Đơn vị", HEADER, rows)])


def write_xlsx(rows: Iterator[list[Any]], out: IO[bytes]) -> int:
    """Write a one-sheet workbook; returns the data row count."""
    seen = [0]
    for chunk in xlsx_chunks(_counted(rows, seen)):
        out.write(chunk)
    return seen[0]


def export_to_path(path: str, *, root: Unit | None, include_ended: bool = False) -> int:
    """Write the export to ``path`` (.csv or .xlsx by extension); returns the row count."""
    rows = export_rows(export_queryset(root=root, include_ended=include_ended))
    if path.lower().endswith(".xlsx"):
        with open(path, "wb") as fh:
            return write_xlsx(rows, fh)
    if path.lower().endswith(".csv"):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            return write_csv(rows, fh)
    raise ValueError(_("Tên tệp xuất phải có đuôi .csv hoặc .xlsx."))


__all__ = [
    "HEADER",
    "csv_chunks",
    "export_queryset",
    "export_rows",
    "export_to_path",
    "write_csv",
    "write_xlsx",
    "xlsx_chunks",
]
