"""Extension points: what a higher app contributes to a lower app's screens and processes.

An app may import only apps below it (``tests/architecture/test_layers.py``). When a lower
app must show or run something of higher ones — a tile on the unit page, a target metric, a
section of the period report, a scoreboard column, a periodic task, demo data, an API router —
it owns a registry here and iterates over it; the higher app fills it from its
``contributions.py``, which ``CoreConfig.ready()`` imports for every installed app (like the
admin's ``autodiscover``). The lower app then names no higher app, and a new app plugs in
without editing it.

Each registry holds items with a unique ``key`` and an ``order`` (smaller first); registering
a key twice is an error, so a module imported twice cannot add its items twice unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar


class Keyed(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def order(self) -> int: ...


T = TypeVar("T", bound=Keyed)


class Registry(Generic[T]):
    """Contributions of one kind, in ``order`` then ``key`` order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        if item.key in self._items:
            raise ValueError(f"{self.name}: “{item.key}” is registered twice")
        self._items[item.key] = item
        return item

    def unregister(self, key: str) -> None:
        """For tests that add an item of their own for the duration of one test."""
        self._items.pop(key, None)

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._items.values(), key=lambda item: (item.order, item.key)))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: str) -> T:
        return self._items[key]


# ── Periodic tasks (Celery beat) ────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class BeatEntry:
    """One periodic task: ``schedule`` in seconds or a ``celery.schedules.crontab`` (Vietnam
    time, CELERY_TIMEZONE)."""

    key: str
    task: str
    schedule: Any
    order: int = 100


beat_schedule: Registry[BeatEntry] = Registry("beat_schedule")


# ── Demo data (lantoa demo, lantoa seed) ────────────────────────────────────────────────────


@dataclass(frozen=True)
class DemoContext:
    """What every demo builder receives: the root of the demo tree and the run's seed."""

    root: Any
    seed: int
    out: Callable[[str], None] = print
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoBuilder:
    """Makes an app's demo data; runs in ``order`` and must be safe to run again (a second
    ``lantoa demo`` reuses the data, so a builder that finds its data already there does
    nothing)."""

    key: str
    build: Callable[[DemoContext], None]
    order: int = 100


demo_builders: Registry[DemoBuilder] = Registry("demo_builders")


# ── The unit page: links to the work areas ──────────────────────────────────────────────────


@dataclass(frozen=True)
class WorkLink:
    """A tile on a unit's page (and a link in its sub-navigation) to one work area, shown
    only when ``visible(permissions held at the unit, unit)`` says so."""

    key: str
    label: Any  # a lazy translation
    url_name: str  # reversed with the unit's code as the only argument
    visible: Callable[[frozenset[str], Any], bool]
    order: int = 100
    primary: bool = False  # the big button ("+ Ghi hoạt động") on a phone


work_links: Registry[WorkLink] = Registry("work_links")


# ── Writing activity records: guards and listeners ──────────────────────────────────────────
# Read by lantoa.activities (lantoa.activities.hooks) whenever records are created, changed,
# deleted or imported. Here rather than in activities so that the apps that fill them
# (periods, reports: "composers") name no feature app.


@dataclass(frozen=True)
class RecordGuard:
    """Refuses activity records of some units on some days (the lock of an approved period
    report). ``refusal(unit id, day)`` checks one record, with one query at most, and answers
    why it cannot be written (None: it can); ``refusals(unit ids)`` reads once what it needs
    for many units (one import file) and answers such a check that asks the database nothing
    more."""

    key: str
    refusal: Callable[[int, Any], str | None]
    refusals: Callable[[frozenset[int]], Callable[[int, Any], str | None]]
    order: int = 100


record_guards: Registry[RecordGuard] = Registry("record_guards")


@dataclass(frozen=True)
class FiguresListener:
    """Told, after the commit, the ids of the units whose activity records changed (the cached
    dashboards of them and their ancestors are void)."""

    key: str
    changed: Callable[[frozenset[int]], None]
    order: int = 100


figures_listeners: Registry[FiguresListener] = Registry("figures_listeners")
