"""The officers' publishing screens: choosing channels and time on an item, the unit's list,
retry/cancel, the record of a manual post; who may see and do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.accounts.models import Role
from lantoa.channels.models import Channel, ChannelKind
from lantoa.content.models import ContentStatus
from lantoa.publishing.models import Method, Publication, PublicationStatus
from tests.conftest import Officers, Tree, login, make_officer
from tests.fixtures.publishing import (
    FB_PAGE,
    FB_TOKEN,
    approved_item,
    board_channel,
    facebook_channel,
    fake_fixture,  # noqa: F401  (fixture "fake")
    media_root_fixture,  # noqa: F401  (autouse fixture)
    png,
)

S = PublicationStatus


def test_item_page_lists_channels_and_publishes_now(
    client: Client,
    fake: Any,
    tree: Tree,
    officers: Officers,
    django_capture_on_commit_callbacks: Any,
) -> None:
    fb = facebook_channel(tree.pa)
    board = board_channel(tree.pa)
    fake.page_token(FB_PAGE, FB_TOKEN)
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    detail = client.get(reverse("content:detail", args=[item.pk])).content.decode()
    assert f'href="/dang-tai/noi-dung/{item.pk}/"' in detail
    page = client.get(reverse("publishing:item", args=[item.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Trang tin công khai (cổng thông tin Lan Tỏa)" in html
    assert "Fanpage Công đoàn An Giang" in html and "Bảng tin nhà ăn ca" in html
    assert "Đăng tự động." in html and "Kênh này không đăng tự động được: tự đăng" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("publishing:item", args=[item.pk]),
            {"channels": ["site", f"c{fb.pk}", f"c{board.pk}"], "when": "now"},
        )
    assert response.status_code == 302
    assert Publication.objects.count() == 3
    assert set(Publication.objects.values_list("method", "status")) == {
        (Method.SITE, S.PUBLISHED),
        (Method.FACEBOOK, S.PUBLISHED),
        (Method.MANUAL, S.PENDING),
    }
    assert len(fake.posts()) == 1
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    html = client.get(reverse("publishing:item", args=[item.pk])).content.decode()
    assert "Đã đưa “Hội nghị người lao động năm 2026” lên 3 kênh" in html
    assert "Chờ ghi nhận" in html and "Ghi nhận đã đăng" in html
    assert f"https://www.facebook.com/{fake.posts()[0].id}" in html


def test_schedule_errors_are_shown_on_the_form(
    client: Client, tree: Tree, officers: Officers
) -> None:
    fb = facebook_channel(tree.pa)
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    soon = timezone.localtime(timezone.now() + dt.timedelta(minutes=5))
    response = client.post(
        reverse("publishing:item", args=[item.pk]),
        {"channels": [f"c{fb.pk}"], "when": "later", "at": soon.strftime("%d/%m/%Y %H:%M")},
    )
    assert response.status_code == 200
    assert "Facebook chỉ nhận hẹn giờ đăng từ 10 phút sau trở đi" in response.content.decode()
    response = client.post(reverse("publishing:item", args=[item.pk]), {"when": "later", "at": ""})
    html = response.content.decode()
    assert "Vui lòng chọn ít nhất một kênh." in html
    assert "Vui lòng nhập ngày giờ đăng (dd/mm/yyyy hh:mm)." in html
    assert Publication.objects.count() == 0


def test_access_other_province_viewer_and_anonymous(
    client: Client, tree: Tree, officers: Officers
) -> None:
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    board = board_channel(tree.pa)
    url = reverse("publishing:item", args=[item.pk])
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    login(client, officers.b_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"channels": ["site"], "when": "now"}).status_code == 404
    assert client.get(reverse("publishing:unit", args=["P-A"])).status_code == 404
    login(client, officers.a_viewer)  # at A-G1: sees nothing of the province's items
    assert client.get(url).status_code == 404
    login(client, officers.a_briefer)  # at A-KCN: may view content above? no: 404
    assert client.get(url).status_code == 404
    login(client, officers.a_leader)  # leaders publish (editors)
    assert client.get(url).status_code == 200
    login(client, officers.a_admin)
    client.post(url, {"channels": [f"c{board.pk}"], "when": "now"})
    pub = Publication.objects.get()
    login(client, officers.b_admin)
    assert client.post(reverse("publishing:cancel", args=[pub.pk])).status_code == 404
    assert client.get(reverse("publishing:record", args=[pub.pk])).status_code == 404
    assert client.post(reverse("publishing:record", args=[pub.pk])).status_code == 404
    assert client.post(reverse("publishing:retry", args=[pub.pk])).status_code == 404
    assert client.get(reverse("publishing:proof", args=[pub.pk])).status_code == 404
    assert Publication.objects.get().status == S.PENDING


def test_viewer_may_look_but_not_publish(client: Client, tree: Tree, officers: Officers) -> None:
    item = approved_item(tree.a_g1, officers.a_communicator, officers.a_leader, title="Tin CĐCS")
    login(client, officers.a_viewer)
    url = reverse("publishing:item", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Chọn kênh và thời điểm" not in page.content.decode()
    assert client.post(url, {"channels": ["site"], "when": "now"}).status_code == 403
    assert Publication.objects.count() == 0


def test_republishing_from_below_and_manual_record_with_photo(
    client: Client, tree: Tree, officers: Officers
) -> None:
    board = board_channel(tree.a_g1)
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    client.post(reverse("publishing:item", args=[item.pk]), {"channels": ["site"], "when": "now"})
    login(client, officers.a_communicator)  # at A-KCN, republishes at A-G1
    url = reverse("publishing:item", args=[item.pk]) + "?don-vi=A-G1"
    page = client.get(url)
    assert "Đăng lại tại" in page.content.decode()
    response = client.post(url, {"channels": [f"c{board.pk}"], "when": "now", "don-vi": "A-G1"})
    assert response.status_code == 302
    pub = Publication.objects.get(unit=tree.a_g1)
    assert pub.method == Method.MANUAL
    form = client.get(reverse("publishing:record", args=[pub.pk]))
    assert "Ghi nhận đã đăng" in form.content.decode()
    bad = client.post(reverse("publishing:record", args=[pub.pk]), {"proof_url": ""})
    assert "Cần đường dẫn bài đã đăng hoặc ảnh chụp" in bad.content.decode()
    photo = SimpleUploadedFile("bang-tin.png", png(), content_type="image/png")
    done = client.post(
        reverse("publishing:record", args=[pub.pk]), {"proof_photo": photo, "note": "Đã dán"}
    )
    assert done.status_code == 302 and done["Location"] == url
    pub.refresh_from_db()
    assert pub.status == S.RECORDED and pub.recorded_by == officers.a_communicator
    proof = client.get(reverse("publishing:proof", args=[pub.pk]) + "?nho=1")
    assert proof.status_code == 200 and proof["Content-Type"] == "image/jpeg"
    # Outside the item's subtree chain: no republishing.
    login(client, officers.b_admin)
    assert (
        client.get(reverse("publishing:item", args=[item.pk]) + "?don-vi=B-G1").status_code == 404
    )


def test_don_vi_chooses_within_what_the_officer_sees(
    client: Client, tree: Tree, officers: Officers
) -> None:
    """``?don-vi=<own unit>`` does not open an upper unit's unpublished item, nor the
    publication records of the upper unit or of other branches."""
    g1 = make_officer("tuyengiao_g1", tree.a_g1, Role.PROPAGANDA)
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader, title="Dự thảo tỉnh")
    url = reverse("publishing:item", args=[item.pk])
    login(client, g1)
    for query in ("", "?don-vi=A-G1", "?don-vi=P-A"):
        assert client.get(url + query).status_code == 404
    refused = client.post(url, {"channels": ["site"], "when": "now", "don-vi": "A-G1"})
    assert refused.status_code == 404 and Publication.objects.count() == 0

    # Published by the province (site and its board), republished by A-G2 and A-G1.
    boards = {
        unit.code: Channel.objects.create(
            unit=unit, kind=ChannelKind.BULLETIN_BOARD, name=f"Bảng tin {unit.code}"
        )
        for unit in (tree.pa, tree.a_g1, tree.a_g2)
    }
    login(client, officers.a_propaganda)
    client.post(url, {"channels": ["site", f"c{boards['P-A'].pk}"], "when": "now"})
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    login(client, make_officer("tuyengiao_g2", tree.a_g2, Role.PROPAGANDA))
    client.post(url, {"channels": [f"c{boards['A-G2'].pk}"], "when": "now", "don-vi": "A-G2"})
    login(client, g1)
    client.post(url, {"channels": [f"c{boards['A-G1'].pk}"], "when": "now", "don-vi": "A-G1"})
    assert Publication.objects.filter(unit=tree.a_g1).count() == 1
    page = client.get(url + "?don-vi=A-G1")
    assert page.status_code == 200
    assert {p.unit.code for p in page.context["publications"]} == {"A-G1"}
    html = page.content.decode()
    assert "Bảng tin P-A" not in html and "Bảng tin A-G2" not in html
    assert reverse("content:detail", args=[item.pk]) not in html  # a page they may not open
    assert client.get(url).status_code == 404  # without the parameter: not their item
    # The province sees every record; the zone union those of its branch.
    login(client, officers.a_propaganda)
    codes = {p.unit.code for p in client.get(url).context["publications"]}
    assert codes == {"P-A", "A-G1", "A-G2"}
    login(client, officers.a_communicator)
    codes = {p.unit.code for p in client.get(url + "?don-vi=A-G1").context["publications"]}
    assert codes == {"A-G1", "A-G2"}


def test_unit_list_filters_and_counts(
    client: Client, fake: Any, tree: Tree, officers: Officers
) -> None:
    fb = facebook_channel(tree.pa)
    fake.page_token(FB_PAGE, "rotated")  # the stored token is refused: 190
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    from lantoa.publishing import runner

    client.post(reverse("publishing:item", args=[item.pk]), {"channels": ["site", f"c{fb.pk}"]})
    for pub in Publication.objects.all():
        runner.publication_run(pk=pub.pk)
    page = client.get(reverse("publishing:unit", args=["P-A"])).content.decode()
    assert "Các lượt đăng" in page
    assert "Mã truy cập trang Facebook đã hết hạn" in page
    # In English the stored error reads in English (Graph's words as they came), on the list
    # and on the item; a row from before errors were stored as texts shows its string.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages = [reverse("publishing:unit", args=["P-A"]), reverse("publishing:item", args=[item.pk])]
    for url in pages:
        html = client.get(url).content.decode()
        assert "The Facebook page&#x27;s access token has expired or was revoked" in html, url
        assert "Session has expired" in html and "(error code 190)" in html
        assert "Mã truy cập trang Facebook" not in html
    Publication.objects.filter(method=Method.FACEBOOK).update(last_error_text=None)
    assert "Mã truy cập trang Facebook đã hết hạn" in client.get(pages[1]).content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    failed = client.get(
        reverse("publishing:unit", args=["P-A"]) + "?trang-thai=failed"
    ).content.decode()
    assert "Fanpage Công đoàn An Giang" in failed
    assert "Trang tin công khai (cổng" not in failed
    fb_pub = Publication.objects.get(method=Method.FACEBOOK)
    retry = client.post(reverse("publishing:retry", args=[fb_pub.pk]))
    assert retry.status_code == 302 and retry["Location"] == reverse(
        "publishing:item", args=[item.pk]
    )
    fb_pub.refresh_from_db()
    assert fb_pub.status == S.PENDING
    cancel = client.post(reverse("publishing:cancel", args=[fb_pub.pk]))
    assert cancel.status_code == 302
    fb_pub.refresh_from_db()
    assert fb_pub.status == S.CANCELLED


def test_cancel_a_post_scheduled_on_facebook_from_the_item_page(
    client: Client,
    fake: Any,
    tree: Tree,
    officers: Officers,
    django_capture_on_commit_callbacks: Any,
) -> None:
    fb = facebook_channel(tree.pa)
    fake.page_token(FB_PAGE, FB_TOKEN)
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    url = reverse("publishing:item", args=[item.pk])
    tomorrow = timezone.localtime(timezone.now() + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"channels": [f"c{fb.pk}"], "when": "later", "at": tomorrow.strftime("%d/%m/%Y %H:%M")},
        )
    assert response.status_code == 302
    pub = Publication.objects.get()
    assert pub.status == S.PUBLISHED and pub.scheduled_on_platform
    (post,) = fake.posts(FB_PAGE)
    assert not post.published
    cancel_url = reverse("publishing:cancel", args=[pub.pk])
    for page_url in (url, reverse("publishing:unit", args=["P-A"])):
        html = client.get(page_url).content.decode()
        assert "Đã hẹn giờ trên nền tảng" in html
        assert f'action="{cancel_url}"' in html
        assert "Bài sẽ bị gỡ khỏi trang Facebook trước giờ đăng." in html
    # An officer of another province does not see it.
    login(client, officers.b_admin)
    assert client.post(cancel_url).status_code == 404
    assert len(fake.posts(FB_PAGE)) == 1
    login(client, officers.a_propaganda)
    response = client.post(cancel_url, follow=True)
    assert response.redirect_chain == [(url, 302)]
    html = response.content.decode()
    assert "Đã hủy lượt đăng và gỡ bài hẹn giờ khỏi trang Facebook." in html
    assert f'action="{cancel_url}"' not in html
    pub.refresh_from_db()
    assert pub.status == S.CANCELLED and pub.external_id == post.id
    assert fake.posts() == []
    # A second click (a stale page) says it is already done.
    html = client.post(cancel_url, follow=True).content.decode()
    assert "Lượt đăng này đã được hủy." in html


# ---------------------------------------------------------------------------------------------
# The content page's buttons: publishing owns publishing and scheduling


def test_publish_on_the_content_page_goes_through_a_site_publication(
    client: Client, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    detail = client.get(reverse("content:detail", args=[item.pk])).content.decode()
    assert f'action="/dang-tai/noi-dung/{item.pk}/dang-ngay/"' in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publishing:site_now", args=[item.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:item", args=[item.pk])
    pub = Publication.objects.get()
    assert (pub.method, pub.unit, pub.status, pub.scheduled_at) == (
        Method.SITE,
        tree.pa,
        S.PUBLISHED,
        None,
    )
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED and item.published_at is not None
    # In the channel's record: the unit's publications on the public site, and the site.
    record = client.get(reverse("publishing:unit", args=["P-A"]) + "?cach=site").content.decode()
    assert "Hội nghị người lao động năm 2026" in record
    assert client.get(reverse("publicsite:article", args=["P-A", item.slug])).status_code == 200
    # Published: no second "publish" on the content page.
    detail = client.get(reverse("content:detail", args=[item.pk])).content.decode()
    assert "/dang-ngay/" not in detail


def test_schedule_and_unschedule_on_the_content_page(
    client: Client, tree: Tree, officers: Officers
) -> None:
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    detail = client.get(reverse("content:detail", args=[item.pk])).content.decode()
    assert f'action="/dang-tai/noi-dung/{item.pk}/hen-gio/"' in detail
    past = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
    response = client.post(
        reverse("publishing:site_schedule", args=[item.pk]),
        {"scheduled_at": past.strftime("%d/%m/%Y %H:%M")},
        follow=True,
    )
    assert "đã qua" in response.content.decode()
    assert Publication.objects.count() == 0
    at = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("publishing:site_schedule", args=[item.pk]),
        {"scheduled_at": at.strftime("%d/%m/%Y %H:%M")},
    )
    assert response.status_code == 302
    pub = Publication.objects.get()
    assert (pub.method, pub.status, pub.scheduled_at, pub.next_attempt_at) == (
        Method.SITE,
        S.PENDING,
        at,
        at,
    )
    item.refresh_from_db()
    assert item.status == ContentStatus.SCHEDULED and item.scheduled_at == at
    detail = client.get(reverse("content:detail", args=[item.pk])).content.decode()
    assert f'action="/dang-tai/noi-dung/{item.pk}/huy-hen-gio/"' in detail
    response = client.post(reverse("publishing:unschedule", args=[item.pk]))
    assert response["Location"] == reverse("content:detail", args=[item.pk])
    pub.refresh_from_db()
    item.refresh_from_db()
    assert pub.status == S.CANCELLED and pub.next_attempt_at is None
    assert item.status == ContentStatus.APPROVED and item.scheduled_at is None
    # Scheduled again, then published now: the waiting site publication is brought forward
    # (the same row, with its key), not refused as taken.
    client.post(
        reverse("publishing:site_schedule", args=[item.pk]),
        {"scheduled_at": at.strftime("%d/%m/%Y %H:%M")},
    )
    key = Publication.objects.get().idempotency_key
    client.post(reverse("publishing:site_now", args=[item.pk]))
    pub = Publication.objects.get()
    assert pub.idempotency_key == key and pub.status == S.PENDING and pub.scheduled_at is None
    assert pub.next_attempt_at is not None and pub.next_attempt_at <= timezone.now()
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED


def test_content_page_publishing_needs_the_publishing_permission(
    client: Client, tree: Tree, officers: Officers
) -> None:
    item = approved_item(tree.a_kcn, officers.a_communicator, officers.a_leader)
    login(client, officers.a_briefer)  # at A-KCN: sees the item, may not publish
    assert client.get(reverse("content:detail", args=[item.pk])).status_code == 200
    assert client.post(reverse("publishing:site_now", args=[item.pk])).status_code == 403
    login(client, officers.b_admin)
    assert client.post(reverse("publishing:site_now", args=[item.pk])).status_code == 404
    assert Publication.objects.count() == 0
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED


def test_rescheduling_an_edited_item_takes_up_its_waiting_site_publication(
    client: Client, tree: Tree, officers: Officers
) -> None:
    from lantoa.content import services as content

    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    at = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    client.post(
        reverse("publishing:site_schedule", args=[item.pk]),
        {"scheduled_at": at.strftime("%d/%m/%Y %H:%M")},
    )
    key = Publication.objects.get().idempotency_key
    # Edited after scheduling: back to draft (the site publication still waits), approved again.
    content.content_update(item=item, actor=officers.a_propaganda, title="Tiêu đề mới")
    content.content_submit(item=item, actor=officers.a_propaganda)
    content.content_approve(item=item, actor=officers.a_leader)
    later = at + dt.timedelta(days=1)
    response = client.post(
        reverse("publishing:site_schedule", args=[item.pk]),
        {"scheduled_at": later.strftime("%d/%m/%Y %H:%M")},
    )
    assert response.status_code == 302
    pub = Publication.objects.get()
    assert (pub.idempotency_key, pub.status, pub.scheduled_at) == (key, S.PENDING, later)
    item.refresh_from_db()
    assert item.status == ContentStatus.SCHEDULED and item.scheduled_at == later
