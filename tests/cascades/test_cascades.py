"""Cascades down the tree: who receives, the receiving unit's steps and proof, the roll-up
against the raw rows, drill-down, laggards, exports, reminders and access."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
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
from lantoa.notifications.models import Notification
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus
from lantoa.units.services import unit_create, unit_merge
from tests.conftest import Officers, Tree, login, make_officer


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def make(sender: Unit, actor: Any = None, *, send: bool = False, **kw: Any) -> Cascade:
    fields: dict[str, Any] = {
        "title": "Hướng dẫn tuyên truyền Tháng Công nhân năm 2026",
        "instructions": "Đăng lại bài và treo bảng tin trước ngày 30/4.",
        "actions": ["read"],
        "due_on": timezone.localdate() + dt.timedelta(days=7),
    }
    fields.update(kw)
    cascade = services.cascade_create(sender=sender, actor=actor, **fields)
    if send:
        services.cascade_send(cascade=cascade, actor=actor)
    return cascade


def recipient_codes(cascade: Cascade) -> set[str]:
    return set(
        CascadeRecipient.objects.filter(cascade=cascade).values_list("unit__code", flat=True)
    )


def row(cascade: Cascade, unit: Unit) -> CascadeRecipient:
    return CascadeRecipient.objects.select_related("cascade").get(cascade=cascade, unit=unit)


def jpeg(size: tuple[int, int] = (640, 480), *, exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 40))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (21.0, 35.0, 0.0)}  # GPSInfo
        exif[0x010F] = "Điện thoại thử"  # Make
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Tài liệu định hướng tuyên truyền")
    document.save(out)
    return out.getvalue()


# -- who receives ---------------------------------------------------------------------------


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
    assert errors["actions"] == ["Chọn ít nhất một việc cần làm trong danh sách."]
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
    assert default_storage.exists(image.file.name) and default_storage.exists(image.thumbnail.name)
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


# -- a receiving unit's steps -----------------------------------------------------------------


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
    with default_storage.open(r.proof_photo.name) as f:
        photo = Image.open(f)
        photo.load()
    assert photo.format == "JPEG" and photo.size == (3000, 1200)
    assert not photo.getexif()  # the GPS block is gone
    with default_storage.open(r.proof_thumbnail.name) as f:
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


# -- roll-up against the raw rows --------------------------------------------------------------


def _scatter(cascade: Cascade, seed: int) -> None:
    """Random states and times, some done after the deadline."""
    rng = random.Random(seed)
    deadline = cascade.deadline
    for r in CascadeRecipient.objects.filter(cascade=cascade):
        state = rng.choice(list(RecipientState.values))
        late = rng.random() < 0.4
        done_at = deadline + dt.timedelta(hours=3) if late else deadline - dt.timedelta(days=2)
        CascadeRecipient.objects.filter(pk=r.pk).update(
            state=state,
            received_at=None if state == "pending" else done_at,
            acknowledged_at=done_at if state in ("acknowledged", "done") else None,
            done_at=done_at if state == "done" else None,
        )


def expected_by_child(cascade_ids: Iterable[int], parent: Unit) -> dict[str, tuple[int, ...]]:
    """The roll-up computed in Python from the raw rows and the closure table."""
    deadlines = {c.pk: c.deadline for c in Cascade.objects.filter(pk__in=list(cascade_ids))}
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for child in Unit.objects.filter(parent=parent):
        below = set(
            UnitClosure.objects.filter(ancestor=child).values_list("descendant_id", flat=True)
        )
        for r in CascadeRecipient.objects.filter(cascade_id__in=deadlines, unit_id__in=below):
            figures = out[child.code]
            figures[0] += 1
            figures[1] += r.state != "pending"
            figures[2] += r.state in ("acknowledged", "done")
            figures[3] += r.state == "done"
            figures[4] += r.state == "done" and r.done_at < deadlines[r.cascade_id]
    return {code: tuple(v) for code, v in out.items()}


def test_rollup_matches_raw_rows(tree: Tree) -> None:
    # More units so that every state shows up under every child.
    for i in range(12):
        unit_create(
            code=f"A-N{i}",
            name=f"CĐCS Công ty {i}",
            kind=UnitKind.GRASSROOTS,
            parent=[tree.a_kcn, tree.a_xa][i % 2],
        )
        unit_create(code=f"B-N{i}", name=f"CĐCS B {i}", kind=UnitKind.GRASSROOTS, parent=tree.b_kcn)
    national = make(tree.vn, send=True)
    province = make(tree.pa, due_on=timezone.localdate() + dt.timedelta(days=2), send=True)
    _scatter(national, 1)
    _scatter(province, 2)
    for ids, parent in (
        ([national.pk], tree.vn),
        ([national.pk], tree.pa),
        ([national.pk], tree.a_kcn),
        ([province.pk], tree.pa),
        ([national.pk, province.pk], tree.pa),
    ):
        got = {c.unit.code: c.as_tuple() for c in selectors.completion_by_child(ids, parent)}
        assert got == expected_by_child(ids, parent), (ids, parent.code)
    rollup = selectors.rollup([national.pk], tree.pa)
    own = row(national, tree.pa)
    assert rollup.own.recipients == 1 and rollup.own.done == int(own.state == "done")
    total = [sum(c.as_tuple()[i] for c in rollup.children) for i in range(5)]
    own_figures = rollup.own.as_tuple()
    assert rollup.total.as_tuple() == tuple(a + b for a, b in zip(total, own_figures, strict=True))
    assert rollup.total.recipients == 1 + 2 + 3 + 12  # P-A, A-KCN, A-XA, G1-G3, A-N*
    children = selectors.completion_by_child([national.pk], tree.vn)
    assert [c.unit.code for c in children] == ["P-A", "P-B"]  # by kind, then name
    assert children[0].unit.name == tree.pa.name


def test_extending_due_date_rerates_on_time(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    late = cascade.deadline + dt.timedelta(hours=1)
    CascadeRecipient.objects.filter(cascade=cascade).update(state="done", done_at=late)
    assert sum(c.done_on_time for c in selectors.completion_by_child([cascade.pk], tree.pa)) == 0
    Cascade.objects.filter(pk=cascade.pk).update(due_on=cascade.due_on + dt.timedelta(days=1))
    assert sum(c.done_on_time for c in selectors.completion_by_child([cascade.pk], tree.pa)) == 5


def test_merged_unit_rows_roll_up_under_successor(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    services.recipient_advance(recipient=row(cascade, tree.a_g3), actor=None, state="done")
    # The commune union is merged into the industrial-zone union after the cascade went out.
    unit_merge(source=tree.a_xa, target=tree.a_kcn, on=timezone.localdate())
    got = {c.unit.code: c.as_tuple() for c in selectors.completion_by_child([cascade.pk], tree.pa)}
    assert got == {"A-KCN": (5, 1, 1, 1, 1)}


# -- laggards -----------------------------------------------------------------------------------


def test_laggards_not_done_pending_first(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    services.recipient_advance(recipient=row(cascade, tree.a_g1), actor=None, state="done")
    services.recipient_advance(recipient=row(cascade, tree.a_g2), actor=None, state="acknowledged")
    services.recipient_advance(recipient=row(cascade, tree.a_xa), actor=None, state="received")
    codes = [r.unit.code for r in selectors.laggards([cascade.pk], tree.pa)]
    assert codes == ["A-KCN", "A-G3", "A-XA", "A-G2"]
    assert [r.unit.code for r in selectors.laggards([cascade.pk], tree.a_kcn)] == [
        "A-KCN",
        "A-G2",
    ]


def test_laggards_overdue_cascade_first(tree: Tree) -> None:
    soon = make(tree.pa, title="Sớm", send=True)
    later = make(tree.pa, title="Muộn", due_on=timezone.localdate() + dt.timedelta(days=30))
    services.cascade_send(cascade=later, actor=None)
    Cascade.objects.filter(pk=soon.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    titles = [r.cascade.title for r in selectors.laggards([later.pk, soon.pk], tree.a_xa)]
    assert titles == ["Sớm", "Sớm", "Muộn", "Muộn"]


# -- screens ------------------------------------------------------------------------------------


def test_create_and_send_from_the_form(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_propaganda)
    assert client.get("/trien-khai/P-A/tao-moi/").status_code == 200
    bad = client.post(
        "/trien-khai/P-A/tao-moi/",
        {
            "title": "Infographic Tết",
            "actions": ["republish"],
            "due_on": (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
            "target": "chosen",
            "attachments": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")],
            "gui": "1",
        },
    )
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Chọn ít nhất một loại hoặc một cấp đơn vị nhận." in text
    assert not Cascade.objects.exists()
    bad = client.post(
        "/trien-khai/P-A/tao-moi/",
        {
            "title": "Infographic Tết",
            "actions": ["republish"],
            "due_on": (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
            "target": "all",
            "attachments": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")],
            "gui": "1",
        },
    )
    assert "“virus.pdf” không được nhận" in bad.content.decode()
    assert not Cascade.objects.exists()
    ok = client.post(
        "/trien-khai/P-A/tao-moi/",
        {
            "title": "Infographic Tết",
            "actions": ["republish", "board"],
            "due_on": (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
            "target": "chosen",
            "target_kinds": ["grassroots"],
            "links": "https://congdoan.example.vn/tet\n",
            "attachments": [SimpleUploadedFile("info.png", jpeg())],
            "gui": "1",
        },
    )
    cascade = Cascade.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/trien-khai/chi-tiet/{cascade.pk}/"
    assert cascade.status == CascadeStatus.SENT
    assert cascade.links == ["https://congdoan.example.vn/tet"]
    assert recipient_codes(cascade) == {"A-G1", "A-G2", "A-G3"}
    page = client.get(ok["Location"])
    assert page.status_code == 200
    assert "Đơn vị chưa thực hiện (3)" in page.content.decode()


def test_draft_preview_then_send(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    cascade = make(tree.pa, target_kinds=["grassroots"])
    page = client.get(f"/trien-khai/chi-tiet/{cascade.pk}/")
    assert "Khi gửi, 3 đơn vị đang hoạt động sẽ nhận." in page.content.decode()
    response = client.post(f"/trien-khai/chi-tiet/{cascade.pk}/gui/")
    assert response.status_code == 302
    assert CascadeRecipient.objects.filter(cascade=cascade).count() == 3
    # A communicator of the province may look but not send or close.
    login(client, officers.a_communicator)
    assert client.post(f"/trien-khai/chi-tiet/{cascade.pk}/ket-thuc/").status_code == 403


def test_drill_down_and_scope(client: Client, tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, send=True)
    login(client, officers.a_admin)
    top = client.get(f"/trien-khai/chi-tiet/{cascade.pk}/").content.decode()
    assert "Công đoàn các Khu công nghiệp tỉnh An Giang" in top
    assert "Công đoàn phường Mỹ Bình" in top
    drilled = client.get(f"/trien-khai/chi-tiet/{cascade.pk}/?don-vi=A-KCN")
    assert drilled.status_code == 200
    rollup = drilled.context["rollup"]
    assert {c.unit.code for c in rollup.children} == {"A-G1", "A-G2"}
    assert rollup.total.recipients == 3  # A-KCN itself and its two grassroots units
    assert [u.code for u in drilled.context["path"]] == ["P-A", "A-KCN"]
    assert client.get(f"/trien-khai/chi-tiet/{cascade.pk}/?don-vi=B-KCN").status_code == 404
    assert client.get(f"/trien-khai/chi-tiet/{cascade.pk}/?don-vi=KHONG").status_code == 404


def test_receiving_unit_sees_only_its_rows(client: Client, tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, target_kinds=["grassroots"], send=True)
    services.recipient_advance(recipient=row(cascade, tree.a_g3), actor=None, state="received")
    # A communicator at the industrial zone: the cascade, and the rows of A-G1 and A-G2 only.
    login(client, officers.a_communicator)
    page = client.get(f"/trien-khai/chi-tiet/{cascade.pk}/")
    assert page.status_code == 200
    assert page.context["unit"] == tree.a_kcn
    assert {r.unit.code for r in page.context["laggards"].object_list} == {"A-G1", "A-G2"}
    assert page.context["rollup"].total.recipients == 2
    for code in ("P-A", "A-XA", "A-G3"):
        url = f"/trien-khai/chi-tiet/{cascade.pk}/?don-vi={code}"
        assert client.get(url).status_code == 404, code
    # A viewer at a grassroots unit: its own row only.
    login(client, officers.a_viewer)
    page = client.get(f"/trien-khai/chi-tiet/{cascade.pk}/")
    assert page.context["unit"] == tree.a_g1
    assert [r.unit.code for r in page.context["laggards"].object_list] == ["A-G1"]
    assert client.get(f"/trien-khai/chi-tiet/{cascade.pk}/?don-vi=A-G2").status_code == 404
    assert client.get(f"/trien-khai/A-G2/nhan/{cascade.pk}/").status_code == 404


def test_province_b_never_sees_a(client: Client, tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, attachments=[(io.BytesIO(pdf()), "a.pdf")], send=True)
    draft = make(tree.pa)
    done = services.recipient_advance(
        recipient=row(cascade, tree.a_g1),
        actor=None,
        state="done",
        proof_photo=(io.BytesIO(jpeg()), "x.jpg"),
    )
    attachment = cascade.attachments.get()
    login(client, officers.b_admin)
    for url in (
        f"/trien-khai/chi-tiet/{cascade.pk}/",
        f"/trien-khai/chi-tiet/{draft.pk}/",
        f"/trien-khai/chi-tiet/{draft.pk}/sua/",
        f"/trien-khai/chi-tiet/{cascade.pk}/xuat/?bang=tong-hop&dinh-dang=csv",
        f"/trien-khai/tep/{attachment.pk}/",
        f"/trien-khai/minh-chung/{done.pk}/",
        f"/trien-khai/A-G1/nhan/{cascade.pk}/",
        "/trien-khai/P-A/",
        "/trien-khai/A-G1/nhan/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/trien-khai/chi-tiet/{cascade.pk}/ket-thuc/",
        f"/trien-khai/chi-tiet/{draft.pk}/gui/",
        f"/trien-khai/chi-tiet/{draft.pk}/sua/",
        f"/trien-khai/chi-tiet/{draft.pk}/xoa/",
        f"/trien-khai/A-G1/nhan/{cascade.pk}/",
    ):
        assert client.post(url, {"buoc": "done"}).status_code == 404, url
    assert selectors.visible_cascades(officers.b_admin).count() == 0
    assert Cascade.objects.get(pk=draft.pk).status == CascadeStatus.DRAFT


def test_drafts_hidden_from_receivers(client: Client, tree: Tree, officers: Officers) -> None:
    draft = make(tree.pa)
    login(client, officers.a_leader)  # the sender's own officers see their drafts
    assert client.get(f"/trien-khai/chi-tiet/{draft.pk}/").status_code == 200
    for officer in (officers.a_communicator, officers.a_viewer):
        login(client, officer)
        assert client.get(f"/trien-khai/chi-tiet/{draft.pk}/").status_code == 404


def test_receive_page_buttons_and_permissions(
    client: Client, tree: Tree, officers: Officers
) -> None:
    cascade = make(tree.pa, actions=["read", "republish"], send=True)
    url = f"/trien-khai/A-G1/nhan/{cascade.pk}/"
    login(client, officers.a_viewer)
    page = client.get(url).content.decode()
    assert "chỉ có quyền xem" in page
    assert client.post(url, {"buoc": "received"}).status_code == 403
    assert row(cascade, tree.a_g1).state == RecipientState.PENDING
    login(client, officers.a_communicator)  # communicator of the industrial zone above A-G1
    page = client.get(url).content.decode()
    assert 'value="received"' in page and "Bắt buộc đường dẫn bài đăng lại" in page
    assert client.post(url, {"buoc": "received"}).status_code == 302
    assert row(cascade, tree.a_g1).state == RecipientState.RECEIVED
    bad = client.post(url, {"buoc": "done", "proof_links": "https://www.facebook.com/"})
    assert bad.status_code == 400
    assert "chỉ là trang chủ Facebook" in bad.content.decode()
    ok = client.post(
        url,
        {
            "buoc": "done",
            "proof_links": "https://www.facebook.com/cdcs.anhduong/posts/99",
            "proof_photo": SimpleUploadedFile("anh.jpg", jpeg()),
            "note": "Đăng lúc 9 giờ",
        },
    )
    assert ok.status_code == 302
    r = row(cascade, tree.a_g1)
    assert r.state == RecipientState.DONE and r.done_by_id == officers.a_communicator.pk
    assert r.proof_links == ["https://www.facebook.com/cdcs.anhduong/posts/99"]
    photo = client.get(f"/trien-khai/minh-chung/{r.pk}/?nho=1")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    # The viewer of A-G1 sees its own proof; a viewer elsewhere in the province does not.
    other = make_officer("xem_g3", tree.a_g3, Role.VIEWER)
    login(client, other)
    assert client.get(f"/trien-khai/minh-chung/{r.pk}/").status_code == 404


def test_inbox_lists_open_cascades(client: Client, tree: Tree, officers: Officers) -> None:
    from_above = make(tree.pa, title="Từ tỉnh", send=True)
    own_cascade = make(tree.a_kcn, title="Của KCN", send=True)
    login(client, officers.a_communicator)
    page = client.get("/trien-khai/A-KCN/nhan/")
    titles = [e.cascade.title for e in page.context["entries"]]
    assert titles == ["Từ tỉnh"]  # a unit's own cascades are under "Đã gửi xuống"
    entry = page.context["entries"][0]
    assert (entry.recipients, entry.done, entry.own.unit_id) == (3, 0, tree.a_kcn.pk)
    assert own_cascade.pk not in [e.cascade.pk for e in page.context["entries"]]
    units = (tree.pa, tree.a_kcn, tree.a_g1, tree.a_g2)

    def open_inboxes() -> list[bool]:
        found = [selectors.has_open_inbox(u) for u in units]
        assert found == [bool(selectors.inbox(u)) for u in units]
        return found

    assert open_inboxes() == [False, True, True, True]
    for unit in (tree.a_kcn, tree.a_g1):
        services.recipient_advance(recipient=row(from_above, unit), actor=None, state="done")
    assert open_inboxes() == [False, True, True, True]  # A-G1 still has the KCN's own
    services.recipient_advance(recipient=row(from_above, tree.a_g2), actor=None, state="done")
    assert client.get("/trien-khai/A-KCN/nhan/").context["entries"] == []
    assert open_inboxes() == [False, False, True, True]
    assert len(client.get("/trien-khai/A-KCN/nhan/?tat-ca=1").context["entries"]) == 1
    sent = client.get("/trien-khai/A-KCN/")
    assert [c.title for c, _ in sent.context["rows"]] == ["Của KCN"]


def test_index_redirects_to_the_officers_unit(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_viewer)
    assert client.get("/trien-khai/")["Location"] == "/trien-khai/A-G1/nhan/"
    login(client, officers.a_admin)
    assert client.get("/trien-khai/")["Location"] == "/trien-khai/P-A/"


# -- exports --------------------------------------------------------------------------------------


def test_exports_csv_and_xlsx(client: Client, tree: Tree, officers: Officers) -> None:
    import openpyxl

    cascade = make(tree.pa, send=True)
    services.recipient_advance(recipient=row(cascade, tree.a_g1), actor=None, state="done")
    services.recipient_advance(recipient=row(cascade, tree.a_g2), actor=None, state="received")
    login(client, officers.a_admin)
    base = f"/trien-khai/chi-tiet/{cascade.pk}/xuat/"
    response = client.get(base + "?bang=tong-hop&dinh-dang=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Mã đơn vị", "Đơn vị", "Loại đơn vị", "Số đơn vị nhận"]
    # Children by kind (commune before industrial zone), then name.
    assert rows[1][0] == "A-XA" and rows[1][3:8] == ["2", "0", "0", "0", "0"]
    assert rows[2][:2] == ["A-KCN", "Công đoàn các Khu công nghiệp tỉnh An Giang"]
    assert rows[2][3:8] == ["3", "2", "1", "1", "1"]
    assert rows[3][3:9] == ["5", "2", "1", "1", "1", "20.0"]
    response = client.get(base + "?bang=cham-tre&dinh-dang=xlsx&don-vi=A-KCN")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    values = list(book.active.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == ["A-KCN", "A-G2"]
    assert values[2][6] == "Đã nhận"
    assert AuditEvent.objects.filter(action="cascade.export").count() == 2
    assert client.get(base + "?bang=khac&dinh-dang=csv").status_code == 404
    login(client, officers.a_communicator)  # sees the cascade, may not export
    assert client.get(base + "?bang=tong-hop&dinh-dang=csv").status_code == 403


# -- notices ---------------------------------------------------------------------------------------


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
    assert by_user["tt_g1"].url == "/trien-khai/"
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
    now = timezone.now()
    with django_assert_max_num_queries(20):
        sent = services.cascades_remind(now=now)
    notices = Notification.objects.filter(kind="cascade.due")
    assert sent == notices.count() == 31  # 30 grassroots officers + the zone communicator
    zone = notices.get(user=officers.a_communicator)
    assert "31 đơn vị thuộc phạm vi phụ trách chưa báo cáo" in zone.body  # A-G2 + 30 new
    assert "Nhắc hạn triển khai" in zone.title
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


def test_demo_cascades_once(tree: Tree) -> None:
    from lantoa.cascades.demo import ensure_demo_cascades

    assert ensure_demo_cascades() == 3
    month, tet, draft = Cascade.objects.order_by("pk")
    assert (month.sender, month.recipient_count, month.status) == (tree.pa, 3, "sent")
    assert recipient_codes(tet) == {"A-KCN", "A-XA"}
    assert draft.status == CascadeStatus.DRAFT
    assert month.attachments.get().kind == "docx"
    done = CascadeRecipient.objects.filter(cascade=tet, state="done")
    assert all(r.proof_photo.name and default_storage.exists(r.proof_photo.name) for r in done)
    assert ensure_demo_cascades() == 0
    assert Cascade.objects.count() == 3


def test_edit_draft_screen_and_prefill(client: Client, tree: Tree, officers: Officers) -> None:
    from lantoa.content.models import ContentItem

    brief = ContentItem.objects.create(
        unit=tree.pa, kind="brief", title="Định hướng tháng 5", slug="dh-5", status="approved"
    )
    login(client, officers.a_propaganda)
    page = client.get(f"/trien-khai/P-A/tao-moi/?noi-dung={brief.pk}")
    assert page.context["form"].initial == {"content_item": brief.pk, "title": "Định hướng tháng 5"}
    draft = make(tree.pa, attachments=[(io.BytesIO(pdf()), "cu.pdf")])
    old = draft.attachments.get()
    response = client.post(
        f"/trien-khai/chi-tiet/{draft.pk}/sua/",
        {
            "title": "Đã sửa",
            "instructions": "Nội dung mới",
            "actions": ["read"],
            "due_on": draft.due_on.strftime("%d/%m/%Y"),
            "target": "chosen",
            "target_levels": ["1"],
            "remove_attachments": [str(old.pk)],
            "luu": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.target_levels, draft.status) == ("Đã sửa", [1], "draft")
    assert not draft.attachments.exists()
    services.cascade_send(cascade=draft, actor=None)
    again = client.get(f"/trien-khai/chi-tiet/{draft.pk}/sua/")
    assert again.status_code == 302 and again["Location"] == f"/trien-khai/chi-tiet/{draft.pk}/"
    assert recipient_codes(draft) == {"A-KCN", "A-XA"}


def test_form_offers_recent_content_and_keeps_the_chosen_one(tree: Tree) -> None:
    """A province posts thousands of items a year: the form offers what changed in the last
    90 days (approved or published), and an older item already on a cascade stays chosen."""
    from lantoa.cascades.forms import CascadeForm
    from lantoa.cascades.models import Cascade
    from lantoa.content.models import ContentItem

    def item(slug: str, days_ago: int, status: str = "published") -> ContentItem:
        it = ContentItem.objects.create(
            unit=tree.pa, kind="news", title=slug, slug=slug, status=status
        )
        ContentItem.objects.filter(pk=it.pk).update(
            updated_at=timezone.now() - dt.timedelta(days=days_ago)
        )
        return it

    fresh, old, draft = item("moi", 5), item("cu", 120), item("nhap", 1, status="draft")
    offered = set(CascadeForm(sender=tree.pa).fields["content_item"].queryset)  # type: ignore[attr-defined]
    assert fresh in offered and old not in offered and draft not in offered
    cascade = Cascade.objects.create(
        sender=tree.pa, title="Cũ", actions=["read"], due_on=dt.date(2026, 12, 1), content_item=old
    )
    kept = set(CascadeForm(sender=tree.pa, cascade=cascade).fields["content_item"].queryset)  # type: ignore[attr-defined]
    assert old in kept and fresh in kept
