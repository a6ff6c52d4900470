"""Deterministic sample data for ``lantoa seed``: the union tree with its figures (members,
workers, workplaces) and the 2025 merger of Bắc Kạn into Thái Nguyên. The apps above add
their own sample data to the tree (channels, roster, activities …) from the ``SEED`` demo
builders they register in ``lantoa.core.extensions.demo_builders``.

The same ``seed`` always yields the same codes, names and figures (database ids may differ).
Every random draw comes from ``random.Random`` instances seeded from ``seed`` and the
province code, so one province's data does not depend on how many came before it.

Units are written with ``bulk_create`` level by level (parents before children, in batches)
and the closure table is rebuilt once at the end: ``unit_create`` per row would take hours
for the national size.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from importlib import resources

from django.db import transaction

from lantoa.core.text import format_int
from lantoa.units import seed_names as names
from lantoa.units.models import Unit, UnitKind
from lantoa.units.selectors import site_unit_forget
from lantoa.units.services import closure_rebuild, unit_merge, unit_root_ensure

SIZES = ("demo", "province", "national")
DEFAULT_SEED = 2026
# Figures are dated relative to a fixed day, not today, so that a seed is reproducible.
AS_OF = dt.date(2026, 6, 30)
MERGER_DATE = dt.date(2025, 7, 1)
BATCH = 5000

SCHOOL, HEALTH, INDUSTRY, AGRI, ZONE, AGENCY, COMMUNE = (
    "school",
    "health",
    "industry",
    "agri",
    "zone",
    "agency",
    "commune",
)
Log = Callable[[str], None]


@dataclass(frozen=True)
class Province:
    name: str
    kind: str  # "tỉnh" or "thành phố"
    code: str

    @property
    def place(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def federation_name(self) -> str:
        return f"Liên đoàn Lao động {self.place}"


def _province_rows() -> list[dict[str, str]]:
    text = resources.files("lantoa.units").joinpath("data/provinces-2025.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_provinces() -> list[Province]:
    """The 34 provinces and cities after the 2025 merger, in the order of the CSV."""
    seen: dict[str, Province] = {}
    for row in _province_rows():
        name = row["new_province"].strip()
        if name not in seen:
            seen[name] = Province(name, row["new_kind"].strip(), names.PROVINCE_CODES[name])
    return list(seen.values())


def merged_into(old_province: str) -> str:
    """Name of the post-2025 province that ``old_province`` belongs to."""
    for row in _province_rows():
        if row["old_province"].strip() == old_province:
            return row["new_province"].strip()
    raise KeyError(old_province)


@dataclass
class SeedTotals:
    units: int = 0
    provinces: int = 0
    upper_level: int = 0
    grassroots: int = 0
    members: int = 0
    closure_rows: int = 0
    merged: int = 0


@dataclass(frozen=True)
class UpperSpec:
    suffix: str  # code after the province code, e.g. "KCN01"
    name: str
    kind: str
    theme: str  # what kind of workplaces its grassroots units are
    weight: float  # share of the province's grassroots units
    locality: tuple[str, str] | None = None  # ("xã"|"phường", name) for commune unions


class _ProvinceContext:
    """Per-province state: its random stream, places and the employer names already used."""

    def __init__(
        self,
        province: Province,
        rng: random.Random,
        localities: list[tuple[str, str]],
        zones: list[str],
    ) -> None:
        self.province = province
        self.rng = rng
        self.localities = localities
        self.zones = zones
        self.used: set[str] = set()
        self.agencies = list(names.AGENCIES)
        rng.shuffle(self.agencies)

    def unique(self, make: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        """A fresh (employer, sector): retry the generator, then number the last candidate."""
        candidate, sector = make()
        for _ in range(6):
            if candidate not in self.used:
                break
            candidate, sector = make()
        base, k = candidate, 2
        while candidate in self.used:
            candidate = f"{base} số {k}"
            k += 1
        self.used.add(candidate)
        return candidate, sector


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _lognormal(rng: random.Random, median: float, sigma: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(rng.lognormvariate(math.log(median), sigma))))


def person_name(rng: random.Random) -> str:
    family = _weighted(rng, names.FAMILY_NAMES)
    if rng.random() < 0.55:
        return f"{family} {rng.choice(names.FEMALE_MIDDLE)} {rng.choice(names.FEMALE_GIVEN)}"
    return f"{family} {rng.choice(names.MALE_MIDDLE)} {rng.choice(names.MALE_GIVEN)}"


def _invented_places(rng: random.Random, count: int, urban_share: float) -> list[tuple[str, str]]:
    places: dict[str, str] = {}
    while len(places) < count:
        name = f"{rng.choice(names.PLACE_FIRST)} {rng.choice(names.PLACE_SECOND)}"
        if name.split()[0] != name.split()[1] and name not in places:
            places[name] = "phường" if rng.random() < urban_share else "xã"
    return [(kind, name) for name, kind in places.items()]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` by ``weights`` into integers that add up exactly (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _generic_uppers(ctx: _ProvinceContext, count: int) -> list[UpperSpec]:
    """Upper-level unions of a generated province: sector unions, the industrial-zone union,
    the civil-servants union and, for the rest, commune and ward unions."""
    rng, place = ctx.rng, ctx.province.place
    themes = {"Giáo dục": SCHOOL, "Y tế": HEALTH, "Nông nghiệp và Môi trường": AGRI}
    weights = {SCHOOL: 21.0, HEALTH: 6.0, AGRI: 4.0}
    sectors = list(names.SECTORS[:4]) + rng.sample(names.SECTORS[4:], rng.randint(0, 2))
    specs = [
        UpperSpec(
            f"N{i:02d}",
            f"Công đoàn ngành {s} {place}",
            UnitKind.SECTOR,
            themes.get(s, INDUSTRY),
            weights.get(themes.get(s, INDUSTRY), 4.0),
        )
        for i, s in enumerate(sectors, start=1)
    ]
    specs.append(
        UpperSpec(
            "KCN01", f"Công đoàn các Khu công nghiệp {place}", UnitKind.INDUSTRIAL_ZONE, ZONE, 22.0
        )
    )
    if rng.random() < 0.3:
        specs.append(
            UpperSpec(
                "KCN02", f"Công đoàn Khu kinh tế {place}", UnitKind.INDUSTRIAL_ZONE, ZONE, 6.0
            )
        )
    specs.append(
        UpperSpec("CD01", f"Công đoàn Viên chức {place}", UnitKind.OTHER_UPPER, AGENCY, 6.0)
    )
    specs.append(
        UpperSpec(
            "CD02",
            f"Công đoàn Cơ quan Đảng, Mặt trận và các đoàn thể {place}",
            UnitKind.OTHER_UPPER,
            AGENCY,
            2.0,
        )
    )
    communes = ctx.localities[: max(1, count - len(specs))]
    specs += [
        UpperSpec(
            f"XA{i:02d}",
            f"Công đoàn {kind} {name}",
            UnitKind.COMMUNE,
            COMMUNE,
            28.0 / len(communes),
            (kind, name),
        )
        for i, (kind, name) in enumerate(communes, start=1)
    ]
    return specs


def _thai_nguyen_uppers() -> list[UpperSpec]:
    place = "tỉnh Thái Nguyên"
    specs = [
        UpperSpec("N01", f"Công đoàn ngành Giáo dục {place}", UnitKind.SECTOR, SCHOOL, 200),
        UpperSpec("N02", f"Công đoàn ngành Y tế {place}", UnitKind.SECTOR, HEALTH, 60),
        UpperSpec("N03", f"Công đoàn ngành Công Thương {place}", UnitKind.SECTOR, INDUSTRY, 90),
        UpperSpec(
            "N04", f"Công đoàn ngành Nông nghiệp và Môi trường {place}", UnitKind.SECTOR, AGRI, 40
        ),
        UpperSpec(
            "KCN01", f"Công đoàn các Khu công nghiệp {place}", UnitKind.INDUSTRIAL_ZONE, ZONE, 230
        ),
        UpperSpec("CD01", f"Công đoàn Viên chức {place}", UnitKind.OTHER_UPPER, AGENCY, 80),
    ]
    specs += [
        UpperSpec(
            f"XA{i:02d}",
            f"Công đoàn {kind} {name}",
            UnitKind.COMMUNE,
            COMMUNE,
            250 / 6,
            (kind, name),
        )
        for i, (kind, name) in enumerate(names.THAI_NGUYEN_COMMUNES[:6], start=1)
    ]
    return specs


def _bac_kan_uppers() -> list[UpperSpec]:
    kind, name = names.BAC_KAN_COMMUNES[0]
    return [
        UpperSpec("N01", "Công đoàn ngành Giáo dục tỉnh Bắc Kạn", UnitKind.SECTOR, SCHOOL, 35),
        UpperSpec("XA01", f"Công đoàn {kind} {name}", UnitKind.COMMUNE, COMMUNE, 25, (kind, name)),
    ]


@dataclass
class _Workplace:
    employer: str
    sector: str
    members: int
    address: str
    zone: str = ""


class Seeder:
    """Builds the sample data in memory, writes it in batches, keeps running totals."""

    def __init__(self, *, seed: int = DEFAULT_SEED, log: Log | None = None) -> None:
        self.seed = seed
        self.log: Log = log or (lambda _line: None)
        self.totals = SeedTotals()
        self._units: list[Unit] = []

    # -- entry point -------------------------------------------------------------------------

    def run(self, size: str) -> SeedTotals:
        if size not in SIZES:
            raise ValueError(f"size must be one of {SIZES}, not {size!r}")
        with transaction.atomic():
            root = self._root()
            by_name = {p.name: p for p in load_provinces()}
            if size == "demo":
                thai_nguyen = by_name["Thái Nguyên"]
                target = self._province(
                    root,
                    thai_nguyen,
                    uppers=_thai_nguyen_uppers(),
                    grassroots=950,
                    localities=list(names.THAI_NGUYEN_COMMUNES),
                    zones=list(names.THAI_NGUYEN_ZONES),
                )
                bac_kan = Province("Bắc Kạn", "tỉnh", names.PROVINCE_CODES["Bắc Kạn"])
                source = self._province(
                    root,
                    bac_kan,
                    uppers=_bac_kan_uppers(),
                    grassroots=60,
                    localities=list(names.BAC_KAN_COMMUNES),
                    zones=["KCN Thanh Bình"],
                )
            elif size == "province":
                self._province(root, by_name["Thái Nguyên"], upper_count=40, grassroots=3960)
            else:
                for province in by_name.values():
                    rng = self._rng(province.code, "size")
                    self._province(
                        root,
                        province,
                        upper_count=rng.randint(20, 60),
                        grassroots=rng.randint(3400, 4200),
                    )
            self._flush()
            self.log("Đang dựng bảng quan hệ cấp trên – cấp dưới (closure)…")
            self.totals.closure_rows = closure_rebuild()
            if size == "demo":
                # The 2025 merger, done the way an operator would: through the service, so the
                # demo carries real move and merge history.
                assert merged_into(source.name.removeprefix("Liên đoàn Lao động tỉnh ")) == (
                    "Thái Nguyên"
                )
                unit_merge(
                    source=source,
                    target=target,
                    on=MERGER_DATE,
                    note="Hợp nhất theo sắp xếp đơn vị hành chính cấp tỉnh năm 2025",
                )
                self.totals.merged = 1
                self.log(
                    f"Đã hợp nhất {source.name} vào {target.name} (ngày {MERGER_DATE:%d/%m/%Y})."
                )
        return self.totals

    # -- tree --------------------------------------------------------------------------------

    def _rng(self, *parts: str) -> random.Random:
        return random.Random(":".join([str(self.seed), *parts]))

    def _root(self) -> Unit:
        """The national root a fresh install already has (from its first migration), with
        the seed's address filled in, or a new one on a database without it."""
        root = unit_root_ensure(
            address="Số 82 Trần Hưng Đạo, phường Cửa Nam, thành phố Hà Nội",
        )
        self.totals.units += 1
        return root

    def _province(
        self,
        root: Unit,
        province: Province,
        *,
        grassroots: int,
        uppers: list[UpperSpec] | None = None,
        upper_count: int = 0,
        localities: list[tuple[str, str]] | None = None,
        zones: list[str] | None = None,
    ) -> Unit:
        rng = self._rng(province.code)
        urban = 0.6 if province.kind == "thành phố" else 0.3
        if localities is None:
            localities = _invented_places(rng, max(upper_count, 30) + 10, urban)
        if zones is None:
            zones = sorted({f"KCN {n}" for _, n in _invented_places(rng, rng.randint(3, 8), 0)})
        ctx = _ProvinceContext(province, rng, localities, zones)
        unit = Unit(
            code=province.code,
            name=province.federation_name,
            short_name=f"LĐLĐ {province.name}",
            kind=UnitKind.PROVINCE,
            parent=root,
            depth=1,
            address=self._address(ctx, localities[0]),
        )
        self._add(unit)
        self._flush()

        specs = uppers if uppers is not None else _generic_uppers(ctx, upper_count)
        upper_units = []
        for spec in specs:
            upper = Unit(
                code=f"{province.code}-{spec.suffix}",
                name=spec.name,
                kind=spec.kind,
                parent=unit,
                depth=2,
                address=self._address(ctx, spec.locality or rng.choice(localities)),
            )
            self._add(upper)
            upper_units.append(upper)
        self.totals.upper_level += len(upper_units)
        self._flush()

        counts = _apportion(grassroots, [s.weight for s in specs])
        for spec, upper, count in zip(specs, upper_units, counts, strict=True):
            for number in range(1, count + 1):
                place = self._workplace(ctx, spec)
                leaf = Unit(
                    code=f"{upper.code}-{number:04d}",
                    name=f"Công đoàn cơ sở {place.employer}",
                    kind=UnitKind.GRASSROOTS,
                    parent=upper,
                    depth=3,
                    member_count=place.members,
                    worker_count=place.members
                    + round(place.members * rng.uniform(0.0, 0.25))
                    + rng.randint(0, 5),
                    employer_name=place.employer,
                    address=place.address,
                    industrial_zone=place.zone,
                    sector=place.sector,
                )
                self._add(leaf)
                self.totals.grassroots += 1
                self.totals.members += place.members
                if len(self._units) >= BATCH:
                    self._flush()
        self._flush()
        self.totals.provinces += 1
        self.log(
            f"  {province.federation_name}: {format_int(len(specs))} công đoàn cấp trên, "
            f"{format_int(grassroots)} công đoàn cơ sở (tổng cộng "
            f"{format_int(self.totals.units)} đơn vị)."
        )
        return unit

    # -- workplaces --------------------------------------------------------------------------

    def _address(self, ctx: _ProvinceContext, locality: tuple[str, str], zone: str = "") -> str:
        rng, (kind, name) = ctx.rng, locality
        if zone:
            return f"Lô CN-{rng.randint(1, 40):02d}, {zone}, {ctx.province.place}"
        where = f"{kind} {name}, {ctx.province.place}"
        if kind == "xã":
            return f"Xóm {rng.randint(1, 15)}, {where}"
        return f"Số {rng.randint(1, 450)}, đường {rng.choice(names.STREETS)}, {where}"

    def _workplace(self, ctx: _ProvinceContext, spec: UpperSpec) -> _Workplace:
        rng, province = ctx.rng, ctx.province
        locality = spec.locality or rng.choice(ctx.localities)
        kind, place = locality
        theme = spec.theme
        if theme == COMMUNE:
            theme = rng.choices(
                [SCHOOL, INDUSTRY, HEALTH, AGRI, AGENCY], weights=[35, 40, 5, 12, 8]
            )[0]
        address = self._address(ctx, locality)
        zone = ""

        def company() -> tuple[str, str]:
            industry, sector = rng.choice(names.INDUSTRIES)
            form = _weighted(rng, names.COMPANY_FORMS)
            return f"{form} {industry} {rng.choice(names.BRANDS)}", sector

        if theme == SCHOOL:
            level = _weighted(rng, names.SCHOOL_LEVELS)
            employer, sector = ctx.unique(
                lambda: (
                    f"{level} "
                    + (place if rng.random() < 0.4 else rng.choice(names.SCHOOL_PATRONS)),
                    "Giáo dục – Đào tạo",
                )
            )
            members = _lognormal(rng, 45, 0.5, 12, 180)
        elif theme == HEALTH and spec.theme == COMMUNE:
            employer, sector = ctx.unique(lambda: (f"Trạm Y tế {kind} {place}", "Y tế"))
            members = rng.randint(5, 20)
        elif theme == HEALTH:
            employer, sector = ctx.unique(
                lambda: (
                    f"{rng.choice(names.HOSPITAL_KINDS)} "
                    + (f"{kind} {place}" if rng.random() < 0.6 else province.place),
                    "Y tế",
                )
            )
            members = _lognormal(rng, 220, 0.7, 30, 2500)
        elif theme == AGRI:
            employer, sector = ctx.unique(
                lambda: (
                    rng.choice(
                        (
                            f"Hợp tác xã Chè {rng.choice(names.BRANDS)}",
                            f"Hợp tác xã Nông nghiệp {place}",
                            f"Công ty TNHH MTV Lâm nghiệp {rng.choice(names.BRANDS)}",
                            f"Trung tâm Dịch vụ nông nghiệp {kind} {place}",
                        )
                    ),
                    "Nông, lâm nghiệp",
                )
            )
            members = _lognormal(rng, 30, 0.7, 8, 400)
        elif theme == AGENCY and spec.theme == COMMUNE:
            employer, sector = ctx.unique(
                lambda: (
                    rng.choice(
                        (
                            f"Ủy ban nhân dân {kind} {place}",
                            f"Cơ quan Đảng ủy {kind} {place}",
                            f"Bưu điện {kind} {place}",
                            f"Quỹ tín dụng nhân dân {place}",
                        )
                    ),
                    "Quản lý nhà nước",
                )
            )
            members = _lognormal(rng, 25, 0.5, 8, 120)
        elif theme == AGENCY:

            def agency() -> tuple[str, str]:
                if not ctx.agencies:
                    return (
                        f"Trung tâm {rng.choice(('Văn hóa', 'Dịch vụ công', 'Kỹ thuật'))} "
                        f"{kind} {place}",
                        "Quản lý nhà nước",
                    )
                base = ctx.agencies.pop()
                if base.endswith(" tỉnh"):
                    base = base.removesuffix(" tỉnh")
                return f"{base} {province.place}", "Quản lý nhà nước"

            employer, sector = ctx.unique(agency)
            members = _lognormal(rng, 45, 0.5, 10, 250)
        elif theme == ZONE:
            zone = rng.choice(ctx.zones)
            address = self._address(ctx, locality, zone)

            def zone_company() -> tuple[str, str]:
                if rng.random() < 0.4:
                    return company()
                product, sector = rng.choice(names.FOREIGN_PRODUCTS)
                return f"Công ty TNHH {rng.choice(names.FOREIGN_STEMS)} {product}", sector

            employer, sector = ctx.unique(zone_company)
            members = _lognormal(rng, 300, 1.05, 25, 8000)
        else:
            employer, sector = ctx.unique(company)
            members = _lognormal(rng, 90 if spec.theme == INDUSTRY else 40, 1.0, 8, 3000)
        return _Workplace(employer, sector, members, address, zone)

    # -- writing -----------------------------------------------------------------------------

    def _add(self, unit: Unit) -> None:
        unit.refresh_search_text()
        self._units.append(unit)

    def _flush(self) -> None:
        """Write the queued units; they come parents first, and bulk_create sets the new ids
        on the objects, so the children queued after them find their parents."""
        if self._units:
            Unit.objects.bulk_create(self._units, batch_size=BATCH)
            site_unit_forget()  # bulk_create sends no post_save
            self.totals.units += len(self._units)
        self._units = []


def seed_database(*, size: str, seed: int = DEFAULT_SEED, log: Log | None = None) -> SeedTotals:
    """Fill an empty database with the sample data of ``size``; see the module docstring."""
    return Seeder(seed=seed, log=log).run(size)


def totals_lines(totals: SeedTotals) -> Iterator[str]:
    labels = {
        "units": "đơn vị",
        "provinces": "LĐLĐ tỉnh, thành phố",
        "upper_level": "công đoàn cấp trên trực tiếp cơ sở",
        "grassroots": "công đoàn cơ sở",
        "members": "đoàn viên",
        "closure_rows": "dòng bảng closure",
        "merged": "đơn vị đã hợp nhất",
    }
    for f in fields(totals):
        yield f"  {labels[f.name]}: {format_int(getattr(totals, f.name))}"
