"""Demo campaigns and content for ``lantoa demo``: the province's Tết Sum vầy, Tháng Công
nhân, ATVSLĐ month and 28/7 campaigns, with content items in every workflow state, a few
versions, and images and a guidance brief in the media library. Written through the services
(so versions, events and audit rows exist as they would), once: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantoa.accounts.models import User
from lantoa.campaigns.models import Campaign
from lantoa.campaigns.services import campaign_create, moment_seed_defaults
from lantoa.content import services as content
from lantoa.content.models import MediaAsset
from lantoa.units.models import Unit, UnitKind, UnitStatus

MARKER = "Tháng Công nhân 2026"


def _png(text_color: tuple[int, int, int], size: tuple[int, int] = (1200, 800)) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (11, 79, 156))
    draw = ImageDraw.Draw(img)
    draw.rectangle((60, 60, size[0] - 60, size[1] - 60), outline=text_color, width=12)
    draw.ellipse(
        (size[0] // 2 - 150, size[1] // 2 - 150, size[0] // 2 + 150, size[1] // 2 + 150),
        fill=text_color,
    )
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _pdf(title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setTitle(title)
    c.drawString(72, 770, "Huong dan tuyen truyen - Thang Cong nhan 2026")
    c.showPage()
    c.save()
    return out.getvalue()


def _upload(unit: Unit, actor: Any, data: bytes, name: str, title: str) -> MediaAsset:
    return content.media_upload(
        unit=unit,
        file=io.BytesIO(data),
        size=len(data),
        original_name=name,
        actor=actor,
        title=title,
    )


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def ensure_demo_campaigns() -> int:
    """Create the demo campaigns if the marker campaign is missing; returns how many."""
    if Campaign.objects.filter(name=MARKER).exists():
        return 0
    active = Unit.objects.filter(status=UnitStatus.ACTIVE)
    root = active.filter(kind=UnitKind.NATIONAL).first()
    province = active.filter(kind=UnitKind.PROVINCE).order_by("pk").first()
    if root is None or province is None:
        return 0
    writer, leader = _user("tuyengiao"), _user("lanhdao")
    if writer is None or leader is None:
        return 0  # the demo accounts come first (lantoa.accounts.demo)
    zone = active.filter(kind=UnitKind.INDUSTRIAL_ZONE, parent=province).order_by("pk").first()
    communicator = _user("truyenthong")
    now = timezone.now()
    year = 2026

    with transaction.atomic():
        moment_seed_defaults(unit=root)
        tet = campaign_create(
            owner=province,
            actor=writer,
            name="Tết Sum vầy 2026",
            starts_on=dt.date(year, 1, 18),
            ends_on=dt.date(year, 2, 16),
            objectives="Chăm lo Tết cho đoàn viên, người lao động có hoàn cảnh khó khăn; "
            "không để người lao động nào không có Tết.",
            audiences=["members_workers", "employers", "community"],
            key_message="Công đoàn đồng hành, Tết ấm người lao động.",
            slogan="Tết Sum vầy — Xuân chia sẻ",
            planned_channels=["facebook_page", "zalo_oa", "zalo_group", "loudspeaker"],
            moment_key="tet-sum-vay",
        )
        may = campaign_create(
            owner=province,
            actor=writer,
            name=MARKER,
            starts_on=dt.date(year, 5, 1),
            ends_on=dt.date(year, 5, 31),
            objectives="Lan toả các hoạt động chăm lo, bảo vệ quyền lợi người lao động; "
            "100% công đoàn cơ sở tổ chức ít nhất một hoạt động hưởng ứng.",
            audiences=["members_workers", "officers", "employers", "press"],
            key_message="Người lao động là trung tâm; công đoàn là chỗ dựa tin cậy.",
            slogan="Công nhân lao động hạnh phúc, doanh nghiệp phát triển",
            planned_channels=["facebook_page", "zalo_oa", "website", "bulletin_board"],
            moment_key="thang-cong-nhan",
        )
        safety = campaign_create(
            owner=province,
            actor=writer,
            name="Tháng hành động về An toàn, vệ sinh lao động 2026",
            starts_on=dt.date(year, 5, 1),
            ends_on=dt.date(year, 5, 31),
            participant_kinds=["industrial_zone", "grassroots"],
            objectives="Giảm tai nạn lao động; tuyên truyền kỹ năng an toàn ở khu công nghiệp.",
            audiences=["members_workers", "employers"],
            key_message="An toàn để lao động, lao động để sống an toàn.",
            planned_channels=["zalo_group", "loudspeaker", "bulletin_board"],
            moment_key="thang-atvsld",
        )
        founding = campaign_create(
            owner=province,
            actor=writer,
            name="Kỷ niệm 97 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2026)",
            starts_on=dt.date(year, 7, 15),
            ends_on=dt.date(year, 7, 31),
            audiences=["party_government", "officers", "members_workers", "press"],
            key_message="97 năm Công đoàn Việt Nam đồng hành cùng người lao động.",
            slogan="Tự hào truyền thống — Vững bước tương lai",
            planned_channels=["facebook_page", "zalo_oa", "website", "press_partner"],
            moment_key="thanh-lap-cong-doan",
        )

        banner = _upload(
            province, writer, _png((242, 183, 5)), "tet-sum-vay.png", "Ảnh chợ Tết Công đoàn"
        )
        poster = _upload(
            province,
            writer,
            _png((200, 16, 46)),
            "thang-cong-nhan.png",
            "Infographic Tháng Công nhân",
        )
        brief_pdf = _upload(
            province,
            writer,
            _pdf("Định hướng"),
            "dinh-huong.pdf",
            "Định hướng tuyên truyền Tháng Công nhân 2026",
        )

        def approve(item: Any) -> None:
            content.content_submit(item=item, actor=writer)
            content.content_approve(item=item, actor=leader, comment="Đồng ý đăng.")

        news = content.content_create(
            unit=province,
            kind="news",
            title="Chợ Tết Công đoàn 2026: hơn 3.000 suất quà đến tay đoàn viên",
            author=writer,
            campaign=tet,
            summary="Chợ Tết Công đoàn năm nay có 40 gian hàng 0 đồng.",
            body="<p>Sáng nay, Liên đoàn Lao động tỉnh tổ chức Chợ Tết Công đoàn.</p>",
            tags=["Tết Sum vầy", "chăm lo đoàn viên"],
            media=[banner],
        )
        content.content_update(
            item=news,
            actor=writer,
            body="<p>Sáng nay, Liên đoàn Lao động tỉnh tổ chức <strong>Chợ Tết Công đoàn</strong> "
            "với 40 gian hàng 0 đồng.</p><ul><li>3.000 suất quà</li><li>500 vé xe về quê</li></ul>",
        )
        approve(news)
        content.content_publish(item=news, actor=writer)

        info = content.content_create(
            unit=province,
            kind="infographic",
            title="Infographic: Tháng Công nhân 2026 có gì?",
            author=writer,
            campaign=may,
            media=[poster],
            tags=["Tháng Công nhân"],
        )
        approve(info)
        content.content_publish(item=info, actor=writer)

        brief = content.content_create(
            unit=province,
            kind="brief",
            title="Định hướng tuyên truyền Tháng Công nhân 2026",
            author=writer,
            campaign=may,
            summary="Nội dung trọng tâm, khẩu hiệu và lịch đăng bài cho các cấp công đoàn.",
            attachment=brief_pdf,
        )
        approve(brief)

        video = content.content_create(
            unit=province,
            kind="video",
            title="Clip: Kỹ năng an toàn khi vận hành máy dập",
            author=writer,
            campaign=safety,
            video_url="https://www.youtube.com/watch?v=demo-atvsld",
            summary="Video 3 phút hướng dẫn thao tác an toàn.",
        )
        content.content_submit(item=video, actor=writer)  # waiting for review

        if zone is not None and communicator is not None:
            story = content.content_create(
                unit=zone,
                kind="news",
                title="Công nhân khu công nghiệp hưởng ứng Tháng hành động ATVSLĐ",
                author=communicator,
                campaign=safety,
                body="<p>Hơn 2.000 công nhân tham gia diễn tập phòng cháy.</p>",
            )
            content.content_submit(item=story, actor=communicator)
            content.content_return(
                item=story,
                actor=leader,
                comment="Bổ sung ảnh và tên doanh nghiệp tham gia diễn tập.",
            )

        article = content.content_create(
            unit=province,
            kind="news",
            title="97 năm Công đoàn Việt Nam: những dấu mốc",
            author=writer,
            campaign=founding,
            body="<h2>1929</h2><p>Ngày 28/7/1929, Tổng Công hội Đỏ Bắc Kỳ ra đời.</p>",
        )
        approve(article)
        at = timezone.make_aware(dt.datetime(year, 7, 28, 7, 0))
        if at <= now:
            at = now + dt.timedelta(days=3)
        content.content_schedule(item=article, actor=writer, at=at)

        content.content_create(
            unit=province,
            kind="livestream",
            title="Tọa đàm trực tuyến: Người lao động hỏi — Công đoàn trả lời",
            author=writer,
            campaign=may,
            livestream_url="https://www.facebook.com/congdoan/live",
            livestream_at=timezone.make_aware(dt.datetime(year, 5, 20, 20, 0)),
        )
        content.content_create(
            unit=province,
            kind="press_release",
            title="Thông cáo báo chí: Lễ phát động Tháng Công nhân 2026",
            author=writer,
            campaign=may,
            body="<p>Bản nháp thông cáo.</p>",
        )
    return 4
