from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.livegame.models import GameMode

SOURCE_BANK, SOURCE_TYPED = "bank", "typed"


class GameForm(forms.Form):
    title = forms.CharField(label=_("Tên trò chơi"), max_length=200)
    mode = forms.ChoiceField(label=_("Thể thức"), choices=GameMode.choices)
    source = forms.ChoiceField(
        label=_("Câu hỏi lấy từ"),
        choices=[
            (SOURCE_BANK, _("Kho câu hỏi của một cuộc thi")),
            (SOURCE_TYPED, _("Danh sách tự nhập")),
        ],
        widget=forms.RadioSelect,
        initial=SOURCE_BANK,
    )
    contest = forms.ChoiceField(label=_("Cuộc thi"), required=False)
    count = forms.IntegerField(
        label=_("Số câu hỏi chính"), min_value=1, max_value=100, initial=30, required=False
    )
    rescue = forms.IntegerField(
        label=_("Số câu hỏi cứu trợ"), min_value=0, max_value=10, initial=1, required=False
    )
    golden = forms.BooleanField(label=_("Có câu hỏi chuông vàng"), initial=True, required=False)
    questions = forms.CharField(
        label=_("Câu hỏi tự nhập"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Mỗi câu một khối, các khối cách nhau một dòng trống: dòng đầu là câu hỏi (có thể "
            "bắt đầu bằng [cứu trợ] hoặc [chuông vàng]), mỗi dòng sau là một phương án, "
            "phương án đúng có dấu * ở đầu dòng."
        ),
    )
    entrants_of = forms.ChoiceField(
        label=_("Người chơi"),
        required=False,
        help_text=_(
            "Người dự thi đã xác minh vào chơi bằng số điện thoại đã đăng ký và mã xác minh "
            "gửi tới số đó; tên và đơn vị lấy từ thông tin dự thi."
        ),
    )
    time_limit = forms.IntegerField(
        label=_("Thời gian trả lời mỗi câu (giây)"), min_value=5, max_value=120, initial=20
    )
    golden_at = forms.IntegerField(
        label=_("Vào câu chuông vàng khi còn (người)"), min_value=1, max_value=50, initial=1
    )

    def __init__(
        self, *args: Any, contests: Any = (), entrant_contests: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contest"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *[(str(c.pk), c.title) for c in contests]]
        field = self.fields["entrants_of"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Mọi người: nhập tên và chọn đơn vị")),
            *[
                (str(c.pk), _("Người dự thi đã xác minh của “%(title)s”") % {"title": c.title})
                for c in entrant_contests
            ],
        ]
