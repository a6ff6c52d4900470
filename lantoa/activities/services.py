"""Writes to activity records. One validation (``activity_check``) serves the entry form, the
services and the file import, so the rules and their Vietnamese messages are the same
everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.activities.hooks import figures_changed, record_refusal
from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.audit.services import audit_record
from lantoa.core.services import acting_user
from lantoa.core.text import format_int
from lantoa.units.models import Unit, UnitStatus

EARLIEST_DATE = dt.date(2000, 1, 1)
# Kinds held in person or online; for the others the format is left empty.
FORMAT_KINDS = frozenset(
    {
        ActivityKind.OUTREACH,
        ActivityKind.CAMPAIGN_EVENT,
        ActivityKind.TRAINING,
        ActivityKind.CONTEST,
    }
)
MAX_PEOPLE = 1_000_000  # participants of one record; more is a typing error
MAX_QUANTITY = 100_000
MAX_NOTE = 2000
TITLE_MAX = int(Activity._meta.get_field("title").max_length or 255)
OUTLET_MAX = int(Activity._meta.get_field("outlet").max_length or 150)


def _vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def ended_unit_message(unit: Unit) -> str:
    """Why nothing can be recorded for an ended unit from its end date on."""
    successor = unit.successor
    params = {
        "unit": unit.name,
        "successor": successor.name if successor is not None else "",
        "date": _vn_date(unit.ended_on) if unit.ended_on else "",
    }
    if unit.status == UnitStatus.DISSOLVED:
        if unit.ended_on:
            fact = _("đơn vị “%(unit)s” đã giải thể từ ngày %(date)s") % params
        else:
            fact = _("đơn vị “%(unit)s” đã giải thể") % params
    elif successor is not None:
        if unit.ended_on:
            fact = _("đơn vị “%(unit)s” đã hợp nhất vào “%(successor)s” từ ngày %(date)s") % params
        else:
            fact = _("đơn vị “%(unit)s” đã hợp nhất vào “%(successor)s”") % params
    elif unit.ended_on:
        fact = _("đơn vị “%(unit)s” đã hợp nhất từ ngày %(date)s") % params
    else:
        fact = _("đơn vị “%(unit)s” đã hợp nhất") % params
    if successor is not None:
        return _("%(fact)s; vui lòng ghi hoạt động cho đơn vị kế thừa.") % {"fact": fact}
    return fact + "."


def activity_check(
    *,
    unit: Unit,
    kind: str,
    held_on: dt.date | None,
    title: str,
    format: str = "",
    outlet: str = "",
    participants: int | None = 0,
    quantity: int | None = 1,
    note: str = "",
    today: dt.date | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean the values of one record. Returns (clean values, errors by field), messages in
    Vietnamese starting lower-case so callers can prefix "Dòng 7, cột “Ngày”: "."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    outlet = " ".join((outlet or "").split())
    note = (note or "").strip()
    if kind not in ActivityKind.values:
        errors["kind"] = _("loại hoạt động không hợp lệ.")
    if held_on is None:
        errors["held_on"] = _("không được để trống.")
    elif held_on > today:
        errors["held_on"] = _("ngày %(held_on)s chưa tới; chỉ ghi những hoạt động đã diễn ra.") % {
            "held_on": _vn_date(held_on)
        }
    elif held_on < EARLIEST_DATE:
        errors["held_on"] = _("ngày %(held_on)s quá xa, không hợp lệ.") % {
            "held_on": _vn_date(held_on)
        }
    elif not unit.is_active and (unit.ended_on is None or held_on >= unit.ended_on):
        errors["unit"] = ended_unit_message(unit)
    if not title:
        errors["title"] = _("không được để trống.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("dài %(count)s ký tự, tối đa %(title_max)s ký tự.") % {
            "count": format_int(len(title)),
            "title_max": TITLE_MAX,
        }
    if kind not in FORMAT_KINDS:
        format = ""  # a press item or a commendation has no direct/online form
    elif format and format not in ActivityFormat.values:
        errors["format"] = _("hình thức phải là trực tiếp hoặc trực tuyến.")
    elif not format and kind == ActivityKind.OUTREACH:
        format = ActivityFormat.DIRECT
    if len(outlet) > OUTLET_MAX:
        errors["outlet"] = _("dài %(count)s ký tự, tối đa %(outlet_max)s ký tự.") % {
            "count": format_int(len(outlet)),
            "outlet_max": OUTLET_MAX,
        }
    if participants is None or participants < 0:
        errors["participants"] = _("phải là số từ 0 trở lên.")
    elif participants > MAX_PEOPLE:
        errors["participants"] = _(
            "%(participants)s người là quá lớn cho một hoạt động (tối đa %(max_people)s)."
        ) % {"participants": format_int(participants), "max_people": format_int(MAX_PEOPLE)}
    if quantity is None or quantity < 1:
        errors["quantity"] = _("phải là số từ 1 trở lên.")
    elif quantity > MAX_QUANTITY:
        errors["quantity"] = _("%(quantity)s là quá lớn (tối đa %(max_quantity)s).") % {
            "quantity": format_int(quantity),
            "max_quantity": format_int(MAX_QUANTITY),
        }
    if len(note) > MAX_NOTE:
        errors["note"] = _("dài %(count)s ký tự, tối đa %(max_note)s ký tự.") % {
            "count": format_int(len(note)),
            "max_note": format_int(MAX_NOTE),
        }
    values = {
        "kind": kind,
        "held_on": held_on,
        "title": title,
        "format": format,
        "outlet": outlet,
        "participants": participants or 0,
        "quantity": quantity or 1,
        "note": note,
    }
    return values, errors


def _capitalised(errors: dict[str, str]) -> dict[str, str]:
    return {k: v[:1].upper() + v[1:] for k, v in errors.items()}


def _checked(unit: Unit, **fields: Any) -> dict[str, Any]:
    """``activity_check`` plus the record guards (the lock of approved period reports, see
    ``lantoa.activities.hooks``); raises ValidationError
    keyed by field, or returns the clean values."""
    values, errors = activity_check(unit=unit, **fields)
    if "held_on" not in errors and (locked := record_refusal(unit.pk, values["held_on"])):
        errors["held_on"] = locked  # e.g. the unit's approved period report covers that day
    if errors:
        raise ValidationError(_capitalised(errors))
    return values


def activity_create(
    *,
    unit: Unit,
    actor: Any,
    kind: str,
    held_on: dt.date,
    title: str,
    format: str = "",
    outlet: str = "",
    participants: int = 0,
    quantity: int = 1,
    note: str = "",
) -> Activity:
    """Record one activity of ``unit``. Raises ValidationError keyed by field."""
    values = _checked(
        unit,
        kind=kind,
        held_on=held_on,
        title=title,
        format=format,
        outlet=outlet,
        participants=participants,
        quantity=quantity,
        note=note,
    )
    created_by = acting_user(actor)
    with transaction.atomic():
        activity = Activity.objects.create(unit=unit, created_by=created_by, **values)
        audit_record(
            action="activity.create",
            actor=actor,
            unit=unit,
            target=str(activity.pk),
            data={"kind": kind, "held_on": values["held_on"].isoformat()},
        )
        transaction.on_commit(lambda: figures_changed([unit.pk]))
    return activity


def activity_update(
    *,
    activity: Activity,
    actor: Any,
    kind: str,
    held_on: dt.date,
    title: str,
    format: str = "",
    outlet: str = "",
    participants: int = 0,
    quantity: int = 1,
    note: str = "",
) -> Activity:
    """Correct one record. Refused (ValidationError keyed by field) when the record's day or
    the new day lies in a period whose report the unit above has approved (locked)."""
    unit = activity.unit
    if locked := record_refusal(unit.pk, activity.held_on):
        raise ValidationError(_capitalised({"held_on": locked}))
    values = _checked(
        unit,
        kind=kind,
        held_on=held_on,
        title=title,
        format=format,
        outlet=outlet,
        participants=participants,
        quantity=quantity,
        note=note,
    )
    changed = {
        name: [str(getattr(activity, name)), str(value)]
        for name, value in values.items()
        if getattr(activity, name) != value
    }
    if not changed:
        return activity
    with transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(**values)
        audit_record(
            action="activity.update",
            actor=actor,
            unit=unit,
            target=str(activity.pk),
            data={"changed": {k: v for k, v in changed.items() if k != "note"}},
        )
        transaction.on_commit(lambda: figures_changed([unit.pk]))
    activity.refresh_from_db()
    return activity


def activity_delete(*, activity: Activity, actor: Any) -> None:
    """Delete one record; refused (ValidationError) inside a locked period."""
    locked = record_refusal(activity.unit_id, activity.held_on)
    if locked:
        raise ValidationError(_capitalised({"held_on": locked})["held_on"])
    unit_id = activity.unit_id
    with transaction.atomic():
        transaction.on_commit(lambda: figures_changed([unit_id]))
        audit_record(
            action="activity.delete",
            actor=actor,
            unit=activity.unit,
            target=str(activity.pk),
            data={"kind": activity.kind, "held_on": activity.held_on.isoformat()},
        )
        activity.delete()


__all__ = [
    "activity_check",
    "activity_create",
    "activity_delete",
    "activity_update",
    "ended_unit_message",
]
