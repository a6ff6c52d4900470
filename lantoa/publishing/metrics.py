"""What publishing measures for targets and reports: posts.

A post is a publication record: one item put on one channel, by the platform's API
(published) or recorded by an officer with proof for a channel with no API (recorded), dated
by when it went out and counted for the unit that posted it — a grassroots union republishing
the province's item counts for itself. Posts go through ``posts_published`` alone, so that
switching its source moves every target and dashboard figure at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from lantoa.channels.models import ChannelKind
from lantoa.core.extensions import OWN, SUBTREE, DashboardShown
from lantoa.core.periods import day_bounds
from lantoa.core.templatetags.vn import vn_int
from lantoa.publishing.models import POSTED, Publication
from lantoa.units.aggregates import SubtreeScope, Units, by_child, counts, per_unit
from lantoa.units.models import Unit
from lantoa.units.selectors import subtree_ids


def posts_in(start: dt.date, end: dt.date) -> QuerySet[Publication]:
    """The posts (see ``posts_published``) made from ``start`` to ``end``, days included."""
    begin, after = day_bounds(start, end)
    return Publication.objects.filter(
        status__in=POSTED, published_at__gte=begin, published_at__lt=after
    )


def posts_published(
    units: Units, start: dt.date, end: dt.date, *, scope: str = OWN
) -> dict[int, int]:
    """Posts each unit (or its subtree) made from ``start`` to ``end``, days included."""
    return counts(per_unit(posts_in(start, end), units, scope, n=Count("pk")))


def posts(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    return posts_published(units, start, end, scope=scope)


# --- the period report and the dashboard ------------------------------------------------------

# How reports name each kind of channel in a sentence ("trang Facebook 8.120, Zalo OA 610").
CHANNEL_NAMES: dict[str, str] = {
    ChannelKind.FACEBOOK_PAGE: "trang Facebook",
    ChannelKind.ZALO_OA: "Zalo OA",
    ChannelKind.ZALO_GROUP: "nhóm Zalo",
    ChannelKind.WEBSITE: "trang thông tin điện tử",
    ChannelKind.YOUTUBE: "kênh YouTube",
    ChannelKind.TIKTOK: "kênh TikTok",
    ChannelKind.EMAIL_LIST: "bản tin thư điện tử",
    ChannelKind.LOUDSPEAKER: "hệ thống loa truyền thanh",
    ChannelKind.BULLETIN_BOARD: "bảng tin",
    ChannelKind.PRESS_PARTNER: "cơ quan báo chí, đài",
}
_CHANNEL_ORDER = {kind: n for n, kind in enumerate(CHANNEL_NAMES)}


def channel_name(kind: str) -> str:
    return CHANNEL_NAMES.get(kind, kind or "kênh khác")


@dataclass
class PostCounts:
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)  # channel kind → posts
    # How the report names a kind of channel in a sentence.
    channel_name = staticmethod(channel_name)

    def channels(self) -> list[tuple[str, int]]:
        """(channel kind, posts), most posts first, then in the order of ``ChannelKind``."""
        return sorted(
            ((k, n) for k, n in self.by_channel.items() if n),
            key=lambda kn: (-kn[1], _CHANNEL_ORDER.get(kn[0], len(_CHANNEL_ORDER)), kn[0]),
        )


def report_posts(
    scope: SubtreeScope, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> PostCounts:
    """Posts of the report's scope (``posts_published``), and by channel kind through
    ``posts_in`` (the built-in public site counts as ``website``, the newsletter as
    ``email_list``)."""
    out = PostCounts()
    if scope.ids is None:
        counted = posts_published([scope.unit.pk], start, end, scope=SUBTREE)
        out.total = counted.get(scope.unit.pk, 0)
    else:
        for chunk in scope.chunks():
            out.total += sum(posts_published(chunk, start, end, scope=OWN).values())
    for where in scope.parts():
        rows = posts_in(start, end).filter(where).values("channel_kind").annotate(n=Count("pk"))
        for row in rows.order_by():
            kind = row["channel_kind"]
            out.by_channel[kind] = out.by_channel.get(kind, 0) + int(row["n"] or 0)
    return out


def dashboard_posts(unit: Unit, ids: list[int], start: dt.date, end: dt.date) -> dict[int, int]:
    return posts_published(ids, start, end, scope=SUBTREE)


def posts_by_month(unit: Unit, first: dt.date, last: dt.date) -> dict[dt.date, dict[str, int]]:
    """Posts of ``unit``'s subtree in each month from ``first`` to ``last``."""
    zone = timezone.get_current_timezone()
    out: dict[dt.date, dict[str, int]] = {}
    for posted in (
        posts_in(first, last)
        .filter(unit_id__in=subtree_ids(unit))
        .annotate(m=TruncMonth("published_at", tzinfo=zone))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        out[_as_date(posted["m"])] = {"posts": int(posted["n"] or 0)}
    return out


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def campaign_posts(campaign: Any, parent: Unit) -> dict[int | None, dict[str, int]]:
    """Posts of the campaign's content on every channel, for the unit that posted (a
    grassroots union republishing the province's item counts for itself): the targets' posts."""
    return by_child(
        Publication.objects.filter(item__campaign=campaign, status__in=POSTED),
        "unit",
        parent,
        posts=Count("id"),
    )


# --- on the dashboard page (``DashboardShown``) ------------------------------------------------


def _posts_tile(posts: int, unit: Any) -> tuple[str, str]:
    return vn_int(posts), format_html(
        '{}<sup><a href="#ghi-chu">*</a></sup>', gettext("tin, bài đã đăng")
    )


DASHBOARD_SHOWN = DashboardShown(
    stat=_posts_tile,
    column=gettext_lazy("Tin, bài"),
    cell=lambda posts, unit: vn_int(posts),
    note=format_lazy(
        "* {}",
        gettext_lazy(
            "Tin, bài: các nội dung có trạng thái “Đã đăng” trong kho nội dung của đơn vị, tính "
            "theo ngày đăng (chưa tính riêng từng kênh; sẽ tính theo từng lượt đăng lên kênh khi "
            "hệ thống ghi nhận lượt đăng)."
        ),
    ),
)
