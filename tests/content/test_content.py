"""Content studio: slugs, sanitising, the review workflow with four-eyes and per-unit
approvers, versions, the media library's checks, the schedule and access to every route."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import Image

from lantoa.accounts.models import Role
from lantoa.audit.models import AuditEvent
from lantoa.content import selectors, services
from lantoa.content.media import THUMBNAIL_PX
from lantoa.content.models import (
    ApprovalSetting,
    ContentEvent,
    ContentItem,
    ContentStatus,
    ContentVersion,
    MediaAsset,
)
from lantoa.content.sanitize import sanitize_html
from lantoa.notifications.models import Notification
from lantoa.publishing import services as publishing
from tests.conftest import Officers, Tree, login, make_officer

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media_root(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")  # type: ignore[attr-defined]
    return tmp_path / "media"


def _news(
    unit: object, author: object, title: str = "Tin hoạt động Tháng Công nhân", **kw: object
) -> ContentItem:
    return services.content_create(
        unit=unit,  # type: ignore[arg-type]
        kind="news",
        title=title,
        author=author,
        body=kw.pop("body", "<p>Nội dung tin.</p>"),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _png(w: int = 1000, h: int = 500) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (w, h), (200, 30, 40, 128)).save(out, "PNG")
    return out.getvalue()


def _upload(
    unit: object, actor: object, data: bytes, name: str = "x.bin", size: int | None = None
) -> MediaAsset:
    return services.media_upload(
        unit=unit,  # type: ignore[arg-type]
        file=io.BytesIO(data),
        size=len(data) if size is None else size,
        original_name=name,
        actor=actor,
    )


# --- slugs and sanitising ---------------------------------------------------------------


def test_slug_folds_vietnamese() -> None:
    assert services.slugify_vi("Đoàn viên") == "doan-vien"
    assert services.slugify_vi("  Tết Sum vầy 2026: Đường đến ĐỒNG BẰNG!  ") == (
        "tet-sum-vay-2026-duong-den-dong-bang"
    )


def test_slug_unique_per_unit(tree: Tree, officers: Officers) -> None:
    a = _news(tree.pa, officers.a_admin, "Đoàn viên")
    b = _news(tree.pa, officers.a_admin, "Đoàn viên")
    c = _news(tree.a_kcn, officers.a_admin, "Đoàn viên")
    assert (a.slug, b.slug, c.slug) == ("doan-vien", "doan-vien-2", "doan-vien")


def test_sanitiser_strips_scripts_handlers_and_javascript_urls() -> None:
    dirty = (
        '<p onclick="steal()">Xin chào <script>alert("x")</script><strong>đoàn viên</strong></p>'
        '<a href="javascript:alert(1)">bấm</a> <a href="https://congdoan.vn" target="_blank">cđ</a>'
        '<img src="https://evil.example/a.png" onerror="x()"><img src="/noi-dung/tep/7/" alt="ảnh">'
        "<h2>Mục</h2><h1>Lớn</h1><style>p{color:red}</style><iframe src='x'></iframe>"
    )
    clean = sanitize_html(dirty)
    for bad in (
        "script",
        "alert",
        "onclick",
        "javascript:",
        "onerror",
        "evil.example",
        "style",
        "iframe",
        "<h1",
        'target="',
    ):
        assert bad not in clean, bad
    assert "<strong>đoàn viên</strong>" in clean
    assert '<a href="https://congdoan.vn" rel="noopener noreferrer">cđ</a>' in clean
    assert '<img src="/noi-dung/tep/7/" alt="ảnh">' in clean
    assert "<h2>Mục</h2>" in clean


def test_body_is_sanitised_on_save(tree: Tree, officers: Officers) -> None:
    item = _news(tree.pa, officers.a_admin, body='<p>A<script>x()</script></p><b onclick="y">B</b>')
    item.refresh_from_db()
    assert item.body == "<p>A</p>B"
    assert ContentVersion.objects.get(item=item).body == "<p>A</p>B"


def test_preview_endpoint_returns_sanitised_html(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_propaganda)
    r = client.post("/noi-dung/xem-truoc/", {"body": "<p>Hi<img src=x onerror=alert(1)></p>"})
    assert r.status_code == 200
    assert b"<p>Hi</p>" in r.content and b"onerror" not in r.content


# --- workflow -----------------------------------------------------------------------------


def test_full_workflow_with_events_notifications_and_audit(
    tree: Tree, officers: Officers, django_capture_on_commit_callbacks: object
) -> None:
    author = officers.a_communicator  # at A-KCN
    item = _news(tree.a_kcn, author)
    assert item.status == ContentStatus.DRAFT and item.version == 1

    services.content_submit(item=item, actor=author)
    assert item.status == ContentStatus.IN_REVIEW
    # Approvers: admin and leader of province A (nobody approves at A-KCN itself).
    notified = Notification.objects.filter(kind="content.submitted")
    assert sorted(n.user.username for n in notified) == ["admin_a", "lanhdao_a"]

    services.content_approve(item=item, actor=officers.a_leader, comment="Tốt")
    assert item.status == ContentStatus.APPROVED
    assert Notification.objects.filter(kind="content.approved", user=author).count() == 1

    # Scheduling is publishing's: a site publication at the time, the item scheduled; the
    # one clock (publishing's sweep) publishes the item when that time comes.
    at = timezone.now() + dt.timedelta(hours=2)
    publishing.publication_site_schedule(item=item, actor=author, at=at)
    item.refresh_from_db()
    assert item.status == ContentStatus.SCHEDULED and item.scheduled_at == at

    assert publishing.publication_items_due(now=at - dt.timedelta(minutes=1)) == 0
    assert publishing.publication_items_due(now=at + dt.timedelta(minutes=1)) == 1
    assert publishing.publication_items_due(now=at + dt.timedelta(minutes=2)) == 0  # idempotent
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED and item.published_at is not None

    kinds = list(
        ContentEvent.objects.filter(item=item).order_by("id").values_list("kind", "to_status")
    )
    assert kinds == [
        ("created", "draft"),
        ("submitted", "in_review"),
        ("approved", "approved"),
        ("scheduled", "scheduled"),
        ("published", "published"),
    ]
    actions = list(
        AuditEvent.objects.filter(target__startswith=f"{item.pk}:")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "content.create",
        "content.submit",
        "content.approve",
        "content.schedule",
        "content.publish",
    ]


def test_refused_transitions_have_vietnamese_errors(tree: Tree, officers: Officers) -> None:
    item = _news(tree.pa, officers.a_propaganda)
    with pytest.raises(ValidationError) as exc:
        services.content_approve(item=item, actor=officers.a_leader)
    assert "Không thể duyệt nội dung đang ở trạng thái “Bản nháp”" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="Không thể đăng"):
        services.content_publish(item=item, actor=officers.a_propaganda)
    with pytest.raises(ValidationError, match="Không thể hẹn giờ đăng"):
        services.content_schedule(
            item=item, actor=officers.a_propaganda, at=timezone.now() + dt.timedelta(days=1)
        )
    services.content_submit(item=item, actor=officers.a_propaganda)
    with pytest.raises(ValidationError) as exc:
        services.content_return(item=item, actor=officers.a_leader, comment="  ")
    assert exc.value.message_dict["comment"] == [
        "Vui lòng ghi nhận xét để tác giả biết cần sửa gì."
    ]
    services.content_approve(item=item, actor=officers.a_leader)
    with pytest.raises(ValidationError) as exc:
        services.content_schedule(
            item=item, actor=officers.a_propaganda, at=timezone.now() - dt.timedelta(hours=1)
        )
    assert "đã qua" in exc.value.message_dict["scheduled_at"][0]
    services.content_publish(item=item, actor=officers.a_propaganda)
    with pytest.raises(ValidationError, match="không sửa được nữa"):
        services.content_update(item=item, actor=officers.a_propaganda, title="Sửa sau khi đăng")
    # Nothing moved on the refusals: only the five real steps left events.
    assert ContentEvent.objects.filter(item=item).count() == 4
    assert item.status == ContentStatus.PUBLISHED


def test_kind_requirements_before_review(tree: Tree, officers: Officers) -> None:
    brief = services.content_create(
        unit=tree.pa,
        kind="brief",
        title="Định hướng tuyên truyền 28/7",
        author=officers.a_propaganda,
    )
    with pytest.raises(ValidationError) as exc:
        services.content_submit(item=brief, actor=officers.a_propaganda)
    assert set(exc.value.message_dict) == {"attachment", "summary"}
    live = services.content_create(
        unit=tree.pa,
        kind="livestream",
        title="Tọa đàm trực tuyến",
        author=officers.a_propaganda,
        livestream_url="https://www.facebook.com/ldld/live",
    )
    with pytest.raises(ValidationError) as exc:
        services.content_submit(item=live, actor=officers.a_propaganda)
    assert set(exc.value.message_dict) == {"livestream_at"}
    with pytest.raises(ValidationError) as exc:
        services.content_create(
            unit=tree.pa,
            kind="video",
            title="Clip",
            author=officers.a_propaganda,
            video_url="https://vimeo.com/123",
        )
    assert "YouTube, TikTok hoặc Facebook" in exc.value.message_dict["video_url"][0]
    assert ContentItem.objects.filter(title="Clip").count() == 0


def test_returned_item_goes_back_to_draft_on_edit(tree: Tree, officers: Officers) -> None:
    item = _news(tree.pa, officers.a_propaganda)
    services.content_submit(item=item, actor=officers.a_propaganda)
    services.content_return(item=item, actor=officers.a_leader, comment="Thêm số liệu.")
    assert item.status == ContentStatus.RETURNED
    assert Notification.objects.get(kind="content.returned").user == officers.a_propaganda
    assert ContentEvent.objects.get(item=item, kind="returned").comment == "Thêm số liệu."
    assert services.content_update(
        item=item, actor=officers.a_propaganda, body="<p>Có số liệu.</p>"
    )
    assert item.status == ContentStatus.DRAFT and item.version == 2


def test_editing_approved_item_voids_approval(tree: Tree, officers: Officers) -> None:
    item = _news(tree.pa, officers.a_propaganda)
    services.content_submit(item=item, actor=officers.a_propaganda)
    services.content_approve(item=item, actor=officers.a_leader)
    services.content_schedule(
        item=item, actor=officers.a_propaganda, at=timezone.now() + dt.timedelta(days=1)
    )
    services.content_update(item=item, actor=officers.a_propaganda, title="Tiêu đề mới")
    item.refresh_from_db()
    assert (item.status, item.scheduled_at, item.version) == (ContentStatus.DRAFT, None, 2)


def test_four_eyes_author_cannot_approve(tree: Tree, officers: Officers) -> None:
    item = _news(tree.pa, officers.a_leader)  # a leader is an approver, but wrote it
    services.content_submit(item=item, actor=officers.a_leader)
    with pytest.raises(ValidationError) as exc:
        services.content_approve(item=item, actor=officers.a_leader)
    assert exc.value.code == "four_eyes"
    assert "không thể tự duyệt" in exc.value.messages[0]
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW
    # Nor may an approver who wrote the version under review (someone else's item).
    other = _news(tree.pa, officers.a_propaganda, "Bài khác")
    services.content_update(item=other, actor=officers.a_admin, body="<p>Sửa của admin</p>")
    services.content_submit(item=other, actor=officers.a_propaganda)
    with pytest.raises(ValidationError, match="không thể tự duyệt"):
        services.content_approve(item=other, actor=officers.a_admin)
    services.content_approve(item=other, actor=officers.a_leader)
    services.content_approve(item=item, actor=officers.a_admin)
    assert item.status == other.status == ContentStatus.APPROVED


def test_four_eyes_through_the_view(client: Client, tree: Tree, officers: Officers) -> None:
    item = _news(tree.pa, officers.a_leader)
    services.content_submit(item=item, actor=officers.a_leader)
    login(client, officers.a_leader)
    r = client.post(f"/noi-dung/chi-tiet/{item.pk}/duyet/", follow=True)
    assert "nguyên tắc bốn mắt" in r.content.decode()
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW
    login(client, officers.a_admin)
    r = client.post(f"/noi-dung/chi-tiet/{item.pk}/duyet/", {"comment": "Đồng ý"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED


def test_approvers_inherited_from_nearest_setting(tree: Tree, officers: Officers) -> None:
    services.approval_setting_save(
        unit=tree.pa, roles=[Role.PROPAGANDA], users=[], actor=officers.a_admin
    )
    services.approval_setting_save(
        unit=tree.a_kcn, roles=[], users=[officers.a_briefer], actor=officers.a_admin
    )
    writer = make_officer("viet_g1", tree.a_g1, Role.COMMUNICATOR)
    g1_item = _news(tree.a_g1, writer)
    writer_g3 = make_officer("viet_g3", tree.a_g3, Role.COMMUNICATOR)
    g3_item = _news(tree.a_g3, writer_g3)

    # A-G1 is under A-KCN: the nearest setting names the briefer only.
    assert selectors.approval_setting_for(tree.a_g1).unit == tree.a_kcn
    assert selectors.can_approve(officers.a_briefer, g1_item)
    assert not selectors.can_approve(officers.a_propaganda, g1_item)
    assert not selectors.can_approve(officers.a_leader, g1_item)
    # A-G3 is under A-XA, which has no setting: province A's (propaganda) applies.
    assert selectors.can_approve(officers.a_propaganda, g3_item)
    assert not selectors.can_approve(officers.a_leader, g3_item)
    assert not selectors.can_approve(officers.a_briefer, g3_item)
    # Without any setting: leader and admin (the default), not propaganda.
    pb_item = _news(tree.pb, officers.b_admin)
    assert selectors.approval_setting_for(tree.pb) is None
    assert not selectors.can_approve(officers.a_leader, pb_item)  # other province

    services.content_submit(item=g1_item, actor=writer)
    assert [n.user for n in Notification.objects.filter(kind="content.submitted")] == [
        officers.a_briefer
    ]
    with pytest.raises(ValidationError) as exc:
        services.content_approve(item=g1_item, actor=officers.a_leader)
    assert exc.value.code == "not_approver"
    services.content_approve(item=g1_item, actor=officers.a_briefer)
    assert g1_item.status == ContentStatus.APPROVED

    assert services.approval_setting_clear(unit=tree.a_kcn, actor=officers.a_admin) == 1
    assert selectors.approval_setting_for(tree.a_g1).unit == tree.pa
    assert ApprovalSetting.objects.count() == 1


def test_approval_setting_refuses_outsiders(tree: Tree, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        services.approval_setting_save(
            unit=tree.a_kcn, roles=[], users=[officers.b_admin], actor=officers.a_admin
        )
    assert "không có vai trò nào ở đơn vị này" in exc.value.message_dict["users"][0]
    with pytest.raises(ValidationError):
        services.approval_setting_save(unit=tree.a_kcn, roles=[], users=[], actor=officers.a_admin)
    assert ApprovalSetting.objects.count() == 0


def test_viewer_cannot_write(tree: Tree, officers: Officers) -> None:
    with pytest.raises(PermissionDenied):
        _news(tree.a_g1, officers.a_viewer)
    assert ContentItem.objects.count() == 0


# --- versions -------------------------------------------------------------------------------


def test_every_edit_is_a_version_and_restore_makes_a_new_one(
    tree: Tree, officers: Officers
) -> None:
    item = _news(tree.pa, officers.a_propaganda, "Bản đầu", body="<p>Dòng một</p>")
    assert not services.content_update(item=item, actor=officers.a_propaganda, title="Bản đầu")
    services.content_update(item=item, actor=officers.a_propaganda, title="Bản hai")
    services.content_update(
        item=item, actor=officers.a_admin, body="<p>Dòng một</p><p>Dòng hai</p>"
    )
    assert list(item.versions.values_list("number", "title")) == [
        (3, "Bản hai"),
        (2, "Bản hai"),
        (1, "Bản đầu"),
    ]
    v1, v3 = item.versions.get(number=1), item.versions.get(number=3)
    assert v3.author == officers.a_admin
    diff = {f.label: f for f in selectors.version_diff(v1, v3)}
    assert [(d.op, d.text) for d in diff["Tiêu đề"].lines] == [
        ("del", "Bản đầu"),
        ("add", "Bản hai"),
    ]
    assert [(d.op, d.text) for d in diff["Nội dung"].lines] == [
        ("same", "Dòng một"),
        ("add", "Dòng hai"),
    ]

    assert services.content_restore(item=item, version=v1, actor=officers.a_propaganda)
    item.refresh_from_db()
    assert (item.version, item.title, item.body) == (4, "Bản đầu", "<p>Dòng một</p>")
    v4 = item.versions.get(number=4)
    assert v4.note == "Khôi phục phiên bản 1" and v4.title == v1.title and v4.body == v1.body
    assert ContentEvent.objects.filter(item=item, kind="restored").count() == 1
    assert item.slug == "ban-dau"  # the address does not move with the title
    # Restoring what is already current writes nothing.
    assert not services.content_restore(item=item, version=v4, actor=officers.a_propaganda)
    assert item.versions.count() == 4


def test_version_pages(client: Client, tree: Tree, officers: Officers) -> None:
    item = _news(tree.pa, officers.a_propaganda, "Tiêu đề cũ")
    services.content_update(item=item, actor=officers.a_propaganda, title="Tiêu đề mới")
    login(client, officers.a_propaganda)
    r = client.get(f"/noi-dung/chi-tiet/{item.pk}/phien-ban/?a=1&b=2")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<del>Tiêu đề cũ</del>" in html and "<ins>Tiêu đề mới</ins>" in html
    assert client.get(f"/noi-dung/chi-tiet/{item.pk}/phien-ban/1/").status_code == 200
    r = client.post(f"/noi-dung/chi-tiet/{item.pk}/phien-ban/1/khoi-phuc/")
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Tiêu đề cũ", 3)


# --- media -------------------------------------------------------------------------------------


def test_image_upload_makes_thumbnail(tree: Tree, officers: Officers) -> None:
    asset = _upload(tree.pa, officers.a_propaganda, _png(1000, 500), "ảnh đẹp.png")
    assert (asset.kind, asset.content_type, asset.width, asset.height) == (
        "image",
        "image/png",
        1000,
        500,
    )
    assert asset.file.name.startswith(f"content/{tree.pa.pk}/") and "ảnh" not in asset.file.name
    with default_storage.open(asset.thumbnail.name) as f:
        thumb = Image.open(f)
        assert thumb.size == (THUMBNAIL_PX, 160) and thumb.format == "JPEG"
    assert AuditEvent.objects.filter(action="content.media_upload").count() == 1


def test_exif_orientation_is_applied(tree: Tree, officers: Officers) -> None:
    img = Image.new("RGB", (400, 200), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: shown upright it is 200 wide, 400 high
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    asset = _upload(tree.pa, officers.a_propaganda, out.getvalue(), "dien-thoai.jpg")
    assert (asset.width, asset.height) == (200, 400)
    with default_storage.open(asset.file.name) as f:
        stored = Image.open(f)
        assert stored.size == (200, 400)
        assert 0x0112 not in stored.getexif()  # re-encoded: EXIF (GPS too) dropped


@pytest.mark.parametrize(
    ("data", "size", "message"),
    [
        (b"MZ\x90\x00 not a picture", None, "Định dạng tệp không được hỗ trợ"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 50, None, "Không phải ảnh hợp lệ."),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, None, "Không phải ảnh hợp lệ."),
        (b"\xff\xd8\xff\xe0" + b"\0" * 100, 10 * MB + 1, "Tệp quá lớn: tối đa 10 MB."),
        (b"%PDF-1.7\n", 20 * MB + 1, "Tệp quá lớn: tối đa 20 MB."),
        (b"\x00\x00\x00\x18ftypmp42", 200 * MB + 1, "Tệp quá lớn: tối đa 200 MB."),
        (b"PK\x03\x04 zip but not word", None, "không phải tài liệu Word (DOCX) hợp lệ"),
        (b"", None, "Tệp rỗng."),
    ],
)
def test_bad_uploads_are_refused(
    tree: Tree, officers: Officers, media_root: Path, data: bytes, size: int | None, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _upload(tree.pa, officers.a_propaganda, data, size=size)
    assert message in exc.value.messages[0]
    assert MediaAsset.objects.count() == 0
    assert not any(p.is_file() for p in media_root.rglob("*"))  # nothing left behind


def test_documents_and_video_by_magic_bytes(tree: Tree, officers: Officers) -> None:
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Định hướng tuyên truyền")
    document.save(buf)
    word = _upload(tree.pa, officers.a_propaganda, buf.getvalue(), "dinh-huong.docx")
    pdf = _upload(tree.pa, officers.a_propaganda, b"%PDF-1.4\n%...\n", "dinh-huong.jpg")
    mp4 = _upload(tree.pa, officers.a_propaganda, b"\x00\x00\x00\x18ftypmp42" + b"\0" * 64, "clip")
    assert [(a.kind, a.file.name.rsplit(".", 1)[1]) for a in (word, pdf, mp4)] == [
        ("document", "docx"),
        ("document", "pdf"),
        ("video", "mp4"),
    ]
    assert not word.thumbnail and mp4.size == 76


def test_upload_through_the_library_screen(client: Client, tree: Tree, officers: Officers) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, officers.a_propaganda)
    r = client.post(
        "/noi-dung/P-A/thu-vien/tai-len/",
        {"file": SimpleUploadedFile("anh.png", _png(40, 40), "image/png"), "title": "Ảnh nhỏ"},
    )
    assert r.status_code == 302
    asset = MediaAsset.objects.get()
    assert asset.title == "Ảnh nhỏ"
    r = client.post(
        "/noi-dung/P-A/thu-vien/tai-len/",
        {"file": SimpleUploadedFile("virus.png", b"<?php evil(); ?>", "image/png")},
    )
    assert r.status_code == 400 and "Định dạng tệp không được hỗ trợ" in r.content.decode()
    assert MediaAsset.objects.count() == 1
    page = client.get("/noi-dung/P-A/thu-vien/")
    assert f"/noi-dung/tep/{asset.pk}/nho/" in page.content.decode()
    thumb = client.get(f"/noi-dung/tep/{asset.pk}/nho/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    # A grassroots viewer below may see the province's file; province B may not.
    login(client, officers.a_viewer)
    assert client.get(f"/noi-dung/tep/{asset.pk}/").status_code == 200
    login(client, officers.b_admin)
    assert client.get(f"/noi-dung/tep/{asset.pk}/").status_code == 404


def test_media_must_come_from_the_units_library(tree: Tree, officers: Officers) -> None:
    theirs = _upload(tree.pb, officers.b_admin, _png(20, 20), "b.png")
    ours = _upload(tree.pa, officers.a_admin, _png(20, 20), "a.png")
    with pytest.raises(ValidationError) as exc:
        services.content_create(
            unit=tree.a_kcn,
            kind="infographic",
            title="Infographic",
            author=officers.a_admin,
            media=[ours, theirs],
        )
    assert "không thuộc thư viện của đơn vị" in exc.value.message_dict["media"][0]
    item = services.content_create(
        unit=tree.a_kcn,
        kind="infographic",
        title="Infographic",
        author=officers.a_admin,
        media=[ours],
    )
    assert list(item.media.all()) == [ours]
    with pytest.raises(ValidationError, match="đang được dùng"):
        services.media_delete(asset=ours, actor=officers.a_admin)
    services.media_delete(asset=theirs, actor=officers.b_admin)
    assert not MediaAsset.objects.filter(pk=theirs.pk).exists()


# --- schedule, screens and access ---------------------------------------------------------------


def test_calendar_lists_scheduled_items(client: Client, tree: Tree, officers: Officers) -> None:
    item = _news(tree.a_kcn, officers.a_communicator, "Bài hẹn giờ")
    services.content_submit(item=item, actor=officers.a_communicator)
    services.content_approve(item=item, actor=officers.a_leader)
    at = timezone.now() + dt.timedelta(days=1)
    services.content_schedule(item=item, actor=officers.a_communicator, at=at)
    login(client, officers.a_admin)
    day = timezone.localtime(at).date().isoformat()
    r = client.get(f"/noi-dung/P-A/lich/?xem=tuan&ngay={day}")
    assert r.status_code == 200 and "Bài hẹn giờ" in r.content.decode()
    later = (timezone.localtime(at).date() + dt.timedelta(days=14)).isoformat()
    r = client.get(f"/noi-dung/P-A/lich/?xem=tuan&ngay={later}")
    assert "Bài hẹn giờ" not in r.content.decode()
    r = client.get(f"/noi-dung/P-A/lich/?xem=thang&ngay={day}")
    assert "Bài hẹn giờ" in r.content.decode()
    # A day at the edge of the calendar (a hand-edited address) shows this week, not an error.
    for edge in ("0001-01-01", "9999-12-31", "2026-02-30"):
        for view in ("tuan", "thang"):
            r = client.get(f"/noi-dung/P-A/lich/?xem={view}&ngay={edge}")
            assert r.status_code == 200, (edge, view)


def test_create_and_edit_through_screens(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_communicator)
    assert client.get("/noi-dung/A-KCN/them/?chien-dich=²").status_code == 200
    r = client.post(
        "/noi-dung/A-KCN/them/",
        {
            "kind": "news",
            "title": "Đoàn viên KCN hưởng ứng",
            "body": "<p>Tin</p><script>x</script>",
            "tags": "KCN, Tháng Công nhân, KCN",
        },
    )
    item = ContentItem.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/noi-dung/chi-tiet/{item.pk}/"
    assert (item.slug, item.body, item.tags) == (
        "doan-vien-kcn-huong-ung",
        "<p>Tin</p>",
        ["KCN", "Tháng Công nhân"],
    )
    r = client.post(f"/noi-dung/chi-tiet/{item.pk}/sua/", {"kind": "news", "title": "", "body": ""})
    assert r.status_code == 200 and "Vui lòng nhập tiêu đề." in r.content.decode()
    r = client.post(
        f"/noi-dung/chi-tiet/{item.pk}/sua/",
        {"kind": "news", "title": "Tiêu đề sửa", "body": "<p>Tin</p>"},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Tiêu đề sửa", 2)
    assert client.get(f"/noi-dung/chi-tiet/{item.pk}/").status_code == 200
    assert client.get("/noi-dung/A-KCN/").status_code == 200


def test_item_routes_hide_other_provinces(client: Client, tree: Tree, officers: Officers) -> None:
    item = _news(tree.a_kcn, officers.a_communicator)
    asset = _upload(tree.a_kcn, officers.a_communicator, _png(10, 10))
    login(client, officers.b_admin)
    routes = [
        f"/noi-dung/chi-tiet/{item.pk}/",
        f"/noi-dung/chi-tiet/{item.pk}/sua/",
        f"/noi-dung/chi-tiet/{item.pk}/phien-ban/",
        f"/noi-dung/chi-tiet/{item.pk}/phien-ban/1/",
        f"/noi-dung/tep/{asset.pk}/",
        f"/noi-dung/tep/{asset.pk}/nho/",
    ]
    for url in routes:
        assert client.get(url).status_code == 404, url
    for slug in (
        "gui-duyet",
        "duyet",
        "tra-lai",
        "phien-ban/1/khoi-phuc",
        "sua",
    ):
        assert client.post(f"/noi-dung/chi-tiet/{item.pk}/{slug}/", {}).status_code == 404, slug
    # Publishing now, at a time, and cancelling the time are publishing's addresses.
    for slug in ("dang-ngay", "hen-gio", "huy-hen-gio"):
        assert client.post(f"/dang-tai/noi-dung/{item.pk}/{slug}/", {}).status_code == 404, slug
    assert client.post(f"/noi-dung/tep/{asset.pk}/xoa/").status_code == 404
    item.refresh_from_db()
    assert item.status == ContentStatus.DRAFT and MediaAsset.objects.filter(pk=asset.pk).exists()
    # Inside the subtree without the permission: 403.
    login(client, officers.a_viewer)
    assert client.get(f"/noi-dung/chi-tiet/{item.pk}/").status_code == 404  # A-KCN is above A-G1
    login(client, officers.a_briefer)
    assert client.get(f"/noi-dung/chi-tiet/{item.pk}/").status_code == 200
    assert client.get(f"/noi-dung/chi-tiet/{item.pk}/sua/").status_code == 403
