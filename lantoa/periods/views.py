"""Period report screens (``/bao-cao/<code>/ky/…``): a unit's periods with their status and the
submit button; for one period, the unit's report and the completeness of its children with
"Duyệt" and "Trả lại" for the officers above them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.periods import services
from lantoa.periods.figures import kind_rows, live_rollup
from lantoa.periods.models import PeriodReport, ReportingPeriod, ReportStatus
from lantoa.periods.selectors import (
    can_submit_on,
    completeness,
    period_by_code,
    report_of,
    report_state,
    reports_by_period,
    unit_periods,
)
from lantoa.units.models import Unit
from lantoa.units.selectors import active_children


def _period(code: str) -> ReportingPeriod:
    found = period_by_code(code)
    if found is None:
        raise Http404
    return found


@policy(officer("activity.view"))
def unit_periods_view(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="activity.view", code=code)
    today = timezone.localdate()
    periods = unit_periods(unit, today=today)
    reports = reports_by_period(unit, periods)
    rows = [
        (p, reports.get(p.pk), report_state(reports.get(p.pk)), can_submit_on(p, today))
        for p in periods
    ]
    return render(
        request,
        "periods/periods.html",
        {
            "unit": unit,
            "rows": rows,
            "today": today,
            "can_submit": access.can(request.user, "report.submit", unit) and unit.is_active,
            "has_children": active_children(unit).exists(),
        },
    )


@policy(officer("activity.view"))
def period_detail(request: HttpRequest, code: str, period: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="activity.view", code=code)
    return _detail(request, unit, _period(period))


def _detail(
    request: HttpRequest,
    unit: Unit,
    rperiod: ReportingPeriod,
    *,
    note: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The period page; ``note`` keeps what the officer typed when sending failed."""
    today = timezone.localdate()
    report = report_of(unit, rperiod)
    rollup = live_rollup(unit, rperiod)
    table = completeness(unit, rperiod)
    state = report_state(report)
    open_for_submit = report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    return render(
        request,
        "periods/period_detail.html",
        {
            "unit": unit,
            "rperiod": rperiod,
            "report": report,
            "state": state,
            "rollup": rollup,
            "kind_rows": kind_rows(rollup),
            "snapshot": (report.figures or {}) if report is not None else {},
            "note": note if note is not None else (report.note if report is not None else ""),
            "table": table,
            "can_submit": access.can(request.user, "report.submit", unit)
            and open_for_submit
            and can_submit_on(rperiod, today),
            "submit_opens": not can_submit_on(rperiod, today),
            "can_review": report is not None
            and report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
            and access.can_from_above(request.user, "report.approve", unit),
            "can_review_children": access.can(request.user, "report.approve", unit),
            "parent_visible": unit.parent is not None
            and access.can(request.user, "activity.view", unit.parent),
        },
        status=status,
    )


def _back(request: HttpRequest, unit: Unit, period: ReportingPeriod) -> HttpResponse:
    """Back to the parent's table when the action came from there, else to the unit's page."""
    target = unit
    parent = unit.parent
    if (
        request.POST.get("back") == "parent"
        and parent is not None
        and access.can(request.user, "activity.view", parent)
    ):
        target = parent
    return redirect("periods:period", code=target.code, period=period.code)


@policy(officer("report.submit"))
@require_POST
def period_submit(request: HttpRequest, code: str, period: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="report.submit", code=code)
    rperiod = _period(period)
    note = request.POST.get("note", "")
    try:
        services.period_report_submit(unit=unit, period=rperiod, actor=request.user, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        # The page again with the note as typed, not lost in a redirect.
        return _detail(request, unit, rperiod, note=note, status=400)
    messages.success(
        request, _("Đã gửi báo cáo %(period)s lên cấp trên.") % {"period": rperiod.name}
    )
    return redirect("periods:period", code=unit.code, period=rperiod.code)


def _reviewed(request: HttpRequest, code: str, period: str) -> tuple[Unit, PeriodReport]:
    unit = access.get_unit(request.user, perm="unit.view", code=code)
    if not access.can_from_above(request.user, "report.approve", unit):
        raise PermissionDenied
    rperiod = _period(period)
    report = report_of(unit, rperiod)
    if report is None:
        raise Http404
    return unit, report


@policy(officer("report.approve"))
@require_POST
def period_approve(request: HttpRequest, code: str, period: str) -> HttpResponse:
    unit, report = _reviewed(request, code, period)
    try:
        services.period_report_approve(report=report, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã duyệt báo cáo %(period)s của %(unit)s; số liệu kỳ này đã khóa.")
            % {"period": report.period.name, "unit": unit.name},
        )
    return _back(request, unit, report.period)


@policy(officer("report.approve"))
@require_POST
def period_return(request: HttpRequest, code: str, period: str) -> HttpResponse:
    unit, report = _reviewed(request, code, period)
    try:
        services.period_report_return(
            report=report, actor=request.user, comment=request.POST.get("comment", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã trả lại báo cáo %(period)s của %(unit)s.")
            % {"period": report.period.name, "unit": unit.name},
        )
    return _back(request, unit, report.period)
