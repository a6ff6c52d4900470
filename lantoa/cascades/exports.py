"""CSV and XLSX exports of a cascade's roll-up and of its laggards.

CSV goes out as a stream (BOM first so Excel reads UTF-8; cells that a spreadsheet would run
as a formula are quoted); XLSX is written by openpyxl in streaming mode to a spooled file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.cascades.models import CascadeRecipient, RecipientState
from lantoa.cascades.selectors import Completion, Rollup
from lantoa.core import tabular
from lantoa.units.models import UnitKind


def _percent(part: int, whole: int) -> float | str:
    return round(100 * part / whole, 1) if whole else ""


def _figures(c: Completion) -> list[Any]:
    return [
        c.recipients,
        c.received,
        c.acknowledged,
        c.done,
        c.done_on_time,
        _percent(c.done, c.recipients),
    ]


def rollup_table(rollup: Rollup) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Loại đơn vị"),
        _("Số đơn vị nhận"),
        _("Đã nhận"),
        _("Đã nắm"),
        _("Đã thực hiện"),
        _("Thực hiện đúng hạn"),
        _("Tỷ lệ thực hiện (%)"),
    ]
    rows: list[list[Any]] = []
    if rollup.own.recipients:
        unit = rollup.unit
        rows.append([unit.code, unit.name + " " + _("(bản thân đơn vị)"), unit.get_kind_display()])
        rows[-1] += _figures(rollup.own)
    for child in rollup.children:
        rows.append([child.unit.code, child.unit.name, UnitKind(child.unit.kind).label])
        rows[-1] += _figures(child)
    rows.append(["", _("Tổng cộng") + f" — {rollup.unit.name}", "", *_figures(rollup.total)])
    return header, rows


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def laggard_table(
    recipients: QuerySet[CascadeRecipient],
) -> tuple[list[str], Iterator[list[Any]]]:
    header = [
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Loại đơn vị"),
        _("Đơn vị cấp trên"),
        _("Đợt triển khai"),
        _("Hạn hoàn thành"),
        _("Tình trạng"),
        _("Đã nhận lúc"),
        _("Đã nắm lúc"),
    ]
    labels = dict(RecipientState.choices)
    kinds = dict(UnitKind.choices)

    def rows() -> Iterator[list[Any]]:
        for r in recipients.iterator(chunk_size=2000):
            yield [
                r.unit.code,
                r.unit.name,
                kinds.get(r.unit.kind, r.unit.kind),
                r.unit.parent.name if r.unit.parent else "",
                r.cascade.title,
                r.cascade.due_on.strftime("%d/%m/%Y"),
                labels.get(r.state, r.state),
                _when(r.received_at),
                _when(r.acknowledged_at),
            ]

    return header, rows()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        tabular.csv_chunks(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    filename: str, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> FileResponse:
    spool = tabular.xlsx_spool(sheet_title, header, rows)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=tabular.XLSX_TYPE
    )
