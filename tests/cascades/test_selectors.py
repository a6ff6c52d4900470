"""Cascade read models (lantoa.cascades.selectors): the roll-up against the raw rows, re-rating on
a new due date, merged units, laggards."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from lantoa.cascades import selectors, services
from lantoa.cascades.models import Cascade, CascadeRecipient, RecipientState
from lantoa.units.models import Unit, UnitClosure, UnitKind
from lantoa.units.services import unit_create, unit_merge
from tests.cascades.support import make, row
from tests.conftest import Tree


def _scatter(cascade: Cascade, seed: int) -> None:
    """Random states and times, some done after the deadline."""
    rng = random.Random(seed)
    deadline = cascade.deadline
    for r in CascadeRecipient.objects.filter(cascade=cascade):
        state = rng.choice(list(RecipientState.values))
        late = rng.random() < 0.4
        done_at = deadline + dt.timedelta(hours=3) if late else deadline - dt.timedelta(days=2)
        CascadeRecipient.objects.filter(pk=r.pk).update(
            state=state,
            received_at=None if state == "pending" else done_at,
            acknowledged_at=done_at if state in ("acknowledged", "done") else None,
            done_at=done_at if state == "done" else None,
        )


def expected_by_child(cascade_ids: Iterable[int], parent: Unit) -> dict[str, tuple[int, ...]]:
    """The roll-up computed in Python from the raw rows and the closure table."""
    deadlines = {c.pk: c.deadline for c in Cascade.objects.filter(pk__in=list(cascade_ids))}
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for child in Unit.objects.filter(parent=parent):
        below = set(
            UnitClosure.objects.filter(ancestor=child).values_list("descendant_id", flat=True)
        )
        for r in CascadeRecipient.objects.filter(cascade_id__in=deadlines, unit_id__in=below):
            figures = out[child.code]
            figures[0] += 1
            figures[1] += r.state != "pending"
            figures[2] += r.state in ("acknowledged", "done")
            figures[3] += r.state == "done"
            figures[4] += r.state == "done" and r.done_at < deadlines[r.cascade_id]
    return {code: tuple(v) for code, v in out.items()}


def test_rollup_matches_raw_rows(tree: Tree) -> None:
    # More units so that every state shows up under every child.
    for i in range(12):
        unit_create(
            code=f"A-N{i}",
            name=f"CĐCS Công ty {i}",
            kind=UnitKind.GRASSROOTS,
            parent=[tree.a_kcn, tree.a_xa][i % 2],
        )
        unit_create(code=f"B-N{i}", name=f"CĐCS B {i}", kind=UnitKind.GRASSROOTS, parent=tree.b_kcn)
    national = make(tree.vn, send=True)
    province = make(tree.pa, due_on=timezone.localdate() + dt.timedelta(days=2), send=True)
    _scatter(national, 1)
    _scatter(province, 2)
    for ids, parent in (
        ([national.pk], tree.vn),
        ([national.pk], tree.pa),
        ([national.pk], tree.a_kcn),
        ([province.pk], tree.pa),
        ([national.pk, province.pk], tree.pa),
    ):
        got = {c.unit.code: c.as_tuple() for c in selectors.completion_by_child(ids, parent)}
        assert got == expected_by_child(ids, parent), (ids, parent.code)
    rollup = selectors.rollup([national.pk], tree.pa)
    own = row(national, tree.pa)
    assert rollup.own.recipients == 1 and rollup.own.done == int(own.state == "done")
    total = [sum(c.as_tuple()[i] for c in rollup.children) for i in range(5)]
    own_figures = rollup.own.as_tuple()
    assert rollup.total.as_tuple() == tuple(a + b for a, b in zip(total, own_figures, strict=True))
    assert rollup.total.recipients == 1 + 2 + 3 + 12  # P-A, A-KCN, A-XA, G1-G3, A-N*
    children = selectors.completion_by_child([national.pk], tree.vn)
    assert [c.unit.code for c in children] == ["P-A", "P-B"]  # by kind, then name
    assert children[0].unit.name == tree.pa.name


def test_extending_due_date_rerates_on_time(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    late = cascade.deadline + dt.timedelta(hours=1)
    CascadeRecipient.objects.filter(cascade=cascade).update(state="done", done_at=late)
    assert sum(c.done_on_time for c in selectors.completion_by_child([cascade.pk], tree.pa)) == 0
    Cascade.objects.filter(pk=cascade.pk).update(due_on=cascade.due_on + dt.timedelta(days=1))
    assert sum(c.done_on_time for c in selectors.completion_by_child([cascade.pk], tree.pa)) == 5


def test_merged_unit_rows_roll_up_under_successor(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    services.recipient_advance(recipient=row(cascade, tree.a_g3), actor=None, state="done")
    # The commune union is merged into the industrial-zone union after the cascade went out.
    unit_merge(source=tree.a_xa, target=tree.a_kcn, on=timezone.localdate())
    got = {c.unit.code: c.as_tuple() for c in selectors.completion_by_child([cascade.pk], tree.pa)}
    assert got == {"A-KCN": (5, 1, 1, 1, 1)}


def test_laggards_not_done_pending_first(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    services.recipient_advance(recipient=row(cascade, tree.a_g1), actor=None, state="done")
    services.recipient_advance(recipient=row(cascade, tree.a_g2), actor=None, state="acknowledged")
    services.recipient_advance(recipient=row(cascade, tree.a_xa), actor=None, state="received")
    codes = [r.unit.code for r in selectors.laggards([cascade.pk], tree.pa)]
    assert codes == ["A-KCN", "A-G3", "A-XA", "A-G2"]
    assert [r.unit.code for r in selectors.laggards([cascade.pk], tree.a_kcn)] == [
        "A-KCN",
        "A-G2",
    ]


def test_laggards_overdue_cascade_first(tree: Tree) -> None:
    soon = make(tree.pa, title="Sớm", send=True)
    later = make(tree.pa, title="Muộn", due_on=timezone.localdate() + dt.timedelta(days=30))
    services.cascade_send(cascade=later, actor=None)
    Cascade.objects.filter(pk=soon.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    titles = [r.cascade.title for r in selectors.laggards([later.pk, soon.pk], tree.a_xa)]
    assert titles == ["Sớm", "Sớm", "Muộn", "Muộn"]
