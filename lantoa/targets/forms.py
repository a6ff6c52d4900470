from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.targets.metrics import metric_choices
from lantoa.targets.models import RulePer, TargetRule
from lantoa.units.models import Unit, UnitKind

LEVELS = [
    (1, _("Cấp tỉnh, thành phố")),
    (2, _("Cấp trên trực tiếp cơ sở")),
    (3, _("Cơ sở")),
]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=255)
    metric = forms.ChoiceField(label=_("Số đo"))
    value = forms.CharField(
        label=_("Mức chỉ tiêu (ít nhất)"),
        max_length=20,
        help_text=_("Với tỷ lệ, nhập phần trăm: 100 là 100%, 200 là gấp đôi năm trước."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    per = forms.ChoiceField(label=_("Tính theo"), choices=RulePer.choices)
    unit_kinds = forms.MultipleChoiceField(
        label=_("Áp dụng cho loại đơn vị"),
        choices=UnitKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Để trống: mọi loại đơn vị."),
    )
    depth_levels = forms.TypedMultipleChoiceField(
        label=_("Áp dụng cho cấp"),
        choices=LEVELS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Để trống: mọi cấp."),
    )
    min_members = forms.IntegerField(
        label=_("Chỉ đơn vị có từ số đoàn viên"), min_value=0, required=False, initial=0
    )
    active = forms.BooleanField(label=_("Đang áp dụng"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["metric"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = metric_choices()

    @staticmethod
    def initial_for(rule: TargetRule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "metric": rule.metric,
            "value": rule.number_text,
            "per": rule.per,
            "unit_kinds": rule.unit_kinds,
            "depth_levels": rule.depth_levels,
            "min_members": rule.min_members,
            "active": rule.active,
        }


class ChildrenAssignForm(forms.Form):
    """One number per child: ``unit_<id>``; empty removes the child's number."""

    def __init__(
        self, *args: Any, children: list[Unit], initial_values: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        for child in children:
            self.fields[f"unit_{child.pk}"] = forms.CharField(
                label=child.name,
                required=False,
                max_length=15,
                initial=initial_values.get(child.pk, ""),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "num-input"}),
            )

    def values(self) -> dict[int, str]:
        return {c.pk: (self.cleaned_data.get(f"unit_{c.pk}") or "").strip() for c in self.children}

    def rows(self) -> list[tuple[Unit, forms.BoundField]]:
        return [(c, self[f"unit_{c.pk}"]) for c in self.children]
