"""Locked periods: once a unit's period report is approved, that unit's activity records dated
inside the period can no longer be added, changed or deleted, so the approved figures stay
true. The activities app asks through the record guards (``record_guards`` of
``lantoa.core.extensions``, read by ``lantoa.activities.hooks``), where
``lantoa.periods.contributions`` registers this lock; returning the report
(``period_report_return``) unlocks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from lantoa.periods.models import PeriodReport, ReportStatus

_CHUNK = 900

# (first day, last day, the period as reports name it)
Span = tuple[dt.date, dt.date, str]


def locked_spans(unit_ids: Iterable[int]) -> dict[int, list[Span]]:
    """Unit id → the spans of its approved period reports."""
    ids = sorted(set(unit_ids))
    out: dict[int, list[Span]] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = (
            PeriodReport.objects.filter(
                unit_id__in=ids[start : start + _CHUNK], status=ReportStatus.APPROVED
            )
            .select_related("period")
            .order_by("period__start")
        )
        for report in rows:
            period = report.period
            out.setdefault(report.unit_id, []).append((period.start, period.end, period.label))
    return out


def lock_message(label: str) -> str:
    """Why a record cannot be written (lower-case start, for "Dòng 7, cột “Ngày”: …")."""
    return _(
        "báo cáo %(label)s của đơn vị đã được cấp trên duyệt nên số "
        "liệu kỳ này đã khóa; không thể thêm, sửa hay xóa hoạt động "
        "trong kỳ. Nếu cần điều chỉnh, đề nghị cấp trên trả lại báo "
        "cáo."
    ) % {"label": label}


def lock_for(spans: list[Span] | None, day: dt.date) -> str | None:
    """The message for ``day`` when it falls in one of ``spans``, else None."""
    for first, last, label in spans or ():
        if first <= day <= last:
            return lock_message(label)
    return None


def lock_check(unit_ids: Iterable[int]) -> Callable[[int, dt.date], str | None]:
    """``locked_message`` for many records (one import file): the spans of all ``unit_ids`` are
    read at once."""
    spans = locked_spans(unit_ids)
    return lambda unit_id, day: lock_for(spans.get(unit_id), day)


def locked_message(unit_id: int, day: dt.date) -> str | None:
    """The lock message for one record of ``unit_id`` dated ``day``; None when open."""
    report = (
        PeriodReport.objects.filter(
            unit_id=unit_id,
            status=ReportStatus.APPROVED,
            period__start__lte=day,
            period__end__gte=day,
        )
        .select_related("period")
        .order_by("period__start")
        .first()
    )
    return lock_message(report.period.label) if report is not None else None
