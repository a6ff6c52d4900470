"""Reads over channels and the coverage of grassroots units by Zalo groups and fanpages.

Coverage is computed with the closure table: every (ancestor, grassroots descendant) pair is
one row, and ``Exists`` subqueries on the indexed ``(kind, status, unit)`` channel index say
whether the descendant has an active Zalo group / Facebook page / trained communicator. One
aggregate query answers a unit; one grouped query answers all of its children.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from lantoa.channels.models import Channel, ChannelKind, ChannelStatus
from lantoa.roster.models import Communicator
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus

BIG_UNIT_MEMBERS = 1000
GAP_LIST_LIMIT = 200


def channels_of(
    unit: Unit,
    *,
    subtree: bool = False,
    kinds: Iterable[str] | None = None,
    status: str | Iterable[str] | None = None,
) -> QuerySet[Channel]:
    """Channels of ``unit`` (or of its whole subtree), optionally limited by kind/status."""
    if subtree:
        qs = Channel.objects.filter(unit__ancestor_links__ancestor_id=unit.pk)
    else:
        qs = Channel.objects.filter(unit_id=unit.pk)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if status:
        qs = (
            qs.filter(status=status)
            if isinstance(status, str)
            else qs.filter(status__in=list(status))
        )
    return qs.select_related("unit").order_by("unit__depth", "unit__name", "kind", "name")


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass
class CoverageSummary:
    grassroots_total: int = 0
    with_zalo_group: int = 0
    with_facebook_page: int = 0
    with_both: int = 0
    with_either: int = 0
    with_neither: int = 0
    big_total: int = 0
    big_with_either: int = 0
    big_with_trained_communicator: int = 0
    # Big grassroots units with neither channel, biggest first; at most GAP_LIST_LIMIT here,
    # ``gap_count`` is the full number.
    gaps: list[Unit] = field(default_factory=list)

    @property
    def gap_count(self) -> int:
        return self.big_total - self.big_with_either

    @property
    def zalo_group_share(self) -> float:
        return _ratio(self.with_zalo_group, self.grassroots_total)

    @property
    def facebook_page_share(self) -> float:
        return _ratio(self.with_facebook_page, self.grassroots_total)

    @property
    def both_share(self) -> float:
        return _ratio(self.with_both, self.grassroots_total)

    @property
    def either_share(self) -> float:
        return _ratio(self.with_either, self.grassroots_total)

    @property
    def neither_share(self) -> float:
        return _ratio(self.with_neither, self.grassroots_total)

    @property
    def big_either_share(self) -> float:
        return _ratio(self.big_with_either, self.big_total)

    @property
    def big_trained_share(self) -> float:
        return _ratio(self.big_with_trained_communicator, self.big_total)


def _active_channel(kind: str, unit_ref: str) -> Exists:
    return Exists(
        Channel.objects.filter(unit_id=OuterRef(unit_ref), kind=kind, status=ChannelStatus.ACTIVE)
    )


def _coverage_aggregates() -> dict[str, Any]:
    """Aggregates over closure rows whose descendant is one active grassroots unit."""
    id_field = "descendant_id"
    zalo = _active_channel(ChannelKind.ZALO_GROUP, id_field)
    fb = _active_channel(ChannelKind.FACEBOOK_PAGE, id_field)
    trained = Exists(
        Communicator.objects.filter(unit_id=OuterRef(id_field), active=True, trained=True)
    )
    big = Q(descendant__member_count__gte=BIG_UNIT_MEMBERS)
    return {
        "grassroots_total": Count(id_field),
        "with_zalo_group": Count(id_field, filter=Q(zalo)),
        "with_facebook_page": Count(id_field, filter=Q(fb)),
        "with_both": Count(id_field, filter=Q(zalo) & Q(fb)),
        "with_either": Count(id_field, filter=Q(zalo) | Q(fb)),
        "big_total": Count(id_field, filter=big),
        "big_with_either": Count(id_field, filter=big & (Q(zalo) | Q(fb))),
        "big_with_trained_communicator": Count(id_field, filter=big & Q(trained)),
    }


def _summary_from(row: Mapping[str, Any]) -> CoverageSummary:
    def n(key: str) -> int:
        return int(row.get(key) or 0)

    return CoverageSummary(
        grassroots_total=n("grassroots_total"),
        with_zalo_group=n("with_zalo_group"),
        with_facebook_page=n("with_facebook_page"),
        with_both=n("with_both"),
        with_either=n("with_either"),
        with_neither=n("grassroots_total") - n("with_either"),
        big_total=n("big_total"),
        big_with_either=n("big_with_either"),
        big_with_trained_communicator=n("big_with_trained_communicator"),
    )


def _grassroots_links() -> QuerySet[UnitClosure]:
    return UnitClosure.objects.filter(
        descendant__kind=UnitKind.GRASSROOTS, descendant__status=UnitStatus.ACTIVE
    )


def coverage_gaps(unit: Unit) -> QuerySet[Unit]:
    """Active grassroots units of the subtree with ≥ 1,000 members and neither an active
    Zalo group nor an active Facebook page, biggest first."""
    return (
        Unit.objects.filter(
            ancestor_links__ancestor_id=unit.pk,
            kind=UnitKind.GRASSROOTS,
            status=UnitStatus.ACTIVE,
            member_count__gte=BIG_UNIT_MEMBERS,
        )
        .filter(
            ~_active_channel(ChannelKind.ZALO_GROUP, "pk"),
            ~_active_channel(ChannelKind.FACEBOOK_PAGE, "pk"),
        )
        .select_related("parent")
        .order_by("-member_count", "name", "pk")
    )


def coverage_summary(unit: Unit, *, gap_limit: int = GAP_LIST_LIMIT) -> CoverageSummary:
    """Coverage of the active grassroots units in ``unit``'s subtree (two queries)."""
    row = _grassroots_links().filter(ancestor_id=unit.pk).aggregate(**_coverage_aggregates())
    summary = _summary_from(row)
    if summary.gap_count:
        summary.gaps = list(coverage_gaps(unit)[:gap_limit])
    return summary


def coverage_by_child(unit: Unit) -> list[tuple[Unit, CoverageSummary]]:
    """Each active child of ``unit`` with the coverage of its subtree, in two queries
    however many children and grassroots units there are. Gap lists are left empty."""
    children = list(unit.children.filter(status=UnitStatus.ACTIVE).order_by("kind", "name"))
    rows = (
        _grassroots_links()
        .filter(ancestor__parent_id=unit.pk, ancestor__status=UnitStatus.ACTIVE)
        .values("ancestor_id")
        .annotate(**_coverage_aggregates())
        .order_by()
    )
    by_id = {r["ancestor_id"]: _summary_from(cast(Mapping[str, Any], r)) for r in rows}
    return [(child, by_id.get(child.pk, CoverageSummary())) for child in children]
