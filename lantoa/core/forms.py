"""Form helpers every app's screens share: dates typed as dd/mm/yyyy whatever the locale, and
a service's ``ValidationError`` put back on the form that sent the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Attach a service's error to the matching field, or to the whole form when the field
    it names is not on this form (e.g. "source" on the merge form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class VnDateField(forms.DateField):
    """A date typed as dd/mm/yyyy, whatever the active locale."""

    widget = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
    input_formats = DATE_INPUT_FORMATS

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return value
