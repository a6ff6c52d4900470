"""The forms of video and photo contests: the organisers' (settings, rubric, jury,
moderation, votes, winners), the judges' score sheet and the public's (an entry, a voter's
phone)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.content.forms import VnDateTimeField
from lantoa.contests import media_files
from lantoa.contests.models import ContestAudience, ContestKind, Criterion, VoteRule

FORMAT_CHOICES = [
    (f, media_files.LABELS[f]) for f in (*media_files.VIDEO_FORMATS, *media_files.PHOTO_FORMATS)
]


def _when(label: Any) -> VnDateTimeField:
    return VnDateTimeField(
        label=label,
        error_messages={
            "required": _("Vui lòng nhập thời điểm."),
            "invalid": _("Vui lòng nhập thời điểm theo dạng dd/mm/yyyy hh:mm."),
        },
    )


class MediaSettingsForm(forms.Form):
    entries_open_at = _when(_("Nhận tác phẩm từ"))
    entries_close_at = _when(_("Nhận tác phẩm đến"))
    voting_open_at = _when(_("Bình chọn từ"))
    voting_close_at = _when(_("Bình chọn đến"))
    formats = forms.MultipleChoiceField(
        label=_("Định dạng tệp nhận"),
        choices=FORMAT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Thi video: MP4, WebM, MOV; thi ảnh: JPEG, PNG, WebP."),
        error_messages={"required": _("Vui lòng chọn ít nhất một định dạng.")},
    )
    max_upload_mb = forms.IntegerField(
        label=_("Dung lượng tối đa mỗi tệp (MB)"), min_value=1, max_value=media_files.MAX_LIMIT_MB
    )
    allow_links = forms.BooleanField(
        label=_("Nhận đường dẫn bài đăng của chính người dự thi trên Facebook, YouTube, TikTok"),
        required=False,
    )
    entries_per_entrant = forms.IntegerField(
        label=_("Số tác phẩm tối đa mỗi người"), min_value=1, max_value=20
    )
    vote_rule = forms.ChoiceField(label=_("Quy tắc bình chọn"), choices=VoteRule.choices)
    jury_weight = forms.IntegerField(
        label=_("Trọng số ban giám khảo (%)"), min_value=0, max_value=100
    )
    public_weight = forms.IntegerField(
        label=_("Trọng số bình chọn của khán giả (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Hai trọng số cộng lại 100."),
    )


class MediaContestForm(MediaSettingsForm):
    kind = forms.ChoiceField(
        label=_("Loại cuộc thi"),
        choices=[
            (ContestKind.VIDEO, ContestKind.VIDEO.label),
            (ContestKind.PHOTO, ContestKind.PHOTO.label),
        ],
    )
    title = forms.CharField(
        label=_("Tên cuộc thi"),
        max_length=255,
        error_messages={"required": _("Vui lòng nhập tên cuộc thi.")},
    )
    rules = forms.CharField(
        label=_("Thể lệ"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": _("Vui lòng nhập thể lệ cuộc thi.")},
    )
    audience = forms.ChoiceField(label=_("Đối tượng dự thi"), choices=ContestAudience.choices)

    field_order = ["kind", "title", "rules", "audience"]


class CriterionForm(forms.Form):
    name = forms.CharField(
        label=_("Tiêu chí"),
        max_length=200,
        error_messages={"required": _("Vui lòng nhập tên tiêu chí.")},
    )
    weight = forms.IntegerField(label=_("Trọng số"), min_value=1, max_value=100, initial=1)
    max_score = forms.IntegerField(label=_("Điểm tối đa"), min_value=1, max_value=100, initial=10)


class JudgeForm(forms.Form):
    user = forms.ChoiceField(
        label=_("Cán bộ được mời làm giám khảo"),
        error_messages={"required": _("Vui lòng chọn cán bộ.")},
        widget=forms.Select(attrs={"data-searchable": _("Gõ tên cán bộ để tìm")}),
    )

    def __init__(self, *args: Any, candidates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "—"),
            *[(str(u.pk), f"{u.full_name or u.username} ({u.username})") for u in candidates],
        ]


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("approve", _("Duyệt, cho hiển thị")), ("reject", _("Không duyệt"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn duyệt hoặc không duyệt.")},
    )
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi không duyệt)"), max_length=2000, required=False
    )


class ScoreForm(forms.Form):
    """One number field per criterion of the rubric (``c<criterion id>``)."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.IntegerField(
                label=_("%(name)s (0–%(max)s điểm, trọng số %(weight)s)")
                % {"name": c.name, "max": c.max_score, "weight": c.weight},
                min_value=0,
                max_value=c.max_score,
                error_messages={
                    "required": _("Vui lòng cho điểm tiêu chí này."),
                    "invalid": _("Vui lòng nhập một số nguyên."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def values(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}


class AnnulForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do hủy phiếu"),
        max_length=2000,
        error_messages={"required": _("Vui lòng ghi lý do hủy phiếu.")},
    )


class FlaggedForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Với các phiếu bị đánh dấu"),
        choices=[("keep", _("Giữ các phiếu")), ("annul", _("Hủy các phiếu"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn giữ hoặc hủy.")},
    )
    reason = forms.CharField(label=_("Lý do"), max_length=2000, required=False)


class WinnersForm(forms.Form):
    count = forms.IntegerField(label=_("Số tác phẩm đạt giải"), min_value=0, max_value=100)


# --- the public's forms ("bạn") ------------------------------------------------------------------


class EntryForm(forms.Form):
    title = forms.CharField(
        label=_("Tên tác phẩm"),
        max_length=200,
        error_messages={"required": _("Vui lòng nhập tên tác phẩm.")},
    )
    description = forms.CharField(
        label=_("Mô tả (không bắt buộc)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    file = forms.FileField(label=_("Tệp tác phẩm"), required=False)
    link_url = forms.CharField(
        label=_("Hoặc đường dẫn bài đăng của bạn trên Facebook, YouTube, TikTok"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for robots

    def __init__(
        self,
        *args: Any,
        formats: list[str] | None = None,
        limit_mb: int = 0,
        links: bool = True,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        formats = formats or []
        accept = ",".join(f".{media_files.EXTENSIONS[f]}" for f in formats)
        self.fields["file"].widget.attrs["accept"] = accept
        self.fields["file"].help_text = _("%(formats)s, tối đa %(limit)s MB.") % {
            "formats": media_files.format_list(list(formats)),
            "limit": limit_mb,
        }
        if not links:
            del self.fields["link_url"]


class VoterForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        error_messages={"required": _("Vui lòng nhập số điện thoại.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_(
            "Bạn nhận mã xác minh qua số này. Chúng tôi chỉ lưu một mã không đọc ngược được của "
            "số điện thoại, để mỗi người bình chọn một lần."
        ),
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)
