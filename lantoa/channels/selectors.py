"""Reads over channels and the coverage of grassroots units by Zalo groups and fanpages.

Coverage is computed with the closure table: every (ancestor, grassroots descendant) pair is
one row, and ``Exists`` subqueries on the indexed ``(kind, status, unit)`` channel index say
whether the descendant has an active Zalo group / Facebook page / trained communicator. One
grouped query answers a unit, or all of its children (see ``_coverage_by``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

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


def _coverage_by(links: QuerySet[UnitClosure], key: str | None) -> dict[Any, CoverageSummary]:
    """Coverage over closure rows whose descendant is one active grassroots unit, grouped by
    ``key`` (``None``: one group). Each descendant's flags (an active Zalo group, an active
    Facebook page, a trained communicator, ≥ 1,000 members) are computed once per row and
    grouped on, and the ≤ 16 combinations of each group are added up here: aggregating with a
    filter per figure made the database run the same ``Exists`` lookups eight times per row."""
    id_field = "descendant_id"
    rows = (
        links.annotate(
            zalo=_active_channel(ChannelKind.ZALO_GROUP, id_field),
            fb=_active_channel(ChannelKind.FACEBOOK_PAGE, id_field),
            trained=Exists(
                Communicator.objects.filter(unit_id=OuterRef(id_field), active=True, trained=True)
            ),
            big=ExpressionWrapper(
                Q(descendant__member_count__gte=BIG_UNIT_MEMBERS), output_field=BooleanField()
            ),
        )
        .values(*([key] if key else []), "zalo", "fb", "trained", "big")
        .annotate(n=Count(id_field))
        .order_by()
    )
    out: dict[Any, CoverageSummary] = {}
    for row in rows:
        summary = out.setdefault(row[key] if key else None, CoverageSummary())
        n = int(row["n"])
        zalo, fb, big = bool(row["zalo"]), bool(row["fb"]), bool(row["big"])
        summary.grassroots_total += n
        summary.with_zalo_group += n if zalo else 0
        summary.with_facebook_page += n if fb else 0
        summary.with_both += n if zalo and fb else 0
        summary.with_either += n if zalo or fb else 0
        summary.with_neither += 0 if zalo or fb else n
        if big:
            summary.big_total += n
            summary.big_with_either += n if zalo or fb else 0
            summary.big_with_trained_communicator += n if row["trained"] else 0
    return out


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
    summary = _coverage_by(_grassroots_links().filter(ancestor_id=unit.pk), None).get(
        None, CoverageSummary()
    )
    if summary.gap_count:
        summary.gaps = list(coverage_gaps(unit)[:gap_limit])
    return summary


def coverage_by_child(unit: Unit) -> list[tuple[Unit, CoverageSummary]]:
    """Each active child of ``unit`` with the coverage of its subtree, in two queries
    however many children and grassroots units there are. Gap lists are left empty."""
    children = list(unit.children.filter(status=UnitStatus.ACTIVE).order_by("kind", "name"))
    by_id = _coverage_by(
        _grassroots_links().filter(ancestor__parent_id=unit.pk, ancestor__status=UnitStatus.ACTIVE),
        "ancestor_id",
    )
    return [(child, by_id.get(child.pk, CoverageSummary())) for child in children]
