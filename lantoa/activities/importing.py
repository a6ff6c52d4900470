"""Importing activity records from CSV or XLSX (``lantoa activities import FILE``).

Columns: unit_code, date, type, title, participants, quantity, note (Vietnamese headers such
as "Mã đơn vị", "Ngày", "Loại hoạt động" work too), plus the optional format and outlet.
Every row is validated first with the same rules as the entry form; one bad row and nothing
is written, and every problem is listed as "Dòng N, cột “…”: …".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.accounts.models import User
from lantoa.activities.hooks import figures_changed, record_refusals
from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.activities.services import activity_check
from lantoa.audit.services import audit_record
from lantoa.core import tabular
from lantoa.core.periods import parse_date
from lantoa.core.tabular import RowError, Sheet, parse_count
from lantoa.core.text import fold, format_int
from lantoa.units.models import Unit
from lantoa.units.selectors import units_by_code

COLUMNS = (
    "unit_code",
    "date",
    "type",
    "title",
    "participants",
    "quantity",
    "note",
    "format",
    "outlet",
)
REQUIRED_COLUMNS = ("unit_code", "date", "type", "title")
FIELD_LABELS = {
    "unit_code": "Mã đơn vị",
    "date": "Ngày",
    "type": "Loại hoạt động",
    "title": "Tên hoạt động, chủ đề",
    "participants": "Số người tham gia",
    "quantity": "Số lượng",
    "note": "Ghi chú",
    "format": "Hình thức",
    "outlet": "Cơ quan báo chí, đài",
}
SHEET = Sheet(
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    labels=FIELD_LABELS,
    header_hint="Mã đơn vị, Ngày, Loại hoạt động, Tên hoạt động, …",
    extra_aliases={
        "ma": "unit_code",
        "ma don vi": "unit_code",
        "ngay to chuc": "date",
        "ngay thuc hien": "date",
        "loai": "type",
        "ten hoat dong": "title",
        "chu de": "title",
        "noi dung": "title",
        "so nguoi": "participants",
        "luot nguoi tham gia": "participants",
        "nguoi tham gia": "participants",
        "co quan bao chi": "outlet",
        "bao, dai": "outlet",
    },
)
# The service's field names → the file's columns, to name the column of an error.
_SERVICE_TO_COLUMN = {
    "unit": "unit_code",
    "held_on": "date",
    "kind": "type",
    "title": "title",
    "participants": "participants",
    "quantity": "quantity",
    "note": "note",
    "format": "format",
    "outlet": "outlet",
}
_KIND_ALIASES = {
    "tuyen truyen": ActivityKind.OUTREACH,
    "buoi tuyen truyen": ActivityKind.OUTREACH,
    "chien dich": ActivityKind.CAMPAIGN_EVENT,
    "su kien chien dich": ActivityKind.CAMPAIGN_EVENT,
    "tap huan": ActivityKind.TRAINING,
    "hoi thi": ActivityKind.CONTEST,
    "cuoc thi": ActivityKind.CONTEST,
    "bao chi": ActivityKind.PRESS,
    "tin bai": ActivityKind.PRESS,
    "tin, bai": ActivityKind.PRESS,
    "phat thanh": ActivityKind.BROADCAST,
    "truyen hinh": ActivityKind.BROADCAST,
    "phat thanh, truyen hinh": ActivityKind.BROADCAST,
    "sang kien": ActivityKind.INITIATIVE,
    "khen thuong": ActivityKind.COMMENDATION,
    # English names other tools and templates use.
    "outreach session": ActivityKind.OUTREACH,
    "outreach_session": ActivityKind.OUTREACH,
    "session": ActivityKind.OUTREACH,
    "awareness session": ActivityKind.OUTREACH,
    "event": ActivityKind.CAMPAIGN_EVENT,
    "campaign": ActivityKind.CAMPAIGN_EVENT,
    "campaign event": ActivityKind.CAMPAIGN_EVENT,
    "course": ActivityKind.TRAINING,
    "workshop": ActivityKind.TRAINING,
    "competition": ActivityKind.CONTEST,
    "quiz": ActivityKind.CONTEST,
    "article": ActivityKind.PRESS,
    "news": ActivityKind.PRESS,
    "press article": ActivityKind.PRESS,
    "media": ActivityKind.PRESS,
    "radio": ActivityKind.BROADCAST,
    "tv": ActivityKind.BROADCAST,
    "television": ActivityKind.BROADCAST,
    "award": ActivityKind.COMMENDATION,
    "recognition": ActivityKind.COMMENDATION,
    "innovation": ActivityKind.INITIATIVE,
}
_FORMAT_ALIASES = {
    "truc tiep": ActivityFormat.DIRECT,
    "truc tuyen": ActivityFormat.ONLINE,
    "online": ActivityFormat.ONLINE,
    "direct": ActivityFormat.DIRECT,
    "in person": ActivityFormat.DIRECT,
    "in-person": ActivityFormat.DIRECT,
    "offline": ActivityFormat.DIRECT,
    "virtual": ActivityFormat.ONLINE,
    "truc tuyen (online)": ActivityFormat.ONLINE,
}
BATCH_SIZE = 2000


@dataclass
class ImportResult(tabular.ImportResult):
    created: int = 0

    def summary_text(self) -> str:
        return _("Đã nhập %(created)s hoạt động.") % {"created": format_int(self.created)}


def choice_key(text: str) -> str:
    """How a kind or format is looked up: folded, with "_" and "-" read as spaces
    ("Outreach-Session" → "outreach session")."""
    return " ".join(fold(text).replace("_", " ").replace("-", " ").split())


def kind_lookup() -> dict[str, str]:
    """Code, Vietnamese or English label or a usual short name (as ``choice_key``) → kind."""
    lookup: dict[str, str] = {}
    with translation.override("vi"):
        for value, label in ActivityKind.choices:
            lookup[choice_key(value)] = value
            lookup[choice_key(str(label))] = value
    with translation.override("en"):
        for value, label in ActivityKind.choices:
            lookup.setdefault(choice_key(str(label)), value)
    lookup.update({choice_key(alias): kind for alias, kind in _KIND_ALIASES.items()})
    return lookup


def kind_labels() -> str:
    with translation.override("vi"):
        return ", ".join(f"{label} ({value})" for value, label in ActivityKind.choices)


def template() -> tabular.Template:
    """The blank file of ``lantoa activities template``: a session held yesterday at the
    national root (replace the unit code by one's own), types and formats to choose from."""
    from django.utils import timezone

    from lantoa.units.models import ROOT_CODE

    with translation.override("vi"):
        kinds = [str(label) for _value, label in ActivityKind.choices]
        formats = [str(label) for _value, label in ActivityFormat.choices]
        example = {
            "unit_code": ROOT_CODE,
            "date": f"{timezone.localdate() - dt.timedelta(days=1):%d/%m/%Y}",
            "type": str(ActivityKind.OUTREACH.label),
            "title": "Tuyên truyền Bộ luật Lao động cho công nhân",
            "participants": 120,
            "quantity": 1,
            "note": "",
            "format": str(ActivityFormat.DIRECT.label),
        }
    return tabular.Template(
        sheet=SHEET,
        title="Hoạt động",
        example=example,
        choices={"type": kinds, "format": formats},
    )


def _parse_row(
    number: int,
    record: dict[str, str],
    units: dict[str, Unit],
    kinds: dict[str, str],
    today: dt.date,
) -> tuple[Activity | None, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(SHEET.error(number, column, message))

    unit = units.get(record["unit_code"])
    if not record["unit_code"]:
        error("unit_code", _("không được để trống."))
    elif unit is None:
        error(
            "unit_code",
            _("không có đơn vị mã “%(unit_code)s” trong phạm vi của anh/chị.")
            % {"unit_code": record["unit_code"]},
        )
    held_on: dt.date | None = None
    if not record["date"]:
        error("date", _("không được để trống."))
    else:
        try:
            held_on = parse_date(record["date"])
        except ValueError as exc:
            error("date", str(exc))
    kind = ""
    if not record["type"]:
        error("type", _("không được để trống."))
    else:
        kind = kinds.get(choice_key(record["type"]), "")
        if not kind:
            error(
                "type",
                _("loại hoạt động “%(type)s” không hợp lệ (chấp nhận: %(kind_labels)s).")
                % {"type": record["type"], "kind_labels": kind_labels()},
            )
    fmt = ""
    if record["format"]:
        fmt = {choice_key(k): v for k, v in _FORMAT_ALIASES.items()}.get(
            choice_key(record["format"]), ""
        )
        if not fmt:
            error(
                "format",
                _("hình thức “%(format)s” không hợp lệ (trực tiếp, trực tuyến).")
                % {"format": record["format"]},
            )
    counts: dict[str, int | None] = {}
    for column in ("participants", "quantity"):
        try:
            counts[column] = parse_count(record[column])
        except ValueError as exc:
            counts[column] = None
            error(column, str(exc))
    if not record["quantity"]:
        counts["quantity"] = 1
    if unit is None or not kind or (record["date"] and held_on is None):
        # Later checks need the unit, the kind and the date; the errors so far say why not.
        if not record["title"]:
            error("title", _("không được để trống."))
        return None, errors
    values, problems = activity_check(
        unit=unit,
        kind=kind,
        held_on=held_on,
        title=record["title"],
        format=fmt,
        outlet=record["outlet"],
        participants=counts["participants"] if counts["participants"] is not None else 0,
        quantity=counts["quantity"] if counts["quantity"] is not None else 1,
        note=record["note"],
        today=today,
    )
    seen = {e.field for e in errors}
    for key, message in problems.items():
        column = _SERVICE_TO_COLUMN.get(key, "")
        if column not in seen:
            error(column, message)
    if errors:
        return None, errors
    return Activity(unit=unit, **values), []


def activities_import(
    *,
    fileobj: IO[bytes],
    filename: str,
    actor: User | None = None,
    size: int | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Validate the whole file, then write every row in one transaction, or nothing.

    ``actor`` None is the server's command line, with full rights; an officer may only
    import records of units where they hold ``activity.manage``.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    result = ImportResult()
    table = SHEET.read_into(result, fileobj, filename, size)
    if table is None:
        return result

    units = units_by_code((record["unit_code"] for _, record in table.rows), related=["successor"])
    allowed = access.permitted_unit_ids(actor, units.values(), "activity.manage")
    # Units outside the officer's scope are reported exactly like missing ones.
    units = {code: unit for code, unit in units.items() if unit.pk in allowed}
    kinds = kind_lookup()
    activities: list[Activity] = []
    numbers: list[int] = []
    for number, record in table.rows:
        activity, errors = _parse_row(number, record, units, kinds, today)
        result.errors.extend(errors)
        if activity is not None:
            activity.created_by = actor
            activities.append(activity)
            numbers.append(number)
    # Rows a record guard refuses (dated inside a period whose report the unit's superiors
    # approved) are refused, all units read at once.
    refusal = record_refusals(a.unit_id for a in activities)
    for number, activity in zip(numbers, activities, strict=True):
        if locked := refusal(activity.unit_id, activity.held_on):
            result.errors.append(SHEET.error(number, "date", locked))
    if result.errors:
        result.errors = SHEET.sorted_errors(result.errors)
        return result

    with transaction.atomic():
        Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
        result.created = len(activities)
        unit_ids = {a.unit_id for a in activities}
        transaction.on_commit(lambda: figures_changed(unit_ids))
        top = _common_top(activities)
        data: dict[str, Any] = {"rows": result.rows, "created": result.created}
        audit_record(
            action="activity.import",
            actor=actor,
            unit=top,
            target=filename[:255],
            data=data,
            actor_label="" if actor is not None else "lantoa activities import",
        )
    return result


def _common_top(activities: list[Activity]) -> Unit | None:
    """The one unit every record belongs to, if there is one (for the audit row)."""
    unit_ids = {a.unit_id for a in activities}
    if len(unit_ids) == 1:
        return activities[0].unit
    return None
