"""The metrics targets are measured with: the ``target_metrics`` registry of
``lantoa.core.extensions``, which each app fills from its ``contributions.py`` with what it
measures (posts, campaigns, sessions, inquiries answered on time …); targets name none of them.

Each metric answers ``values(units, start, end) -> {unit id: number}`` for many units at once
with one grouped aggregate (per chunk of ids, or one query when ``units`` is a queryset):

* ``count`` — items in the days ``start``…``end`` (campaigns, guidance briefs, sessions…);
* ``rate`` — an average per day over those days (posts a day);
* ``ratio`` — a share, 1.0 = 100 % (answered on time; answered compared with last year);
  None where there is nothing to measure yet;
* ``state`` — how things stand now, whatever the days (social groups, communicators).

``own`` metrics count the unit's own records; ``subtree`` ones the unit and everything below
it (through ``UnitClosure``). Assignable metrics (``assignable=True``) are the ones numeric
targets can be given in top-down.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lantoa.core.extensions import (
    COUNT,
    OWN,
    RATE,
    RATIO,
    STATE,
    SUBTREE,
    TargetMetric,
    target_metrics,
)

Metric = TargetMetric


class _Metrics(Mapping[str, TargetMetric]):
    """The registered metrics by key, in the registry's order."""

    def __getitem__(self, key: str) -> TargetMetric:
        if key not in target_metrics:
            raise KeyError(key)
        return target_metrics.get(key)

    def __iter__(self) -> Iterator[str]:
        return (m.key for m in target_metrics)

    def __len__(self) -> int:
        return len(target_metrics)


REGISTRY: Mapping[str, TargetMetric] = _Metrics()


def metric(key: str) -> TargetMetric:
    return REGISTRY[key]


def assignable_metrics() -> list[TargetMetric]:
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
    "metric",
]
