"""Demo cascades for ``lantoa demo``: what the demo province sent down and how far its units
got, so that the roll-up, the laggards and the inboxes have something to show.

The cascades are created and sent through the services (so the recipient rows are the real
INSERT … SELECT); the units' progress is then written in bulk with varied, deterministic
times in the past, as a seeder does, rather than through one service call per unit.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Set as AbstractSet

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from lantoa.accounts.models import Membership, User
from lantoa.campaigns.models import Campaign
from lantoa.cascades import services
from lantoa.cascades.models import Cascade, CascadeRecipient, RecipientState
from lantoa.content.models import ContentItem
from lantoa.core import private_files
from lantoa.core.bulk import update_rows
from lantoa.units.models import UPPER_LEVEL_KINDS, Unit, UnitKind, UnitStatus

DEMO_SEED = 2026


def _brief_docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Đề cương tuyên truyền Tháng Công nhân năm 2026", level=1)
    for line in (
        "Chủ đề: “Công nhân lao động vững bước vào kỷ nguyên mới”.",
        "1. Tuyên truyền ý nghĩa lịch sử Ngày Quốc tế Lao động 1/5 và Tháng Công nhân.",
        "2. Giới thiệu chính sách, pháp luật mới liên quan trực tiếp đến người lao động: "
        "Luật Công đoàn năm 2024, Bộ luật Lao động, chính sách bảo hiểm xã hội.",
        "3. Biểu dương đoàn viên, người lao động tiêu biểu; lan tỏa các sáng kiến ở cơ sở.",
        "4. Hình thức: đăng lại bài trên trang Facebook, nhóm Zalo của công đoàn cơ sở; treo băng "
        "rôn, khẩu hiệu; phát trên loa truyền thanh nội bộ giờ nghỉ giữa ca.",
    ):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _picture(seed: int, size: tuple[int, int] = (960, 640)) -> bytes:
    """A plain coloured picture standing in for an infographic or a bulletin-board photo."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - deterministic demo data, not security
    image = Image.new("RGB", size, (200, 16, 46))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        y = rng.randint(0, size[1])
        draw.rectangle((0, y, size[0], y + rng.randint(20, 90)), fill=(242, 183, 5 + i * 20))
    draw.ellipse((size[0] // 2 - 90, 60, size[0] // 2 + 90, 240), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _progress(
    cascade: Cascade,
    *,
    shares: tuple[float, float, float],
    late_share: float,
    photo: bool,
    rng: random.Random,
    keep_open: AbstractSet[int] = frozenset(),
    done_first: AbstractSet[int] = frozenset(),
) -> None:
    """Give the recipients states (shares of done, acknowledged, received; the rest pending)
    with times between the send and a few days past the due date. The units in
    ``keep_open`` (those of the demo accounts) are left with something to do; those in
    ``done_first`` have done it (an old cascade must not sit overdue on a demo account)."""
    assert cascade.sent_at is not None
    rows = list(CascadeRecipient.objects.filter(cascade=cascade).select_related("unit"))
    rng.shuffle(rows)
    # Stable: the units that have done it first, the demo units left open last.
    rows.sort(key=lambda r: (r.unit_id not in done_first, r.unit_id in keep_open))
    n = len(rows)
    done_n, ack_n, rec_n = (round(n * s) for s in shares)
    deadline = cascade.deadline
    now = timezone.now()
    span = max((min(deadline, now) - cascade.sent_at).total_seconds(), 3600.0)
    for index, row in enumerate(rows):
        if index >= done_n + ack_n + rec_n:
            break
        at = cascade.sent_at + dt.timedelta(seconds=rng.uniform(0.1, 1.0) * span)
        if index < done_n and rng.random() < late_share and deadline < now:
            at = deadline + dt.timedelta(hours=rng.randint(2, 96))
        at = min(at, now)
        row.received_at = at - dt.timedelta(hours=rng.randint(2, 30))
        if row.received_at < cascade.sent_at:
            row.received_at = cascade.sent_at + dt.timedelta(minutes=rng.randint(5, 90))
        row.state = RecipientState.RECEIVED
        if index < done_n + ack_n:
            row.acknowledged_at = max(row.received_at, at - dt.timedelta(hours=1))
            row.state = RecipientState.ACKNOWLEDGED
        if index < done_n:
            row.done_at = max(row.acknowledged_at or at, at)
            row.state = RecipientState.DONE
            slug = row.unit.code.lower().replace(".", "-")
            row.proof_links = [
                f"https://www.facebook.com/cdcs.{slug}/posts/{rng.randint(10**9, 10**10)}"
            ]
            if photo:
                data = _picture(rng.randint(0, 10**6), (640, 480))
                row.proof_photo.name = private_files.save(
                    f"cascades/{row.unit_id}", "jpg", ContentFile(data)
                )
                row.proof_thumbnail.name = row.proof_photo.name
            if rng.random() < 0.3:
                row.note = rng.choice(
                    (
                        "Đã đăng trên trang Facebook và nhóm Zalo của công đoàn cơ sở.",
                        "Phát trên loa nội bộ giờ nghỉ giữa ca, ba ngày liên tiếp.",
                        "Đã treo bảng tin ở nhà ăn ca và cổng công ty.",
                        "Phổ biến trong buổi sinh hoạt tổ công đoàn.",
                    )
                )
    # The pending rest is left as sent.
    update_rows(
        rows[: done_n + ack_n + rec_n],
        [
            "state",
            "received_at",
            "acknowledged_at",
            "done_at",
            "proof_links",
            "proof_photo",
            "proof_thumbnail",
            "note",
        ],
    )


def _backdate(cascade: Cascade, *, sent: dt.datetime, due_on: dt.date) -> None:
    Cascade.objects.filter(pk=cascade.pk).update(created_at=sent, sent_at=sent, due_on=due_on)
    cascade.refresh_from_db()


def ensure_demo_cascades() -> int:
    """Create the demo cascades once (nothing when any cascade exists); returns how many."""
    if Cascade.objects.exists():
        return 0
    province = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE).order_by("pk").first()
    )
    if province is None:
        return 0
    actor = User.objects.filter(username="tuyengiao").first()
    rng = random.Random(DEMO_SEED)  # noqa: S311 - deterministic demo data, not security
    today = timezone.localdate()
    tz_now = timezone.now()
    soon = today + dt.timedelta(days=7)
    # The studio's demo (run before this one) wrote the May campaign and its guidance brief.
    may = (
        Campaign.objects.filter(owner=province, moment_key="thang-cong-nhan")
        .order_by("-starts_on")
        .first()
    )
    brief = (
        ContentItem.objects.filter(
            unit=province, kind="brief", status__in=services.SENDABLE_CONTENT
        )
        .order_by("pk")
        .first()
    )
    demo_units = set(
        Membership.objects.filter(user__username__in=("xem", "truyenthong")).values_list(
            "unit_id", flat=True
        )
    )
    with transaction.atomic():
        month = services.cascade_create(
            sender=province,
            actor=actor,
            title="Hướng dẫn tuyên truyền Tháng Công nhân năm 2026",
            instructions=(
                "Các công đoàn cơ sở đăng lại bài hưởng ứng Tháng Công nhân năm 2026 trên "
                "trang Facebook, nhóm Zalo của đơn vị; phổ biến đề cương kèm theo trong buổi "
                "sinh hoạt tổ công đoàn. Báo cáo “Đã thực hiện” kèm đường dẫn bài đăng trước "
                "ngày 30/4."
            ),
            actions=["read", "republish"],
            due_on=soon,
            target_kinds=[UnitKind.GRASSROOTS],
            content_item=brief,
            campaign=may,
            links=["https://www.congdoan.vn/thang-cong-nhan-2026"],
            attachments=[
                (io.BytesIO(_brief_docx()), "De-cuong-tuyen-truyen-Thang-Cong-nhan-2026.docx")
            ],
        )
        services.cascade_send(cascade=month, actor=actor)
        sent = timezone.make_aware(dt.datetime(2026, 4, 15, 8, 30))
        if sent < tz_now - dt.timedelta(days=20):
            _backdate(month, sent=sent, due_on=dt.date(2026, 4, 30))
        _progress(
            month,
            shares=(0.78, 0.08, 0.06),
            late_share=0.15,
            photo=False,
            rng=rng,
            done_first=demo_units,
        )

        tet = services.cascade_create(
            sender=province,
            actor=actor,
            title="Infographic “Tết Sum vầy – Xuân Đinh Mùi 2027”",
            instructions=(
                "Công đoàn cấp trên trực tiếp cơ sở đăng infographic trên kênh của đơn vị và "
                "in khổ A0 treo tại bảng tin khu nhà trọ công nhân; gửi ảnh chụp bảng tin."
            ),
            actions=["republish", "board"],
            due_on=today + dt.timedelta(days=5),
            target_kinds=list(UPPER_LEVEL_KINDS),
            attachments=[(io.BytesIO(_picture(7)), "infographic-tet-sum-vay-2027.jpg")],
        )
        services.cascade_send(cascade=tet, actor=actor)
        _backdate(tet, sent=tz_now - dt.timedelta(days=2), due_on=tet.due_on)
        _progress(
            tet,
            shares=(0.4, 0.2, 0.2),
            late_share=0.0,
            photo=True,
            rng=rng,
            keep_open=demo_units,
        )

        # Sent three days ago to every unit below the province, due in three weeks: what the
        # demo accounts of a grassroots and an upper-level union have to do now.
        law = services.cascade_create(
            sender=province,
            actor=actor,
            title="Tuyên truyền Luật Công đoàn năm 2024 — đợt 2",
            instructions=(
                "Phổ biến các điểm mới của Luật Công đoàn năm 2024 tới đoàn viên trong buổi "
                "sinh hoạt công đoàn hoặc giờ nghỉ giữa ca; báo cáo “Đã thực hiện” kèm số người "
                "tham dự."
            ),
            actions=["read", "outreach"],
            due_on=today + dt.timedelta(days=21),
            target_kinds=[*UPPER_LEVEL_KINDS, UnitKind.GRASSROOTS],
        )
        services.cascade_send(cascade=law, actor=actor)
        _backdate(law, sent=tz_now - dt.timedelta(days=3), due_on=law.due_on)
        _progress(
            law,
            shares=(0.12, 0.18, 0.25),
            late_share=0.0,
            photo=False,
            rng=rng,
            keep_open=demo_units,
        )
    return 3
