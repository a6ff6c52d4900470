from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.content.forms import VnDateTimeField
from lantoa.contests.models import (
    ContestAudience,
    Difficulty,
    FlagDecision,
    QuestionKind,
    TieBreak,
)


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


OPTION_SLOTS = 6  # services.MAX_OPTIONS


class QuestionForm(forms.Form):
    """One question of the bank. The rules of a question are ``services.question_check``'s,
    as for the bank import; the form only gathers the fields (options left blank are
    skipped, the others keep their order)."""

    text = forms.CharField(
        label=_("Câu hỏi"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    kind = forms.ChoiceField(label=_("Loại câu hỏi"), choices=QuestionKind.choices)
    topic = forms.CharField(label=_("Chủ đề"), required=False)
    difficulty = forms.ChoiceField(label=_("Mức độ"), choices=Difficulty.choices)
    explanation = forms.CharField(
        label=_("Giải thích"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_reference = forms.CharField(label=_("Căn cứ pháp lý"), required=False)
    article = forms.CharField(
        label=_("Bài hỏi đáp pháp luật (đường dẫn)"),
        required=False,
        help_text=_("Đường dẫn của bài trong mục hỏi đáp pháp luật, như cột cùng tên của tệp."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, OPTION_SLOTS + 1):
            letter = "ABCDEF"[i - 1]
            self.fields[f"option_{i}"] = forms.CharField(
                label=_("Phương án %(letter)s") % {"letter": letter}, required=False
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(
                label=_("Phương án %(letter)s là đáp án đúng") % {"letter": letter},
                required=False,
            )
        slots = [f"{n}_{i}" for i in range(1, OPTION_SLOTS + 1) for n in ("option", "correct")]
        self.order_fields(["text", "kind", *slots])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, OPTION_SLOTS + 1):
            if data.get(f"correct_{i}") and not (data.get(f"option_{i}") or "").strip():
                self.add_error(
                    f"option_{i}", _("Phương án này được đánh dấu đúng nhưng còn trống.")
                )
        return data

    def options(self) -> list[tuple[str, bool]]:
        return [
            (
                self.cleaned_data.get(f"option_{i}") or "",
                bool(self.cleaned_data.get(f"correct_{i}")),
            )
            for i in range(1, OPTION_SLOTS + 1)
        ]
