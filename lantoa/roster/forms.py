from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VnDateField
from lantoa.roster.models import RosterRole


class CommunicatorForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"), choices=RosterRole.choices)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Thư điện tử"), max_length=254, required=False, widget=forms.EmailInput()
    )
    trained = forms.BooleanField(label=_("Đã qua tập huấn"), required=False)
    active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Tên lớp tập huấn"), max_length=255)
    held_on = VnDateField(
        label=_("Ngày tổ chức"),
        error_messages={
            "invalid": _("Ngày phải theo dạng dd/mm/yyyy."),
            "required": _("Vui lòng nhập ngày tổ chức."),
        },
    )
    hours = forms.IntegerField(
        label=_("Số giờ"),
        min_value=0,
        max_value=1000,
        initial=0,
        error_messages={"invalid": _("Số giờ phải là số nguyên.")},
    )
