"""Reads of surveys: who sees which survey and from which unit, a unit's list, progress per
unit and per quota cell through the unit closure table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from lantoa import access
from lantoa.surveys.models import QuotaAllocation, QuotaCell, Response, Survey, SurveyStatus
from lantoa.units.aggregates import by_child
from lantoa.units.models import Unit, UnitClosure
from lantoa.units.selectors import active_children

# Statuses in which a survey reaches the units below its own (their officers see it).
PUBLISHED = (SurveyStatus.APPROVED, SurveyStatus.OPEN, SurveyStatus.CLOSED)


def surveys_of_unit(unit: Unit) -> QuerySet[Survey]:
    """The unit's own surveys, then those of units above it that collect in it."""
    above = UnitClosure.objects.filter(descendant=unit, depth__gt=0).values("ancestor_id")
    return (
        Survey.objects.filter(Q(unit=unit) | Q(unit_id__in=above, status__in=PUBLISHED))
        .select_related("unit")
        .annotate(n=Count("responses"))
        .order_by("-created_at", "-pk")
    )


def viewing_unit(user: Any, survey: Survey, code: str = "") -> Unit:
    """The unit from which ``user`` looks at ``survey``: the survey's own unit when they hold
    "survey.view" there; else (a published survey) the unit ``code`` or the highest unit
    inside the survey's subtree where they hold it. 404 when none: the survey stays hidden."""
    if code:
        unit = Unit.objects.filter(code=code).first()
        if (
            unit is not None
            and access.can(user, "survey.view", unit)
            and UnitClosure.objects.filter(ancestor=survey.unit, descendant=unit).exists()
            and (unit.pk == survey.unit_id or survey.status in PUBLISHED)
        ):
            return unit
        raise Http404
    if access.can(user, "survey.view", survey.unit):
        return survey.unit
    if survey.status in PUBLISHED:
        inside = (
            access.visible_units(user, "survey.view")
            .filter(
                Exists(UnitClosure.objects.filter(ancestor=survey.unit, descendant=OuterRef("pk")))
            )
            .order_by("depth", "code")
            .first()
        )
        if inside is not None:
            return inside
    raise Http404


def get_survey(user: Any, pk: int, code: str = "") -> tuple[Survey, Unit]:
    survey = Survey.objects.select_related("unit").filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey, viewing_unit(user, survey, code)


def in_subtree(unit: Unit) -> Q:
    """Responses counted for ``unit``: those of its subtree (closure join)."""
    return Q(unit__ancestor_links__ancestor_id=unit.pk)


def responses_in(survey: Survey, unit: Unit) -> QuerySet[Response]:
    return Response.objects.filter(in_subtree(unit), survey=survey)


@dataclass
class UnitProgress:
    unit: Unit | None  # None: the viewing unit's own sheets
    responses: int
    allocated: int = 0
    counted: int = 0  # sheets counted toward the allocations of this unit
    cells: dict[int, tuple[int, int]] = field(default_factory=dict)  # cell → (count, target)

    @property
    def share(self) -> float | None:
        return self.counted / self.allocated if self.allocated else None


@dataclass
class CellProgress:
    cell: QuotaCell
    counted: int  # collected in the unit's subtree
    target: int  # the cell's target, or the unit's allocation of it

    @property
    def share(self) -> float | None:
        return self.counted / self.target if self.target else None


@dataclass
class Progress:
    unit: Unit
    total: int
    own: int
    rows: list[UnitProgress]
    cells: list[CellProgress]
    codes_issued: int
    codes_used: int


def progress(survey: Survey, unit: Unit) -> Progress:
    """Sheets collected in ``unit``'s subtree, per child unit, with each child's quota
    allocations (count against target) per cell; one grouped query over the closure table
    for the sheets, one for the cells."""
    per_child = by_child(
        Response.objects.filter(survey=survey), "unit", unit, n=Count("id", distinct=True)
    )
    children = list(active_children(unit))
    ids = {c.pk for c in children} | {k for k in per_child if k is not None}
    missing = ids - {c.pk for c in children}
    if missing:
        children += list(Unit.objects.filter(pk__in=missing).order_by("kind", "name"))
    allocations: dict[int, list[QuotaAllocation]] = {}
    for a in QuotaAllocation.objects.filter(cell__survey=survey, unit__parent=unit):
        allocations.setdefault(a.unit_id, []).append(a)
    rows = []
    for child in children:
        mine = allocations.get(child.pk, [])
        rows.append(
            UnitProgress(
                unit=child,
                responses=per_child.get(child.pk, {}).get("n", 0),
                allocated=sum(a.target for a in mine),
                counted=sum(a.count for a in mine),
                cells={a.cell_id: (a.count, a.target) for a in mine},
            )
        )
    own = per_child.get(None, {}).get("n", 0)
    total = own + sum(r.responses for r in rows)
    cell_counts = dict(
        responses_in(survey, unit)
        .filter(quota_cell__isnull=False)
        .values_list("quota_cell")
        .annotate(n=Count("id"))
        .order_by()
    )
    own_allocations = {
        a.cell_id: a.target for a in QuotaAllocation.objects.filter(cell__survey=survey, unit=unit)
    }
    cells = [
        CellProgress(c, cell_counts.get(c.pk, 0), own_allocations.get(c.pk, c.target))
        for c in survey.quota_cells.all()
        if unit.pk == survey.unit_id or c.pk in own_allocations
    ]
    codes = survey.codes.filter(unit__ancestor_links__ancestor_id=unit.pk)
    return Progress(
        unit=unit,
        total=total,
        own=own,
        rows=rows,
        cells=cells,
        codes_issued=codes.count(),
        codes_used=codes.filter(used=True).count(),
    )


@dataclass
class CodeCount:
    unit: Unit
    issued: int
    used: int


def code_counts(survey: Survey, unit: Unit) -> list[CodeCount]:
    """Codes issued and used per unit of ``unit``'s subtree that has any."""
    rows = (
        survey.codes.filter(unit__ancestor_links__ancestor_id=unit.pk)
        .values("unit")
        .annotate(issued=Count("id"), used=Count("id", filter=Q(used=True)))
        .order_by()
    )
    units = Unit.objects.in_bulk([r["unit"] for r in rows])
    found = [CodeCount(units[r["unit"]], r["issued"], r["used"]) for r in rows]
    return sorted(found, key=lambda c: (c.unit.depth, c.unit.code))


def approvers_to_notify(survey: Survey) -> list[Any]:
    """Holders of a role that approves surveys at the nearest unit up the tree (the survey's
    own unit first) where someone holds one; not the survey's creator."""
    from lantoa.access.rules import PERMISSIONS
    from lantoa.accounts.models import Membership

    depths = dict(
        UnitClosure.objects.filter(descendant_id=survey.unit_id).values_list("ancestor_id", "depth")
    )
    rows = Membership.objects.filter(
        unit_id__in=list(depths),
        role__in=list(PERMISSIONS["survey.approve"]),
        user__is_active=True,
    ).select_related("user")
    by_depth: dict[int, list[Any]] = {}
    for m in rows:
        by_depth.setdefault(depths[m.unit_id], []).append(m.user)
    users = by_depth[min(by_depth)] if by_depth else []
    return [u for u in dict.fromkeys(users) if u.pk != survey.created_by_id]
