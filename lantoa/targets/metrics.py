"""The metric registry: what targets are measured with, computed from the records.

Each metric answers ``values(units, start, end) -> {unit id: number}`` for many units at once
with one grouped aggregate (per chunk of ids, or one query when ``units`` is a queryset):

* ``count`` — items in the days ``start``…``end`` (campaigns, guidance briefs, sessions…);
* ``rate`` — an average per day over those days (posts a day);
* ``ratio`` — a share, 1.0 = 100 % (answered on time; answered compared with last year);
  None where there is nothing to measure yet;
* ``state`` — how things stand now, whatever the days (social groups, communicators).

``own`` metrics count the unit's own records; ``subtree`` ones the unit and everything below
it (through ``UnitClosure``). Assignable metrics (``assignable=True``) are the ones numeric
targets can be given in top-down; the activity kinds are, so that official reports can say
"đạt 220,6% so với chỉ tiêu".

Posts go through ``posts_published`` alone, so that switching its source (see there) moves
every target and dashboard figure at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.campaigns.models import Campaign
from lantoa.channels.models import SOCIAL_GROUP_KINDS, Channel, ChannelKind, ChannelStatus
from lantoa.content.models import ContentItem, ContentKind, ContentStatus
from lantoa.inquiries.models import Inquiry
from lantoa.publishing.models import POSTED, Publication
from lantoa.roster.models import Communicator, RosterRole
from lantoa.units.models import Unit

COUNT, RATE, RATIO, STATE = "count", "rate", "ratio", "state"
OWN, SUBTREE = "own", "subtree"
Units = Sequence[int] | QuerySet[Unit]
Values = dict[int, float | None]
_CHUNK = 900


def _parts(units: Units) -> Iterator[Any]:
    """What goes into ``…__in``: the queryset as a subquery, or chunks of ids."""
    if isinstance(units, QuerySet):
        yield units.values("pk")
        return
    ids = sorted(set(units))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _key(field: str, scope: str) -> str:
    return f"{field}_id" if scope == OWN else f"{field}__ancestor_links__ancestor_id"


def per_unit(
    base: QuerySet[Any], units: Units, scope: str, *, field: str = "unit", **aggregates: Any
) -> dict[int, dict[str, Any]]:
    """``aggregates`` over ``base`` grouped by unit (own rows or whole subtrees)."""
    key = _key(field, scope)
    out: dict[int, dict[str, Any]] = {}
    for part in _parts(units):
        rows = base.filter(**{f"{key}__in": part}).values(key).annotate(**aggregates).order_by()
        for row in rows:
            out[row[key]] = row
    return out


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in Vietnam time, for datetime columns."""
    begin = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return begin, after


def days_in(start: dt.date, end: dt.date) -> int:
    return max((end - start).days + 1, 0)


# --- the sources -----------------------------------------------------------------------------


def posts_published(
    units: Units, start: dt.date, end: dt.date, *, scope: str = OWN
) -> dict[int, int]:
    """Posts each unit (or its subtree) made from ``start`` to ``end``, days included.

    A post is a publication record (``lantoa.publishing``): one item put on one channel, by
    the platform's API (published) or recorded by an officer with proof for a channel with no
    API (recorded), dated by when it went out and counted for the unit that posted it — a
    grassroots union republishing the province's item counts for itself.
    """
    rows = per_unit(posts_in(start, end), units, scope, n=Count("pk"))
    return {k: int(r["n"] or 0) for k, r in rows.items()}


def posts_in(start: dt.date, end: dt.date) -> QuerySet[Publication]:
    """The posts (see ``posts_published``) made from ``start`` to ``end``, days included."""
    begin, after = day_bounds(start, end)
    return Publication.objects.filter(
        status__in=POSTED, published_at__gte=begin, published_at__lt=after
    )


def _activity_items(kind: str, *, direct: bool = False) -> Callable[..., dict[int, int]]:
    def compute(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
        base = Activity.objects.filter(kind=kind, held_on__gte=start, held_on__lte=end)
        if direct:
            base = base.filter(format=ActivityFormat.DIRECT)
        rows = per_unit(base, units, scope, n=Sum("quantity"))
        return {k: int(r["n"] or 0) for k, r in rows.items()}

    return compute


def _campaigns(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Campaigns the unit runs (owner) that started in the days."""
    base = Campaign.objects.filter(starts_on__gte=start, starts_on__lte=end)
    rows = per_unit(base, units, scope, field="owner", n=Count("pk"))
    return {k: int(r["n"] or 0) for k, r in rows.items()}


def _briefs(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Guidance briefs (tài liệu định hướng) the unit published in the days."""
    begin, after = day_bounds(start, end)
    base = ContentItem.objects.filter(
        kind=ContentKind.BRIEF,
        status=ContentStatus.PUBLISHED,
        published_at__gte=begin,
        published_at__lt=after,
    )
    rows = per_unit(base, units, scope, n=Count("pk"))
    return {k: int(r["n"] or 0) for k, r in rows.items()}


def _posts(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    return posts_published(units, start, end, scope=scope)


def _social_groups(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Active Facebook pages, Zalo groups and Zalo OAs of the unit (now)."""
    base = Channel.objects.filter(kind__in=SOCIAL_GROUP_KINDS, status=ChannelStatus.ACTIVE)
    rows = per_unit(base, units, scope, n=Count("pk"))
    return {k: int(r["n"] or 0) for k, r in rows.items()}


def _page_or_group(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """1 where the unit has an active Facebook page or Zalo group now, else 0."""
    base = Channel.objects.filter(
        kind__in=(ChannelKind.FACEBOOK_PAGE, ChannelKind.ZALO_GROUP), status=ChannelStatus.ACTIVE
    )
    rows = per_unit(base, units, scope, n=Count("pk"))
    return {k: 1 if r["n"] else 0 for k, r in rows.items()}


def _communicators(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Active communicators on the unit's roster now (briefers who also communicate count)."""
    base = Communicator.objects.filter(
        active=True, role__in=(RosterRole.COMMUNICATOR, RosterRole.BOTH)
    )
    rows = per_unit(base, units, scope, n=Count("pk"))
    return {k: int(r["n"] or 0) for k, r in rows.items()}


def inquiry_counts(
    units: Units, start: dt.date, end: dt.date, *, scope: str = SUBTREE
) -> dict[int, dict[str, int]]:
    """Per unit, the inquiries received in the days: received, answered (first answer given),
    due (answered, or past the deadline unanswered) and answered on time (first answer by the
    deadline, 24 h unless the unit set another) — the definitions of
    ``lantoa.inquiries.reports``, counted in one grouped query."""
    begin, after = day_bounds(start, end)
    now = timezone.now()
    answered = Q(first_responded_at__isnull=False)
    base = Inquiry.objects.filter(received_at__gte=begin, received_at__lt=after)
    rows = per_unit(
        base,
        units,
        scope,
        received=Count("pk"),
        answered=Count("pk", filter=answered),
        due=Count("pk", filter=answered | Q(first_response_due__lte=now)),
        on_time=Count("pk", filter=Q(first_responded_at__lte=F("first_response_due"))),
    )
    names = ("received", "answered", "due", "on_time")
    return {k: {n: int(r[n] or 0) for n in names} for k, r in rows.items()}


def _inquiries_on_time(units: Units, start: dt.date, end: dt.date, scope: str) -> Values:
    """Share of the inquiries received in the days that were answered on time, over those
    already due. None where none was due."""
    rows = inquiry_counts(units, start, end, scope=scope)
    return {k: (r["on_time"] / r["due"]) if r["due"] else None for k, r in rows.items()}


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _answered_growth(units: Units, start: dt.date, end: dt.date, scope: str) -> Values:
    """Inquiries answered (first answer given) among those received in the days, compared
    with the same days a year earlier: 2.0 = doubled. None without last year's figure."""
    begin, after = day_bounds(start, end)
    last_begin, last_after = day_bounds(_year_back(start), _year_back(end))
    answered = Q(first_responded_at__isnull=False)
    base = Inquiry.objects.filter(answered).filter(
        Q(received_at__gte=begin, received_at__lt=after)
        | Q(received_at__gte=last_begin, received_at__lt=last_after)
    )
    rows = per_unit(
        base,
        units,
        scope,
        now=Count("pk", filter=Q(received_at__gte=begin)),
        before=Count("pk", filter=Q(received_at__lt=last_after)),
    )
    return {
        k: (int(r["now"] or 0) / int(r["before"])) if r["before"] else None for k, r in rows.items()
    }


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any  # lazy Vietnamese text
    noun: Any  # what is counted ("chiến dịch", "tin, bài/ngày")
    kind: str  # COUNT, RATE, RATIO, STATE
    scope: str  # OWN, SUBTREE
    compute: Callable[[Units, dt.date, dt.date, str], dict[int, Any]]
    assignable: bool = False

    def values(self, units: Units, start: dt.date, end: dt.date) -> Values:
        """The metric for each of ``units`` over ``start``…``end`` (units without records are
        absent for ratios, 0 otherwise when listed by id)."""
        raw = self.compute(units, start, end, self.scope)
        if self.kind == RATE:
            days = days_in(start, end)
            return {k: (v / days if days else None) for k, v in raw.items()}
        return {k: (float(v) if v is not None else None) for k, v in raw.items()}

    def value_of(self, values: Values, unit_id: int) -> float | None:
        """A unit's value; a unit with no rows has 0 (nothing to measure for a ratio)."""
        if unit_id in values:
            return values[unit_id]
        return None if self.kind == RATIO else 0.0


ACTIVITY_NOUNS = {
    ActivityKind.OUTREACH: _("buổi"),
    ActivityKind.CAMPAIGN_EVENT: _("hoạt động"),
    ActivityKind.TRAINING: _("lớp"),
    ActivityKind.CONTEST: _("cuộc"),
    ActivityKind.PRESS: _("tin, bài"),
    ActivityKind.BROADCAST: _("chương trình"),
    ActivityKind.INITIATIVE: _("sáng kiến"),
    ActivityKind.COMMENDATION: _("đoàn viên"),
}


def activity_metric_key(kind: str) -> str:
    """The assignable metric counting the items of activity ``kind`` in a subtree."""
    return f"activity_{kind}"


def _build() -> dict[str, Metric]:
    metrics = [
        Metric(
            "posts_per_day",
            _("Tin, bài đăng trên kênh của đơn vị"),
            _("tin, bài/ngày"),
            RATE,
            OWN,
            _posts,
        ),
        Metric(
            "social_groups",
            _("Nhóm truyền thông trên mạng xã hội (fanpage, nhóm Zalo, Zalo OA)"),
            _("nhóm"),
            STATE,
            OWN,
            _social_groups,
        ),
        Metric("campaigns", _("Chiến dịch truyền thông"), _("chiến dịch"), COUNT, OWN, _campaigns),
        Metric(
            "guidance_briefs",
            _("Tài liệu định hướng tuyên truyền đã ban hành"),
            _("tài liệu"),
            COUNT,
            OWN,
            _briefs,
        ),
        Metric(
            "direct_outreach",
            _("Hoạt động truyền thông trực tiếp của đơn vị"),
            _("buổi"),
            COUNT,
            OWN,
            _activity_items(ActivityKind.OUTREACH, direct=True),
        ),
        Metric(
            "inquiries_on_time",
            _("Câu hỏi, phản ánh được trả lời đúng hạn (24 giờ)"),
            "",
            RATIO,
            SUBTREE,
            _inquiries_on_time,
        ),
        Metric(
            "inquiries_answered_growth",
            _("Số câu hỏi được giải đáp so với cùng kỳ năm trước"),
            "",
            RATIO,
            SUBTREE,
            _answered_growth,
        ),
        Metric(
            "page_or_group",
            _("Có trang Facebook hoặc nhóm Zalo"),
            _("trang hoặc nhóm"),
            STATE,
            OWN,
            _page_or_group,
        ),
        Metric(
            "communicators",
            _("Cán bộ truyền thông trong danh sách"),
            _("người"),
            STATE,
            OWN,
            _communicators,
        ),
    ]
    for kind, label in ActivityKind.choices:
        metrics.append(
            Metric(
                activity_metric_key(kind),
                label,
                ACTIVITY_NOUNS[ActivityKind(kind)],
                COUNT,
                SUBTREE,
                _activity_items(kind),
                assignable=True,
            )
        )
    return {m.key: m for m in metrics}


REGISTRY: dict[str, Metric] = _build()


def metric(key: str) -> Metric:
    return REGISTRY[key]


def assignable_metrics() -> list[Metric]:
    return [m for m in REGISTRY.values() if m.assignable]


def metric_choices(*, assignable: bool | None = None) -> list[tuple[str, str]]:
    return [
        (m.key, str(m.label))
        for m in REGISTRY.values()
        if assignable is None or m.assignable == assignable
    ]


__all__ = [
    "COUNT",
    "OWN",
    "RATE",
    "RATIO",
    "REGISTRY",
    "STATE",
    "SUBTREE",
    "Metric",
    "activity_metric_key",
    "metric",
    "posts_published",
]
