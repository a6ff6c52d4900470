"""Quota counting, exact under concurrent submissions.

A response that falls in a cell raises the cell's count and the count of every allocation of
that cell held by the response's unit or one of its ancestors, each with one conditional
``UPDATE … SET count = count + 1 WHERE id = … AND count < target`` inside the response's
transaction. On PostgreSQL a second transaction updating the same row waits for the first and
then evaluates the ``WHERE`` again on the committed row; on SQLite writers are serialised. So
a cell never passes its target, and a response refused by a full cell or allocation rolls back
the counts it had already raised (the whole transaction is undone).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from lantoa.surveys.models import QuotaAllocation, QuotaCell, Survey
from lantoa.units.models import Unit, UnitClosure


def cell_for(
    survey: Survey, codes: Mapping[str, set[str]], cells: Iterable[QuotaCell] | None = None
) -> QuotaCell | None:
    """The first cell (in order) whose every condition the answers meet; None if none.
    ``cells``: the survey's cells in order, read once by a caller that asks many times."""
    for cell in survey.quota_cells.all() if cells is None else cells:
        conditions = cell.conditions or {}
        if conditions and all(str(v) in codes.get(k, set()) for k, v in conditions.items()):
            return cell
    return None


class QuotaFull(ValidationError):
    """The response's cell (or its unit's share of it) has all its questionnaires."""


def count_response(cell: QuotaCell, unit: Unit) -> None:
    """Raise the cell's count and its allocations' on the way up from ``unit``; must run in
    the response's transaction. ``QuotaFull`` when one is already at its target."""
    if not QuotaCell.objects.filter(pk=cell.pk, count__lt=F("target")).update(count=F("count") + 1):
        raise QuotaFull(
            _(
                "Nhóm “%(cell)s” đã đủ số phiếu cần thu nên cuộc khảo sát không nhận thêm "
                "phiếu của nhóm này. Xin cảm ơn!"
            )
            % {"cell": cell.label},
            code="quota_full",
        )
    ancestors = UnitClosure.objects.filter(descendant=unit).values("ancestor_id")
    for allocation in QuotaAllocation.objects.filter(cell=cell, unit_id__in=ancestors):
        if not QuotaAllocation.objects.filter(pk=allocation.pk, count__lt=F("target")).update(
            count=F("count") + 1
        ):
            raise QuotaFull(
                _(
                    "Nhóm “%(cell)s” của %(unit)s đã đủ số phiếu được phân bổ nên không nhận "
                    "thêm phiếu của nhóm này. Xin cảm ơn!"
                )
                % {"cell": cell.label, "unit": allocation.unit.name},
                code="quota_full",
            )
