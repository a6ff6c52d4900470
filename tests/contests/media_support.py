"""Helpers for the video and photo contest tests: a contest of province A made through the
services (entries and votes open around ``NOW``), approved by the system, with a rubric;
entrants verified by their one-time code; photos drawn with Pillow; voters."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image

from lantoa.contests import entry, media
from lantoa.contests.models import Contest, Entrant, MediaEntry, Voter
from lantoa.units.models import Unit

NOW = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def photo_bytes(
    colour: str = "navy", size: tuple[int, int] = (800, 600), fmt: str = "JPEG"
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def video_contest(
    unit: Unit,
    *,
    kind: str = "video",
    jury: int = 70,
    public: int = 30,
    rule: str = "day",
    approve: bool = True,
    criteria: tuple[tuple[str, int, int], ...] = (("Nội dung", 3, 10), ("Kỹ thuật", 1, 5)),
    **values: Any,
) -> Contest:
    settings = {
        "entries_open_at": NOW - 10 * DAY,
        "entries_close_at": NOW + 10 * DAY,
        "voting_open_at": NOW - 5 * DAY,
        "voting_close_at": NOW + 20 * DAY,
        "max_upload_mb": 5,
        "formats": ["mp4", "webm", "mov"] if kind == "video" else ["jpeg", "png", "webp"],
        "allow_links": True,
        "entries_per_entrant": 3,
        "vote_rule": rule,
        "jury_weight": jury,
        "public_weight": public,
        **values,
    }
    contest = media.media_contest_create(
        unit=unit,
        kind=kind,
        title="Clip: Nét đẹp công nhân" if kind == "video" else "Ảnh đẹp người lao động",
        rules="Mỗi người gửi tối đa ba tác phẩm của chính mình.",
        **settings,
    )
    for name, weight, top in criteria:
        media.criterion_add(contest=contest, name=name, weight=weight, max_score=top)
    if approve:
        media.services.contest_submit(contest=contest)
        media.services.contest_approve(contest=contest)
    return contest


def entrant(contest: Contest, unit: Unit, phone: str, name: str = "Nguyễn Văn An") -> Entrant:
    person, code = entry.entrant_register(
        contest=contest,
        full_name=name,
        birth_date=dt.date(1990, 1, 1),
        phone=phone,
        unit=unit,
        now=NOW,
    )
    return entry.entrant_verify(entrant=person, code=code, now=NOW)


def link_entry(
    contest: Contest, person: Entrant, title: str, *, approve: bool = True, n: int = 1
) -> MediaEntry:
    work = media.entry_submit(
        contest=contest,
        entrant=person,
        title=title,
        link_url=f"https://www.youtube.com/watch?v=clip{n:05d}",
        now=NOW,
    )
    if approve:
        media.entry_moderate(entry=work, approve=True)
    return work


def voter(contest: Contest, phone: str, at: dt.datetime = NOW) -> Voter:
    person, code, _number = media.voter_start(contest=contest, phone=phone, now=at)
    return media.voter_verify(voter=person, code=code, now=at)
