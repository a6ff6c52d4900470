"""The post as Facebook and Zalo OA will get it (publishing.compose.previews), on the content
form while writing (publishing:compose_preview) and on the item's publishing page: the text
the jobs send, paragraphs kept apart, the link card or photo, and warnings where a platform
will cut or refuse something."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lantoa.content.models import MediaAsset
from lantoa.publishing import compose, links
from tests.conftest import Officers, Tree, login
from tests.fixtures.publishing import (
    approved_item,
    image,
    media_root_fixture,  # noqa: F401  (autouse fixture)
)

BODY = (
    "<p>Sáng nay, hơn 300 đoàn viên dự hội nghị.</p><h2>Quyền lợi</h2>"
    "<ul><li>Lương làm thêm giờ</li><li>Nghỉ hằng năm</li></ul>"
)
LONG_TITLE = "Hội nghị người lao động năm 2026 " * 6  # 198 characters


def _previews(item, photo=None):  # type: ignore[no-untyped-def]
    return compose.previews(
        item,
        share_url="https://congdoan.example.vn/tin-tuc/P-A/hoi-nghi/",
        image=photo,
        image_url=f"/noi-dung/tep/{photo.pk}/nho/" if photo else "",
        default_cover_url="/static/publicsite/cover.png",
        author="LĐLĐ tỉnh A",
    )


def test_preview_without_photo_long_title_and_summary(tree: Tree, officers: Officers) -> None:
    summary = "Tóm tắt dài. " * 30  # 390 characters
    item = approved_item(
        tree.pa,
        officers.a_propaganda,
        officers.a_leader,
        LONG_TITLE.strip(),
        summary=summary,
        body=BODY,
    )
    facebook, zalo = _previews(item)

    # Facebook: what the job posts, with the article's link card (no photo chosen).
    assert facebook.text == compose.facebook_message(
        item, "https://congdoan.example.vn/tin-tuc/P-A/hoi-nghi/"
    )
    assert facebook.text.endswith("Xem đầy đủ: https://congdoan.example.vn/tin-tuc/P-A/hoi-nghi/")
    assert (facebook.length, facebook.limit, facebook.image_url) == (len(facebook.text), 63_206, "")
    assert facebook.link is not None
    assert facebook.link.domain == "CONGDOAN.EXAMPLE.VN"
    assert facebook.link.image_url == "/static/publicsite/cover.png"
    assert facebook.warnings == []

    # Zalo OA: the title cut at 150 and said so, the summary cut at 300, the default cover,
    # the body's paragraphs, heading and list items one by one.
    assert zalo.title == LONG_TITLE.strip()[:150] and len(zalo.text) <= 300
    assert zalo.paragraphs == [
        "Sáng nay, hơn 300 đoàn viên dự hội nghị.",
        "Quyền lợi",
        "Lương làm thêm giờ",
        "Nghỉ hằng năm",
        "Nguồn: https://congdoan.example.vn/tin-tuc/P-A/hoi-nghi/",
    ]
    assert len(zalo.warnings) == 2
    assert "Tiêu đề dài 197 ký tự; Zalo OA nhận tối đa 150 ký tự" in zalo.warnings[0]
    assert "Tóm tắt dài 389 ký tự; Zalo OA chỉ nhận 300 ký tự" in zalo.warnings[1]
    assert zalo.image_is_default and zalo.image_url == "/static/publicsite/cover.png"
    assert any("ảnh bìa mặc định" in n for n in zalo.notes)


def test_preview_with_photo_and_a_photo_too_heavy_for_zalo(tree: Tree, officers: Officers) -> None:
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader)
    photo = image(tree.pa, officers.a_propaganda)
    facebook, zalo = _previews(item, photo)
    # A photo post: the photo, no link card; Zalo's cover is the photo.
    assert facebook.link is None and facebook.image_url == f"/noi-dung/tep/{photo.pk}/nho/"
    assert zalo.image_url == facebook.image_url and not zalo.image_is_default
    assert zalo.warnings == [] and facebook.warnings == []

    MediaAsset.objects.filter(pk=photo.pk).update(size=3 * 1024 * 1024)
    photo.refresh_from_db()
    _facebook, zalo = _previews(item, photo)
    assert zalo.warnings == [
        "Ảnh “Ảnh hội nghị” nặng 3.072 KB; Zalo OA chỉ nhận ảnh bìa tối đa 1.024 KB. "
        "Vui lòng chọn hoặc tải lên ảnh nhẹ hơn."
    ]


def test_compose_preview_while_writing(client: Client, tree: Tree, officers: Officers) -> None:
    photo = image(tree.pa, officers.a_propaganda)
    other = image(tree.pb, officers.b_admin)
    url = reverse("publishing:compose_preview", args=["P-A"])
    form = {
        "kind": "news",
        "title": LONG_TITLE,
        "summary": "",
        "body": "Đoạn một.\n\nĐoạn hai <script>alert(1)</script>",
        "tags": "Tháng Công nhân, an toàn",
        "media_items": [str(other.pk), str(photo.pk)],
    }
    login(client, officers.a_propaganda)
    page = client.post(url, form).content.decode()
    # Text typed in paragraphs reaches both platforms as paragraphs; no script.
    assert "Đoạn một.<br><br>Đoạn hai" in page and "<p>Đoạn một.</p><p>Đoạn hai</p>" in page
    assert "alert(1)" not in page and "#ThángCôngnhân #antoàn" in page
    assert "Tiêu đề dài 197 ký tự" in page
    assert "/tin-tuc/P-A/hoi-nghi-nguoi-lao-dong-nam-2026-" in page
    # The photo chosen from the unit's library, never another province's.
    assert reverse("content:media_thumb", args=[photo.pk]) in page
    assert reverse("content:media_thumb", args=[other.pk]) not in page
    assert "63.206 ký tự" in page
    # Without a title there is nothing to show yet.
    empty = client.post(url, {"title": "  "}).content.decode()
    assert "Nhập tiêu đề để xem bài" in empty
    # Only officers who write for the unit; another province's officer sees no such unit.
    login(client, officers.b_admin)
    assert client.post(url, form).status_code == 404
    client.logout()
    assert client.post(url, form).status_code == 302
    assert client.get(url).status_code in (302, 405)


def test_publishing_page_shows_the_preview(client: Client, tree: Tree, officers: Officers) -> None:
    item = approved_item(tree.pa, officers.a_propaganda, officers.a_leader, body=BODY)
    login(client, officers.a_propaganda)
    page = client.get(reverse("publishing:item", args=[item.pk])).content.decode()
    assert "Xem trước trên Facebook và Zalo OA" in page
    assert "<p>Quyền lợi</p><p>Lương làm thêm giờ</p>" in page
    assert links.article_path(item) in page
