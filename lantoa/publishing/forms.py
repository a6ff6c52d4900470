from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.content.forms import VnDateTimeField
from lantoa.publishing.selectors import ChannelOption


class PublishForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Kênh đăng"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vui lòng chọn ít nhất một kênh.")},
    )
    when = forms.ChoiceField(
        label=_("Thời điểm"),
        choices=[("now", _("Đăng ngay")), ("later", _("Hẹn giờ"))],
        widget=forms.RadioSelect,
        initial="now",
        required=False,
    )
    at = VnDateTimeField(label=_("Đăng lúc"), required=False)
    broadcast = forms.BooleanField(
        label=_("Zalo OA: gửi thông báo bài viết tới người quan tâm OA"), required=False
    )

    def __init__(self, *args: Any, options: list[ChannelOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        field = self.fields["channels"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(o.key, o.label) for o in options if o.taken is None]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == "later" and not data.get("at") and "at" not in self.errors:
            self.add_error("at", _("Vui lòng nhập ngày giờ đăng (dd/mm/yyyy hh:mm)."))
        return data

    def chosen_time(self) -> dt.datetime | None:
        if self.cleaned_data.get("when") == "later":
            value = self.cleaned_data.get("at")
            return value if isinstance(value, dt.datetime) else None
        return None


class RecordForm(forms.Form):
    proof_url = forms.CharField(
        label=_("Đường dẫn bài đã đăng"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://…"}),
    )
    proof_photo = forms.FileField(
        label=_("Ảnh minh chứng (bảng tin, lịch phát loa, bài báo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Ảnh JPG, PNG hoặc WebP, tối đa 10 MB."),
    )
    posted_at = VnDateTimeField(
        label=_("Đăng lúc"), required=False, help_text=_("Để trống: bây giờ.")
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
