"""Input forms of the campaign screens; the rules live in ``lantoa.campaigns.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.campaigns.models import Audience, CampaignStatus, MomentRule
from lantoa.channels.models import ChannelKind
from lantoa.core.forms import VnDateField
from lantoa.units.models import UnitKind

_DATE_ERRORS = {
    "invalid": _("Ngày phải theo dạng dd/mm/yyyy."),
    "required": _("Vui lòng nhập ngày (dd/mm/yyyy)."),
}


class CampaignForm(forms.Form):
    name = forms.CharField(
        label=_("Tên chiến dịch"),
        max_length=255,
        error_messages={"required": _("Vui lòng nhập tên chiến dịch.")},
    )
    starts_on = VnDateField(label=_("Ngày bắt đầu"), error_messages=_DATE_ERRORS)
    ends_on = VnDateField(label=_("Ngày kết thúc"), error_messages=_DATE_ERRORS)
    slogan = forms.CharField(label=_("Khẩu hiệu"), max_length=255, required=False)
    key_message = forms.CharField(
        label=_("Thông điệp chính"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    objectives = forms.CharField(
        label=_("Mục tiêu"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    audiences = forms.MultipleChoiceField(
        label=_("Đối tượng"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_channels = forms.MultipleChoiceField(
        label=_("Kênh dự kiến"),
        choices=ChannelKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participant_kinds = forms.MultipleChoiceField(
        label=_("Loại đơn vị tham gia"),
        choices=[(v, label) for v, label in UnitKind.choices if v != UnitKind.NATIONAL],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bỏ trống: toàn bộ đơn vị trực thuộc cùng tham gia."),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Theo ngày bắt đầu, kết thúc")), *CampaignStatus.choices],
        required=False,
    )
    moment_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=60)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("status"):
            data.pop("status", None)
        return data


class MomentForm(forms.Form):
    name = forms.CharField(
        label=_("Tên dịp"),
        max_length=255,
        error_messages={"required": _("Vui lòng nhập tên dịp.")},
    )
    description = forms.CharField(
        label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rule = forms.ChoiceField(label=_("Cách tính ngày"), choices=MomentRule.choices)
    day = forms.IntegerField(label=_("Ngày"), required=False, min_value=1, max_value=31)
    month = forms.IntegerField(label=_("Tháng"), required=False, min_value=1, max_value=12)
    end_day = forms.IntegerField(label=_("Đến ngày"), required=False, min_value=1, max_value=31)
    end_month = forms.IntegerField(label=_("Đến tháng"), required=False, min_value=1, max_value=12)
    offset_start = forms.IntegerField(
        label=_("Từ (số ngày so với mùng 1 Tết, âm là trước Tết)"),
        required=False,
        initial=0,
    )
    offset_end = forms.IntegerField(
        label=_("Đến (số ngày so với mùng 1 Tết)"), required=False, initial=0
    )
    start_date = VnDateField(label=_("Từ ngày"), required=False, error_messages=_DATE_ERRORS)
    end_date = VnDateField(label=_("Đến ngày"), required=False, error_messages=_DATE_ERRORS)
    since_year = forms.IntegerField(
        label=_("Năm đầu tiên (để tính số năm kỷ niệm)"),
        required=False,
        min_value=1800,
        max_value=2100,
    )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["offset_start"] = data.get("offset_start") or 0
        data["offset_end"] = data.get("offset_end") or 0
        return data
