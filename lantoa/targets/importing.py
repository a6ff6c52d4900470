"""Numeric targets from CSV or XLSX (``lantoa targets import FILE``) and one at a time
(``lantoa targets set``).

Columns: unit_code, metric, period, value — Vietnamese headers ("Mã đơn vị", "Chỉ tiêu",
"Kỳ", "Mức chỉ tiêu") work too. A metric is its key or its name, with or without diacritics
("activity_outreach", "Buổi tuyên truyền", "buoi tuyen truyen"); a period its code or its
name ("2026-H1", "6 tháng đầu năm 2026"); a value a whole number ("1.200"). Every row is
checked first; one bad row and nothing is written, each problem listed as "Dòng N, cột …".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.core import tabular
from lantoa.core.extensions import TargetMetric
from lantoa.core.periods import Period, PeriodError, parse_period_text
from lantoa.core.tabular import RowError, Sheet
from lantoa.core.text import fold, format_int
from lantoa.periods.selectors import reporting_period
from lantoa.targets.metrics import assignable_metrics
from lantoa.targets.services import _clean_number, target_assign
from lantoa.units.models import Unit
from lantoa.units.selectors import units_by_code

COLUMNS = ("unit_code", "metric", "period", "value")
LABELS = {
    "unit_code": "Mã đơn vị",
    "metric": "Chỉ tiêu",
    "period": "Kỳ",
    "value": "Mức chỉ tiêu",
}
SHEET = Sheet(
    columns=COLUMNS,
    required=COLUMNS,
    labels=LABELS,
    header_hint="Mã đơn vị, Chỉ tiêu, Kỳ, Mức chỉ tiêu",
    extra_aliases={
        "ma": "unit_code",
        "don vi": "unit_code",
        "so do": "metric",
        "ten chi tieu": "metric",
        "loai chi tieu": "metric",
        "ky bao cao": "period",
        "ky giao": "period",
        "muc": "value",
        "so luong": "value",
        "gia tri": "value",
        "chi tieu giao": "value",
    },
)


@dataclass
class ImportResult(tabular.ImportResult):
    created: int = 0
    updated: int = 0

    def summary_text(self) -> str:
        return _("Đã giao %(created)s chỉ tiêu mới, cập nhật %(updated)s chỉ tiêu.") % {
            "created": format_int(self.created),
            "updated": format_int(self.updated),
        }


def metric_lookup() -> dict[str, TargetMetric]:
    """Folded key or Vietnamese name (also the key with spaces) → assignable metric."""
    lookup: dict[str, TargetMetric] = {}
    with translation.override("vi"):
        for found in assignable_metrics():
            lookup[fold(found.key)] = found
            lookup[fold(found.key.replace("_", " "))] = found
            lookup[fold(str(found.label))] = found
            bare = found.key.removeprefix("activity_")
            lookup.setdefault(fold(bare), found)
            lookup.setdefault(fold(bare.replace("_", " ")), found)
    return lookup


def metric_choices() -> str:
    with translation.override("vi"):
        return ", ".join(f"{found.label} ({found.key})" for found in assignable_metrics())


def find_metric(raw: str) -> TargetMetric:
    """The assignable metric named ``raw``; ValueError listing the accepted ones."""
    found = metric_lookup().get(fold(raw))
    if found is None:
        raise ValueError(
            _("không có chỉ tiêu “%(raw)s” giao được bằng số (chấp nhận: %(choices)s).")
            % {"raw": raw, "choices": metric_choices()}
        )
    return found


def template() -> tabular.Template:
    """The blank file of ``lantoa targets template``: the first assignable metric for this
    half-year at the national root; metrics and this year's and next year's periods to
    choose from (any period written as a code or a name is read)."""
    from django.utils import timezone

    from lantoa.units.models import ROOT_CODE

    today = timezone.localdate()
    with translation.override("vi"):
        metrics = [str(found.label) for found in assignable_metrics()]
        periods = [
            period.name
            for year in (today.year, today.year + 1)
            for period in (Period(year, "year"), Period(year, "half", 1), Period(year, "half", 2))
        ] + [Period(today.year, "quarter", n).name for n in range(1, 5)]
        current = Period(today.year, "half", 1 if today.month <= 6 else 2).name
    return tabular.Template(
        sheet=SHEET,
        title="Chỉ tiêu",
        example={
            "unit_code": ROOT_CODE,
            "metric": metrics[0] if metrics else "",
            "period": current,
            "value": 1200,
        },
        choices={"metric": metrics, "period": periods},
        open=frozenset({"period"}),
    )


@dataclass(frozen=True)
class _Row:
    number: int
    unit: Unit
    metric: TargetMetric
    period: Period
    value: int


def targets_import(
    *, fileobj: IO[bytes], filename: str, actor: Any = None, size: int | None = None
) -> ImportResult:
    """Check the whole file, then give every number in one transaction, or none.

    ``actor`` None is the server's command line; an officer gives numbers only to units
    below their own (``target.manage`` from above)."""
    result = ImportResult()
    table = SHEET.read_into(result, fileobj, filename, size)
    if table is None:
        return result
    units = units_by_code(record["unit_code"] for _, record in table.rows)
    metrics = metric_lookup()
    rows: list[_Row] = []
    seen: dict[tuple[int, str, str], int] = {}
    for number, record in table.rows:
        errors: list[RowError] = []

        def error(
            column: str, message: str, number: int = number, errors: list[RowError] = errors
        ) -> None:
            errors.append(SHEET.error(number, column, message))

        unit = units.get(record["unit_code"])
        if unit is not None and actor is not None:
            allowed = access.can_from_above(actor, "target.manage", unit)
            unit = unit if allowed else None
        if unit is None:
            error(
                "unit_code",
                _("không có đơn vị mã “%(code)s” trong phạm vi anh/chị được giao chỉ tiêu.")
                % {"code": record["unit_code"]},
            )
        elif not unit.is_active:
            error("unit_code", _("đơn vị “%(name)s” không còn hoạt động.") % {"name": unit.name})
        metric = metrics.get(fold(record["metric"]))
        if metric is None:
            error(
                "metric",
                _("không có chỉ tiêu “%(raw)s” giao được bằng số (chấp nhận: %(choices)s).")
                % {"raw": record["metric"], "choices": metric_choices()},
            )
        period: Period | None = None
        try:
            period = parse_period_text(record["period"])
        except PeriodError as exc:
            error("period", str(exc))
        value = 0
        try:
            value = _clean_number(record["value"])
        except ValidationError as exc:
            error("value", " ".join(exc.messages))
        if not errors and unit is not None and metric is not None and period is not None:
            key = (unit.pk, metric.key, period.code)
            if key in seen:
                error(
                    "",
                    _("trùng với dòng %(row)s (cùng đơn vị, chỉ tiêu và kỳ).") % {"row": seen[key]},
                )
            else:
                seen[key] = number
                rows.append(_Row(number, unit, metric, period, value))
        result.errors.extend(errors)
    if result.errors:
        result.errors = SHEET.sorted_errors(result.errors)
        return result
    with transaction.atomic():
        for row in rows:
            period_row = reporting_period(row.period)
            existed = row.unit.target_assignments.filter(
                metric=row.metric.key, period=period_row
            ).exists()
            try:
                target_assign(
                    unit=row.unit,
                    metric=row.metric.key,
                    period=period_row,
                    value=row.value,
                    actor=actor,
                )
            except (PermissionDenied, ValidationError) as exc:  # checked above; raced since
                transaction.set_rollback(True)
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                result.errors = [SHEET.error(row.number, "", " ".join(messages))]
                result.created = result.updated = 0
                return result
            if existed:
                result.updated += 1
            else:
                result.created += 1
    return result
