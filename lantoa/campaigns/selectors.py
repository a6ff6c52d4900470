"""Reads over campaigns, the calendar of moments and the campaign scoreboard.

Who sees a campaign: an officer sees the campaigns owned by units of their visible subtree,
and the campaigns of units *above* them that include their unit (a grassroots officer sees
the province's "Tháng Công nhân" they take part in). A campaign limited to some unit kinds
includes a unit when the unit, or a unit below it, is of one of those kinds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from lantoa import access
from lantoa.campaigns.models import Campaign, RecurringMoment
from lantoa.campaigns.moments import DEFAULT_MOMENTS, Occurrence, occurrence
from lantoa.core.extensions import ScoreCell, scoreboard_columns
from lantoa.units.models import Unit, UnitClosure, UnitStatus


def _includes_below(campaign: Campaign, unit_id: int) -> bool:
    """Whether ``unit_id`` or a unit of its subtree is of a kind the campaign includes."""
    kinds = list(campaign.participant_kinds or [])
    if not kinds:
        return True
    return UnitClosure.objects.filter(ancestor_id=unit_id, descendant__kind__in=kinds).exists()


def _campaigns_from_above(unit_ids: Iterable[int]) -> list[int]:
    """Ids of campaigns owned by strict ancestors of ``unit_ids`` that include those units."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return []
    ancestors: dict[int, set[int]] = defaultdict(set)  # ancestor id → units below it
    for anc, desc in UnitClosure.objects.filter(
        descendant_id__in=unit_ids, depth__gt=0
    ).values_list("ancestor_id", "descendant_id"):
        ancestors[anc].add(desc)
    campaigns = list(
        Campaign.objects.filter(owner_id__in=list(ancestors)).only(
            "pk", "owner_id", "participant_kinds"
        )
    )
    # The unit kinds in each unit's subtree (itself included), in one query rather than one
    # per campaign and unit: campaigns_visible_to runs on most pages.
    kinds_below: dict[int, set[str]] = defaultdict(set)
    if any(c.participant_kinds for c in campaigns):
        for unit_id, kind in (
            UnitClosure.objects.filter(ancestor_id__in=unit_ids)
            .values_list("ancestor_id", "descendant__kind")
            .distinct()
        ):
            kinds_below[unit_id].add(kind)
    found = []
    for campaign in campaigns:
        kinds = set(campaign.participant_kinds or [])
        if not kinds or any(kinds & kinds_below[u] for u in ancestors[campaign.owner_id]):
            found.append(campaign.pk)
    return found


def campaigns_visible_to(user: access.AnyUser) -> QuerySet[Campaign]:
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    if user.is_superuser or access.sees_everything(user):
        return Campaign.objects.all()
    visible = access.visible_units(user, "campaign.view")
    member_units = {u for u, _ in access.memberships(user)}
    from_above = _campaigns_from_above(member_units)
    return Campaign.objects.filter(
        Q(Exists(visible.filter(pk=OuterRef("owner_id")))) | Q(pk__in=from_above)
    )


def campaigns_of_unit(unit: Unit, *, year: int | None = None) -> QuerySet[Campaign]:
    """Campaigns owned by ``unit`` and those of its ancestors that include it."""
    qs = Campaign.objects.filter(Q(owner_id=unit.pk) | Q(pk__in=_campaigns_from_above([unit.pk])))
    if year is not None:
        qs = qs.filter(starts_on__lte=dt.date(year, 12, 31), ends_on__gte=dt.date(year, 1, 1))
    return qs.select_related("owner").order_by("starts_on", "name", "pk")


def campaigns_in_subtree(unit: Unit) -> QuerySet[Campaign]:
    """Campaigns owned by units of ``unit``'s subtree."""
    return (
        Campaign.objects.filter(owner__ancestor_links__ancestor_id=unit.pk)
        .select_related("owner")
        .order_by("-starts_on", "name", "pk")
    )


def campaign_includes(campaign: Campaign, unit: Unit) -> bool:
    """Whether ``unit`` is in the campaign's participating subtree (itself or below)."""
    in_subtree = UnitClosure.objects.filter(
        ancestor_id=campaign.owner_id, descendant_id=unit.pk
    ).exists()
    return in_subtree and _includes_below(campaign, unit.pk)


# --- moments and the calendar -------------------------------------------------------------


def moments_for(unit: Unit, *, include_hidden: bool = False) -> list[RecurringMoment]:
    """The moments in force at ``unit``: for each key the row of the nearest unit up the
    tree (``unit`` itself first), the shipped default where no unit has one. Default rows
    are unsaved (``pk`` None, ``unit_id`` None)."""
    depths = dict(
        UnitClosure.objects.filter(descendant_id=unit.pk).values_list("ancestor_id", "depth")
    )
    best: dict[str, RecurringMoment] = {}
    for row in RecurringMoment.objects.filter(unit_id__in=list(depths)):
        current = best.get(row.key)
        if current is None or depths[row.unit_id] < depths[current.unit_id]:
            best[row.key] = row
    for spec in DEFAULT_MOMENTS:
        if spec["key"] not in best:
            best[spec["key"]] = RecurringMoment(**spec)
    rows = [m for m in best.values() if include_hidden or not m.hidden]
    return sorted(rows, key=lambda m: (m.month or 13, m.day or 32, m.name))


def moment_for_key(unit: Unit, key: str) -> RecurringMoment | None:
    for m in moments_for(unit, include_hidden=True):
        if m.key == key:
            return m
    return None


def occurrences_in_year(moments: Iterable[RecurringMoment], year: int) -> list[Occurrence]:
    """Occurrences overlapping ``year``: a span starting before Tết of next year (Tết Sum vầy
    for a late-January Tết) falls partly in December of ``year``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found: dict[tuple[str, dt.date], Occurrence] = {}
    for m in moments:
        for y in (year, year + 1):
            occ = occurrence(m, y)
            if occ is not None and occ.start <= last and occ.end >= first:
                found[(occ.key, occ.start)] = occ
    return sorted(found.values(), key=lambda o: (o.start, o.end, o.name))


def undated_moments(moments: Iterable[RecurringMoment]) -> list[RecurringMoment]:
    return [m for m in moments if m.rule == "one_off" and m.start_date is None]


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    moments: list[Occurrence] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)


@dataclass
class CalendarMonth:
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    moments: list[Occurrence]
    campaigns: list[Campaign]

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


def calendar_year(unit: Unit, year: int) -> list[CalendarMonth]:
    """Twelve month grids (weeks from Monday) with the moments and campaigns of each day."""
    import calendar

    occurrences = occurrences_in_year(moments_for(unit), year)
    campaigns = list(campaigns_of_unit(unit, year=year))
    cal = calendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        m_occ = [o for o in occurrences if o.start <= last and o.end >= first]
        m_camp = [c for c in campaigns if c.overlaps(first, last)]
        weeks = []
        for week in cal.monthdatescalendar(year, month):
            weeks.append(
                [
                    CalendarDay(
                        day=d,
                        in_month=d.month == month,
                        moments=[o for o in m_occ if o.covers(d)] if d.month == month else [],
                        campaigns=[c for c in m_camp if c.starts_on <= d <= c.ends_on]
                        if d.month == month
                        else [],
                    )
                    for d in week
                ]
            )
        months.append(CalendarMonth(year, month, weeks, m_occ, m_camp))
    return months


# --- scoreboard -------------------------------------------------------------------------


@dataclass
class ScoreRow:
    """One row of the scoreboard: the figures of the ``scoreboard_columns`` registry, read
    as ``row.<figure>`` (``row.content_items``, ``row.cascades_done`` …)."""

    unit: Unit
    own: bool = False  # the parent unit's own figures, not its subtree
    figures: dict[str, int | None] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int | None:
        figures = self.__dict__.get("figures")
        if figures is None or name.startswith("__"):
            raise AttributeError(name)
        if name in figures:
            return figures[name]
        if any(name in (c.figure, c.out_of) for col in scoreboard_columns for c in col.cells):
            return 0
        raise AttributeError(name)

    @property
    def cells(self) -> list[tuple[ScoreCell, int | None, int | None]]:
        """(column, figure, out of) for each column of the registry, in order."""
        return [
            (cell, self.figures.get(cell.figure, 0), self.figures.get(cell.out_of, 0))
            for column in scoreboard_columns
            for cell in column.cells
        ]

    def add(self, other: ScoreRow) -> None:
        for name, value in other.figures.items():
            if value is not None:
                self.figures[name] = (self.figures.get(name) or 0) + value


@dataclass
class Scoreboard:
    campaign: Campaign
    parent: Unit
    rows: list[ScoreRow]
    total: ScoreRow

    @property
    def columns(self) -> list[ScoreCell]:
        return [cell for column in scoreboard_columns for cell in column.cells]


def campaign_scoreboard(campaign: Campaign, parent_unit: Unit) -> Scoreboard:
    """Figures of ``campaign`` for each active child of ``parent_unit`` (over the child's
    subtree), and for ``parent_unit`` itself, from the ``scoreboard_columns`` registry (content
    items produced for the campaign and how many are published, posts on channels, cascades of
    the campaign completed, campaign activities and their participants held in the period,
    inquiries received in the period …). One grouped query per source, whatever the number of
    children."""
    sources = [column.figures(campaign, parent_unit) for column in scoreboard_columns]

    def row_for(unit: Unit, key: int | None) -> ScoreRow:
        row = ScoreRow(unit=unit, own=key is None)
        for source in sources:
            row.figures.update(source.get(key, {}))
        return row

    children = parent_unit.children.filter(status=UnitStatus.ACTIVE).order_by("kind", "name")
    rows = [row_for(parent_unit, None)] + [row_for(child, child.pk) for child in children]
    total = ScoreRow(unit=parent_unit)
    for column in scoreboard_columns:
        for cell in column.cells:
            total.figures[cell.figure] = 0
            if cell.out_of:
                total.figures[cell.out_of] = 0
    for row in rows:
        total.add(row)
    return Scoreboard(campaign, parent_unit, rows, total)
