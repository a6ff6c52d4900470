"""The quick entry form. It only checks the shape of the input; the rules (dates, ended
units, limits) live in ``lantoa.activities.services.activity_check``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.core.forms import DATE_INPUT_FORMATS

_NUMBER = {"inputmode": "numeric", "min": "0"}


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại hoạt động"), choices=ActivityKind.choices, initial=ActivityKind.OUTREACH
    )
    held_on = forms.DateField(
        label=_("Ngày"),
        initial=timezone.localdate,
        # The phone's own date picker; it sends yyyy-mm-dd, typed dd/mm/yyyy works too.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", *DATE_INPUT_FORMATS],
        error_messages={
            "invalid": _("Ngày không hợp lệ (dd/mm/yyyy)."),
            "required": _("Vui lòng nhập ngày."),
        },
    )
    title = forms.CharField(
        label=_("Chủ đề, tên hoạt động"),
        max_length=255,
        widget=forms.TextInput(
            attrs={"placeholder": _("Ví dụ: Tuyên truyền Bộ luật Lao động tại nhà ăn ca")}
        ),
        error_messages={"required": _("Vui lòng nhập chủ đề hoặc tên hoạt động.")},
    )
    participants = forms.IntegerField(
        label=_("Số người tham gia"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs=_NUMBER),
        error_messages={
            "invalid": _("Số người tham gia phải là số nguyên."),
            "min_value": _("Số người tham gia không được âm."),
        },
    )
    format = forms.ChoiceField(
        label=_("Hình thức"),
        choices=ActivityFormat.choices,
        initial=ActivityFormat.DIRECT,
        required=False,
        widget=forms.RadioSelect,
    )
    quantity = forms.IntegerField(
        label=_("Số lượng"),
        min_value=1,
        initial=1,
        help_text=_("Số buổi, số tin bài, số sáng kiến, số người được khen thưởng…"),
        widget=forms.NumberInput(attrs={**_NUMBER, "min": "1"}),
        error_messages={
            "invalid": _("Số lượng phải là số nguyên."),
            "min_value": _("Số lượng phải từ 1 trở lên."),
            "required": _("Vui lòng nhập số lượng."),
        },
    )
    outlet = forms.CharField(
        label=_("Cơ quan báo chí, đài"),
        max_length=150,
        required=False,
        help_text=_("Với tin, bài và chương trình phát thanh, truyền hình"),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    MORE_FIELDS = ("quantity", "outlet", "note")
    FIELDS = ("kind", "held_on", "title", "format", "outlet", "participants", "quantity", "note")

    @classmethod
    def initial_from(cls, activity: Activity) -> dict[str, Any]:
        return {name: getattr(activity, name) for name in cls.FIELDS}

    def values(self) -> dict[str, Any]:
        """The cleaned input as the activity services take it."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.FIELDS},
            "format": data["format"] or "",
            "participants": data["participants"] or 0,
        }
