"""Roster read models (lantoa.roster.selectors): search ignores diacritics, filters."""

from __future__ import annotations

import pytest

from lantoa.roster.models import RosterRole
from lantoa.roster.selectors import communicators_of
from lantoa.roster.services import communicator_create
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_search_ignores_diacritics_and_filters(tree: Tree) -> None:
    communicator_create(
        unit=tree.a_g1, full_name="Nguyễn Văn Đức", role=RosterRole.COMMUNICATOR, trained=True
    )
    communicator_create(unit=tree.a_g2, full_name="Nguyễn Thị Hương", role=RosterRole.BRIEFER)
    communicator_create(unit=tree.b_g1, full_name="Nguyễn Văn Dũng", role=RosterRole.BRIEFER)
    sub = communicators_of(tree.pa, subtree=True, query="nguyen")
    assert [c.full_name for c in sub] == ["Nguyễn Thị Hương", "Nguyễn Văn Đức"]
    assert [c.full_name for c in communicators_of(tree.pa, subtree=True, query="DUC")] == [
        "Nguyễn Văn Đức"
    ]
    assert [
        c.full_name
        for c in communicators_of(
            tree.vn, subtree=True, query="văn nguyễn", role=RosterRole.BRIEFER
        )
    ] == ["Nguyễn Văn Dũng"]
    assert [c.full_name for c in communicators_of(tree.pa, subtree=True, trained=False)] == [
        "Nguyễn Thị Hương"
    ]
    assert communicators_of(tree.pa).count() == 0
