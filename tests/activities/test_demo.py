"""The demo generator (lantoa.activities.demo): deterministic and varied."""

from __future__ import annotations

import datetime as dt

import pytest

from lantoa.activities.models import Activity
from lantoa.activities.selectors import KINDS
from lantoa.units.models import Unit, UnitKind
from tests.activities.support import MERGER

pytestmark = pytest.mark.django_db


def test_demo_activities_are_deterministic_and_varied() -> None:
    from lantoa.activities.demo import seed_demo_activities
    from lantoa.units.seed import seed_database

    seed_database(size="demo", seed=2026)
    as_of = dt.date(2026, 12, 6)
    count = seed_demo_activities(seed=2026, as_of=as_of)
    assert 2500 <= count <= 8000 and Activity.objects.count() == count
    first = sorted(
        Activity.objects.values_list("unit__code", "held_on", "kind", "participants", "quantity")
    )
    assert set(Activity.objects.values_list("kind", flat=True)) == set(KINDS)
    assert min(a[1] for a in first) >= dt.date(2024, 1, 1)
    # The history runs to its last day (yesterday in the demo), with every recent month in it.
    assert max(a[1] for a in first) <= as_of
    recent = {(a[1].year, a[1].month) for a in first if a[1] >= dt.date(2026, 7, 1)}
    assert recent == {(2026, m) for m in range(7, 13)}
    # Bắc Kạn's federation stops recording the day it merges; its unions carry on.
    bk = Unit.objects.get(code="BK")
    assert not Activity.objects.filter(unit=bk, held_on__gte=bk.ended_on).exists()
    assert Activity.objects.filter(unit__code__startswith="BK-", held_on__gte=MERGER).exists()
    # Some grassroots unions never record anything (the reports have gaps to show).
    silent = Unit.objects.filter(kind=UnitKind.GRASSROOTS).exclude(activities__isnull=False)
    assert silent.count() > 50
    Activity.objects.all().delete()
    assert seed_demo_activities(seed=2026, as_of=as_of) == count
    again = sorted(
        Activity.objects.values_list("unit__code", "held_on", "kind", "participants", "quantity")
    )
    assert again == first
