"""Publishing read models (lantoa.publishing.selectors): the post counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from lantoa.content import services as content
from lantoa.publishing import selectors
from lantoa.publishing.models import Method, Publication
from tests.conftest import Officers, Tree
from tests.fixtures.publishing import (
    board_channel,
    fake_fixture,  # noqa: F401  (fixture "fake")
    media_root_fixture,  # noqa: F401  (autouse fixture)
)
from tests.publishing.support import S, item_approved


def test_posts_by_unit_counts_published_and_recorded_only(tree: Tree, officers: Officers) -> None:
    item = item_approved(tree, officers)
    content.content_publish(item=item, actor=officers.a_propaganda)
    now = timezone.now()
    day = dt.timedelta(days=1)

    def pub(unit: Any, status: str, kind: str, when: dt.datetime | None, n: int) -> None:
        Publication.objects.create(
            item=item,
            unit=unit,
            method=Method.MANUAL,
            channel_kind=kind,
            channel_name=f"kênh {n}",
            status=status,
            published_at=when,
            idempotency_key=f"k{n}",
            channel=board_channel(unit),
        )

    pub(tree.pa, S.PUBLISHED, "facebook_page", now - day, 1)
    pub(tree.pa, S.RECORDED, "bulletin_board", now - day, 2)
    pub(tree.a_g1, S.RECORDED, "bulletin_board", now - 2 * day, 3)
    pub(tree.a_g1, S.RECORDED, "zalo_group", now - 40 * day, 4)  # outside the period
    pub(tree.a_g2, S.FAILED, "facebook_page", None, 5)
    pub(tree.a_g2, S.PENDING, "loudspeaker", None, 6)
    pub(tree.b_g1, S.RECORDED, "bulletin_board", now - day, 7)
    start, end = now - 30 * day, now

    assert selectors.posts_by_unit(tree.pa, start, end) == {tree.pa.pk: 2, tree.a_g1.pk: 1}
    assert selectors.posts_by_unit(tree.vn, start, end) == {
        tree.pa.pk: 2,
        tree.a_g1.pk: 1,
        tree.b_g1.pk: 1,
    }
    assert selectors.posts_by_unit([tree.a_g1, tree.b_g1.pk], start, end) == {
        tree.a_g1.pk: 1,
        tree.b_g1.pk: 1,
    }
    assert selectors.posts_by_unit(tree.pa, start, end, channel_kinds=["bulletin_board"]) == {
        tree.pa.pk: 1,
        tree.a_g1.pk: 1,
    }
    assert selectors.posts_by_unit(tree.a_g2, start, end) == {}
    by_day = selectors.posts_by_day_and_kind(tree.pa, start, end)
    assert sum(n for _d, _k, n in by_day) == 3
    assert {k for _d, k, _n in by_day} == {"facebook_page", "bulletin_board"}
