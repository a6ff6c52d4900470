from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.content.forms import VnDateTimeField
from lantoa.contests.models import ContestAudience, FlagDecision, TieBreak


class ContestForm(forms.Form):
    title = forms.CharField(
        label=_("Tên cuộc thi"),
        max_length=255,
        error_messages={"required": _("Vui lòng nhập tên cuộc thi.")},
    )
    rules = forms.CharField(
        label=_("Thể lệ"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_("Người dự thi đọc thể lệ trước khi đăng ký: đối tượng, cách tính điểm, giải."),
        error_messages={"required": _("Vui lòng nhập thể lệ cuộc thi.")},
    )
    audience = forms.ChoiceField(label=_("Đối tượng dự thi"), choices=ContestAudience.choices)
    requires_national_id = forms.BooleanField(
        label=_("Người dự thi khai số căn cước công dân"),
        required=False,
        help_text=_(
            "Chỉ lưu mã băm có khóa và 4 số cuối, để phát hiện một người đăng ký nhiều lần."
        ),
    )


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Tên đợt thi"),
        max_length=150,
        error_messages={"required": _("Vui lòng nhập tên đợt thi.")},
    )
    opens_at = VnDateTimeField(
        label=_("Mở lúc"), error_messages={"required": _("Vui lòng nhập thời điểm mở.")}
    )
    closes_at = VnDateTimeField(
        label=_("Đóng lúc"), error_messages={"required": _("Vui lòng nhập thời điểm đóng.")}
    )
    questions_per_attempt = forms.IntegerField(
        label=_("Số câu hỏi mỗi bài thi"), min_value=1, max_value=200, initial=20
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Thời gian làm bài (phút)"), min_value=1, max_value=600, initial=30
    )
    attempts_allowed = forms.IntegerField(
        label=_("Số lần thi mỗi người"), min_value=1, max_value=100, initial=1
    )
    tie_break = forms.ChoiceField(label=_("Câu hỏi phụ (dự đoán)"), choices=TieBreak.choices)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class BankUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp câu hỏi (.xlsx hoặc .csv)"),
        error_messages={"required": _("Vui lòng chọn tệp câu hỏi.")},
    )


class FlagDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[(FlagDecision.KEEP, _("Giữ bài thi")), (FlagDecision.EXCLUDE, _("Loại bài thi"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn giữ hoặc loại bài thi.")},
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=1000,
        error_messages={"required": _("Vui lòng ghi lý do của quyết định.")},
    )


class PrizesForm(forms.Form):
    individual = forms.IntegerField(label=_("Số giải cá nhân"), min_value=0, max_value=1000)
    units_entrants = forms.IntegerField(
        label=_("Số giải đơn vị có nhiều người dự thi nhất"), min_value=0, max_value=1000
    )
    units_rate = forms.IntegerField(
        label=_("Số giải đơn vị có tỷ lệ người dự thi trên đoàn viên cao nhất"),
        min_value=0,
        max_value=1000,
    )
