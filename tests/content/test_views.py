"""The content studio's screens: preview, four-eyes through the view, versions, the media library,
the calendar, creating and editing, access to every route."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.content import services
from lantoa.content.models import ContentItem, ContentStatus, MediaAsset
from tests.conftest import Officers, Tree, login
from tests.content.support import news_item, png_bytes, upload


def test_preview_endpoint_returns_sanitised_html(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_propaganda)
    r = client.post(reverse("content:preview"), {"body": "<p>Hi<img src=x onerror=alert(1)></p>"})
    assert r.status_code == 200
    assert b"<p>Hi</p>" in r.content and b"onerror" not in r.content


def test_four_eyes_through_the_view(client: Client, tree: Tree, officers: Officers) -> None:
    item = news_item(tree.pa, officers.a_leader)
    services.content_submit(item=item, actor=officers.a_leader)
    login(client, officers.a_leader)
    r = client.post(reverse("content:approve", args=[item.pk]), follow=True)
    assert "cần một cán bộ khác duyệt" in r.content.decode()
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW
    login(client, officers.a_admin)
    r = client.post(reverse("content:approve", args=[item.pk]), {"comment": "Đồng ý"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED


def test_version_pages(client: Client, tree: Tree, officers: Officers) -> None:
    item = news_item(tree.pa, officers.a_propaganda, "Tiêu đề cũ")
    services.content_update(item=item, actor=officers.a_propaganda, title="Tiêu đề mới")
    login(client, officers.a_propaganda)
    r = client.get(reverse("content:versions", args=[item.pk]) + "?a=1&b=2")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<del>Tiêu đề cũ</del>" in html and "<ins>Tiêu đề mới</ins>" in html
    assert client.get(reverse("content:version", args=[item.pk, 1])).status_code == 200
    r = client.post(reverse("content:restore", args=[item.pk, 1]))
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Tiêu đề cũ", 3)


def test_upload_through_the_library_screen(client: Client, tree: Tree, officers: Officers) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, officers.a_propaganda)
    r = client.post(
        reverse("content:media_upload", args=["P-A"]),
        {"file": SimpleUploadedFile("anh.png", png_bytes(40, 40), "image/png"), "title": "Ảnh nhỏ"},
    )
    assert r.status_code == 302
    asset = MediaAsset.objects.get()
    assert asset.title == "Ảnh nhỏ"
    r = client.post(
        reverse("content:media_upload", args=["P-A"]),
        {"file": SimpleUploadedFile("virus.png", b"<?php evil(); ?>", "image/png")},
    )
    assert r.status_code == 400 and "Định dạng tệp không được hỗ trợ" in r.content.decode()
    assert MediaAsset.objects.count() == 1
    page = client.get(reverse("content:media", args=["P-A"]))
    assert reverse("content:media_thumb", args=[asset.pk]) in page.content.decode()
    thumb = client.get(reverse("content:media_thumb", args=[asset.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    # A grassroots viewer below may see the province's file; province B may not.
    login(client, officers.a_viewer)
    assert client.get(reverse("content:media_file", args=[asset.pk])).status_code == 200
    login(client, officers.b_admin)
    assert client.get(reverse("content:media_file", args=[asset.pk])).status_code == 404


def test_calendar_lists_scheduled_items(client: Client, tree: Tree, officers: Officers) -> None:
    item = news_item(tree.a_kcn, officers.a_communicator, "Bài hẹn giờ")
    services.content_submit(item=item, actor=officers.a_communicator)
    services.content_approve(item=item, actor=officers.a_leader)
    at = timezone.now() + dt.timedelta(days=1)
    services.content_schedule(item=item, actor=officers.a_communicator, at=at)
    login(client, officers.a_admin)
    day = timezone.localtime(at).date().isoformat()
    r = client.get(reverse("content:calendar", args=["P-A"]) + f"?xem=tuan&ngay={day}")
    assert r.status_code == 200 and "Bài hẹn giờ" in r.content.decode()
    later = (timezone.localtime(at).date() + dt.timedelta(days=14)).isoformat()
    r = client.get(reverse("content:calendar", args=["P-A"]) + f"?xem=tuan&ngay={later}")
    assert "Bài hẹn giờ" not in r.content.decode()
    r = client.get(reverse("content:calendar", args=["P-A"]) + f"?xem=thang&ngay={day}")
    assert "Bài hẹn giờ" in r.content.decode()
    # A day at the edge of the calendar (a hand-edited address) shows this week, not an error.
    for edge in ("0001-01-01", "9999-12-31", "2026-02-30"):
        for view in ("tuan", "thang"):
            r = client.get(reverse("content:calendar", args=["P-A"]) + f"?xem={view}&ngay={edge}")
            assert r.status_code == 200, (edge, view)


def test_create_and_edit_through_screens(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_communicator)
    assert (
        client.get(reverse("content:create", args=["A-KCN"]) + "?chien-dich=²").status_code == 200
    )
    r = client.post(
        reverse("content:create", args=["A-KCN"]),
        {
            "kind": "news",
            "title": "Đoàn viên KCN hưởng ứng",
            "body": "<p>Tin</p><script>x</script>",
            "tags": "KCN, Tháng Công nhân, KCN",
        },
    )
    item = ContentItem.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("content:detail", args=[item.pk])
    assert (item.slug, item.body, item.tags) == (
        "doan-vien-kcn-huong-ung",
        "<p>Tin</p>",
        ["KCN", "Tháng Công nhân"],
    )
    r = client.post(
        reverse("content:edit", args=[item.pk]), {"kind": "news", "title": "", "body": ""}
    )
    assert r.status_code == 200 and "Vui lòng nhập tiêu đề." in r.content.decode()
    r = client.post(
        reverse("content:edit", args=[item.pk]),
        {"kind": "news", "title": "Tiêu đề sửa", "body": "<p>Tin</p>"},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Tiêu đề sửa", 2)
    assert client.get(reverse("content:detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("content:unit", args=["A-KCN"])).status_code == 200


def test_item_routes_hide_other_provinces(client: Client, tree: Tree, officers: Officers) -> None:
    item = news_item(tree.a_kcn, officers.a_communicator)
    asset = upload(tree.a_kcn, officers.a_communicator, png_bytes(10, 10))
    login(client, officers.b_admin)
    routes = [
        reverse("content:detail", args=[item.pk]),
        reverse("content:edit", args=[item.pk]),
        reverse("content:versions", args=[item.pk]),
        reverse("content:version", args=[item.pk, 1]),
        reverse("content:media_file", args=[asset.pk]),
        reverse("content:media_thumb", args=[asset.pk]),
    ]
    for url in routes:
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("content:submit", args=[item.pk]),
        reverse("content:approve", args=[item.pk]),
        reverse("content:return", args=[item.pk]),
        reverse("content:restore", args=[item.pk, 1]),
        reverse("content:edit", args=[item.pk]),
    ):
        assert client.post(url, {}).status_code == 404, url
    # Publishing now, at a time, and cancelling the time are publishing's addresses.
    for name in ("site_now", "site_schedule", "unschedule"):
        url = reverse(f"publishing:{name}", args=[item.pk])
        assert client.post(url, {}).status_code == 404, url
    assert client.post(reverse("content:media_delete", args=[asset.pk])).status_code == 404
    item.refresh_from_db()
    assert item.status == ContentStatus.DRAFT and MediaAsset.objects.filter(pk=asset.pk).exists()
    # Inside the subtree without the permission: 403.
    login(client, officers.a_viewer)
    assert (
        client.get(reverse("content:detail", args=[item.pk])).status_code == 404
    )  # A-KCN is above A-G1
    login(client, officers.a_briefer)
    assert client.get(reverse("content:detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("content:edit", args=[item.pk])).status_code == 403


def test_livestream_fields_belong_to_livestreams_only(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_propaganda)
    page = client.get(reverse("content:create", args=["P-A"])).content.decode()
    assert page.count('data-kinds="livestream"') == 2  # the address and the time
    assert "lantoa/kind-fields" in page


def test_editor_offers_the_units_photos_and_keeps_the_textarea(
    client: Client, tree: Tree, officers: Officers
) -> None:
    photo = upload(tree.pa, officers.a_propaganda, png_bytes(40, 40), name="le-phat-dong.png")
    upload(tree.pa, officers.a_propaganda, b"%PDF-1.4\n%%EOF\n", name="ke-hoach.pdf")
    other = upload(tree.pb, officers.b_admin, png_bytes(40, 40), name="tinh-b.png")
    login(client, officers.a_propaganda)
    page = client.get(reverse("content:create", args=["P-A"])).content.decode()
    # The editor's "insert an image" list: the unit's photos by their studio address (what the
    # sanitiser accepts), no documents, nothing of another province.
    picks = re.findall(r'class="rte-image-pick" data-src="([^"]+)"', page)
    assert picks == [reverse("content:media_file", args=[photo.pk])]
    assert reverse("content:media_file", args=[other.pk]) not in page
    # Without JavaScript the body is still the plain textarea, with its preview.
    assert re.search(r'<textarea name="body" id="id_body"[^>]*hx-post=', page)
    assert 'class="rte-editor" data-target="id_body"' in page and "vendor/quill/quill.js" in page
