"""The leaders' "Chờ duyệt" queue: what waits for the officer's approval, with a count in the
header, approved or returned from the list."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from lantoa.accounts.models import Role
from lantoa.content import selectors, services
from lantoa.content.models import ApprovalSetting, ContentStatus
from tests.conftest import Officers, Tree, login, make_officer
from tests.content.support import news_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _submitted(unit: object, author: object, title: str) -> object:
    item = news_item(unit, author, title=title)
    services.content_submit(item=item, actor=author)
    return item


def test_queue_lists_what_the_officer_may_approve(tree: Tree, officers: Officers) -> None:
    mine = _submitted(tree.pa, officers.a_propaganda, "Tin tỉnh A")
    below = _submitted(tree.a_kcn, officers.a_communicator, "Tin khu công nghiệp")
    by_leader = _submitted(tree.pa, officers.a_leader, "Tin lãnh đạo tự viết")
    other = _submitted(tree.pb, make_officer("tg_b", tree.pb, Role.PROPAGANDA), "Tin tỉnh B")
    news_item(tree.pa, officers.a_propaganda, title="Bản nháp chưa gửi")

    titles = [i.title for i in selectors.awaiting_approval(officers.a_leader)]
    # Four eyes: not the leader's own item; not another province's; not a draft.
    assert titles == [mine.title, below.title]  # type: ignore[attr-defined]
    assert by_leader.title not in titles and other.title not in titles  # type: ignore[attr-defined]
    assert selectors.awaiting_approval(officers.a_propaganda) == []
    assert [i.title for i in selectors.awaiting_approval(officers.a_admin)] == [
        mine.title,  # type: ignore[attr-defined]
        below.title,  # type: ignore[attr-defined]
        by_leader.title,  # type: ignore[attr-defined]
    ]

    # A unit's setting that names only one officer takes the role-holders off its queue.
    setting = ApprovalSetting.objects.create(unit=tree.a_kcn, roles=[])
    setting.users.add(officers.a_propaganda)
    assert [i.title for i in selectors.awaiting_approval(officers.a_leader)] == [mine.title]  # type: ignore[attr-defined]
    assert [i.title for i in selectors.awaiting_approval(officers.a_propaganda)] == [below.title]  # type: ignore[attr-defined]


def test_approve_and_return_from_the_queue(client: Client, tree: Tree, officers: Officers) -> None:
    first = _submitted(tree.pa, officers.a_propaganda, "Tin thứ nhất")
    second = _submitted(tree.pa, officers.a_propaganda, "Tin thứ hai")
    login(client, officers.a_leader)
    page = client.get(reverse("content:queue")).content.decode()
    assert "Tin thứ nhất" in page and "Tin thứ hai" in page
    # The header links to the queue with the number waiting.
    assert 'href="/noi-dung/cho-duyet/"' in page and "data-count-badge>2</span>" in page

    response = client.post(
        reverse("content:approve", args=[first.pk]),
        {"tu": "hang-cho"},
        follow=True,  # type: ignore[attr-defined]
    )
    assert response.redirect_chain[-1][0] == reverse("content:queue")
    text = response.content.decode()
    assert f'id="duyet-{first.pk}"' not in text and f'id="duyet-{second.pk}"' in text  # type: ignore[attr-defined]
    first.refresh_from_db()  # type: ignore[attr-defined]
    assert first.status == ContentStatus.APPROVED  # type: ignore[attr-defined]
    assert "data-count-badge>1</span>" in text

    empty = client.post(
        reverse("content:return", args=[second.pk]),
        {"tu": "hang-cho", "comment": " "},
        follow=True,  # type: ignore[attr-defined]
    ).content.decode()
    assert "Vui lòng ghi nhận xét" in empty
    client.post(
        reverse("content:return", args=[second.pk]),  # type: ignore[attr-defined]
        {"tu": "hang-cho", "comment": "Cần thêm ảnh"},
    )
    second.refresh_from_db()  # type: ignore[attr-defined]
    assert second.status == ContentStatus.RETURNED  # type: ignore[attr-defined]
    page = client.get(reverse("content:queue")).content.decode()
    assert "Không có nội dung nào chờ anh/chị duyệt." in page


def test_queue_link_only_for_approvers(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_communicator)
    page = client.get(reverse("content:queue")).content.decode()
    assert "Không có nội dung nào chờ anh/chị duyệt." in page
    assert 'href="/noi-dung/cho-duyet/"' not in page
    # Named in a unit's setting with something waiting: the link appears.
    setting = ApprovalSetting.objects.create(unit=tree.a_kcn, roles=[])
    setting.users.add(officers.a_communicator)
    _submitted(tree.a_g1, make_officer("tg_g1", tree.a_g1, Role.PROPAGANDA), "Tin cơ sở")
    cache.clear()
    assert 'href="/noi-dung/cho-duyet/"' in client.get(reverse("content:queue")).content.decode()
