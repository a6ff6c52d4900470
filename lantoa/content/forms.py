"""Input forms of the content studio; the rules live in ``lantoa.content.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.accounts.models import Role, User
from lantoa.campaigns.models import Campaign
from lantoa.content.models import ContentKind, MediaAsset, MediaKind

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class VnDateTimeField(forms.DateTimeField):
    """dd/mm/yyyy hh:mm in the site's time zone (Asia/Ho_Chi_Minh)."""

    widget = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy hh:mm", "inputmode": "numeric"})
    input_formats = DATETIME_FORMATS
    default_error_messages = {"invalid": _("Ngày giờ phải theo dạng dd/mm/yyyy hh:mm.")}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
        return value


class _MediaChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: MediaAsset) -> str:
        return f"{obj.title} ({obj.get_kind_display()})"


class ContentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại nội dung"), choices=ContentKind.choices)
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=255,
        error_messages={"required": _("Vui lòng nhập tiêu đề.")},
    )
    summary = forms.CharField(
        label=_("Tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Nội dung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "rte-input"}),
    )
    campaign = forms.ModelChoiceField(
        label=_("Chiến dịch"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("— Không thuộc chiến dịch nào —"),
    )
    tags = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        max_length=1000,
        help_text=_("Cách nhau bằng dấu phẩy, ví dụ: Tháng Công nhân, an toàn lao động"),
    )
    video_url = forms.CharField(
        label=_("Đường dẫn video (YouTube, TikTok, Facebook)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={"inputmode": "url", "placeholder": "https://…", "data-kinds": "video,news"}
        ),
    )
    # Shown only for a livestream (static/lantoa/kind-fields.js hides them for other kinds).
    livestream_url = forms.CharField(
        label=_("Đường dẫn livestream"),
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={"inputmode": "url", "placeholder": "https://…", "data-kinds": "livestream"}
        ),
    )
    livestream_at = VnDateTimeField(label=_("Thời điểm livestream"), required=False)
    attachment = forms.ModelChoiceField(
        label=_("Tệp đính kèm (PDF, DOCX)"),
        queryset=MediaAsset.objects.none(),
        required=False,
        empty_label=_("— Không đính kèm —"),
    )
    # Not "media": a form's ``media`` is its widgets' CSS/JS.
    media_items = _MediaChoice(
        label=_("Ảnh, video"),
        queryset=MediaAsset.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        campaigns: QuerySet[Campaign],
        media: QuerySet[MediaAsset],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        campaign_field = self.fields["campaign"]
        assert isinstance(campaign_field, forms.ModelChoiceField)
        campaign_field.queryset = campaigns
        attachment = self.fields["attachment"]
        assert isinstance(attachment, forms.ModelChoiceField)
        attachment.queryset = media.filter(kind=MediaKind.DOCUMENT)
        pick = self.fields["media_items"]
        assert isinstance(pick, forms.ModelMultipleChoiceField)
        pick.queryset = media.exclude(kind=MediaKind.DOCUMENT)
        self.fields["livestream_at"].widget.attrs["data-kinds"] = "livestream"

    def editor_images(self) -> QuerySet[MediaAsset]:
        """The unit's photos, for the editor's "insert an image" list."""
        pick = self.fields["media_items"]
        assert isinstance(pick, forms.ModelMultipleChoiceField) and pick.queryset is not None
        images: QuerySet[MediaAsset] = pick.queryset.filter(kind=MediaKind.IMAGE)
        return images[:100]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["media"] = list(data.pop("media_items", None) or [])
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Nhận xét cho tác giả"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Vui lòng ghi nhận xét để tác giả biết cần sửa gì.")},
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến (không bắt buộc)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScheduleForm(forms.Form):
    scheduled_at = VnDateTimeField(
        label=_("Đăng lúc"),
        error_messages={"required": _("Vui lòng nhập ngày giờ đăng (dd/mm/yyyy hh:mm).")},
    )


class MediaUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp"),
        help_text=_("Ảnh JPEG, PNG, WebP (tối đa 10 MB); PDF, DOCX (20 MB); video MP4 (200 MB)."),
        error_messages={"required": _("Vui lòng chọn tệp.")},
    )
    title = forms.CharField(label=_("Tên hiển thị"), max_length=255, required=False)


class MediaLinkForm(forms.Form):
    url = forms.CharField(
        label=_("Đường dẫn video (YouTube, TikTok, Facebook)"),
        max_length=500,
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://…"}),
        error_messages={"required": _("Vui lòng nhập đường dẫn video.")},
    )
    title = forms.CharField(label=_("Tên hiển thị"), max_length=255, required=False)


class ApprovalSettingForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Vai trò được duyệt nội dung"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    users = forms.ModelMultipleChoiceField(
        label=_("Cán bộ được duyệt (ngoài các vai trò trên)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = self.fields["users"]
        assert isinstance(users, forms.ModelMultipleChoiceField)
        users.queryset = officers
