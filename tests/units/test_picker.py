"""The unit picker (lantoa.units.picker): a server-side search over the allowed units,
diacritics ignored (đ too), by name or code; without JavaScript a search that finds several
offers them to choose from."""

from __future__ import annotations

import pytest
from django import forms

from lantoa.units.picker import UnitPickerField, picker_results, picker_search
from lantoa.units.selectors import units_in_subtree
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    unit = UnitPickerField(label="Đơn vị")


def _form(tree: Tree, data: dict[str, str]) -> PickForm:
    form = PickForm(data)
    field = form.fields["unit"]
    assert isinstance(field, UnitPickerField)
    field.setup(units_in_subtree(tree.pa, active_only=True), search_url="/tim/")
    return form


def test_search_ignores_diacritics_and_stays_in_the_subtree(tree: Tree) -> None:
    units = units_in_subtree(tree.pa, active_only=True)
    assert picker_search(units, "dien tu DONG a") == [tree.a_g2]  # đ → d, case ignored
    assert picker_search(units, "Điện tử Đông Á") == [tree.a_g2]
    assert set(picker_search(units, "my binh")) == {tree.a_xa, tree.a_g3}
    assert picker_search(units, "a-g1") == [tree.a_g1]  # a code
    assert picker_search(units, "duc thanh") == []  # another province's union
    assert picker_search(units, "   ") == []
    answer = picker_results(units, "anh duong")
    assert answer == {
        "results": [
            {
                "id": tree.a_g1.pk,
                "name": tree.a_g1.name,
                "code": "A-G1",
                "above": tree.a_kcn.short_name or tree.a_kcn.name,
            }
        ]
    }


def test_without_javascript_search_then_choose(tree: Tree) -> None:
    one = _form(tree, {"unit_q": "anh duong"})
    assert one.is_valid() and one.cleaned_data["unit"] == tree.a_g1
    several = _form(tree, {"unit_q": "Mỹ Bình"})
    assert not several.is_valid()
    assert "Có nhiều đơn vị khớp với “Mỹ Bình”" in several.errors["unit"][0]
    html = str(several["unit"])
    assert f'type="radio" name="unit" value="{tree.a_xa.pk}"' in html
    assert f'type="radio" name="unit" value="{tree.a_g3.pk}"' in html
    assert 'value="Mỹ Bình"' in html  # the text typed stays in the box
    # The name typed in full picks that unit even though the grassroots union matches too.
    whole = _form(tree, {"unit_q": "cong doan phuong my binh"})
    assert whole.is_valid() and whole.cleaned_data["unit"] == tree.a_xa
    chosen = _form(tree, {"unit_q": "Mỹ Bình", "unit": str(tree.a_g3.pk)})
    assert chosen.is_valid() and chosen.cleaned_data["unit"] == tree.a_g3
    none = _form(tree, {"unit_q": "không có đâu"})
    assert not none.is_valid() and "Không tìm thấy đơn vị nào khớp" in none.errors["unit"][0]
    empty = _form(tree, {"unit_q": ""})
    assert not empty.is_valid() and "Vui lòng gõ tên hoặc mã đơn vị" in empty.errors["unit"][0]
    # An id outside the allowed units is not taken.
    outside = _form(tree, {"unit": str(tree.b_g1.pk), "unit_q": ""})
    assert not outside.is_valid()


def test_a_chosen_unit_stays_when_the_form_comes_back(tree: Tree) -> None:
    class Two(PickForm):
        other = forms.CharField()

    form = Two({"unit": str(tree.a_g2.pk), "unit_q": "dong a", "other": ""})
    field = form.fields["unit"]
    assert isinstance(field, UnitPickerField)
    field.setup(units_in_subtree(tree.pa, active_only=True))
    assert not form.is_valid() and "other" in form.errors and "unit" not in form.errors
    html = str(form["unit"])
    assert f'value="{tree.a_g2.pk}" checked' in html
