"""Demo cascades for ``lantoa demo``: what the demo province sent down and how far its units
got, so that the roll-up, the laggards and the inboxes have something to show.

The cascades are created and sent through the services (so the recipient rows are the real
INSERT … SELECT); the units' progress is then written in bulk with varied, deterministic
times in the past, as a seeder does, rather than through one service call per unit.

They follow the demo's ``as_of`` day (``lantoa.campaigns.demo.scenario``): the May brief is that
of the scenario's year, sent on 15/4 and due on 30/4 of it, and closed once its due date is more
than a month past (the May cascade does not sit months overdue); the others were sent days
before the day after ``as_of``.
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
from lantoa.campaigns.demo import MAY_MOMENT, scenario
from lantoa.campaigns.models import Campaign
from lantoa.cascades import services
from lantoa.cascades.models import Cascade, CascadeRecipient, RecipientState
from lantoa.content.models import ContentItem
from lantoa.core import private_files
from lantoa.core.bulk import update_rows
from lantoa.units.models import UPPER_LEVEL_KINDS, Unit, UnitKind, UnitStatus

DEMO_SEED = 2026
STEMS = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
BRANCHES = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")


def lunar_year_name(year: int) -> str:
    """The sexagenary name of the lunar year that begins in ``year``: 2027 → "Đinh Mùi"."""
    return f"{STEMS[(year - 4) % 10]} {BRANCHES[(year - 4) % 12]}"


def _brief_docx(year: int) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(f"Đề cương tuyên truyền Tháng Công nhân năm {year}", level=1)
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
    now: dt.datetime,
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


def ensure_demo_cascades(as_of: dt.date | None = None) -> int:
    """Create the demo cascades once (nothing when any cascade exists); returns how many.
    ``as_of`` is the last day of the demo's history (yesterday unless told otherwise)."""
    if Cascade.objects.exists():
        return 0
    province = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE).order_by("pk").first()
    )
    if province is None:
        return 0
    actor = User.objects.filter(username="tuyengiao").first()
    rng = random.Random(DEMO_SEED)  # noqa: S311 - deterministic demo data, not security
    sc = scenario(as_of)
    today = sc.today
    # Now, moved to the demo's day (the same moment when as_of is yesterday).
    tz_now = timezone.now() + (today - timezone.localdate())
    year = sc.year
    tet_year = today.year if today.month <= 2 else today.year + 1  # the coming Tết

    def valid(due_on: dt.date) -> dt.date:
        """A due date the services accept today (the demo's day may be another; the cascade
        is then backdated to its own)."""
        return max(due_on, timezone.localdate())

    soon = today + dt.timedelta(days=7)
    # The studio's demo (run before this one) wrote the May campaign and its guidance brief.
    may = (
        Campaign.objects.filter(owner=province, moment_key=MAY_MOMENT)
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
            title=f"Hướng dẫn tuyên truyền Tháng Công nhân năm {year}",
            instructions=(
                f"Các công đoàn cơ sở đăng lại bài hưởng ứng Tháng Công nhân năm {year} trên "
                "trang Facebook, nhóm Zalo của đơn vị; phổ biến đề cương kèm theo trong buổi "
                "sinh hoạt tổ công đoàn. Báo cáo “Đã thực hiện” kèm đường dẫn bài đăng trước "
                "ngày 30/4."
            ),
            actions=["read", "republish"],
            due_on=valid(soon),
            target_kinds=[UnitKind.GRASSROOTS],
            content_item=brief,
            campaign=may,
            links=[f"https://www.congdoan.vn/thang-cong-nhan-{year}"],
            attachments=[
                (
                    io.BytesIO(_brief_docx(year)),
                    f"De-cuong-tuyen-truyen-Thang-Cong-nhan-{year}.docx",
                )
            ],
        )
        services.cascade_send(cascade=month, actor=actor)
        sent = timezone.make_aware(dt.datetime(year, 4, 15, 8, 30))
        if sent < tz_now - dt.timedelta(days=20):
            _backdate(month, sent=sent, due_on=dt.date(year, 4, 30))
        else:
            _backdate(month, sent=tz_now, due_on=soon)
        _progress(
            month,
            shares=(0.78, 0.08, 0.06),
            late_share=0.15,
            photo=False,
            rng=rng,
            now=tz_now,
            done_first=demo_units,
        )
        if month.due_on < today - dt.timedelta(days=30):
            # Long past: the province closed it two weeks after the due date.
            services.cascade_close(cascade=month, actor=actor)
            closed = timezone.make_aware(dt.datetime.combine(month.due_on, dt.time(17, 0)))
            closed += dt.timedelta(days=14)
            Cascade.objects.filter(pk=month.pk).update(closed_at=closed, updated_at=closed)

        tet = services.cascade_create(
            sender=province,
            actor=actor,
            title=f"Infographic “Tết Sum vầy – Xuân {lunar_year_name(tet_year)} {tet_year}”",
            instructions=(
                "Công đoàn cấp trên trực tiếp cơ sở đăng infographic trên kênh của đơn vị và "
                "in khổ A0 treo tại bảng tin khu nhà trọ công nhân; gửi ảnh chụp bảng tin."
            ),
            actions=["republish", "board"],
            due_on=valid(today + dt.timedelta(days=5)),
            target_kinds=list(UPPER_LEVEL_KINDS),
            attachments=[(io.BytesIO(_picture(7)), f"infographic-tet-sum-vay-{tet_year}.jpg")],
        )
        services.cascade_send(cascade=tet, actor=actor)
        _backdate(tet, sent=tz_now - dt.timedelta(days=2), due_on=today + dt.timedelta(days=5))
        _progress(
            tet,
            shares=(0.4, 0.2, 0.2),
            late_share=0.0,
            photo=True,
            rng=rng,
            now=tz_now,
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
            due_on=valid(today + dt.timedelta(days=21)),
            target_kinds=[*UPPER_LEVEL_KINDS, UnitKind.GRASSROOTS],
        )
        services.cascade_send(cascade=law, actor=actor)
        _backdate(law, sent=tz_now - dt.timedelta(days=3), due_on=today + dt.timedelta(days=21))
        _progress(
            law,
            shares=(0.12, 0.18, 0.25),
            late_share=0.0,
            photo=False,
            rng=rng,
            now=tz_now,
            keep_open=demo_units,
        )
    return 3
