"""The players' forms: the PIN, then a name and a unit ("bạn": the public's pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


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
    unit = forms.ChoiceField(
        label=_("Công đoàn cơ sở, đơn vị của bạn"),
        widget=forms.Select(attrs={"data-searchable": _("Gõ tên công đoàn để tìm")}),
        error_messages={"required": _("Vui lòng chọn đơn vị của bạn.")},
    )

    def __init__(self, *args: Any, units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *[(str(u.pk), u.name) for u in units]]
