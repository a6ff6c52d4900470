"""Demo publications for ``lantoa demo``: a year of fanpage posts by the provincial federation
and its upper-level unions (what the posts-a-day targets and the dashboards count; some units
keep up, some lag), the province's published items on the public site (content's demo items
meant for it are published and scheduled here, through ``publication_site_now`` and
``publication_site_schedule``, as from the content page), a few grassroots
unions that put the Tết news on their bulletin board (recorded with a photo), a Facebook post
that failed with an expired page token (error 190, as officers would see it), and newsletter
subscribers. Written once; a second run changes nothing.

The demo cannot reach Facebook or Zalo: to try real posting against local stand-ins, run
``lantoa fakeplatforms`` and connect a page or OA (README, "Đăng bài lên các kênh").
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lantoa.accounts.models import User
from lantoa.channels.models import Channel, ChannelKind, ChannelStatus
from lantoa.connectors.errors import PermanentError
from lantoa.connectors.facebook.client import TOKEN_EXPIRED
from lantoa.content.demo import demo_release
from lantoa.content.models import ContentItem, ContentKind, ContentStatus
from lantoa.core.bulk import insert_rows
from lantoa.core.messages import Text
from lantoa.core.text import format_int
from lantoa.publishing import runner, services
from lantoa.publishing.models import Method, Publication, PublicationStatus, Subscriber
from lantoa.units.models import Unit, UnitKind, UnitStatus

# Facebook's words when a page token has expired (Graph error 190), as the runner stores them.
GRAPH_190 = "Error validating access token: Session has expired on Friday, 01-May-26 09:00:00 PDT."


def graph_190() -> PermanentError:
    return PermanentError(Text(TOKEN_EXPIRED, {"text": GRAPH_190}), code=190)


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (900, 600), (245, 240, 225))
    draw = ImageDraw.Draw(img)
    draw.rectangle((80, 60, 820, 540), outline=(120, 80, 40), width=14)
    draw.rectangle((140, 120, 520, 420), fill=(200, 16, 46))
    draw.rectangle((560, 120, 760, 260), fill=(11, 79, 156))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def _run_all(pubs: list[Publication]) -> None:
    for pub in pubs:
        if pub.next_attempt_at is not None:
            runner.publication_run(pk=pub.pk)


HISTORY_DAYS = 400
# Topics of the everyday posts on a union fanpage.
TOPICS = (
    "Tuyên truyền Bộ luật Lao động năm 2019 cho công nhân",
    "Thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn",
    "Tập huấn an toàn, vệ sinh lao động",
    "Đối thoại định kỳ tại doanh nghiệp",
    "Phổ biến chính sách bảo hiểm xã hội mới",
    "Hội thi tìm hiểu pháp luật lao động",
    "Phát triển đoàn viên, thành lập công đoàn cơ sở",
    "Chương trình Phúc lợi đoàn viên",
    "Tư vấn pháp luật miễn phí cho người lao động",
    "Gương sáng lao động giỏi, sáng kiến hay",
    "Hoạt động văn hóa, thể thao công nhân",
    "Ký kết thỏa ước lao động tập thể",
)


def _poisson(rng: random.Random, mean: float) -> int:
    """Posts on one day (Knuth's method; means here are small)."""
    limit, n, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return n
        n += 1


def _post_history(province: Unit, writer: User, today: dt.date) -> int:
    """A year of fanpage posts: the province near its 4 a day, its upper-level unions around
    their 2 a day, a few well under. One content item per post, as the studio would hold it;
    the same every run for the same day."""
    rng = random.Random(f"posts-{province.code}")  # noqa: S311 - demo data, not secrets
    units = list(
        Unit.objects.filter(ancestor_links__ancestor_id=province.pk, status=UnitStatus.ACTIVE)
        .exclude(kind=UnitKind.GRASSROOTS)
        .order_by("pk")
    )
    pages = {
        c.unit_id: c
        for c in Channel.objects.filter(
            unit__in=units, kind=ChannelKind.FACEBOOK_PAGE, status=ChannelStatus.ACTIVE
        ).order_by("-pk")
    }
    zone = timezone.get_current_timezone()
    made = 0
    for unit in units:
        page = pages.get(unit.pk)
        if page is None:
            continue
        mean = 4.4 if unit.pk == province.pk else rng.choice((2.4, 2.2, 2.1, 1.7, 0.8))
        items: list[ContentItem] = []
        when: list[dt.datetime] = []
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            for k in range(_poisson(rng, mean)):
                at = dt.datetime.combine(day, dt.time(7 + rng.randint(0, 13), rng.randint(0, 59)))
                at = at.replace(tzinfo=zone)
                topic = rng.choice(TOPICS)
                items.append(
                    ContentItem(
                        unit=unit,
                        kind=ContentKind.NEWS,
                        title=f"{topic} ({day:%d/%m/%Y})",
                        slug=f"bai-{day:%Y%m%d}-{k + 1}",
                        summary=f"{unit.short_name or unit.name}: {topic.lower()}.",
                        body=f"<p>{topic}.</p>",
                        author=writer,
                        status=ContentStatus.PUBLISHED,
                        published_at=at,
                        version=1,
                    )
                )
                when.append(at)
        insert_rows(items)
        saved = ContentItem.objects.filter(unit=unit, slug__startswith="bai-")
        # Dated as written then, not as loaded today (lists show when an item last changed).
        saved.update(created_at=F("published_at"), updated_at=F("published_at"))
        item_ids = dict(saved.values_list("slug", "pk"))
        page_id = page.url.rstrip("/").rsplit("/", 1)[-1] or str(page.pk)
        # Worked out once per page, not per post (a translation lookup each time).
        channel_name = f"{page.get_kind_display()}: {page.name}"[:255]
        pubs = []
        for n, (item, at) in enumerate(zip(items, when, strict=True)):
            post_id = f"{page.pk}{n:06d}"
            pubs.append(
                Publication(
                    item_id=item_ids[item.slug],
                    unit=unit,
                    channel=page,
                    method=Method.FACEBOOK,
                    channel_kind=ChannelKind.FACEBOOK_PAGE,
                    channel_name=channel_name,
                    status=PublicationStatus.PUBLISHED,
                    attempts=1,
                    first_attempt_at=at,
                    idempotency_key=services.new_key(),
                    external_id=post_id,
                    url=f"https://www.facebook.com/{page_id}/posts/{post_id}",
                    published_at=at,
                    created_by=writer,
                )
            )
        insert_rows(pubs)
        made += len(pubs)
    return made


def ensure_demo_publications(log: Any = None, as_of: dt.date | None = None) -> int:
    """Create the demo publications if there are none; returns how many were made. ``as_of``
    picks the year of content's demo items (``lantoa.campaigns.demo.scenario``)."""
    if Publication.objects.exists():
        return 0
    province = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE).order_by("pk").first()
    )
    writer = User.objects.filter(username="tuyengiao").first()
    if province is None or writer is None:
        return 0
    # Items published before without a site publication (none in the demo: content's demo
    # leaves its items approved, ``release`` below publishes them).
    published = list(
        ContentItem.objects.filter(unit=province, status=ContentStatus.PUBLISHED).order_by(
            "published_at", "pk"
        )
    )
    release = demo_release(as_of=as_of)
    if not published and not any(at is None for _, at in release):
        return 0
    made = 0
    with transaction.atomic():
        made += _post_history(province, writer, timezone.localdate())
        for item in published:
            pubs = services.publication_schedule(
                item=item, unit=province, keys=["site"], at=None, actor=writer
            )
            _run_all(pubs)
            made += len(pubs)
        # Content's demo items on the public site: now, or (the item becomes scheduled) at
        # their time, when publishing's sweep, the one clock, publishes them.
        for item, at in release:
            if at is None:
                pub = services.publication_site_now(item=item, actor=writer)
                _run_all([pub])
                published.append(item)
            else:
                services.publication_site_schedule(item=item, actor=writer, at=at)
            made += 1

        # The province's fanpage: the token expired before the post went out.
        page = (
            Channel.objects.filter(
                unit=province, kind=ChannelKind.FACEBOOK_PAGE, status=ChannelStatus.ACTIVE
            )
            .order_by("pk")
            .first()
        ) or Channel.objects.create(
            unit=province,
            kind=ChannelKind.FACEBOOK_PAGE,
            name=province.name,
            url="https://www.facebook.com/congdoan.demo",
        )
        first = published[0]
        now = timezone.now()
        Publication.objects.create(
            item=first,
            unit=province,
            channel=page,
            method=Method.FACEBOOK,
            channel_kind=ChannelKind.FACEBOOK_PAGE,
            channel_name=f"{page.get_kind_display()}: {page.name}"[:255],
            status=PublicationStatus.FAILED,
            attempts=1,
            first_attempt_at=now - dt.timedelta(hours=2),
            claimed_at=now - dt.timedelta(hours=2),
            idempotency_key=services.new_key(),
            last_error=str(graph_190()),
            last_error_text=graph_190().stored(),
            permanent_error=True,
            created_by=writer,
        )
        made += 1

        # Grassroots unions put the Tết news on their bulletin board, with a photo.
        boards = Channel.objects.filter(
            kind=ChannelKind.BULLETIN_BOARD,
            status=ChannelStatus.ACTIVE,
            unit__kind=UnitKind.GRASSROOTS,
            unit__ancestor_links__ancestor_id=province.pk,
        ).select_related("unit")
        for board in boards.order_by("pk")[:6]:
            if not services.may_publish_for(first, board.unit):
                continue
            try:
                (pub,) = services.publication_schedule(
                    item=first, unit=board.unit, keys=[f"c{board.pk}"], at=None, actor=writer
                )
                services.publication_record(
                    publication=pub,
                    actor=writer,
                    proof_photo=(io.BytesIO(_photo()), "bang-tin.jpg"),
                    posted_at=now - dt.timedelta(hours=5),
                    note="Đã dán tại bảng tin nhà ăn ca.",
                )
            except (ValidationError, PermissionDenied):  # not this unit's to act on: skip
                continue
            made += 1

        for n in range(1, 4):
            Subscriber.objects.get_or_create(
                unit=province,
                email=f"doanvien{n}@example.com",
                defaults={"token": secrets.token_urlsafe(32), "confirmed_at": now},
            )
        Subscriber.objects.get_or_create(
            unit=province,
            email="chua.xac.nhan@example.com",
            defaults={"token": secrets.token_urlsafe(32)},
        )
    if log is not None:
        log(
            f"Đã tạo {format_int(made)} lượt đăng trình diễn "
            "(trang tin công khai, bảng tin, Facebook lỗi)."
        )
    return made
