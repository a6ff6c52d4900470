"""Demo roster for ``lantoa seed``: each province's trainings and the communicators and
briefers of the units of the sample tree, trained exactly when they attended one of their
province's trainings (a ``SEED`` demo builder).

Deterministic: each unit draws from its own ``random.Random`` seeded from the run's seed and
the unit's code.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from lantoa.core.text import fold
from lantoa.roster.models import Communicator, RosterRole, Training, TrainingAttendance
from lantoa.units import seed_names as names
from lantoa.units.models import Unit, UnitKind, UnitStatus
from lantoa.units.seed import BATCH, person_name


@dataclass
class RosterTotals:
    communicators: int = 0
    trainings: int = 0
    attendances: int = 0


def _phone(rng: random.Random) -> str:
    return "09" + "".join(rng.choice("0123456789") for _ in range(8))


class RosterSeeder:
    def __init__(self, *, seed: int) -> None:
        self.seed = seed
        self.totals = RosterTotals()
        self._people: list[Communicator] = []
        self._attendances: list[TrainingAttendance] = []
        # A province's trainings by its code: the sample codes a unit after its province
        # ("TN-KCN01-0001"), also the units that came with a merger, so a union of the old
        # province attends the old province's training.
        self._trainings: dict[str, list[Training]] = {}

    def run(self) -> RosterTotals:
        with transaction.atomic():
            for province in Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code"):
                # A province merged away kept only the training it held before the merger.
                held = (
                    (names.OLD_PROVINCE_TRAINING,)
                    if province.status == UnitStatus.MERGED
                    else names.TRAININGS
                )
                self._trainings[province.code] = [
                    Training.objects.create(
                        title=title, organizer=province, held_on=dt.date(*day), hours=hours
                    )
                    for title, day, hours in held
                ]
                self.totals.trainings += len(held)
            for unit in Unit.objects.order_by("depth", "code").iterator(chunk_size=BATCH):
                self.unit(unit)
                if len(self._people) >= BATCH:
                    self._flush()
            self._flush()
        return self.totals

    def unit(self, unit: Unit) -> None:
        rng = random.Random(f"{self.seed}:roster:{unit.code}")  # noqa: S311 - demo data
        upper = names.COMMUNICATOR_POSITIONS_UPPER
        trainings = self._trainings.get(unit.code.split("-")[0], [])
        if unit.kind == UnitKind.NATIONAL:
            self._add_people(rng, unit, rng.randint(4, 6), upper, [])
        elif unit.kind == UnitKind.PROVINCE:
            self._add_people(rng, unit, rng.randint(3, 6), upper, [])
        elif unit.kind != UnitKind.GRASSROOTS:
            self._add_people(rng, unit, rng.randint(2, 6), upper, trainings)
        elif unit.member_count >= 300 and rng.random() < 0.6:
            grassroots = names.COMMUNICATOR_POSITIONS_GRASSROOTS
            self._add_people(rng, unit, rng.randint(1, 2), grassroots, trainings)

    def _add_people(
        self,
        rng: random.Random,
        unit: Unit,
        count: int,
        positions: tuple[tuple[str, str], ...],
        trainings: list[Training],
    ) -> None:
        for i in range(count):
            position, role = (
                positions[min(i, len(positions) - 1)] if i < 2 else rng.choice(positions)
            )
            full_name = person_name(rng)
            phone = _phone(rng)
            person = Communicator(
                unit=unit,
                full_name=full_name,
                role=RosterRole(role),
                position=position,
                phone=phone,
                active=rng.random() < 0.95,
                search_text=fold(f"{full_name} {phone}"),
            )
            attended = [
                t for t, p in zip(trainings, (0.45, 0.3, 0.25), strict=False) if rng.random() < p
            ]
            person.trained = bool(attended)
            self._people.append(person)
            self._attendances += [
                TrainingAttendance(training=t, communicator=person) for t in attended
            ]

    def _flush(self) -> None:
        if self._people:
            Communicator.objects.bulk_create(self._people, batch_size=BATCH)
            self.totals.communicators += len(self._people)
        if self._attendances:
            TrainingAttendance.objects.bulk_create(self._attendances, batch_size=BATCH)
            self.totals.attendances += len(self._attendances)
        self._people, self._attendances = [], []


def seed_demo_roster(*, seed: int) -> RosterTotals:
    """Trainings and communicators for every unit of a freshly seeded tree."""
    return RosterSeeder(seed=seed).run()
