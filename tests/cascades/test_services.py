"""Cascade services (lantoa.cascades.services): who receives, package and attachment validation, a
receiving unit's steps and proof, notices and reminders, links to content and campaigns."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from lantoa.accounts.models import Role
from lantoa.audit.models import AuditEvent
from lantoa.cascades import selectors, services
from lantoa.cascades.models import (
    Cascade,
    CascadeAttachment,
    CascadeRecipient,
    CascadeStatus,
    RecipientState,
)
from lantoa.core.private_files import private_storage
from lantoa.notifications.models import Notification
from lantoa.units.models import Unit, UnitKind, UnitStatus
from lantoa.units.services import unit_create, unit_merge
from tests.cascades.support import docx, jpeg, make, pdf, recipient_codes, row
from tests.conftest import Officers, Tree, make_officer


def test_whole_subtree_excludes_sender_and_counts(tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, officers.a_propaganda, send=True)
    assert recipient_codes(cascade) == {"A-KCN", "A-G1", "A-G2", "A-XA", "A-G3"}
    cascade.refresh_from_db()
    assert cascade.status == CascadeStatus.SENT
    assert cascade.recipient_count == 5
    assert cascade.sent_at is not None
    assert services.target_count(cascade) == 5
    rows = CascadeRecipient.objects.filter(cascade=cascade)
    assert {r.state for r in rows} == {RecipientState.PENDING}
    assert all(r.proof_links == [] and r.note == "" and r.reminded_at is None for r in rows)
    event = AuditEvent.objects.get(action="cascade.send")
    assert event.data == {"recipients": 5}
    assert event.unit_id == tree.pa.pk


def test_national_root_reaches_every_province(tree: Tree, officers: Officers) -> None:
    cascade = make(tree.vn, officers.national_admin, send=True)
    assert recipient_codes(cascade) == set(
        Unit.objects.exclude(code="VN").values_list("code", flat=True)
    )


def test_target_kinds_levels_and_both(tree: Tree, officers: Officers) -> None:
    grassroots = make(tree.pa, target_kinds=[UnitKind.GRASSROOTS], send=True)
    assert recipient_codes(grassroots) == {"A-G1", "A-G2", "A-G3"}
    level_one = make(tree.pa, target_levels=[1], send=True)
    assert recipient_codes(level_one) == {"A-KCN", "A-XA"}
    upper_two = make(
        tree.vn, target_kinds=[UnitKind.INDUSTRIAL_ZONE, UnitKind.GRASSROOTS], target_levels=[2]
    )
    services.cascade_send(cascade=upper_two, actor=None)
    assert recipient_codes(upper_two) == {"A-KCN", "B-KCN"}


def test_empty_target_refused_and_rolled_back(tree: Tree) -> None:
    cascade = make(tree.pa, target_kinds=[UnitKind.GRASSROOTS], target_levels=[1])
    with pytest.raises(ValidationError) as exc:
        services.cascade_send(cascade=cascade, actor=None)
    assert "Không có đơn vị đang hoạt động nào" in str(exc.value)
    cascade.refresh_from_db()
    assert cascade.status == CascadeStatus.DRAFT
    assert cascade.sent_at is None
    assert not CascadeRecipient.objects.exists()
    assert not AuditEvent.objects.filter(action="cascade.send").exists()


def test_ended_units_do_not_receive(tree: Tree) -> None:
    unit_merge(source=tree.a_g2, target=tree.a_g1, on=timezone.localdate())
    dissolved = unit_create(
        code="A-G9", name="CĐCS đã giải thể", kind=UnitKind.GRASSROOTS, parent=tree.a_xa
    )
    Unit.objects.filter(pk=dissolved.pk).update(status=UnitStatus.DISSOLVED)
    cascade = make(tree.pa, send=True)
    assert recipient_codes(cascade) == {"A-KCN", "A-G1", "A-XA", "A-G3"}


def test_send_twice_is_refused(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    with pytest.raises(ValidationError, match="đã được gửi rồi"):
        services.cascade_send(cascade=Cascade.objects.get(pk=cascade.pk), actor=None)
    assert CascadeRecipient.objects.filter(cascade=cascade).count() == 5


def test_package_validation_in_vietnamese(tree: Tree) -> None:
    with pytest.raises(ValidationError) as exc:
        services.cascade_create(
            sender=tree.pa,
            actor=None,
            title="  ",
            instructions="",
            actions=["dance"],
            due_on=timezone.localdate() - dt.timedelta(days=1),
            links=["facebook.com/", "không phải link"],
        )
    errors = exc.value.message_dict
    assert errors["title"] == ["Vui lòng nhập tiêu đề."]
    assert errors["actions"] == ["Vui lòng chọn ít nhất một việc cần làm trong danh sách."]
    assert "đã qua" in errors["due_on"][0]
    assert "Đường dẫn thứ 1" in errors["links"][0] and "trang chủ Facebook" in errors["links"][0]
    with pytest.raises(ValidationError) as exc:
        make(tree.a_g1)
    assert "Công đoàn cơ sở không có đơn vị trực thuộc" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        make(tree.pa, instructions="")
    assert "cần có nội dung" in exc.value.message_dict["instructions"][0]
    assert not Cascade.objects.exists()


def test_attachments_checked_by_magic_bytes(tree: Tree) -> None:
    cascade = make(
        tree.pa,
        attachments=[
            (io.BytesIO(pdf()), "huong-dan.pdf"),
            (io.BytesIO(docx()), "de-cuong.docx"),
            (io.BytesIO(jpeg()), "infographic.png"),
        ],
    )
    kinds = list(cascade.attachments.order_by("pk").values_list("kind", "original_name"))
    assert kinds == [
        ("pdf", "huong-dan.pdf"),
        ("docx", "de-cuong.docx"),
        ("image", "infographic.jpg"),
    ]
    image = cascade.attachments.get(kind="image")
    assert private_storage().exists(image.file.name) and private_storage().exists(
        image.thumbnail.name
    )
    fake_zip = io.BytesIO()
    with zipfile.ZipFile(fake_zip, "w") as z:
        z.writestr("readme.txt", "x")
    with pytest.raises(ValidationError) as exc:
        make(
            tree.pa,
            attachments=[
                (io.BytesIO(b"MZ\x90\x00 not a document"), "tai-lieu.pdf"),
                (io.BytesIO(fake_zip.getvalue()), "van-ban.docx"),
            ],
        )
    messages = exc.value.message_dict["attachments"]
    assert len(messages) == 2
    assert "“tai-lieu.pdf” không được nhận" in messages[0]
    assert "Tệp “van-ban.docx”: tệp nén này không phải tài liệu Word" in messages[1]
    assert Cascade.objects.count() == 1  # nothing half-written
    assert CascadeAttachment.objects.count() == 3


def test_attachment_size_limit(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    from lantoa.cascades import files

    monkeypatch.setattr(files, "MAX_DOCUMENT_BYTES", 20)
    with pytest.raises(ValidationError, match="quá lớn"):
        make(tree.pa, attachments=[(io.BytesIO(pdf()), "dai.pdf")])


def test_update_draft_and_delete(tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, attachments=[(io.BytesIO(pdf()), "a.pdf")])
    old = cascade.attachments.get()
    services.cascade_update(
        cascade=cascade,
        actor=officers.a_admin,
        title="Tiêu đề mới",
        remove_attachment_ids=[old.pk],
        attachments=[(io.BytesIO(pdf()), "b.pdf")],
    )
    cascade.refresh_from_db()
    assert cascade.title == "Tiêu đề mới"
    assert list(cascade.attachments.values_list("original_name", flat=True)) == ["b.pdf"]
    services.cascade_send(cascade=cascade, actor=officers.a_admin)
    with pytest.raises(ValidationError, match="không sửa được"):
        services.cascade_update(cascade=cascade, actor=None, title="x")
    with pytest.raises(ValidationError, match="không sửa được"):
        services.cascade_delete(cascade=cascade, actor=None)
    draft = make(tree.pa)
    services.cascade_delete(cascade=draft, actor=officers.a_admin)
    assert not Cascade.objects.filter(pk=draft.pk).exists()


def test_steps_forward_with_times_and_audit(tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, send=True)
    r = row(cascade, tree.a_g1)
    r = services.recipient_advance(recipient=r, actor=officers.a_viewer, state="received")
    assert r.state == RecipientState.RECEIVED and r.received_at is not None
    assert r.acknowledged_at is None and r.done_at is None
    r = services.recipient_advance(recipient=r, actor=officers.a_viewer, state="acknowledged")
    assert r.acknowledged_at is not None
    r = services.recipient_advance(
        recipient=r, actor=officers.a_communicator, state="done", note="Đã phổ biến ở tổ"
    )
    r.refresh_from_db()
    assert r.state == RecipientState.DONE
    assert r.done_by_id == officers.a_communicator.pk
    assert r.note == "Đã phổ biến ở tổ"
    assert r.received_at <= r.acknowledged_at <= r.done_at  # type: ignore[operator]
    assert list(
        AuditEvent.objects.filter(target=f"cascade:{cascade.pk}", unit=tree.a_g1)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["cascade.received", "cascade.acknowledged", "cascade.done"]


def test_skipping_forward_fills_earlier_steps(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    r = services.recipient_advance(recipient=row(cascade, tree.a_g2), actor=None, state="done")
    assert r.received_at == r.acknowledged_at == r.done_at is not None


def test_no_going_back_or_repeating(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    r = services.recipient_advance(
        recipient=row(cascade, tree.a_g3), actor=None, state="acknowledged"
    )
    with pytest.raises(ValidationError) as exc:
        services.recipient_advance(recipient=r, actor=None, state="received")
    assert exc.value.messages == ["Đơn vị đã ở bước “Đã nắm”; không quay lại bước “Đã nhận”."]
    with pytest.raises(ValidationError, match="Đơn vị đã báo “Đã nắm” lúc"):
        services.recipient_advance(recipient=r, actor=None, state="acknowledged")
    with pytest.raises(ValidationError, match="Bước không hợp lệ"):
        services.recipient_advance(recipient=r, actor=None, state="pending")
    assert row(cascade, tree.a_g3).state == RecipientState.ACKNOWLEDGED


def test_board_needs_a_photo_which_is_cleaned(tree: Tree) -> None:
    cascade = make(tree.pa, actions=["read", "board"], send=True)
    r = row(cascade, tree.a_g1)
    with pytest.raises(ValidationError) as exc:
        services.recipient_advance(
            recipient=r, actor=None, state="done", proof_links=["https://zalo.me/g/abc"]
        )
    assert "Cần ảnh chụp bảng tin" in exc.value.message_dict["proof_photo"][0]
    assert row(cascade, tree.a_g1).state == RecipientState.PENDING
    big = jpeg((3000, 1200), exif_gps=True)
    assert Image.open(io.BytesIO(big)).getexif()
    r = services.recipient_advance(
        recipient=r, actor=None, state="done", proof_photo=(io.BytesIO(big), "bang-tin.jpg")
    )
    with private_storage().open(r.proof_photo.name) as f:
        photo = Image.open(f)
        photo.load()
    assert photo.format == "JPEG" and photo.size == (3000, 1200)
    assert not photo.getexif()  # the GPS block is gone
    with private_storage().open(r.proof_thumbnail.name) as f:
        assert max(Image.open(f).size) == 320


def test_republish_needs_a_valid_link_or_a_screenshot(tree: Tree) -> None:
    cascade = make(tree.pa, actions=["republish"], send=True)
    r = row(cascade, tree.a_g1)
    with pytest.raises(ValidationError) as exc:
        services.recipient_advance(recipient=r, actor=None, state="done")
    assert "Cần đường dẫn bài đăng lại" in exc.value.message_dict["proof_links"][0]
    with pytest.raises(ValidationError) as exc:
        services.recipient_advance(
            recipient=r, actor=None, state="done", proof_links=["", "ftp://x.vn/bai"]
        )
    assert exc.value.message_dict["proof_links"][0].startswith(
        "Đường dẫn minh chứng thứ 2 “ftp://x.vn/bai” không phải địa chỉ web hợp lệ"
    )
    with pytest.raises(ValidationError, match="chỉ là trang chủ Facebook"):
        services.recipient_advance(
            recipient=r, actor=None, state="done", proof_links=["https://www.facebook.com/"]
        )
    with pytest.raises(ValidationError) as exc:
        services.recipient_advance(
            recipient=r,
            actor=None,
            state="done",
            proof_photo=(io.BytesIO(b"GIF89a not really"), "anh.jpg"),
        )
    assert "“anh.jpg” không phải ảnh JPG, PNG hoặc WebP" in exc.value.message_dict["proof_photo"][0]
    r = services.recipient_advance(
        recipient=r,
        actor=None,
        state="done",
        proof_links=["www.facebook.com/congdoan.anhduong/posts/123/"],
    )
    assert r.proof_links == ["https://www.facebook.com/congdoan.anhduong/posts/123"]
    screenshot = services.recipient_advance(
        recipient=row(cascade, tree.a_g2),
        actor=None,
        state="done",
        proof_photo=(io.BytesIO(jpeg()), "chup-man-hinh.png"),
    )
    assert screenshot.proof_links == [] and screenshot.proof_photo.name


def test_proof_only_with_done_and_closed_cascade_refuses(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    with pytest.raises(ValidationError, match="chỉ gửi kèm khi báo"):
        services.recipient_advance(
            recipient=row(cascade, tree.a_g1),
            actor=None,
            state="received",
            proof_links=["https://zalo.me/x/1"],
        )
    services.cascade_close(cascade=cascade, actor=None)
    with pytest.raises(ValidationError, match="đã kết thúc; không ghi nhận thêm"):
        services.recipient_advance(recipient=row(cascade, tree.a_g1), actor=None, state="done")
    with pytest.raises(ValidationError, match="Chỉ kết thúc được"):
        services.cascade_close(cascade=cascade, actor=None)


def test_photo_too_large(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    from lantoa.cascades import files

    monkeypatch.setattr(files, "MAX_IMAGE_BYTES", 1000)
    cascade = make(tree.pa, actions=["board"], send=True)
    with pytest.raises(ValidationError, match="quá lớn; giới hạn"):
        services.recipient_advance(
            recipient=row(cascade, tree.a_g1),
            actor=None,
            state="done",
            proof_photo=(io.BytesIO(jpeg()), "to.jpg"),
        )


def test_announce_once_per_officer(
    tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    g1_officer = make_officer("tt_g1", tree.a_g1, Role.COMMUNICATOR)
    with django_capture_on_commit_callbacks(execute=True):
        cascade = make(tree.pa, target_kinds=["grassroots"], send=True)
    notices = Notification.objects.filter(kind="cascade.sent")
    by_user = {n.user.username: n for n in notices}
    # Officers with an acting role below the sender; not the sender's own officers, not
    # viewers or briefers.
    assert set(by_user) == {"tt_g1", "truyenthong_a"}
    assert "đơn vị của anh/chị" in by_user["tt_g1"].body
    assert "2 đơn vị thuộc phạm vi phụ trách" in by_user["truyenthong_a"].body
    with translation.override("en"):  # an English reader sees it in English
        assert by_user["tt_g1"].shown_title.startswith("New cascade: ")
        assert " to your unit. To do: " in by_user["tt_g1"].shown_body
        assert "2 units in your scope" in by_user["truyenthong_a"].shown_body
        assert "Việc cần làm" not in by_user["truyenthong_a"].shown_body
    assert by_user["tt_g1"].url == reverse("cascades:index")
    assert g1_officer.pk == by_user["tt_g1"].user_id
    assert services.cascade_announce(cascade_id=cascade.pk) == 0
    assert notices.count() == 2


def test_reminders_batched_and_idempotent(
    tree: Tree, officers: Officers, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        unit = unit_create(
            code=f"A-R{i}", name=f"CĐCS nhắc {i}", kind=UnitKind.GRASSROOTS, parent=tree.a_kcn
        )
        make_officer(f"cb_r{i}", unit, Role.PROPAGANDA)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    due = make(tree.pa, target_kinds=["grassroots"], due_on=tomorrow, send=True)
    later = make(tree.pa, due_on=timezone.localdate() + dt.timedelta(days=6), send=True)
    services.recipient_advance(recipient=row(due, tree.a_g1), actor=None, state="done")
    # Mid-morning, Vietnam time: "two hours later" must stay the same day (run at 23:00 it
    # crossed midnight and the next day's reminder was rightly sent).
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10, 0)))
    with django_assert_max_num_queries(20):
        sent = services.cascades_remind(now=now)
    notices = Notification.objects.filter(kind="cascade.due")
    assert sent == notices.count() == 31  # 30 grassroots officers + the zone communicator
    zone = notices.get(user=officers.a_communicator)
    assert "31 đơn vị thuộc phạm vi phụ trách chưa báo cáo" in zone.body  # A-G2 + 30 new
    assert "Nhắc hạn triển khai" in zone.title
    with translation.override("en"):
        assert zone.shown_title.startswith("Cascade reminder: ")
        assert "31 units in your scope not yet reported as done." in zone.shown_body
    assert not notices.filter(user__in=[officers.a_admin, officers.a_viewer]).exists()
    rows = CascadeRecipient.objects.filter(cascade=due)
    assert rows.filter(reminded_at=now).count() == rows.exclude(state="done").count() == 32
    assert rows.get(unit=tree.a_g1).reminded_at is None
    assert not CascadeRecipient.objects.filter(cascade=later, reminded_at__isnull=False).exists()
    # Again the same day: nothing. The next day: once more.
    assert services.cascades_remind(now=now + dt.timedelta(hours=2)) == 0
    assert notices.count() == 31
    from lantoa.cascades.tasks import remind_due

    assert remind_due.apply().get() == 0
    assert services.cascades_remind(now=now + dt.timedelta(days=1)) == 31


def test_content_item_and_campaign_links(tree: Tree) -> None:
    from lantoa.campaigns.models import Campaign
    from lantoa.content.models import ContentItem

    def item(unit: Unit, slug: str, status: str) -> ContentItem:
        return ContentItem.objects.create(
            unit=unit, kind="brief", title=f"Định hướng {slug}", slug=slug, status=status
        )

    start, end = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
    may = Campaign.objects.create(
        name="Tháng Công nhân", owner=tree.vn, starts_on=start, ends_on=end
    )
    other = Campaign.objects.create(name="Của tỉnh B", owner=tree.pb, starts_on=start, ends_on=end)
    brief = item(tree.vn, "toan-quoc", "approved")
    cascade = make(tree.pa, instructions="", content_item=brief, campaign=may, send=True)
    assert (cascade.content_item_id, cascade.campaign_id) == (brief.pk, may.pk)
    make(tree.pa, campaign=may)  # a draft: not counted on the scoreboard
    assert selectors.campaign_cascade_ids(may.pk) == [cascade.pk]
    with pytest.raises(ValidationError) as exc:
        make(tree.pa, content_item=item(tree.pb, "tinh-b", "approved"), campaign=other)
    assert exc.value.message_dict == {
        "content_item": ["Chỉ gửi được nội dung của chính đơn vị gửi hoặc của cấp trên."],
        "campaign": ["Chiến dịch phải do đơn vị gửi hoặc cấp trên của đơn vị gửi chủ trì."],
    }
    with pytest.raises(ValidationError, match="chưa được duyệt"):
        make(tree.pa, content_item=item(tree.pa, "nhap", "draft"))


def test_announcements_never_queued_are_sent_by_the_sweep(tree: Tree, officers: Officers) -> None:
    from lantoa.cascades.tasks import announce_sweep

    cascade = make(tree.pa, send=True)
    # As if the broker was down when it was sent: not announced, sent a while ago.
    Cascade.objects.filter(pk=cascade.pk).update(
        announced_at=None, sent_at=timezone.now() - dt.timedelta(minutes=10)
    )
    Notification.objects.filter(kind="cascade.sent").delete()
    assert announce_sweep() == 1
    assert Notification.objects.filter(kind="cascade.sent").exists()
    cascade.refresh_from_db()
    assert cascade.announced_at is not None
    assert announce_sweep() == 0
