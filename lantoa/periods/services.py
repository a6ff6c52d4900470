"""Writes of period reports. Every function writes its audit row; the checks and messages
(Vietnamese) are here, so the screens and the command line behave the same.

``period_report_submit`` (the unit), then ``period_report_approve`` or ``period_report_return``
(officers of a unit strictly above it). Approval locks the unit's activity records of the
period (``lantoa.periods.locks``); returning unlocks them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa import access
from lantoa.accounts.models import Role
from lantoa.audit.services import audit_record
from lantoa.core.messages import Num, Text
from lantoa.core.services import acting_user
from lantoa.core.text import format_int
from lantoa.notifications.services import notify, officers_of
from lantoa.periods.figures import figures_snapshot, live_rollup
from lantoa.periods.models import PeriodReport, ReportingPeriod, ReportStatus
from lantoa.periods.selectors import SUBMIT_OPENS_DAYS_BEFORE_END, can_submit_on
from lantoa.units.models import Unit

MAX_NOTE = 2000


def _vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- period reports ------------------------------------------------------------------------


def period_report_submit(
    *,
    unit: Unit,
    period: ReportingPeriod,
    actor: Any,
    note: str = "",
    today: dt.date | None = None,
) -> PeriodReport:
    """Send ``unit``'s report for ``period`` to the unit above, with a snapshot of its figures.

    A period with no activity recorded may be reported too, but only with a note saying why.
    """
    today = today or timezone.localdate()
    note = (note or "").strip()
    if not can_submit_on(period, today):
        opens = period.end - dt.timedelta(days=SUBMIT_OPENS_DAYS_BEFORE_END)
        raise ValidationError(
            _("Chưa đến lúc gửi báo cáo %(period)s: có thể gửi từ ngày %(day)s.")
            % {"period": period.name, "day": _vn(opens)}
        )
    if not unit.is_active and unit.ended_on is not None and period.start >= unit.ended_on:
        raise ValidationError(
            _(
                "“%(unit)s” đã kết thúc hoạt động từ ngày %(day)s; không gửi báo cáo %(period)s "
                "cho đơn vị này."
            )
            % {"unit": unit.name, "day": _vn(unit.ended_on), "period": period.name}
        )
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {
                "note": _("Ghi chú dài %(length)s ký tự, tối đa %(max)s.")
                % {"length": format_int(len(note)), "max": format_int(MAX_NOTE)}
            }
        )
    rollup = live_rollup(unit, period)
    if rollup.records == 0 and not note:
        raise ValidationError(
            {
                "note": _(
                    "Đơn vị chưa ghi hoạt động nào trong %(period)s. Nếu đúng là chưa có hoạt "
                    "động, vui lòng ghi chú lý do rồi gửi báo cáo; nếu chưa ghi, vui lòng ghi "
                    "hoạt động trước."
                )
                % {"period": period.name}
            }
        )
    now = timezone.now()
    with transaction.atomic():
        report, _created = PeriodReport.objects.select_for_update().get_or_create(
            unit=unit, period=period
        )
        if report.status == ReportStatus.APPROVED:
            raise ValidationError(
                _("Báo cáo %(period)s đã được duyệt; không gửi lại được.") % {"period": period.name}
            )
        if report.status == ReportStatus.SUBMITTED:
            raise ValidationError(
                _("Báo cáo %(period)s đã được gửi và đang chờ cấp trên duyệt.")
                % {"period": period.name}
            )
        report.status = ReportStatus.SUBMITTED
        report.note = note
        report.figures = figures_snapshot(rollup, taken_at=now)
        report.submitted_at = now
        report.first_submitted_at = report.first_submitted_at or now
        report.submitted_by = acting_user(actor)
        report.save()
        audit_record(
            action="period_report.submit",
            actor=actor,
            unit=unit,
            target=period.code,
            data={"records": rollup.records, "on_time": bool(report.on_time)},
        )
        parent = unit.parent
        if parent is not None:
            # The reviewers: leaders and admins of the unit above, who approve or return it.
            notify(
                users=officers_of(parent, (Role.ADMIN, Role.LEADER)),
                kind="report.submitted",
                title=Text(
                    gettext_noop("%(unit)s đã gửi báo cáo %(period)s"),
                    {"unit": unit.short_name or unit.name, "period": period.period},
                ),
                body=Text(
                    gettext_noop(
                        "%(unit)s gửi báo cáo %(period)s (%(records)s hoạt động ghi nhận), "
                        "chờ cấp trên duyệt. Ghi chú: %(note)s"
                    )
                    if note
                    else gettext_noop(
                        "%(unit)s gửi báo cáo %(period)s (%(records)s hoạt động ghi nhận), "
                        "chờ cấp trên duyệt."
                    ),
                    {
                        "unit": unit.name,
                        "period": period.period,
                        "records": Num(rollup.records),
                        "note": note,
                    },
                ),
                url=reverse("periods:period", kwargs={"code": parent.code, "period": period.code}),
                unit=parent,
            )
    return report


def _check_reviewer(actor: Any, report: PeriodReport) -> None:
    if not access.can_from_above(actor, "report.approve", report.unit):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị cấp trên được duyệt hoặc trả lại báo cáo này.")


def period_report_approve(*, report: PeriodReport, actor: Any) -> PeriodReport:
    """Approve a submitted report: the unit's records of the period are locked from now on."""
    _check_reviewer(actor, report)
    now = timezone.now()
    with transaction.atomic():
        claimed = PeriodReport.objects.filter(pk=report.pk, status=ReportStatus.SUBMITTED).update(
            status=ReportStatus.APPROVED,
            approved_at=now,
            approved_by=acting_user(actor),
            updated_at=now,
        )
        if not claimed:
            raise ValidationError(
                _("Báo cáo %(period)s của “%(unit)s” không ở trạng thái chờ duyệt.")
                % {"period": report.period.name, "unit": report.unit.name}
            )
        audit_record(
            action="period_report.approve",
            actor=actor,
            unit=report.unit,
            target=report.period.code,
        )
        report.refresh_from_db()
        if report.submitted_by is not None and report.submitted_by.is_active:
            notify(
                users=[report.submitted_by],
                kind="report.approved",
                title=Text(
                    gettext_noop("Báo cáo %(period)s đã được duyệt"),
                    {"period": report.period.period},
                ),
                body=Text(
                    gettext_noop("%(unit)s: số liệu kỳ %(period)s đã khóa."),
                    {"unit": report.unit.name, "period": report.period.period},
                ),
                url=reverse(
                    "periods:period",
                    kwargs={"code": report.unit.code, "period": report.period.code},
                ),
                unit=report.unit,
            )
    return report


def period_report_return(*, report: PeriodReport, actor: Any, comment: str) -> PeriodReport:
    """Send a submitted (or approved) report back with a comment; an approved one is unlocked."""
    _check_reviewer(actor, report)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Vui lòng ghi rõ lý do trả lại để đơn vị sửa.")})
    if len(comment) > MAX_NOTE:
        raise ValidationError(
            {
                "comment": _("Lý do dài %(length)s ký tự, tối đa %(max)s.")
                % {"length": format_int(len(comment)), "max": format_int(MAX_NOTE)}
            }
        )
    now = timezone.now()
    reviewer = acting_user(actor)
    with transaction.atomic():
        # Read the status under a lock: the audit row says whether an approval was undone.
        previous = (
            PeriodReport.objects.select_for_update()
            .filter(pk=report.pk)
            .values_list("status", flat=True)
            .first()
        )
        claimed = PeriodReport.objects.filter(
            pk=report.pk,
            status=previous,
            status__in=(ReportStatus.SUBMITTED, ReportStatus.APPROVED),
        ).update(
            status=ReportStatus.RETURNED,
            returned_at=now,
            returned_by=reviewer,
            return_comment=comment,
            approved_at=None,
            approved_by=None,
            updated_at=now,
        )
        if not claimed:
            raise ValidationError(
                _("Báo cáo %(period)s của “%(unit)s” chưa được gửi nên không trả lại được.")
                % {"period": report.period.name, "unit": report.unit.name}
            )
        report.refresh_from_db()
        audit_record(
            action="period_report.return",
            actor=actor,
            unit=report.unit,
            target=report.period.code,
            data={"unlocked": previous == ReportStatus.APPROVED},
        )
        people = list(officers_of(report.unit, (Role.ADMIN, Role.LEADER, Role.PROPAGANDA)))
        if report.submitted_by is not None and report.submitted_by.is_active:
            people.append(report.submitted_by)
        notify(
            users=people,
            kind="report.returned",
            title=Text(
                gettext_noop("Báo cáo %(period)s bị trả lại"), {"period": report.period.period}
            ),
            body=Text(
                gettext_noop("%(unit)s: %(comment)s"),
                {"unit": report.unit.name, "comment": comment},
            ),
            url=reverse(
                "periods:period", kwargs={"code": report.unit.code, "period": report.period.code}
            ),
            unit=report.unit,
        )
    return report


__all__ = ["period_report_approve", "period_report_return", "period_report_submit"]
