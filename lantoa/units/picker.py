"""A unit picker for forms over trees of any size (a national tree has ~126.000 units, too many
for a <select>): a text box searched on the server, diacritics and case ignored (đ matches
d), by name, short name, code or employer, within the units the form allows (a game's or a
contest's subtree).

It works without JavaScript: the typed text is sent with the form; one unit matching (or a
code or name typed in full) is taken, several are offered as choices under the box with the
error "vui lòng chọn" — the person picks one and sends the form again. With JavaScript
(``lantoa/static/lantoa/unit-picker.js``) the box asks ``search_url`` (a JSON endpoint the
feature mounts over the same units, rate-limited: ``picker_results``) while the person types
and fills the choice in place.

Use::

    unit = UnitPickerField(label=…)           # in the form class
    form.fields["unit"].setup(units, search_url=…)  # units: a queryset of allowed units
    form.cleaned_data["unit"]                  # a Unit
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from lantoa.core.text import fold
from lantoa.units.models import Unit
from lantoa.units.selectors import unit_search

# Units a search offers at most (the JSON answer and the no-JavaScript choices).
PICK_LIMIT = 20
QUERY_MAX = 100
QUERY_SUFFIX = "_q"


def unit_label(unit: Unit) -> str:
    return unit.name


def unit_above(unit: Unit) -> str:
    """What tells apart two units of one name: the union above it."""
    parent = unit.parent
    return (parent.short_name or parent.name) if parent is not None else ""


def picker_search(units: QuerySet[Unit], query: str, *, limit: int = PICK_LIMIT) -> list[Unit]:
    """Units of ``units`` matching ``query``: a code typed in full first, then every unit with
    a word starting with each word typed (``unit_search``), the upper levels first."""
    query = " ".join((query or "").split())[:QUERY_MAX]
    if not fold(query):
        return []
    units = units.select_related("parent")
    found = list(units.filter(code__iexact=query)[:1])
    seen = {u.pk for u in found}
    found += [u for u in unit_search(units, query, limit=limit) if u.pk not in seen]
    return found[:limit]


def picker_results(units: QuerySet[Unit], query: str, *, limit: int = PICK_LIMIT) -> dict[str, Any]:
    """The JSON answer of a feature's search endpoint."""
    return {
        "results": [
            {"id": u.pk, "name": unit_label(u), "code": u.code, "above": unit_above(u)}
            for u in picker_search(units, query, limit=limit)
        ]
    }


class UnitPicker(forms.Widget):
    """The text box (``<name>_q``), and the units to choose from (radios named ``<name>``)
    when a search found several; the script adds a hidden ``<name>`` for a unit picked from
    its suggestions."""

    template_name = "units/unit_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.search_url = ""
        self.candidates: list[Unit] = []
        self.chosen: Unit | None = None

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        # The project's templates (lantoa/templates), not the form renderer's own engine.
        return mark_safe(render_to_string(template_name, context))

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str]:
        return (str(data.get(name) or ""), str(data.get(name + QUERY_SUFFIX) or ""))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + QUERY_SUFFIX not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        picked, query = value if isinstance(value, tuple) else ("", "")
        chosen = self.chosen
        candidates = list(self.candidates)
        if chosen is not None and chosen not in candidates:
            candidates = [chosen]  # the form comes back for another field: keep the unit
        context["widget"].update(
            {
                "query_name": name + QUERY_SUFFIX,
                "query": query if query or chosen is None else unit_label(chosen),
                "search_url": self.search_url,
                "choices": [
                    {
                        "value": str(u.pk),
                        "name": unit_label(u),
                        "above": unit_above(u),
                        "checked": chosen is not None and u.pk == chosen.pk,
                    }
                    for u in candidates
                ],
                "picked": str(chosen.pk) if chosen is not None else picked,
            }
        )
        return context


class UnitPickerField(forms.Field):
    widget = UnitPicker
    default_error_messages = {
        "required": _("Vui lòng gõ tên hoặc mã đơn vị của bạn rồi chọn trong danh sách."),
        "none": _(
            "Không tìm thấy đơn vị nào khớp với “%(query)s”; vui lòng gõ tên khác (có thể gõ "
            "không dấu) hoặc mã đơn vị."
        ),
        "several": _(
            "Có nhiều đơn vị khớp với “%(query)s”: vui lòng chọn một đơn vị trong danh sách "
            "dưới đây, hoặc gõ thêm để tìm đúng hơn."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units: QuerySet[Unit] = Unit.objects.none()

    def setup(self, units: QuerySet[Unit], *, search_url: str = "") -> None:
        """The units allowed (a queryset: searched, never loaded whole) and the address of
        the feature's JSON search over them."""
        self.units = units
        widget = self.widget
        assert isinstance(widget, UnitPicker)
        widget.search_url = search_url

    def clean(self, value: Any) -> Unit | None:
        picked, query = value if isinstance(value, tuple) else ("", "")
        widget = self.widget
        assert isinstance(widget, UnitPicker)
        unit = None
        if picked.isdigit():
            unit = self.units.select_related("parent").filter(pk=int(picked)).first()
        query = " ".join(query.split())[:QUERY_MAX]
        if unit is None and fold(query):
            found = picker_search(self.units, query, limit=PICK_LIMIT + 1)
            typed = fold(query)
            whole = [u for u in found if u.code.lower() == query.lower() or fold(u.name) == typed]
            if len(whole) == 1:
                unit = whole[0]
            elif len(found) == 1:
                unit = found[0]
            elif not found:
                raise forms.ValidationError(
                    self.error_messages["none"], code="none", params={"query": query}
                )
            else:
                widget.candidates = found[:PICK_LIMIT]
                raise forms.ValidationError(
                    self.error_messages["several"], code="several", params={"query": query}
                )
        if unit is None:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        widget.chosen = unit
        return unit
