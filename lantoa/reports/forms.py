from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.core.periods import FORMAT_HELP, Period, PeriodError, parse_period, recent_periods
from lantoa.reports.models import ReportFormat


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)
    other_period = forms.CharField(
        label=_("Hoặc nhập kỳ khác"),
        required=False,
        max_length=12,
        help_text=FORMAT_HELP,
        widget=forms.TextInput(attrs={"placeholder": "2022-H1", "autocapitalize": "characters"}),
    )
    format = forms.ChoiceField(
        label=_("Định dạng"),
        choices=ReportFormat.choices,
        initial=ReportFormat.DOCX,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = recent_periods(timezone.localdate())
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.code, f"{p.name_title} ({p.code})") for p in periods]
        field.initial = periods[0].code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = (cleaned.get("other_period") or "").strip() or cleaned.get("period") or ""
        target = "other_period" if cleaned.get("other_period") else "period"
        try:
            cleaned["parsed_period"] = parse_period(text)
        except PeriodError as exc:
            self.add_error(target, str(exc))
        return cleaned

    @property
    def parsed_period(self) -> Period:
        period = self.cleaned_data["parsed_period"]
        assert isinstance(period, Period)
        return period
