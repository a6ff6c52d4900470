from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lantoa.accounts.models import Role
from lantoa.units.models import Unit

# Above this many units the picker becomes a code field: a select of thousands of grassroots
# unions is unusable on a phone.
UNIT_SELECT_LIMIT = 300


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    token = forms.RegexField(
        label=_("Mã xác thực 6 chữ số"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Mã xác thực gồm đúng 6 chữ số.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "maxlength": 7,
            }
        ),
    )


class UnitField(forms.ModelChoiceField):
    """A unit among those the officer may manage, chosen by code."""

    def __init__(self, queryset: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(
            queryset=queryset,
            to_field_name="code",
            label=_("Đơn vị"),
            empty_label=_("— Chọn đơn vị —"),
            error_messages={
                "invalid_choice": _("Không có đơn vị mã này trong phạm vi anh/chị quản lý."),
                "required": _("Vui lòng chọn đơn vị."),
            },
            **kwargs,
        )
        if queryset.count() > UNIT_SELECT_LIMIT:
            self.widget = forms.TextInput(attrs={"placeholder": "VD: 79-KCN-01"})
            self.help_text = _("Nhập mã đơn vị.")

    def label_from_instance(self, obj: Unit) -> str:
        return f"{'— ' * obj.depth}{obj.name} ({obj.code})"


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=[("", _("— Chọn vai trò —")), *Role.choices],
            label=_("Vai trò"),
            error_messages={
                "required": _("Vui lòng chọn vai trò."),
                "invalid_choice": _("Vai trò không hợp lệ."),
            },
            **kwargs,
        )


class MembershipAddForm(forms.Form):
    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitField(units)
        self.fields["role"] = RoleField()


class OfficerCreateForm(MembershipAddForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        error_messages={"required": _("Vui lòng nhập tên đăng nhập.")},
    )
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        error_messages={"required": _("Vui lòng nhập họ và tên cán bộ.")},
    )
    field_order = ["username", "full_name", "unit", "role"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, units=units, **kwargs)
        self.order_fields(self.field_order)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("Mật khẩu mới"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Ít nhất 10 ký tự, không quá giống tên đăng nhập, không phải mật khẩu phổ biến."
        ),
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", _("Hai lần nhập mật khẩu mới không khớp."))
        return data
