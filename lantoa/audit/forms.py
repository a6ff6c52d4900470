"""The filter of the audit log screen (lantoa.access.audit_views)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# The actions written by the services, with their Vietnamese names for the filter.
ACTION_LABELS: dict[str, Any] = {
    "auth.login": _("Đăng nhập"),
    "auth.login_failed": _("Đăng nhập thất bại"),
    "auth.locked": _("Khóa đăng nhập do sai nhiều lần"),
    "auth.logout": _("Đăng xuất"),
    "auth.otp_verified": _("Xác thực hai lớp thành công"),
    "auth.otp_failed": _("Xác thực hai lớp thất bại"),
    "auth.otp_enrolled": _("Bật xác thực hai lớp"),
    "auth.session_end": _("Kết thúc một phiên đăng nhập"),
    "auth.sessions_end": _("Kết thúc các phiên đăng nhập"),
    "apitoken.revoke": _("Thu hồi khóa API"),
    "apitoken.revoke_all": _("Thu hồi mọi khóa API"),
    "officer.create": _("Tạo tài khoản cán bộ"),
    "officer.role_add": _("Thêm vai trò"),
    "officer.role_remove": _("Gỡ vai trò"),
    "officer.deactivate": _("Ngừng tài khoản cán bộ"),
}
DATE_FORMATS = ["%d/%m/%Y"]


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Hành động"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("“Từ ngày” phải có dạng dd/mm/yyyy, ví dụ 01/07/2025.")},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("“Đến ngày” phải có dạng dd/mm/yyyy, ví dụ 31/12/2025.")},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Tất cả"))] + [(a, ACTION_LABELS.get(a, a)) for a in actions]
        self.fields["action"].widget = forms.Select(choices=choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“Đến ngày” phải sau hoặc bằng “Từ ngày”."))
        return data
