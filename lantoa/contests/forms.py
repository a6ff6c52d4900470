from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.content.forms import VnDateTimeField
from lantoa.contests.models import ContestAudience, TieBreak


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
