"""The unit forms offer only the kinds that fit a unit's place in the tree, and the kind only to
an officer with the rights of the level above (the service checks both again:
tests/units/test_tree.py)."""

from __future__ import annotations

from typing import Any

from lantoa.accounts.models import Role
from lantoa.units.forms import UnitCreateForm, UnitForm
from lantoa.units.models import UPPER_LEVEL_KINDS, Unit, UnitKind
from tests.conftest import Officers, Tree, make_officer

UPPER = [str(k) for k in UPPER_LEVEL_KINDS]


def offered(form: UnitForm) -> list[str]:
    return [str(value) for value, _label in form.fields["kind"].choices]


def post(unit: Unit, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "member_count": unit.member_count,
        "worker_count": unit.worker_count,
    }
    data.update(changes)
    return data


def test_create_form_offers_what_may_stand_under_the_parent(tree: Tree) -> None:
    assert offered(UnitCreateForm(parent=tree.vn)) == [UnitKind.PROVINCE]
    assert offered(UnitCreateForm(parent=tree.pa)) == [*UPPER, UnitKind.GRASSROOTS]
    assert offered(UnitCreateForm(parent=tree.a_kcn)) == [UnitKind.GRASSROOTS]
    assert UnitCreateForm(parent=tree.vn).initial["kind"] == UnitKind.PROVINCE
    assert UnitCreateForm(parent=tree.pa).initial["kind"] == UnitKind.GRASSROOTS
    form = UnitCreateForm(
        {"code": "A-X", "name": "Tỉnh giả", "kind": "province", "member_count": 0},
        parent=tree.pa,
    )
    assert not form.is_valid()
    assert "kind" in form.errors


def test_edit_form_offers_kinds_that_fit_place_and_children(tree: Tree, officers: Officers) -> None:
    # Under an industrial-zone union: grassroots only.
    assert offered(UnitForm(instance=tree.a_g1, actor=officers.a_admin)) == [UnitKind.GRASSROOTS]
    # A commune union under a province, with a grassroots union below it: any upper-level kind,
    # not grassroots (it holds a unit), never province.
    assert offered(UnitForm(instance=tree.a_xa, actor=officers.a_admin)) == UPPER
    # A province under the root: province only, and only the national admin may touch it.
    assert offered(UnitForm(instance=tree.pa, actor=officers.national_admin)) == [UnitKind.PROVINCE]
    # The root is never re-kinded from a screen.
    assert "kind" not in UnitForm(instance=tree.vn, actor=officers.national_admin).fields


def test_edit_form_kind_is_read_only_without_rights_of_the_level_above(tree: Tree) -> None:
    grassroots_admin = make_officer("admin_g1", tree.a_g1, Role.ADMIN)
    form = UnitForm(
        post(tree.a_g1, kind="province", name="Tên mới"),
        instance=tree.a_g1,
        actor=grassroots_admin,
    )
    assert form.fields["kind"].disabled
    assert offered(form) == [UnitKind.GRASSROOTS]
    assert "đơn vị cấp trên" in str(form.fields["kind"].help_text)
    assert form.is_valid(), form.errors
    # The posted kind is ignored: what reaches the service has no kind at all.
    fields = form.service_fields()
    assert "kind" not in fields and fields["name"] == "Tên mới"


def test_edit_form_refuses_a_kind_that_does_not_fit(tree: Tree, officers: Officers) -> None:
    form = UnitForm(post(tree.a_g1, kind="province"), instance=tree.a_g1, actor=officers.a_admin)
    assert not form.is_valid()
    assert list(form.errors) == ["kind"]
