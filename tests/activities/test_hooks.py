"""The guards and listeners other apps hang on the writing of activity records
(``lantoa.activities.hooks``): a guard's message refuses a record on entry, change, deletion
and import (an import asks each guard once for the whole file); listeners hear which units'
records changed, after the commit."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import ValidationError

from lantoa.activities.hooks import figures_changed, record_refusal, record_refusals
from lantoa.activities.importing import activities_import
from lantoa.activities.models import Activity, ActivityKind
from lantoa.activities.services import activity_create, activity_delete, activity_update
from lantoa.core.extensions import (
    FiguresListener,
    RecordGuard,
    figures_listeners,
    record_guards,
)
from tests.conftest import Officers, Tree

pytestmark = pytest.mark.django_db
CLOSED = dt.date(2024, 5, 20)
MESSAGE = "ngày này đã đóng sổ."


class Guard:
    """Refuses every record dated CLOSED; counts how it was asked."""

    def __init__(self) -> None:
        self.single = 0
        self.batches: list[frozenset[int]] = []

    def refusal(self, unit_id: int, day: dt.date) -> str | None:
        self.single += 1
        return MESSAGE if day == CLOSED else None

    def refusals(self, unit_ids: frozenset[int]) -> Callable[[int, dt.date], str | None]:
        self.batches.append(unit_ids)
        return lambda unit_id, day: MESSAGE if day == CLOSED else None


@pytest.fixture
def guard() -> Iterator[Guard]:
    found = Guard()
    record_guards.register(
        RecordGuard(key="test.closed", refusal=found.refusal, refusals=found.refusals)
    )
    yield found
    record_guards.unregister("test.closed")


@pytest.fixture
def heard() -> Iterator[list[frozenset[int]]]:
    calls: list[frozenset[int]] = []
    figures_listeners.register(FiguresListener(key="test.heard", changed=calls.append))
    yield calls
    figures_listeners.unregister("test.heard")


def test_the_apps_above_register_theirs() -> None:
    assert "periods.approved_report" in record_guards
    assert "reports.dashboard_cache" in figures_listeners


def test_a_guard_refuses_entry_change_and_deletion(
    tree: Tree, officers: Officers, guard: Guard
) -> None:
    def create(day: dt.date) -> Activity:
        return activity_create(
            unit=tree.a_g1,
            actor=officers.a_admin,
            kind=ActivityKind.OUTREACH,
            held_on=day,
            title="Phổ biến Luật Công đoàn",
        )

    with pytest.raises(ValidationError) as refused:
        create(CLOSED)
    assert refused.value.message_dict == {"held_on": ["Ngày này đã đóng sổ."]}
    record = create(CLOSED - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        activity_update(
            activity=record,
            actor=officers.a_admin,
            kind=ActivityKind.OUTREACH,
            held_on=CLOSED,
            title=record.title,
        )
    Activity.objects.filter(pk=record.pk).update(held_on=CLOSED)
    record.refresh_from_db()
    with pytest.raises(ValidationError):
        activity_delete(activity=record, actor=officers.a_admin)
    assert Activity.objects.filter(pk=record.pk).exists()
    assert record_refusal(tree.a_g1.pk, CLOSED) == MESSAGE
    assert record_refusal(tree.a_g1.pk, CLOSED + dt.timedelta(days=1)) is None


def test_an_import_asks_each_guard_once(tree: Tree, officers: Officers, guard: Guard) -> None:
    body = (
        "unit_code,date,type,title,participants\n"
        "A-G1,19/05/2024,tuyên truyền,Phổ biến Luật Công đoàn,40\n"
        "A-G2,20/05/2024,tuyên truyền,Phổ biến Luật Công đoàn,50\n"
        "A-G1,20/05/2024,tuyên truyền,Phổ biến Luật Công đoàn,50\n"
    ).encode()
    result = activities_import(fileobj=io.BytesIO(body), filename="hd.csv", actor=officers.a_admin)
    assert [(e.row, e.field) for e in result.errors] == [(3, "date"), (4, "date")]
    assert MESSAGE in str(result.errors[0])
    assert guard.batches == [frozenset({tree.a_g1.pk, tree.a_g2.pk})]
    assert guard.single == 0
    assert not Activity.objects.exists()
    check = record_refusals([tree.a_g1.pk])
    assert check(tree.a_g1.pk, CLOSED) == MESSAGE
    assert check(tree.a_g1.pk, dt.date(2024, 1, 1)) is None


def test_listeners_hear_the_units_after_the_commit(
    tree: Tree,
    officers: Officers,
    heard: list[frozenset[int]],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        record = activity_create(
            unit=tree.a_g1,
            actor=officers.a_admin,
            kind=ActivityKind.OUTREACH,
            held_on=dt.date(2024, 5, 2),
            title="Phổ biến Luật Công đoàn",
        )
        assert heard == []  # not before the commit
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        activity_delete(activity=record, actor=officers.a_admin)
    assert heard == [frozenset({tree.a_g1.pk})] * 2
    figures_changed([tree.a_g1.pk, tree.a_g2.pk, tree.a_g1.pk])
    assert heard[-1] == frozenset({tree.a_g1.pk, tree.a_g2.pk})
