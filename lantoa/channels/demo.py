"""Demo channels for ``lantoa seed``: the pages, Zalo groups, boards and loudspeakers of every
unit of the sample tree, with monthly audience figures (a ``SEED`` demo builder).

Deterministic: each unit draws from its own ``random.Random`` seeded from the run's seed and
the unit's code, so the same seed gives the same channels whatever the size of the tree.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable

from django.db import transaction

from lantoa.channels.models import Channel, ChannelKind, ChannelStat
from lantoa.core.text import fold
from lantoa.units.models import Unit, UnitKind
from lantoa.units.seed import BATCH, person_name

ZALO_GROUP_LIMIT = 1000  # a Zalo group holds at most 1.000 members

Log = Callable[[str], None]


def _slug(text: str, limit: int = 40) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())[:limit]


def _month_starts(count: int, as_of: dt.date) -> list[dt.date]:
    """First days of the ``count`` months up to ``as_of``, oldest first."""
    year, month = as_of.year, as_of.month
    days = []
    for _ in range(count):
        days.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return days[::-1]


class ChannelSeeder:
    """Queues the channels and their monthly figures, writes them in batches."""

    def __init__(self, *, seed: int, as_of: dt.date) -> None:
        self.seed = seed
        self.as_of = as_of
        self.channels = 0
        self.stats = 0
        self._channels: list[Channel] = []
        self._stats: list[ChannelStat] = []
        self._big_seen = 0

    def run(self) -> tuple[int, int]:
        with transaction.atomic():
            for unit in Unit.objects.order_by("depth", "code").iterator(chunk_size=BATCH):
                self.unit(unit)
                if len(self._channels) >= BATCH:
                    self._flush()
            self._flush()
        return self.channels, self.stats

    def unit(self, unit: Unit) -> None:
        rng = random.Random(f"{self.seed}:channels:{unit.code}")  # noqa: S311 - demo data
        if unit.kind == UnitKind.NATIONAL:
            press = ("Báo Lao Động", "Tạp chí Lao động và Công đoàn")
            self._top_channels(rng, unit, "Công đoàn Việt Nam", "congdoanvietnam", press)
        elif unit.kind == UnitKind.PROVINCE:
            name = (unit.short_name or unit.name).removeprefix("LĐLĐ ")
            press = (f"Báo {name}", f"Đài Phát thanh – Truyền hình {name}")
            self._top_channels(rng, unit, f"Công đoàn {name}", "congdoan" + _slug(name), press)
        elif unit.kind != UnitKind.GRASSROOTS:
            self._upper_channels(rng, unit)
        else:
            if unit.member_count >= 1000:
                self._big_seen += 1
            self._grassroots_channels(rng, unit, self._big_seen)

    def _channel(
        self,
        rng: random.Random,
        unit: Unit,
        kind: str,
        name: str,
        *,
        url: str = "",
        identifier: str = "",
        audience: int = 0,
        months: int = 0,
    ) -> Channel:
        """A channel; online ones get ``months`` monthly audience figures that grow to
        ``audience``."""
        channel = Channel(
            unit=unit,
            kind=kind,
            name=name[:255],
            url=url,
            identifier=identifier,
            owner=person_name(rng),
        )
        if months and audience:
            start = audience * rng.uniform(0.45, 0.85)
            days = _month_starts(months, self.as_of)
            value = 0
            for i, day in enumerate(days):
                share = i / (len(days) - 1) if len(days) > 1 else 1.0
                trend = start + (audience - start) * share
                value = max(
                    value, round(trend * rng.uniform(0.97, 1.0)) if i < len(days) - 1 else audience
                )
                self._stats.append(ChannelStat(channel=channel, recorded_on=day, audience=value))
            channel.audience, channel.audience_on = value, days[-1]
        self._channels.append(channel)
        return channel

    def _top_channels(
        self, rng: random.Random, unit: Unit, label: str, slug: str, press: tuple[str, ...]
    ) -> None:
        scale = 8 if unit.kind == UnitKind.NATIONAL else 1
        k = ChannelKind
        self._channel(
            rng,
            unit,
            k.FACEBOOK_PAGE,
            label,
            url=f"https://www.facebook.com/{slug}",
            audience=scale * rng.randint(6000, 60000),
            months=12,
        )
        oa_id = rng.randint(10**17, 10**18)
        self._channel(
            rng,
            unit,
            k.ZALO_OA,
            label,
            url=f"https://zalo.me/{oa_id}",
            audience=scale * rng.randint(2000, 30000),
            months=12,
        )
        self._channel(
            rng,
            unit,
            k.WEBSITE,
            f"Trang thông tin điện tử {unit.name}",
            url=f"https://{slug}.org.vn",
            audience=scale * rng.randint(3000, 20000),
            months=12,
        )
        self._channel(
            rng,
            unit,
            k.YOUTUBE,
            label,
            url=f"https://www.youtube.com/@{slug}",
            audience=scale * rng.randint(500, 15000),
            months=12,
        )
        self._channel(
            rng,
            unit,
            k.TIKTOK,
            label,
            url=f"https://www.tiktok.com/@{slug}",
            audience=scale * rng.randint(1000, 40000),
            months=8,
        )
        for partner in press:
            self._channel(
                rng,
                unit,
                k.PRESS_PARTNER,
                partner,
                identifier="Chuyên mục Công đoàn – Người lao động",
            )

    def _zalo_group(
        self, rng: random.Random, unit: Unit, name: str, members: int, months: int
    ) -> None:
        code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(6))
        self._channel(
            rng,
            unit,
            ChannelKind.ZALO_GROUP,
            name,
            url=f"https://zalo.me/g/{code}",
            identifier=name,
            audience=min(ZALO_GROUP_LIMIT, max(3, members)),
            months=months,
        )

    def _upper_channels(self, rng: random.Random, unit: Unit) -> None:
        short = unit.name.removeprefix("Công đoàn ")
        if rng.random() < 0.85:
            self._channel(
                rng,
                unit,
                ChannelKind.FACEBOOK_PAGE,
                unit.name,
                url=f"https://www.facebook.com/cd.{_slug(short)}",
                audience=rng.randint(300, 8000),
                months=rng.randint(4, 8),
            )
        for i in range(rng.choices([0, 1, 2, 3], weights=[1, 5, 3, 2])[0]):
            label = ("Ban Chấp hành", "Cán bộ công đoàn cơ sở", "Tuyên giáo")[i]
            self._zalo_group(
                rng, unit, f"{label} – CĐ {short}", rng.randint(40, 900), rng.randint(4, 8)
            )
        if rng.random() < 0.3:
            self._channel(
                rng,
                unit,
                ChannelKind.BULLETIN_BOARD,
                f"Bảng tin {unit.name}",
                identifier="Bảng tin tại trụ sở",
            )

    def _grassroots_channels(self, rng: random.Random, unit: Unit, big_seen: int) -> None:
        members = unit.member_count
        if members >= 1000:
            # Big workplaces are usually covered online, but one in ten is left without a
            # Zalo group or a fanpage: the coverage-gap report must have something to show.
            uncovered = big_seen % 10 == 3
            has_zalo = not uncovered and rng.random() < 0.85
            has_page = not uncovered and rng.random() < 0.6
            if not uncovered and not (has_zalo or has_page):
                has_zalo = True
        else:
            has_zalo, has_page = rng.random() < 0.55, rng.random() < 0.35
        months = rng.randint(2, 5)
        if has_zalo:
            groups = 1 if members < 1000 else min(4, math.ceil(members / ZALO_GROUP_LIMIT))
            for g in range(groups):
                suffix = f" – nhóm {g + 1}" if groups > 1 else ""
                self._zalo_group(
                    rng,
                    unit,
                    f"Đoàn viên {unit.employer_name}{suffix}",
                    round(min(members / groups, ZALO_GROUP_LIMIT) * rng.uniform(0.5, 1.0)),
                    months,
                )
        if has_page:
            self._channel(
                rng,
                unit,
                ChannelKind.FACEBOOK_PAGE,
                unit.name,
                url=f"https://www.facebook.com/cdcs.{_slug(unit.employer_name)}",
                audience=max(20, round(members * rng.uniform(0.3, 2.5))),
                months=months,
            )
        if rng.random() < 0.6:
            self._channel(
                rng,
                unit,
                ChannelKind.BULLETIN_BOARD,
                f"Bảng tin {unit.name}",
                identifier=rng.choice(
                    (
                        "Bảng tin tại cổng",
                        "Bảng tin nhà ăn",
                        "Bảng tin phòng họp",
                        "Bảng tin hành lang",
                    )
                ),
            )
        if rng.random() < (0.5 if members >= 1000 else 0.12):
            self._channel(
                rng,
                unit,
                ChannelKind.LOUDSPEAKER,
                f"Loa truyền thanh {unit.name}",
                identifier=rng.choice(
                    ("Phát giờ nghỉ trưa", "Phát đầu ca và giữa ca", "Phát 6h30 và 17h00")
                ),
            )

    def _flush(self) -> None:
        """Channels first: bulk_create sets their ids, which the queued figures refer to."""
        if self._channels:
            Channel.objects.bulk_create(self._channels, batch_size=BATCH)
            self.channels += len(self._channels)
        if self._stats:
            ChannelStat.objects.bulk_create(self._stats, batch_size=BATCH)
            self.stats += len(self._stats)
        self._channels, self._stats = [], []


def seed_demo_channels(*, seed: int, as_of: dt.date) -> tuple[int, int]:
    """Channels for every unit of a freshly seeded tree, with monthly figures up to ``as_of``:
    (channels, monthly figures)."""
    return ChannelSeeder(seed=seed, as_of=as_of).run()
