"""The players' forms: the PIN, then a name and a unit ("bạn": the public's pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.units.picker import UnitPickerField


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("Mã PIN"),
        max_length=6,
        min_length=6,
        error_messages={"required": _("Vui lòng nhập mã PIN gồm 6 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class JoinForm(forms.Form):
    name = forms.CharField(
        label=_("Tên của bạn"),
        max_length=80,
        error_messages={"required": _("Vui lòng nhập tên của bạn.")},
    )
    unit = UnitPickerField(label=_("Công đoàn cơ sở, đơn vị của bạn"))

    def __init__(self, *args: Any, units: Any, search_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitPickerField)
        field.setup(units, search_url=search_url)
