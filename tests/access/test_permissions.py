"""The access module: who sees which units and holds which permission."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lantoa import access
from lantoa.units.models import Unit
from lantoa.units.services import unit_merge
from tests.conftest import Officers, Tree


def visible_codes(user, perm: str = "unit.view") -> set[str]:
    return set(access.visible_units(user, perm).values_list("code", flat=True))


def test_visibility_is_the_subtree_of_the_officers_units(tree: Tree, officers: Officers) -> None:
    assert visible_codes(officers.national_admin) == set(
        Unit.objects.values_list("code", flat=True)
    )
    assert visible_codes(officers.a_admin) == {"P-A", "A-KCN", "A-G1", "A-G2", "A-XA", "A-G3"}
    assert visible_codes(officers.a_communicator) == {"A-KCN", "A-G1", "A-G2"}
    assert visible_codes(officers.a_viewer) == {"A-G1"}
    assert visible_codes(officers.b_admin) == {"P-B", "B-KCN", "B-G1"}


def test_permissions_follow_roles(tree: Tree, officers: Officers) -> None:
    assert visible_codes(officers.a_communicator, "channel.manage") == {"A-KCN", "A-G1", "A-G2"}
    assert visible_codes(officers.a_communicator, "roster.manage") == set()
    assert visible_codes(officers.a_briefer, "channel.manage") == set()
    assert visible_codes(officers.a_viewer, "unit.manage") == set()
    assert access.can(officers.a_leader, "audit.view", tree.a_g3)
    assert not access.can(officers.a_leader, "unit.manage", tree.a_g3)
    assert not access.can(officers.a_admin, "unit.view", tree.b_g1)


def test_require_hides_other_provinces_with_404(tree: Tree, officers: Officers) -> None:
    with pytest.raises(Http404):
        access.require(officers.a_admin, "unit.view", tree.b_g1)
    with pytest.raises(Http404):
        access.get_unit(officers.a_admin, code="B-G1")
    with pytest.raises(Http404):
        access.get_unit(officers.a_admin, code="KHONG-CO")
    with pytest.raises(PermissionDenied):  # visible, not allowed
        access.require(officers.a_viewer, "unit.manage", tree.a_g1)
    assert access.get_unit(officers.a_admin, code="A-G1") == tree.a_g1


def test_multiple_units_union(tree: Tree, officers: Officers) -> None:
    from lantoa.accounts.models import Membership

    Membership.objects.create(user=officers.a_viewer, unit=tree.b_kcn, role="viewer")
    officers.a_viewer._lantoa_access_cache = None
    assert visible_codes(officers.a_viewer) == {"A-G1", "B-KCN", "B-G1"}


def test_two_factor_required_for_province_and_national(tree: Tree, officers: Officers) -> None:
    assert access.requires_two_factor(officers.national_admin)
    assert access.requires_two_factor(officers.a_leader)
    assert not access.requires_two_factor(officers.a_communicator)
    assert not access.requires_two_factor(officers.a_viewer)


def test_merge_brings_units_into_successor_officers_view(tree: Tree, officers: Officers) -> None:
    unit_merge(source=tree.pb, target=tree.pa)
    officers.a_admin._lantoa_access_cache = None
    assert {"P-B", "B-KCN", "B-G1"} <= visible_codes(officers.a_admin)


def test_inactive_user_sees_nothing(tree: Tree, officers: Officers) -> None:
    officers.a_admin.is_active = False
    officers.a_admin.save()
    officers.a_admin._lantoa_access_cache = None
    assert visible_codes(officers.a_admin) == set()


def test_permissions_at_agrees_with_can_for_every_permission(
    tree: Tree, officers: Officers, django_assert_max_num_queries: Any
) -> None:
    from lantoa.access import PERMISSIONS, permissions_at

    for user in vars(officers).values():
        for unit in (tree.pa, tree.a_kcn, tree.a_g1, tree.b_g1):
            with django_assert_max_num_queries(2):
                held = permissions_at(user, unit)
            assert held == {p for p in PERMISSIONS if access.can(user, p, unit)}, (user, unit)
