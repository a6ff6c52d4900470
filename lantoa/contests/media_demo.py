"""Demo video and photo contests for ``lantoa demo``: the province's finished photo contest
(photos drawn with Pillow, one rejected with a reason, two judges' scores where the jury has
officers to draw on, a day's votes and a burst of votes from new phone numbers flagged and
annulled by the organisers, results published) and its video clip contest running now
(links to the entrants' own posts, one waiting for moderation, votes coming in). Written
through the services at past server times; a second run finds the contests and changes
nothing."""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from lantoa.contests import entry, media
from lantoa.contests.models import Contest, ContestKind, Criterion, Entrant, MediaEntry
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus
from lantoa.units.seed import person_name

PHOTO_SLUG = "anh-dep-nguoi-lao-dong"
VIDEO_SLUG = "clip-net-dep-cong-nhan"

PHOTOS = (
    ("Ca đêm ở xưởng may", (37, 99, 235)),
    ("Bữa cơm công đoàn", (234, 88, 12)),
    ("Nụ cười nơi công trường", (22, 163, 74)),
    ("Giờ nghỉ giữa ca", (147, 51, 234)),
    ("Đoàn viên tình nguyện hiến máu", (220, 38, 38)),
    ("Ảnh chụp màn hình điện thoại", (100, 116, 139)),  # rejected: not a photograph
)
CLIPS = (
    ("Một ngày của nữ công nhân điện tử", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("Công đoàn đồng hành cùng người lao động", "https://www.facebook.com/watch/?v=1020304050"),
    ("Nhảy dân vũ giờ nghỉ trưa", "https://www.tiktok.com/@congnhan/video/7312345678901234567"),
    ("Tết sum vầy — chuyến xe công đoàn", "https://youtu.be/abcdefghijk"),
    ("Bếp ăn ca ba", "https://www.youtube.com/shorts/zyxwvutsrqp"),
)
RULES = (
    "Đối tượng: đoàn viên, người lao động trong các cấp công đoàn của tỉnh.\n"
    "Mỗi người gửi tối đa 3 tác phẩm do chính mình thực hiện. Tác phẩm được ban tổ chức kiểm "
    "duyệt trước khi hiển thị.\n"
    "Điểm cuối cùng gồm 70% điểm ban giám khảo và 30% điểm bình chọn; mỗi số điện thoại được "
    "bình chọn một lần cho mỗi tác phẩm mỗi ngày."
)


@dataclass
class DemoMediaTotals:
    contests: int = 0
    entries: int = 0
    votes: int = 0


def _photo(title: str, colour: tuple[int, int, int], rng: random.Random) -> bytes:
    """A 1200×800 picture: a gradient with a few shapes (a "photo" nobody owns)."""
    img = Image.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(img)
    for y in range(0, 800, 8):
        shade = tuple(min(255, c + y // 8) for c in colour)
        draw.rectangle((0, y, 1200, y + 8), fill=shade)
    for _ in range(6):
        x, y, r = rng.randint(100, 1100), rng.randint(100, 700), rng.randint(30, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), outline="white", width=6)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _entrants(
    rng: random.Random, contest: Contest, units: list[Unit], count: int, at: dt.datetime
) -> list[Entrant]:
    people = []
    for i in range(count):
        unit = units[i % len(units)]
        person, code = entry.entrant_register(
            contest=contest,
            full_name=person_name(rng),
            birth_date=dt.date(rng.randint(1975, 2003), rng.randint(1, 12), rng.randint(1, 28)),
            phone="09" + "".join(rng.choice("0123456789") for _ in range(8)),
            unit=unit,
            workplace=unit.employer_name,
            now=at,
        )
        people.append(entry.entrant_verify(entrant=person, code=code, now=at))
    return people


def _vote(
    rng: random.Random, contest: Contest, work: MediaEntry, at: dt.datetime, totals: DemoMediaTotals
) -> None:
    phone = "08" + "".join(rng.choice("0123456789") for _ in range(8))
    voter, code, _number = media.voter_start(contest=contest, phone=phone, now=at)
    media.voter_verify(voter=voter, code=code, now=at)
    try:
        media.vote_cast(entry=work, voter=voter, now=at + dt.timedelta(seconds=20))
    except ValidationError:  # the same random number twice: one vote is enough
        return
    totals.votes += 1


def _jury(contest: Contest, rng: random.Random) -> None:
    """Invite up to two officers of the province (or above) and have them score every
    approved work they may score."""
    candidates = list(media.judge_candidates(contest)[:2])
    criteria = list(Criterion.objects.filter(contest=contest))
    for user in candidates:
        judge = media.judge_invite(contest=contest, user=user)
        conflicts = media.conflicted_entries(judge)
        for work in MediaEntry.objects.filter(contest=contest, status="approved"):
            if work.pk in conflicts:
                continue
            media.score_set(
                entry=work,
                actor=user,
                values={c.pk: rng.randint(max(1, c.max_score // 2), c.max_score) for c in criteria},
            )


def ensure_demo_media_contests(*, seed: int = 1, now: dt.datetime | None = None) -> DemoMediaTotals:
    totals = DemoMediaTotals()
    province = (
        Unit.objects.filter(status=UnitStatus.ACTIVE, kind=UnitKind.PROVINCE).order_by("pk").first()
    )
    if province is None:
        return totals
    if Contest.objects.filter(unit=province, slug__in=[PHOTO_SLUG, VIDEO_SLUG]).exists():
        return totals
    grassroots = list(
        Unit.objects.filter(
            pk__in=UnitClosure.objects.filter(ancestor_id=province.pk).values("descendant_id"),
            kind=UnitKind.GRASSROOTS,
            status=UnitStatus.ACTIVE,
        ).order_by("-member_count", "code")[:6]
    )
    if not grassroots:
        return totals
    rng = random.Random(f"{seed}:media-contests")  # noqa: S311 - demo data
    now = now or timezone.now()
    day = dt.timedelta(days=1)
    with transaction.atomic():
        # The finished photo contest: entries from 6 weeks ago to 3, votes until 2 weeks ago.
        start = now - 42 * day
        has_jury = media.judge_candidates_exist(province)
        photo = media.media_contest_create(
            unit=province,
            kind=ContestKind.PHOTO,
            title="Ảnh đẹp người lao động",
            rules=RULES,
            entries_open_at=start,
            entries_close_at=start + 21 * day,
            voting_open_at=start + 7 * day,
            voting_close_at=start + 28 * day,
            max_upload_mb=15,
            formats=["jpeg", "png", "webp"],
            allow_links=False,
            entries_per_entrant=3,
            vote_rule="day",
            jury_weight=70 if has_jury else 0,
            public_weight=30 if has_jury else 100,
        )
        Contest.objects.filter(pk=photo.pk).update(slug=PHOTO_SLUG)
        for name, weight in (("Nội dung, thông điệp", 3), ("Bố cục, kỹ thuật", 2), ("Sáng tạo", 1)):
            media.criterion_add(contest=photo, name=name, weight=weight, max_score=10)
        media.services.contest_submit(contest=photo)
        media.services.contest_approve(contest=photo)
        people = _entrants(rng, photo, grassroots, len(PHOTOS), start + day)
        works = []
        for i, (person, (title, colour)) in enumerate(zip(people, PHOTOS, strict=True)):
            data = _photo(title, colour, rng)
            work = media.entry_submit(
                contest=photo,
                entrant=person,
                title=title,
                description=f"Ảnh chụp tại {person.unit.name}.",
                upload=io.BytesIO(data),
                upload_size=len(data),
                now=start + (2 + i) * day,
            )
            works.append(work)
        for work in works[:-1]:
            media.entry_moderate(entry=work, approve=True)
        media.entry_moderate(
            entry=works[-1],
            approve=False,
            reason="Tác phẩm là ảnh chụp màn hình, không phải ảnh do tác giả chụp.",
        )
        totals.entries += len(works)
        if has_jury:
            _jury(photo, rng)
        for n in range(40):
            work = works[min(int(rng.random() ** 1.5 * 5), 4)]
            _vote(rng, photo, work, start + 8 * day + n * 11 * dt.timedelta(hours=1), totals)
        # A burst: 22 new numbers vote for one work within four minutes; the organisers
        # look and annul them.
        burst_at = start + 20 * day
        for n in range(22):
            _vote(rng, photo, works[3], burst_at + n * dt.timedelta(seconds=10), totals)
        media.flagged_votes_decide(
            contest=photo,
            keep=False,
            reason="22 số điện thoại mới bình chọn cho một tác phẩm trong 4 phút: phiếu ảo.",
        )
        media.winners_set(contest=photo, count=3)
        media.media_results_publish(contest=photo, now=now)

        # The video clip contest running now: entries until 10 days ahead, votes until 20.
        start = now - 10 * day
        video = media.media_contest_create(
            unit=province,
            kind=ContestKind.VIDEO,
            title="Clip: Nét đẹp công nhân",
            rules=RULES,
            entries_open_at=start,
            entries_close_at=start + 20 * day,
            voting_open_at=start + 5 * day,
            voting_close_at=start + 30 * day,
            max_upload_mb=200,
            formats=["mp4", "webm", "mov"],
            allow_links=True,
            entries_per_entrant=3,
            vote_rule="day",
            jury_weight=70,
            public_weight=30,
        )
        Contest.objects.filter(pk=video.pk).update(slug=VIDEO_SLUG)
        for name, weight in (("Nội dung, thông điệp", 2), ("Hình ảnh, âm thanh", 1)):
            media.criterion_add(contest=video, name=name, weight=weight, max_score=10)
        media.services.contest_submit(contest=video)
        media.services.contest_approve(contest=video)
        people = _entrants(rng, video, grassroots, len(CLIPS), start + day)
        clips = [
            media.entry_submit(
                contest=video,
                entrant=person,
                title=title,
                description="Tác phẩm đăng trên trang cá nhân của tác giả.",
                link_url=url,
                now=start + (1 + i) * day,
            )
            for i, (person, (title, url)) in enumerate(zip(people, CLIPS, strict=True))
        ]
        for clip in clips[:-1]:
            media.entry_moderate(entry=clip, approve=True)
        totals.entries += len(clips)
        for n in range(18):
            clip = clips[rng.randint(0, len(clips) - 2)]
            at = start + 5 * day + n * 6 * dt.timedelta(hours=1)
            if at < now:
                _vote(rng, video, clip, at, totals)
        totals.contests = 2
    return totals
