"""The unit whose public pages these are (``site_unit``): looked up once, kept in the cache, and
looked up again as soon as the tree changes — by a unit saved, merged, moved or imported."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantoa.units.models import Unit, UnitKind
from lantoa.units.selectors import site_unit
from lantoa.units.services import unit_create, unit_merge, unit_root_ensure, unit_update
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def _queries_of_site_unit() -> tuple[Unit | None, int]:
    with CaptureQueriesContext(connection) as seen:
        found = site_unit()
    return found, len(seen.captured_queries)


def test_looked_up_once_then_kept(tree: Tree) -> None:
    # Two provinces and no LANTOA_SITE_UNIT: the root heads the pages.
    assert _queries_of_site_unit() == (tree.vn, 2)
    assert _queries_of_site_unit() == (tree.vn, 0)


def test_the_setting_is_part_of_what_is_kept(tree: Tree, settings: Any) -> None:
    assert site_unit() == tree.vn
    settings.LANTOA_SITE_UNIT = "P-A"
    assert _queries_of_site_unit() == (tree.pa, 1)
    assert _queries_of_site_unit() == (tree.pa, 0)


def test_a_unit_saved_is_seen_at_once(tree: Tree, settings: Any) -> None:
    settings.LANTOA_SITE_UNIT = "P-A"
    assert site_unit().name == "Liên đoàn Lao động tỉnh An Giang"  # type: ignore[union-attr]
    unit_update(unit=tree.pa, name="Liên đoàn Lao động tỉnh An Giang (mới)")
    assert site_unit().name == "Liên đoàn Lao động tỉnh An Giang (mới)"  # type: ignore[union-attr]


def test_a_merge_leaving_one_province_is_seen_at_once(tree: Tree) -> None:
    assert site_unit() == tree.vn
    unit_merge(source=tree.pb, target=tree.pa)  # an update(): no post_save of the source
    assert _queries_of_site_unit() == (tree.pa, 1)


def test_an_empty_installation_then_a_province(db: None) -> None:
    Unit.objects.all().delete()
    assert site_unit() is None
    root = unit_root_ensure()
    assert site_unit() == root
    province = unit_create(
        code="P-X", name="Liên đoàn Lao động tỉnh X", kind=UnitKind.PROVINCE, parent=root
    )
    assert site_unit() == province


def test_saving_a_unit_that_cannot_head_the_site_keeps_it(tree: Tree) -> None:
    assert site_unit() == tree.vn
    unit_update(unit=tree.a_g1, name="Công đoàn cơ sở Công ty TNHH May Ánh Dương (mới)")
    assert _queries_of_site_unit() == (tree.vn, 0)
    unit_update(unit=tree.pb, short_name="LĐLĐ Bắc Ninh")  # a province: looked up again
    assert _queries_of_site_unit() == (tree.vn, 2)
