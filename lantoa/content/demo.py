"""Demo content for ``lantoa demo``: the items of the demo campaigns (``lantoa.campaigns.demo``,
found by name) in every workflow state, a few versions, and images and a guidance brief in the
media library. Written through the services (so versions, events and audit rows exist as they
would), once: a second run changes nothing.

Content takes its items as far as approved; the two it means to be on the province's public
site now and the one it means to be there on 28/7 are published and scheduled by publishing's
demo (``demo_release`` names them), through publishing's services, so that they have their
site publications like any item published from the content page.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantoa.accounts.models import User
from lantoa.campaigns.demo import Scenario, scenario
from lantoa.campaigns.models import Campaign
from lantoa.content.models import ContentItem, ContentStatus, MediaAsset
from lantoa.content.services import (
    content_approve,
    content_create,
    content_return,
    content_submit,
    content_update,
    media_upload,
)
from lantoa.units.models import Unit, UnitKind, UnitStatus


def tet_news(sc: Scenario) -> str:
    return f"Chợ Tết Công đoàn {sc.tet_year}: hơn 3.000 suất quà đến tay đoàn viên"


def may_infographic(sc: Scenario) -> str:
    return f"Infographic: Tháng Công nhân {sc.year} có gì?"


def founding_article(sc: Scenario) -> str:
    return f"{sc.anniversary} năm Công đoàn Việt Nam: những dấu mốc"


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


def _pdf(title: str, year: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setTitle(title)
    c.drawString(72, 770, f"Huong dan tuyen truyen - Thang Cong nhan {year}")
    c.showPage()
    c.save()
    return out.getvalue()


def _upload(unit: Unit, actor: Any, data: bytes, name: str, title: str) -> MediaAsset:
    return media_upload(
        unit=unit,
        file=io.BytesIO(data),
        size=len(data),
        original_name=name,
        actor=actor,
        title=title,
    )


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _province() -> Unit | None:
    return (
        Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE).order_by("pk").first()
    )


def ensure_demo_content(as_of: dt.date | None = None) -> int:
    """Create the demo campaigns' content items if they have none; returns how many. The
    campaigns are those of the scenario seen from ``as_of`` (``campaigns.demo.scenario``)."""
    province = _province()
    if province is None:
        return 0
    sc = scenario(as_of)
    names = (sc.tet, sc.may, sc.safety, sc.founding)
    campaigns = {c.name: c for c in Campaign.objects.filter(owner=province, name__in=names)}
    if len(campaigns) < 4 or ContentItem.objects.filter(campaign__in=campaigns.values()).exists():
        return 0  # the campaigns come first (lantoa.campaigns.demo); the items only once
    writer, leader = _user("tuyengiao"), _user("lanhdao")
    if writer is None or leader is None:
        return 0  # the demo accounts come first (lantoa.accounts.demo)
    active = Unit.objects.filter(status=UnitStatus.ACTIVE)
    zone = active.filter(kind=UnitKind.INDUSTRIAL_ZONE, parent=province).order_by("pk").first()
    communicator = _user("truyenthong")
    tet, may, safety, founding = (campaigns[n] for n in names)

    with transaction.atomic():
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
            _pdf("Định hướng", sc.year),
            "dinh-huong.pdf",
            f"Định hướng tuyên truyền Tháng Công nhân {sc.year}",
        )

        def approve(item: Any) -> None:
            content_submit(item=item, actor=writer)
            content_approve(item=item, actor=leader, comment="Đồng ý đăng.")

        news = content_create(
            unit=province,
            kind="news",
            title=tet_news(sc),
            author=writer,
            campaign=tet,
            summary="Chợ Tết Công đoàn năm nay có 40 gian hàng 0 đồng.",
            body="<p>Sáng nay, Liên đoàn Lao động tỉnh tổ chức Chợ Tết Công đoàn.</p>",
            tags=["Tết Sum vầy", "chăm lo đoàn viên"],
            media=[banner],
        )
        content_update(
            item=news,
            actor=writer,
            body="<p>Sáng nay, Liên đoàn Lao động tỉnh tổ chức <strong>Chợ Tết Công đoàn</strong> "
            "với 40 gian hàng 0 đồng.</p><ul><li>3.000 suất quà</li><li>500 vé xe về quê</li></ul>",
        )
        approve(news)

        info = content_create(
            unit=province,
            kind="infographic",
            title=may_infographic(sc),
            author=writer,
            campaign=may,
            media=[poster],
            tags=["Tháng Công nhân"],
        )
        approve(info)

        brief = content_create(
            unit=province,
            kind="brief",
            title=f"Định hướng tuyên truyền Tháng Công nhân {sc.year}",
            author=writer,
            campaign=may,
            summary="Nội dung trọng tâm, khẩu hiệu và lịch đăng bài cho các cấp công đoàn.",
            attachment=brief_pdf,
        )
        approve(brief)

        video = content_create(
            unit=province,
            kind="video",
            title="Clip: Kỹ năng an toàn khi vận hành máy dập",
            author=writer,
            campaign=safety,
            video_url="https://www.youtube.com/watch?v=demo-atvsld",
            summary="Video 3 phút hướng dẫn thao tác an toàn.",
        )
        content_submit(item=video, actor=writer)  # waiting for review

        if zone is not None and communicator is not None:
            story = content_create(
                unit=zone,
                kind="news",
                title="Công nhân khu công nghiệp hưởng ứng Tháng hành động ATVSLĐ",
                author=communicator,
                campaign=safety,
                body="<p>Hơn 2.000 công nhân tham gia diễn tập phòng cháy.</p>",
            )
            content_submit(item=story, actor=communicator)
            content_return(
                item=story,
                actor=leader,
                comment="Bổ sung ảnh và tên doanh nghiệp tham gia diễn tập.",
            )

        article = content_create(
            unit=province,
            kind="news",
            title=founding_article(sc),
            author=writer,
            campaign=founding,
            body="<h2>1929</h2><p>Ngày 28/7/1929, Tổng Công hội Đỏ Bắc Kỳ ra đời.</p>",
        )
        approve(article)

        content_create(
            unit=province,
            kind="livestream",
            title="Tọa đàm trực tuyến: Người lao động hỏi — Công đoàn trả lời",
            author=writer,
            campaign=may,
            livestream_url="https://www.facebook.com/congdoan/live",
            livestream_at=timezone.make_aware(dt.datetime(sc.year, 5, 20, 20, 0)),
        )
        content_create(
            unit=province,
            kind="press_release",
            title=f"Thông cáo báo chí: Lễ phát động Tháng Công nhân {sc.year}",
            author=writer,
            campaign=may,
            body="<p>Bản nháp thông cáo.</p>",
        )
    return ContentItem.objects.filter(campaign__in=campaigns.values()).count()


def demo_release(
    now: dt.datetime | None = None, as_of: dt.date | None = None
) -> list[tuple[ContentItem, dt.datetime | None]]:
    """The approved demo items that go on the province's public site: now (``None``), in the
    order they were written, or at their time (the 28/7 article: at 7:00 that day, or in
    three days once that has passed). Empty once they are out (or before they are made)."""
    province = _province()
    if province is None:
        return []
    now = now or timezone.now()
    sc = scenario(as_of)
    at = timezone.make_aware(dt.datetime(sc.year, 7, 28, 7, 0))
    if at <= now:
        at = now + dt.timedelta(days=3)
    plan: list[tuple[str, str, dt.datetime | None]] = [
        (sc.tet, tet_news(sc), None),
        (sc.may, may_infographic(sc), None),
        (sc.founding, founding_article(sc), at),
    ]
    out: list[tuple[ContentItem, dt.datetime | None]] = []
    for campaign, title, when in plan:
        item = (
            ContentItem.objects.filter(
                unit=province,
                campaign__owner=province,
                campaign__name=campaign,
                title=title,
                status=ContentStatus.APPROVED,
            )
            .order_by("pk")
            .first()
        )
        if item is not None:
            out.append((item, when))
    return out
