"""Counts the system already keeps, for the official report: posts on the channels of the
unit's subtree (``lantoa.publishing``), cascades carried out (``lantoa.cascades``) and worker
inquiries answered (``lantoa.inquiries``).

They cover the same units and days as the activity figures (``activity_rollup``): today's
subtree through the closure table, so a unit merged into another counts for its successor
before and after the merger; an ended unit over its tree as it stood the day before it ended
(``past_tree``), up to that day. A handful of grouped queries whatever the size of the
subtree, no loop over units.

Definitions:

* posts — ``lantoa.targets.metrics.posts_published``: publications published by API or
  recorded by an officer, dated by when they went out, counted for the unit that posted;
  by channel kind through ``posts_in`` (the built-in public site counts as ``website``, the
  newsletter as ``email_list``);
* cascades — recipient rows in the subtree of cascades sent (or closed) whose due date falls
  in the days, and how many of them reported done (the dashboard's figures);
* inquiries — ``lantoa.inquiries.reports.inquiry_figures``: received in the days, answered
  (first response given), due, answered on time (by the promised deadline, 24 h unless the
  unit set another) and the median first-response time.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from lantoa.activities.selectors import past_tree, rollup_window
from lantoa.cascades.models import CascadeRecipient, CascadeStatus, RecipientState
from lantoa.channels.models import ChannelKind
from lantoa.core.text import format_int
from lantoa.inquiries.models import Inquiry
from lantoa.inquiries.reports import InquiryFigures, inquiry_figures
from lantoa.targets.metrics import (
    OWN,
    SUBTREE,
    day_bounds,
    inquiry_counts,
    posts_in,
    posts_published,
)
from lantoa.units.models import Unit

_CHUNK = 900

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


def duration_text(value: dt.timedelta) -> str:
    """ "45 phút", "5,2 giờ", "24 giờ": a response time the way a report writes it."""
    seconds = value.total_seconds()
    if seconds < 3600:
        minutes = round(seconds / 60)
        return f"{minutes} phút" if minutes else "dưới 1 phút"
    hours = Decimal(str(seconds / 3600)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    whole, _, tenth = f"{hours:f}".partition(".")
    text = format_int(int(whole)) + (f",{tenth}" if tenth and tenth != "0" else "")
    return f"{text} giờ"


@dataclass
class PostCounts:
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)  # channel kind → posts

    def channels(self) -> list[tuple[str, int]]:
        """(channel kind, posts), most posts first, then in the order of ``ChannelKind``."""
        return sorted(
            ((k, n) for k, n in self.by_channel.items() if n),
            key=lambda kn: (-kn[1], _CHANNEL_ORDER.get(kn[0], len(_CHANNEL_ORDER)), kn[0]),
        )


@dataclass
class CascadeCounts:
    cascades: int = 0  # cascades with recipients in the subtree, due in the days
    recipients: int = 0  # their recipient rows in the subtree
    done: int = 0  # of which reported done

    @property
    def done_ratio(self) -> float | None:
        return self.done / self.recipients if self.recipients else None

    @property
    def not_done(self) -> int:
        return self.recipients - self.done


@dataclass
class SystemCounts:
    """One period's counts over the report's subtree."""

    posts: PostCounts = field(default_factory=PostCounts)
    cascades: CascadeCounts = field(default_factory=CascadeCounts)
    inquiries: InquiryFigures = field(default_factory=InquiryFigures)

    @property
    def empty(self) -> bool:
        return not (self.posts.total or self.cascades.recipients or self.inquiries.received)


# --- where: today's subtree, or an ended unit's old tree ------------------------------------


@dataclass(frozen=True)
class _Scope:
    unit: Unit
    ids: list[int] | None  # None: today's subtree through the closure table

    def parts(self, field_name: str = "unit") -> Iterator[Q]:
        """Filters whose union is the scope (disjoint: chunks of ids, or the closure join)."""
        if self.ids is None:
            yield Q(**{f"{field_name}__ancestor_links__ancestor_id": self.unit.pk})
            return
        for start in range(0, len(self.ids), _CHUNK):
            yield Q(**{f"{field_name}_id__in": self.ids[start : start + _CHUNK]})

    def chunks(self) -> Iterator[list[int]]:
        assert self.ids is not None
        for start in range(0, len(self.ids), _CHUNK):
            yield self.ids[start : start + _CHUNK]


def _posts(scope: _Scope, start: dt.date, end: dt.date) -> PostCounts:
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


def _cascades(scope: _Scope, start: dt.date, end: dt.date) -> CascadeCounts:
    base = CascadeRecipient.objects.filter(
        cascade__due_on__gte=start,
        cascade__due_on__lte=end,
        cascade__status__in=(CascadeStatus.SENT, CascadeStatus.CLOSED),
    )
    out = CascadeCounts()
    seen: set[int] = set()
    for where in scope.parts():
        # Grouped by cascade (a few per period), so chunks add up and cascades stay distinct.
        rows = (
            base.filter(where)
            .values("cascade_id")
            .annotate(n=Count("pk"), done=Count("pk", filter=Q(state=RecipientState.DONE)))
            .order_by()
        )
        for row in rows:
            seen.add(row["cascade_id"])
            out.recipients += int(row["n"] or 0)
            out.done += int(row["done"] or 0)
    out.cascades = len(seen)
    return out


def _inquiries(scope: _Scope, start: dt.date, end: dt.date, now: dt.datetime) -> InquiryFigures:
    begin, after = day_bounds(start, end)
    if scope.ids is None:
        figures = inquiry_figures(scope.unit, begin, after, now=now)
        # Last year is gathered as a period of its own (the report compares whole periods).
        figures.answered_last_year = 0
        figures.overdue_now = 0
        return figures
    # An ended unit's old tree: the same definitions (``inquiry_counts`` follows
    # ``lantoa.inquiries.reports``) over its units of that day, the median in Python.
    out = InquiryFigures()
    seconds: list[float] = []
    for chunk in scope.chunks():
        for counts in inquiry_counts(chunk, start, end, scope=OWN).values():
            out.received += counts["received"]
            out.answered += counts["answered"]
            out.due += counts["due"]
            out.on_time += counts["on_time"]
        for received, first in Inquiry.objects.filter(
            unit_id__in=chunk,
            received_at__gte=begin,
            received_at__lt=after,
            first_responded_at__isnull=False,
        ).values_list("received_at", "first_responded_at"):
            if first is not None:  # always, by the filter; for the type checker
                seconds.append(max(round((first - received).total_seconds()), 0))
    if seconds:
        out.median_first_response = dt.timedelta(seconds=statistics.median(seconds))
    return out


def system_counts(
    unit: Unit, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> SystemCounts:
    """Posts, cascades and inquiries of ``unit``'s subtree from ``start`` to ``end``."""
    last, day = rollup_window(unit, start, end)
    if last < start:
        return SystemCounts()
    scope = _Scope(unit, None if day is None else sorted(past_tree(unit, day).bucket))
    return SystemCounts(
        posts=_posts(scope, start, last),
        cascades=_cascades(scope, start, last),
        inquiries=_inquiries(scope, start, last, now or timezone.now()),
    )


__all__ = [
    "CHANNEL_NAMES",
    "CascadeCounts",
    "PostCounts",
    "SystemCounts",
    "channel_name",
    "duration_text",
    "system_counts",
]
