"""The forms an entrant fills in (public pages, "bạn")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VnDateField
from lantoa.units.models import Unit
from lantoa.units.picker import UnitPickerField


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    birth_date = VnDateField(
        label=_("Ngày sinh"),
        error_messages={
            "invalid": _("Vui lòng nhập ngày sinh theo dạng dd/mm/yyyy."),
            "required": _("Vui lòng nhập ngày sinh."),
        },
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        error_messages={"required": _("Vui lòng nhập số điện thoại.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Bạn sẽ nhận mã xác minh qua số này."),
    )
    unit = UnitPickerField(label=_("Công đoàn cơ sở, đơn vị của bạn"))
    workplace = forms.CharField(
        label=_("Nơi làm việc (không bắt buộc)"), max_length=255, required=False
    )
    email = forms.EmailField(
        label=_("Địa chỉ e-mail nhận mã xác minh"),
        max_length=254,
        error_messages={
            "required": _("Vui lòng nhập địa chỉ e-mail để nhận mã xác minh."),
            "invalid": _("Địa chỉ e-mail chưa đúng, ví dụ ten@example.vn."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Chỉ dùng để gửi mã lần này, không lưu lại."),
    )
    national_id = forms.CharField(
        label=_("Số căn cước công dân"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "Thể lệ yêu cầu số căn cước; chỉ lưu 4 số cuối và một mã không đọc ngược được."
        ),
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for robots

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        search_url: str = "",
        national_id: bool = False,
        email: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not email:
            del self.fields["email"]
        if not national_id:
            del self.fields["national_id"]
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitPickerField)
        unit_field.setup(units, search_url=search_url)  # searched, never listed whole


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=12,
        error_messages={"required": _("Vui lòng nhập mã xác minh.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )
