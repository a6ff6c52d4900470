"""Connection forms. Secret fields are write-only: they are never rendered back, and left
blank they keep the stored value."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.connectors.models import ConnectorAccount, Platform


def _secret(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        strip=True,
        max_length=2000,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "new-password", "spellcheck": "false"}
        ),
    )


class ConnectForm(forms.Form):
    """Fields common to both platforms; ``for_platform`` removes those a platform lacks."""

    external_id = forms.CharField(label=_("ID OA"), max_length=100)
    app_id = forms.CharField(label=_("ID ứng dụng (App ID)"), max_length=100, required=False)
    app_secret = _secret(_("Khóa bí mật của ứng dụng (App Secret Key)"))
    webhook_secret = _secret(
        _("Khóa bí mật của OA (OA Secret Key)"),
        _("Dùng để kiểm tra chữ ký X-ZEvent-Signature của webhook."),
    )
    access_token = _secret(_("Mã truy cập (access token)"))
    refresh_token = _secret(
        _("Refresh token"),
        _("Lấy trong công cụ API Explorer của Zalo; mỗi refresh token chỉ dùng được một lần."),
    )

    SECRET_NAMES = ("app_secret", "webhook_secret", "access_token", "refresh_token")

    def __init__(
        self, *args: Any, platform: str, account: ConnectorAccount | None, **kwargs: Any
    ) -> None:
        if account is not None:
            kwargs.setdefault(
                "initial", {"external_id": account.external_id, "app_id": account.app_id}
            )
        super().__init__(*args, **kwargs)
        self.platform = platform
        if platform == Platform.FACEBOOK:
            del self.fields["webhook_secret"]
            del self.fields["refresh_token"]
            self.fields["external_id"].label = _("ID trang (Page ID)")
            self.fields["app_id"].label = _("ID ứng dụng Meta (App ID, nếu dùng ứng dụng riêng)")
            self.fields["app_secret"].label = _("Khóa bí mật ứng dụng Meta (App Secret)")
            self.fields["app_secret"].help_text = _(
                "Để trống nếu trang dùng ứng dụng chung của hệ thống."
            )
            self.fields["access_token"].label = _("Mã truy cập trang (Page Access Token)")
        else:
            self.fields["app_id"].required = True
            self.fields["access_token"].help_text = _(
                "Không bắt buộc: hệ thống tự lấy mã mới bằng refresh token."
            )
        for name in self.SECRET_NAMES:
            if name in self.fields and account is not None and getattr(account, name):
                self.fields[name].help_text = _("Đã lưu. Để trống nếu không đổi.")

    def secrets(self) -> dict[str, str]:
        return {n: self.cleaned_data.get(n, "") for n in self.SECRET_NAMES if n in self.fields}
