from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.channels.models import ChannelKind, ChannelStatus
from lantoa.core.forms import VnDateField


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại kênh"), choices=ChannelKind.choices)
    name = forms.CharField(label=_("Tên kênh"), max_length=255)
    url = forms.CharField(
        label=_("Đường dẫn"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://…"}),
    )
    identifier = forms.CharField(
        label=_("Mã định danh"),
        max_length=255,
        required=False,
        help_text=_("ID trang, ID OA, tên nhóm, tần số phát… khi không có đường dẫn"),
    )
    owner = forms.CharField(label=_("Người quản lý"), max_length=150, required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=ChannelStatus.choices, initial=ChannelStatus.ACTIVE
    )


_NUMBER_SEPARATORS = re.compile(r"[\s.,]")


class AudienceForm(forms.Form):
    recorded_on = VnDateField(
        label=_("Ngày"),
        error_messages={
            "invalid": _("Ngày phải theo dạng dd/mm/yyyy."),
            "required": _("Vui lòng nhập ngày."),
        },
    )
    audience = forms.CharField(
        label=_("Số người theo dõi/thành viên"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": _("Vui lòng nhập số người theo dõi/thành viên.")},
    )

    def clean_audience(self) -> int:
        # Officers type numbers the Vietnamese way: "12.500".
        raw: str = self.cleaned_data["audience"]
        digits = _NUMBER_SEPARATORS.sub("", raw)
        if not digits.isdecimal():
            raise forms.ValidationError(
                _("“%(raw)s” không phải số nguyên không âm (ví dụ 12.500).") % {"raw": raw}
            )
        return int(digits)
