"""Forms of the officers' inquiry screens. They validate input only; the rules live in
``lantoa.inquiries.services`` whose ``ValidationError``s go back on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import DATE_INPUT_FORMATS, VnDateField
from lantoa.core.text import format_int
from lantoa.inquiries.intake import MAX_BODY
from lantoa.inquiries.models import Kind, Source
from lantoa.inquiries.reports import PERIOD_KINDS
from lantoa.inquiries.services import RESPONSE_HOURS_RANGE, RETENTION_DAYS_RANGE
from lantoa.kb.models import Category

CATEGORY_CHOICES = [("", _("— Chưa phân loại —")), *Category.choices]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Nội dung trả lời"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6, "id": "reply-body"}),
        error_messages={"required": _("Vui lòng nhập nội dung trả lời.")},
    )
    close = forms.BooleanField(label=_("Đóng câu hỏi sau khi trả lời"), required=False)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Ghi chú nội bộ"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3, "id": "note-body"}),
        help_text=_("Chỉ cán bộ thấy, không gửi cho người lao động."),
        error_messages={"required": _("Vui lòng nhập nội dung ghi chú.")},
    )


class CategoriseForm(forms.Form):
    category = forms.ChoiceField(label=_("Lĩnh vực"), choices=CATEGORY_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=Kind.choices)


class AssignForm(forms.Form):
    """The assignee picked among ``officers`` (empty: nobody)."""

    assignee = forms.ChoiceField(label=_("Người xử lý"), required=False)

    def __init__(self, *args: Any, officers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officers = {str(u.pk): u for u in officers}
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— Chưa phân công —"))] + [
            (pk, u.get_full_name()) for pk, u in self.officers.items()
        ]
        field.error_messages["invalid_choice"] = _(
            "Người được chọn không có quyền xử lý câu hỏi này."
        )

    def clean_assignee(self) -> Any:
        value = self.cleaned_data.get("assignee") or ""
        return self.officers.get(value)


class ReassignForm(forms.Form):
    unit = forms.CharField(
        label=_("Đơn vị xử lý mới"),
        max_length=32,
        error_messages={"required": _("Vui lòng chọn đơn vị sẽ xử lý câu hỏi.")},
    )
    note = forms.CharField(
        label=_("Lý do chuyển"),
        max_length=500,
        required=False,
        help_text=_(
            "Bắt buộc khi chuyển lên cấp trên hoặc về đơn vị của chính anh/chị: cán bộ đơn vị mới "
            "xem được thông tin liên hệ của người lao động. Lý do được ghi nhật ký và báo cho "
            "đơn vị đang xử lý."
        ),
    )


_TIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M"]


class LogCallForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[
            (Source.HOTLINE, _("Cuộc gọi đường dây nóng")),
            (Source.WALK_IN, _("Tiếp người lao động trực tiếp")),
        ],
        widget=forms.RadioSelect,
        initial=Source.HOTLINE,
    )
    body = forms.CharField(
        label=_("Nội dung người lao động hỏi, phản ánh"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Vui lòng ghi nội dung người lao động hỏi hoặc phản ánh.")},
    )
    workplace = forms.CharField(
        label=_("Nơi làm việc"),
        max_length=255,
        required=False,
        help_text=_("Tên doanh nghiệp, khu công nghiệp hoặc xã, phường"),
    )
    category = forms.ChoiceField(label=_("Lĩnh vực"), choices=CATEGORY_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=Kind.choices, initial=Kind.QUESTION)
    anonymous = forms.BooleanField(label=_("Người lao động đề nghị giấu tên"), required=False)
    name = forms.CharField(label=_("Họ tên"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    consent = forms.BooleanField(
        label=_("Người lao động đồng ý cho lưu họ tên, số điện thoại để liên hệ trả lời"),
        required=False,
    )
    received_at = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"),
        required=False,
        input_formats=_TIME_FORMATS,
        help_text=_("dd/mm/yyyy hh:mm; để trống là bây giờ."),
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}),
        error_messages={"invalid": _("Thời điểm phải theo dạng dd/mm/yyyy hh:mm.")},
    )
    answered_body = forms.CharField(
        label=_("Nội dung đã trả lời ngay (nếu có)"),
        max_length=MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CannedAnswerForm(forms.Form):
    title = forms.CharField(
        label=_("Tiêu đề"), max_length=200, error_messages={"required": _("Vui lòng nhập tiêu đề.")}
    )
    category = forms.ChoiceField(label=_("Lĩnh vực"), choices=CATEGORY_CHOICES, required=False)
    body = forms.CharField(
        label=_("Nội dung"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Vui lòng nhập nội dung câu trả lời mẫu.")},
    )


def _bounded(label: Any, bounds: tuple[int, int], unit: Any, help_text: Any) -> forms.IntegerField:
    """A whole number within ``bounds``, every error naming the range in Vietnamese (the
    texts stay lazy: they are translated when shown, not at import)."""
    lo, hi = bounds
    out_of_range = format_lazy(
        _("Phải từ {lo} đến {hi} {unit}."), lo=format_int(lo), hi=format_int(hi), unit=unit
    )
    return forms.IntegerField(
        label=label,
        min_value=lo,
        max_value=hi,
        help_text=help_text,
        error_messages={
            "required": format_lazy(_("Vui lòng nhập số {unit}."), unit=unit),
            "invalid": format_lazy(_("Số {unit} phải là số nguyên."), unit=unit),
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class SettingsForm(forms.Form):
    response_hours = _bounded(
        _("Hạn trả lời lần đầu (giờ)"),
        RESPONSE_HOURS_RANGE,
        _("giờ"),
        _("Từ 1 đến 168 giờ. Cam kết chung là 24 giờ."),
    )
    retention_days = _bounded(
        _("Thời hạn lưu thông tin cá nhân sau khi đóng (ngày)"),
        RETENTION_DAYS_RANGE,
        _("ngày"),
        _("Từ 30 đến 3.650 ngày. Hết hạn, họ tên và số điện thoại được xóa."),
    )


class ArticleFromInquiryForm(forms.Form):
    title = forms.CharField(
        label=_("Tiêu đề bài"),
        max_length=255,
        error_messages={"required": _("Vui lòng nhập tiêu đề.")},
    )
    question = forms.CharField(
        label=_("Câu hỏi"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Vui lòng nhập câu hỏi.")},
    )
    answer = forms.CharField(
        label=_("Trả lời"),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Vui lòng nhập câu trả lời.")},
    )


class ReportPeriodForm(forms.Form):
    ky = forms.ChoiceField(
        label=_("Kỳ"),
        choices=[
            ("nam", _("Cả năm")),
            ("nua", _("6 tháng")),
            ("quy", _("Quý")),
            ("thang", _("Tháng")),
        ],
        required=False,
    )
    nam = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    so = forms.IntegerField(
        label=_("Số kỳ"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("6 tháng: 1–2; quý: 1–4; tháng: 1–12"),
    )

    def clean_ky(self) -> str:
        value = self.cleaned_data.get("ky") or "nam"
        return value if value in PERIOD_KINDS else "nam"


class InboxFilterForm(forms.Form):
    """The inbox chips, read from the query string (every field optional)."""

    q = forms.CharField(label=_("Tìm"), max_length=200, required=False)
    kenh = forms.ChoiceField(
        label=_("Kênh"), choices=[("", _("Mọi kênh")), *Source.choices], required=False
    )
    linh_vuc = forms.ChoiceField(
        label=_("Lĩnh vực"), choices=[("", _("Mọi lĩnh vực")), *Category.choices], required=False
    )
    don_vi = forms.CharField(label=_("Đơn vị"), max_length=32, required=False)
    tu = VnDateField(label=_("Từ ngày"), required=False)
    den = VnDateField(label=_("Đến ngày"), required=False)
    giong = forms.BooleanField(label=_("Có câu hỏi giống nhau"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("tu", "den"):
            field = self.fields[name]
            assert isinstance(field, forms.DateField)
            field.input_formats = DATE_INPUT_FORMATS
            field.error_messages["invalid"] = _("Ngày phải theo dạng dd/mm/yyyy.")

    @staticmethod
    def day_start(day: dt.date | None) -> dt.datetime | None:
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
