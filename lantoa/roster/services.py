"""Writes to the roster of communicators and briefers and to their trainings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.core.phone import normalise_phone
from lantoa.core.services import assign_validated
from lantoa.roster.models import Communicator, RosterRole, Training, TrainingAttendance
from lantoa.units.models import Unit, UnitClosure

COMMUNICATOR_EDITABLE_FIELDS = (
    "unit",
    "full_name",
    "role",
    "position",
    "phone",
    "email",
    "trained",
    "active",
)


def _phone(raw: str) -> str:
    """Vietnamese phone number in the national form ("+84 912 345 678" → "0912345678");
    raises ValidationError on anything else (see ``lantoa.core.phone``)."""
    phone = normalise_phone(raw)
    if (raw or "").strip() and not phone:
        raise ValidationError(
            _(
                "Số điện thoại “%(phone)s” không hợp lệ: cần 10 chữ số bắt "
                "đầu bằng 0 (ví dụ 0912345678) hoặc +84."
            )
            % {"phone": raw.strip()}
        )
    return phone


def _clean_communicator(c: Communicator) -> None:
    errors: dict[str, str] = {}
    c.full_name = " ".join((c.full_name or "").split())
    c.position = (c.position or "").strip()
    c.email = (c.email or "").strip().lower()
    if not c.full_name:
        errors["full_name"] = _("Vui lòng nhập họ và tên.")
    elif len(c.full_name) > 150:
        errors["full_name"] = _("Họ và tên dài quá 150 ký tự.")
    if c.role not in RosterRole.values:
        errors["role"] = _("Vai trò không hợp lệ.")
    if len(c.position) > 150:
        errors["position"] = _("Chức vụ dài quá 150 ký tự.")
    try:
        c.phone = _phone(c.phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    if c.email:
        try:
            validate_email(c.email)
        except ValidationError:
            errors["email"] = _("Địa chỉ thư điện tử “%(email)s” không hợp lệ.") % {
                "email": c.email
            }
    if errors:
        raise ValidationError(errors)
    c.refresh_search_text()


def communicator_create(
    *,
    unit: Unit,
    full_name: str,
    role: str,
    position: str = "",
    phone: str = "",
    email: str = "",
    trained: bool = False,
    actor: Any = None,
) -> Communicator:
    c = Communicator(
        unit=unit,
        full_name=full_name,
        role=role,
        position=position,
        phone=phone,
        email=email,
        trained=trained,
    )
    _clean_communicator(c)
    with transaction.atomic():
        c.save()
        if actor is not None:
            audit_record(
                action="roster.create", actor=actor, unit=unit, target=f"{c.pk}: {c.full_name}"
            )
    return c


def communicator_update(
    *, communicator: Communicator, actor: Any = None, **fields: Any
) -> Communicator:
    changed = assign_validated(
        communicator, fields, allowed=COMMUNICATOR_EDITABLE_FIELDS, clean=_clean_communicator
    )
    with transaction.atomic():
        communicator.save()
        if actor is not None:
            audit_record(
                action="roster.update",
                actor=actor,
                unit=communicator.unit,
                target=f"{communicator.pk}: {communicator.full_name}",
                data={k: str(getattr(communicator, k)) for k in changed},
            )
    return communicator


def communicator_delete(*, communicator: Communicator, actor: Any = None) -> None:
    with transaction.atomic():
        if actor is not None:
            audit_record(
                action="roster.delete",
                actor=actor,
                unit=communicator.unit,
                target=f"{communicator.pk}: {communicator.full_name}",
            )
        communicator.delete()


def training_create(
    *, organizer: Unit, title: str, held_on: dt.date, hours: int = 0, actor: Any = None
) -> Training:
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Vui lòng nhập tên lớp tập huấn.")
    elif len(title) > 255:
        errors["title"] = _("Tên lớp tập huấn dài quá 255 ký tự.")
    if not isinstance(hours, int) or hours < 0 or hours > 1000:
        errors["hours"] = _("Số giờ phải là số nguyên từ 0 đến 1.000.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        training = Training.objects.create(
            organizer=organizer, title=title, held_on=held_on, hours=hours
        )
        if actor is not None:
            audit_record(
                action="training.create",
                actor=actor,
                unit=organizer,
                target=f"{training.pk}: {training.title}",
            )
    return training


def training_record_attendance(
    *, training: Training, communicators: Iterable[Communicator], actor: Any = None
) -> int:
    """Record that ``communicators`` attended ``training`` and mark them trained.

    Only people on the roster of the organizer's subtree can attend. Returns how many
    attendances were new (recording the same person twice is harmless)."""
    people = list(communicators)
    ids = {c.pk for c in people}
    if not ids:
        raise ValidationError({"communicators": _("Vui lòng chọn ít nhất một người.")})
    inside = set(
        Communicator.objects.filter(
            pk__in=ids,
            unit_id__in=UnitClosure.objects.filter(ancestor_id=training.organizer_id).values(
                "descendant_id"
            ),
        ).values_list("pk", flat=True)
    )
    outside = [c.full_name for c in people if c.pk not in inside]
    if outside:
        raise ValidationError(
            {
                "communicators": _("Không thuộc đơn vị tổ chức lớp tập huấn: %(names)s.")
                % {"names": ", ".join(sorted(outside))}
            }
        )
    with transaction.atomic():
        already = set(
            TrainingAttendance.objects.filter(
                training=training, communicator_id__in=ids
            ).values_list("communicator_id", flat=True)
        )
        TrainingAttendance.objects.bulk_create(
            [TrainingAttendance(training=training, communicator_id=i) for i in ids - already]
        )
        Communicator.objects.filter(pk__in=ids, trained=False).update(trained=True)
        for c in people:
            c.trained = True
        if actor is not None:
            audit_record(
                action="training.attendance",
                actor=actor,
                unit=training.organizer,
                target=f"{training.pk}: {training.title}",
                data={"communicators": sorted(ids)},
            )
    return len(ids - already)
