"""The players' forms: the PIN, then a name and a unit ("bạn": the public's pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.core.phone import normalise_phone
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


class EntrantPhoneForm(forms.Form):
    """A game of a contest's verified entrants: the phone number they registered with."""

    phone = forms.CharField(
        label=_("Số điện thoại bạn đã đăng ký dự thi"),
        max_length=20,
        error_messages={"required": _("Vui lòng nhập số điện thoại bạn đã đăng ký dự thi.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        number = normalise_phone(self.cleaned_data["phone"])
        if not number:
            raise forms.ValidationError(
                _(
                    "Vui lòng nhập số điện thoại Việt Nam: 10 chữ số bắt đầu bằng 0 "
                    "(ví dụ 0912345678)."
                )
            )
        return number
