"""Forms for the unit screens. They only validate input and offer what the tree allows (the
kinds from ``lantoa.units.models.kinds_under``); the writes and the structural rules (cycles,
kinds, who may change them) live in ``lantoa.units.services``, whose ``ValidationError``s the
views put back on these forms with ``add_service_errors``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VnDateField
from lantoa.units.models import Unit, UnitKind, UnitStatus, kinds_under
from lantoa.units.services import UNIT_EDITABLE_FIELDS, may_restructure


def _kind_choices(kinds: Iterable[str]) -> list[tuple[str, Any]]:
    wanted = set(kinds)
    return [(value, label) for value, label in UnitKind.choices if value in wanted]


def kinds_for(unit: Unit) -> list[str]:
    """The kinds ``unit`` may take where it stands (``lantoa.units.models.kinds_under`` its
    parent), less those its active children could not stand under; its own kind always."""
    parent_kind = unit.parent.kind if unit.parent_id and unit.parent else None
    children = set(
        unit.children.filter(status=UnitStatus.ACTIVE).values_list("kind", flat=True).distinct()
    )
    has_children = unit.children.exists()
    kinds: list[str] = [
        kind
        for kind in kinds_under(parent_kind)
        if children <= set(kinds_under(kind)) and not (kind == UnitKind.GRASSROOTS and has_children)
    ]
    if unit.kind not in kinds:
        kinds.insert(0, unit.kind)
    return kinds


class UnitForm(forms.Form):
    """The editable fields of a unit, taken from the model so labels and limits match.

    ``kind`` offers only the kinds that fit the unit's place in the tree, and only to an officer
    with the rights of the level above (``may_restructure``); others see it read-only. The
    service checks both again (``unit_update``)."""

    def __init__(
        self,
        *args: Any,
        instance: Unit | None = None,
        actor: Any = None,
        parent: Unit | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in UNIT_EDITABLE_FIELDS}
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Unit, fields=UNIT_EDITABLE_FIELDS))
        kind = self.fields["kind"]
        assert isinstance(kind, forms.TypedChoiceField)
        kind.error_messages["invalid_choice"] = _(
            "Loại đơn vị này không hợp với vị trí của đơn vị trong cây tổ chức (hoặc với các đơn "
            "vị trực thuộc nó); vui lòng chọn một loại trong danh sách."
        )
        if instance is None:
            # A new unit under ``parent``: what may stand there.
            kind.choices = _kind_choices(kinds_under(parent.kind if parent else None))
        elif instance.kind == UnitKind.NATIONAL:
            # The root of the tree is never re-kinded from a screen.
            del self.fields["kind"]
        elif may_restructure(actor, instance):
            kind.choices = _kind_choices(kinds_for(instance))
        else:
            kind.choices = _kind_choices([instance.kind])
            kind.disabled = True
            kind.help_text = _("Chỉ quản trị viên của đơn vị cấp trên mới được đổi loại đơn vị.")

    def service_fields(self) -> dict[str, Any]:
        fields = {f: self.cleaned_data[f] for f in UNIT_EDITABLE_FIELDS if f in self.cleaned_data}
        if self.fields.get("kind") is not None and self.fields["kind"].disabled:
            fields.pop("kind", None)
        return fields


class UnitCreateForm(UnitForm):
    code = forms.CharField(
        label=_("Mã đơn vị"),
        max_length=32,
        help_text=_("Mã duy nhất, không trùng với đơn vị nào khác."),
    )
    field_order = ["code", "name", "short_name", "kind"]

    def __init__(self, *args: Any, parent: Unit, **kwargs: Any) -> None:
        super().__init__(*args, parent=parent, **kwargs)
        values = [value for value, _label in _kind_choices(kinds_under(parent.kind))]
        if "kind" not in self.initial and values:
            # The usual child: a grassroots union where one may stand, else the first kind.
            self.initial["kind"] = (
                UnitKind.GRASSROOTS if UnitKind.GRASSROOTS in values else values[0]
            )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        if Unit.objects.filter(code=code).exists():
            raise ValidationError(_("Mã đơn vị “%(code)s” đã được dùng."), params={"code": code})
        return code


class _PickUnitForm(forms.Form):
    """Picks a unit by code among ``choices``: the units the officer may manage. A code from
    outside them reads as unknown, so the form reveals nothing about other subtrees."""

    pick_field = "parent"

    def __init__(self, *args: Any, choices: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = (cleaned.get(self.pick_field) or "").strip()
        if code:
            unit = self.choices.filter(code=code).first()
            if unit is None:
                self.add_error(
                    self.pick_field,
                    _("Không tìm thấy đơn vị có mã “%(code)s” trong phạm vi anh/chị quản lý.")
                    % {"code": code},
                )
            else:
                cleaned[f"{self.pick_field}_unit"] = unit
        return cleaned


class UnitMoveForm(_PickUnitForm):
    parent = forms.CharField(
        label=_("Đơn vị cấp trên mới"),
        max_length=32,
        error_messages={"required": _("Vui lòng chọn đơn vị cấp trên mới.")},
    )
    on = VnDateField(
        label=_("Ngày chuyển"), required=False, help_text=_("dd/mm/yyyy; để trống là hôm nay.")
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class UnitMergeForm(_PickUnitForm):
    pick_field = "target"

    target = forms.CharField(
        label=_("Hợp nhất vào đơn vị"),
        max_length=32,
        error_messages={"required": _("Vui lòng chọn đơn vị tiếp nhận.")},
    )
    on = VnDateField(
        label=_("Ngày hợp nhất"),
        initial=timezone.localdate,
        help_text=_("dd/mm/yyyy"),
        error_messages={
            "required": _("Vui lòng nhập ngày hợp nhất (dd/mm/yyyy)."),
            "invalid": _("Ngày không hợp lệ, vui lòng nhập dd/mm/yyyy."),
        },
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    confirm = forms.BooleanField(
        label=_("Tôi hiểu việc hợp nhất không thể hoàn tác từ màn hình này."),
        error_messages={"required": _("Vui lòng xác nhận trước khi hợp nhất.")},
    )
