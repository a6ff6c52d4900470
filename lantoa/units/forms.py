"""Forms for the unit screens. They only validate input; the writes and the structural rules
(cycles, which kinds may hold children) live in ``lantoa.units.services``, whose
``ValidationError``s the views put back on these forms with ``add_service_errors``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VnDateField
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import UNIT_EDITABLE_FIELDS


class UnitForm(forms.Form):
    """The editable fields of a unit, taken from the model so labels and limits match."""

    def __init__(self, *args: Any, instance: Unit | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in UNIT_EDITABLE_FIELDS}
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Unit, fields=UNIT_EDITABLE_FIELDS))
        # The root of the tree is never created or re-kinded from a screen.
        kind = self.fields["kind"]
        assert isinstance(kind, forms.TypedChoiceField)
        kind.choices = [(v, label) for v, label in UnitKind.choices if v != UnitKind.NATIONAL]
        if instance is not None and instance.kind == UnitKind.NATIONAL:
            del self.fields["kind"]

    def service_fields(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in UNIT_EDITABLE_FIELDS if f in self.cleaned_data}


class UnitCreateForm(UnitForm):
    code = forms.CharField(
        label=_("Mã đơn vị"),
        max_length=32,
        help_text=_("Mã duy nhất, không trùng với đơn vị nào khác."),
    )
    field_order = ["code", "name", "short_name", "kind"]

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
                    _("Không tìm thấy đơn vị có mã “%(code)s” trong phạm vi bạn quản lý.")
                    % {"code": code},
                )
            else:
                cleaned[f"{self.pick_field}_unit"] = unit
        return cleaned


class UnitMoveForm(_PickUnitForm):
    parent = forms.CharField(
        label=_("Đơn vị cấp trên mới"),
        max_length=32,
        error_messages={"required": _("Hãy chọn đơn vị cấp trên mới.")},
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
        error_messages={"required": _("Hãy chọn đơn vị tiếp nhận.")},
    )
    on = VnDateField(
        label=_("Ngày hợp nhất"),
        initial=timezone.localdate,
        help_text=_("dd/mm/yyyy"),
        error_messages={
            "required": _("Hãy nhập ngày hợp nhất (dd/mm/yyyy)."),
            "invalid": _("Ngày không hợp lệ, hãy nhập dd/mm/yyyy."),
        },
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    confirm = forms.BooleanField(
        label=_("Tôi hiểu việc hợp nhất không thể hoàn tác từ màn hình này."),
        error_messages={"required": _("Hãy xác nhận trước khi hợp nhất.")},
    )
