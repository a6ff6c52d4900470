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

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from lantoa.core.messages import Text


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


def beat_schedule_conf() -> dict[str, dict[str, Any]]:
    """The registered entries as Celery's ``beat_schedule`` setting."""
    return {entry.key: {"task": entry.task, "schedule": entry.schedule} for entry in beat_schedule}


# ── Demo data (lantoa demo, lantoa seed) ────────────────────────────────────────────────────


# The two moments a builder runs at.
SEED = "seed"  # ``lantoa seed``, once, right after the unit tree of a fresh database
DEMO = "demo"  # every ``lantoa demo``, after the seed: must be safe to run again


def demo_as_of(today: dt.date | None = None) -> dt.date:
    """The last day of the demo's history: yesterday in Vietnam's time zone."""
    from django.utils import timezone

    return (today or timezone.localdate()) - dt.timedelta(days=1)


@dataclass(frozen=True)
class DemoContext:
    """What every demo builder receives: the root of the demo tree, the run's seed, the size
    of the sample (``demo``, ``province``, ``national``), where to write progress lines and
    the lines of the closing summary (``totals``).
    ``extra`` carries what one builder hands to the command or to a later builder (the demo
    accounts to print, for instance). ``as_of`` is the last day of the sample's history
    (yesterday unless the command is told otherwise), so the demo always shows recent months."""

    root: Any
    seed: int
    out: Callable[[str], None] = print
    extra: dict[str, Any] = field(default_factory=dict)
    size: str = "demo"
    totals: list[str] = field(default_factory=list)  # "  kênh truyền thông: 1.234" lines
    warn: Callable[[str], None] = print  # what went wrong (stderr of a command)
    as_of: dt.date = field(default_factory=lambda: demo_as_of())
    # (builder key, seconds) for each builder run: what ``lantoa demo -v 2`` prints and
    # bench/first_run_bench.py reads.
    timings: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class DemoBuilder:
    """Makes an app's demo data; runs in ``order`` at its ``stage``. A ``SEED`` builder fills
    a fresh tree (every size; it reads ``ctx.size`` and may skip itself) and draws its random
    numbers from ``ctx.seed`` only, so the same seed gives the same data. A ``DEMO`` builder
    must be safe to run again (a second ``lantoa demo`` reuses the data, so a builder that
    finds its data already there does nothing)."""

    key: str
    build: Callable[[DemoContext], None]
    order: int = 100
    stage: str = DEMO


def run_demo_builders(stage: str, ctx: DemoContext) -> None:
    """Run the builders of one stage, in order, noting how long each took (``ctx.timings``)."""
    for builder in demo_builders:
        if builder.stage == stage:
            started = time.perf_counter()
            builder.build(ctx)
            ctx.timings.append((builder.key, time.perf_counter() - started))


demo_builders: Registry[DemoBuilder] = Registry("demo_builders")


# ── The unit page: links to the work areas ──────────────────────────────────────────────────


@dataclass(frozen=True)
class WorkLink:
    """A tile on a unit's page (and a link in its sub-navigation) to one work area, shown
    only when ``visible(permissions held at the unit, unit)`` says so."""

    key: str
    label: Any  # a lazy translation
    url_name: str  # reversed with the unit's code as the only argument (see unit_arg)
    visible: Callable[[frozenset[str], Any], bool]
    order: int = 100
    primary: bool = False  # the big button ("+ Ghi hoạt động") on a phone, above the tiles
    description: Any = ""  # the small line under the tile's label (a lazy translation)
    nav_order: int | None = None  # its place in the sub-navigation; None: not there
    nav_label: Any = ""  # a shorter label for the sub-navigation; empty: ``label``
    unit_arg: bool = True  # False: a page of its own, reversed without arguments


work_links: Registry[WorkLink] = Registry("work_links")


# ── The header: links to the officer's work queues, with a count ──────────────────────────


@dataclass(frozen=True)
class HeaderLink:
    """A link in the signed-in officer's header to a queue of work (new questions, items to
    approve) showing how many wait, for the users ``visible(user)`` says. With ``poll_url_name``
    (an address answering ``{"count": n}``) the page refreshes the number by itself
    (``static/lantoa/header-counts.js``)."""

    key: str
    label: Any  # a lazy translation; hidden on phones, where the icon speaks
    title: Any  # the tooltip (a lazy translation)
    url_name: str  # reversed without arguments
    visible: Callable[[Any], bool]
    count: Callable[[Any], int]
    icon: tuple[str, ...]  # the "d" of each SVG path, 24×24, stroked
    query: str = ""  # appended to the address ("xem=chua-phan-cong")
    poll_url_name: str = ""
    order: int = 100


header_links: Registry[HeaderLink] = Registry("header_links")


# ── The unit page: sections of other apps ───────────────────────────────────────────────────


@dataclass(frozen=True)
class UnitSection:
    """A card on a unit's page, below the units under it and above its history: the template
    ``template_name`` rendered with the page's context plus what ``context(request, unit)``
    returns; ``None`` leaves the section (and its tab) out. ``anchor`` is the card's id and,
    with ``tab_label``, its entry in the page's tabs."""

    key: str
    template_name: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100
    anchor: str = ""
    tab_label: Any = ""  # a lazy translation; empty: no tab


unit_sections: Registry[UnitSection] = Registry("unit_sections")
# ── Access: what lantoa.access answers to the apps below it ─────────────────────────────────


@dataclass(frozen=True)
class UnitScope:
    """The units where a user holds the permission ``key`` (one of ``lantoa.access``), for an
    app below ``lantoa.access`` that must limit what a user's job or command touches: the
    units import runs in a worker with only the job's user at hand. ``lantoa.access`` registers
    one per permission such an app asks for; the app names the permission, not the access
    layer."""

    key: str  # the permission, e.g. "unit.manage"
    units: Callable[[Any], Any]  # user → QuerySet[Unit]
    order: int = 100


unit_scopes: Registry[UnitScope] = Registry("unit_scopes")
# ── Targets, reports and the campaign scoreboard (what the composers measure) ──────────────


# What a target metric measures: items in the days (COUNT), an average per day over the days
# (RATE), a share, 1.0 = 100 % (RATIO, None where nothing is to be measured yet), or how
# things stand now whatever the days (STATE).
COUNT, RATE, RATIO, STATE = "count", "rate", "ratio", "state"
# Over the unit's own records (OWN) or those of its whole subtree (SUBTREE).
OWN, SUBTREE = "own", "subtree"


@dataclass(frozen=True)
class TargetMetric:
    """What targets (chỉ tiêu) are measured with, computed from one app's records.

    ``compute(units, start, end, scope)`` answers ``{unit id: number}`` for MANY units at once
    (a sequence of ids or a queryset of units) over the days ``start``…``end`` included, in
    one grouped aggregate per chunk of ids (``lantoa.units.aggregates.per_unit``), never one
    query per unit; a unit without records may be absent. ``assignable`` metrics are the ones
    numeric targets can be given in top-down."""

    key: str
    label: Any  # lazy Vietnamese text
    noun: Any  # what is counted ("chiến dịch", "tin, bài/ngày")
    kind: str  # COUNT, RATE, RATIO, STATE
    scope: str  # OWN, SUBTREE
    compute: Callable[[Any, Any, Any, str], dict[int, Any]]
    order: int = 100
    assignable: bool = False

    def values(self, units: Any, start: Any, end: Any) -> dict[int, float | None]:
        """The metric for each of ``units`` over ``start``…``end`` (units without records are
        absent for ratios, 0 otherwise when listed by id)."""
        from lantoa.core.periods import days_in

        raw = self.compute(units, start, end, self.scope)
        if self.kind == RATE:
            days = days_in(start, end)
            return {k: (v / days if days else None) for k, v in raw.items()}
        return {k: (float(v) if v is not None else None) for k, v in raw.items()}

    def value_of(self, values: dict[int, float | None], unit_id: int) -> float | None:
        """A unit's value; a unit with no rows has 0 (nothing to measure for a ratio)."""
        if unit_id in values:
            return values[unit_id]
        return None if self.kind == RATIO else 0.0


target_metrics: Registry[TargetMetric] = Registry("target_metrics")


@dataclass(frozen=True)
class ReportFigures:
    """Counts one app adds to the period report (``lantoa.reports.counts.SystemCounts``): the
    report reads them as ``counts.<key>`` for the period and the same period a year earlier.

    ``report(scope, start, end, now)`` counts over a ``lantoa.units.aggregates.SubtreeScope``
    (today's subtree, or an ended unit's old tree) from ``start`` to ``end``, days included,
    with a handful of grouped queries whatever the size of the subtree; ``empty()`` is the
    figures where nothing is counted; ``counted(figures)`` says whether they count anything."""

    key: str
    report: Callable[[Any, Any, Any, Any], Any]
    empty: Callable[[], Any]
    counted: Callable[[Any], bool]
    order: int = 100


report_figures: Registry[ReportFigures] = Registry("report_figures")


@dataclass(frozen=True)
class DashboardShown:
    """How a registered figure shows on the dashboard page, so that the page names no app:
    ``stat(figures, unit)`` gives the headline tile as (value, label) — HTML made with
    ``format_html`` — or None to leave it out for that unit; ``column`` heads its column in
    the children's table and ``cell(figures, unit)`` fills a cell (the children's and the
    whole unit's row); ``note`` is its line under "Cách tính"."""

    stat: Callable[[Any, Any], tuple[str, str] | None]
    column: Any  # a lazy translation
    cell: Callable[[Any, Any], str]
    note: Any = ""  # a lazy translation


@dataclass(frozen=True)
class DashboardFigures:
    """One figure of the dashboard (``lantoa.reports.dashboard.UnitFigures.<key>``), for the
    unit's subtree and each child's.

    ``by_subtree(unit, ids, start, end)`` answers ``{unit id: figures}`` for ``ids`` (the unit
    and its children shown), each over its whole subtree, in a few grouped queries whatever
    their number; ``empty()`` fills a unit absent from the answer; ``shown`` puts it on the
    page (a tile, a column, a note)."""

    key: str
    by_subtree: Callable[[Any, list[int], Any, Any], dict[int, Any]]
    empty: Callable[[], Any]
    order: int = 100
    shown: DashboardShown | None = None


dashboard_figures: Registry[DashboardFigures] = Registry("dashboard_figures")


@dataclass(frozen=True)
class DashboardTrend:
    """Figures of the dashboard's last 12 months (``lantoa.reports.dashboard.Month``):
    ``by_month(unit, first day, last day)`` answers ``{first day of a month: {figure: n}}``
    over the unit's subtree, the figures being attributes of ``Month``."""

    key: str
    by_month: Callable[[Any, Any, Any], dict[Any, dict[str, int]]]
    order: int = 100


dashboard_trend: Registry[DashboardTrend] = Registry("dashboard_trend")


@dataclass(frozen=True)
class ScoreCell:
    """One column of the campaign scoreboard: the figure ``figure`` of each row, printed as a
    number; with ``out_of``, "figure/out_of" (or "—" where ``out_of`` is 0 or missing)."""

    figure: str
    label: Any  # lazy text, the column's heading
    title: Any = ""  # the heading's tooltip
    out_of: str = ""


@dataclass(frozen=True)
class ScoreboardColumn:
    """Figures one app adds to a campaign's scoreboard (``lantoa.campaigns.selectors``).

    ``figures(campaign, parent)`` answers ``{child id: {figure: n}}`` over the subtree of each
    child of ``parent`` for the campaign, key ``None`` for the records of ``parent`` itself, in
    one grouped query whatever the number of children (``lantoa.campaigns.selectors.by_child``
    does it for a queryset); a figure missing from a row is 0 there, a figure given as None
    is shown as not counted. ``cells`` are the columns it shows, in order."""

    key: str
    figures: Callable[[Any, Any], Mapping[int | None, Mapping[str, int | None]]]
    cells: tuple[ScoreCell, ...]
    order: int = 100


scoreboard_columns: Registry[ScoreboardColumn] = Registry("scoreboard_columns")


@dataclass(frozen=True)
class CampaignPanel:
    """A card one app adds to a campaign's page (``lantoa.campaigns.views.campaign_detail``):
    ``template`` is included with ``panel`` = ``context(request, campaign)``."""

    key: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int = 100


campaign_panels: Registry[CampaignPanel] = Registry("campaign_panels")
# ── Durable jobs (lantoa.core.jobs) ─────────────────────────────────────────────────────────


@dataclass(frozen=True)
class JobKind:
    """One kind of durable job (a ``lantoa.core.jobs.DurableJob`` model) for the generic sweep
    that the beat runs every minute (``core.sweep_jobs``).

    ``running`` selects the rows a worker holds; one held longer than ``stale_after`` lost its
    worker: ``hand_back(now)`` gives the fields that put it back in the queue, then
    ``requeue(pk)`` queues its task. After ``max_crashes`` such deaths ``fail(pk, reason)``
    marks it failed with the visible reason (a ``lantoa.core.messages.Text``) instead.
    ``due(now)``, when set, selects waiting rows whose (next) try is due, queued too (retries
    after a back-off, lost enqueues); ``before_sweep(now)`` runs first for the kind's own
    housekeeping."""

    key: str
    model: Any
    running: Any  # a django.db.models.Q
    hand_back: Callable[[Any], dict[str, Any]]
    fail: Callable[[int, Text], None]
    requeue: Callable[[int], object]
    stale_after: Any  # a datetime.timedelta
    max_crashes: int = 3
    due: Callable[[Any], Any] | None = None
    due_order: tuple[str, ...] = ("pk",)
    due_limit: int = 500
    before_sweep: Callable[[Any], object] | None = None
    order: int = 100


job_kinds: Registry[JobKind] = Registry("job_kinds")
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
    """Told, after the commit, the ids of the units whose figures changed — activity records,
    published posts (the cached dashboards of them and their ancestors are void)."""

    key: str
    changed: Callable[[frozenset[int]], None]
    order: int = 100


figures_listeners: Registry[FiguresListener] = Registry("figures_listeners")


def figures_changed(unit_ids: Iterable[int]) -> None:
    """The figures of these units changed (call it on commit): every listener is told."""
    ids = frozenset(unit_ids)
    for listener in figures_listeners:
        listener.changed(ids)


# ── The period report (sơ kết, tổng kết): what an app writes into it ────────────────────────


@dataclass(frozen=True)
class ReportSection:
    """What one app writes into the period report (``lantoa.reports.data.ReportData``, written
    by ``lantoa.reports.narrative`` and ``lantoa.reports.tables``), with the blocks of
    ``lantoa.core.reporting``.

    ``gather(unit, period, progress)`` reads the app's figures (this period and the same period
    a year earlier) and answers the ``ReportData`` fields it fills; ``progress(percent, what)``
    tells the report job where it stands. ``targets()`` answers ``{target name: target metric
    key}``: the report puts the unit's positive numeric target for the period on each metric
    in ``data.targets[name]``.

    The other callables take the gathered ``ReportData`` and answer ``(rank, item)`` pairs; the
    report puts them among its own items (and other sections') by rank, then by the section's
    ``order``. Its own ranks:

    - ``results``: ``Part``s of "I. KẾT QUẢ THỰC HIỆN", numbered by the report (give headings
      without a number); posts, cascades and inquiries at 100.
    - ``changes(data, up)``: "label (tăng 12,5%)" items of "nhiều kết quả tăng: …" (``up``) and
      "một số kết quả giảm …" (``lantoa.core.reporting.change_item``); posts at 100.
    - ``strengths`` / ``weaknesses``: paragraphs of "1. Ưu điểm" / "2. Hạn chế". Strengths:
      the general sentence 0, the rises 10, inquiries all answered on time 20. Weaknesses: the
      falls 20, inquiries answered late 30, cascades not done 40 (a general sentence when none).
    - ``tasks``: lines of "III. NHIỆM VỤ TRỌNG TÂM" (without the "- "): 0, 10, 20 and, last, 100.
    - ``tables``: ``ReportTable``s appended ("Biểu n."); posts, cascades and inquiries at 10.
    - ``summary``: (label, cell) rows of the XLSX summary sheet; the unit and the period at 0,
      posts, cascades and inquiries at 20.
    """

    key: str
    gather: Callable[[Any, Any, Callable[[int, str], None]], dict[str, Any]]
    targets: Callable[[], dict[str, str]] = dict
    results: Callable[[Any], list[tuple[int, Any]]] = lambda data: []
    changes: Callable[[Any, bool], list[tuple[int, str]]] = lambda data, up: []
    strengths: Callable[[Any], list[tuple[int, str]]] = lambda data: []
    weaknesses: Callable[[Any], list[tuple[int, str]]] = lambda data: []
    tasks: Callable[[Any], list[tuple[int, str]]] = lambda data: []
    tables: Callable[[Any], list[tuple[int, Any]]] = lambda data: []
    summary: Callable[[Any], list[tuple[int, tuple[str, Any]]]] = lambda data: []
    order: int = 100


report_sections: Registry[ReportSection] = Registry("report_sections")


@dataclass(frozen=True)
class DashboardRows:
    """Figures of the dashboard (``lantoa.reports.dashboard``) that also say which child rows
    it shows. ``rows(unit, start, end)`` answers the figures of ``unit``'s subtree and, in the
    order shown, each child to show with its subtree's figures: ``({figure: value}, [(child,
    {figure: value}), …])``, each figure an attribute of ``UnitFigures``. The children shown
    are those of every registered item, in order of appearance; with none registered, the
    active children."""

    key: str
    rows: Callable[[Any, Any, Any], tuple[dict[str, Any], list[tuple[Any, dict[str, Any]]]]]
    order: int = 100


dashboard_rows: Registry[DashboardRows] = Registry("dashboard_rows")


# ── The API (/api/v1): routers of other apps ────────────────────────────────────────────────


@dataclass(frozen=True)
class ApiRouter:
    """A ``ninja.Router`` an app adds to ``/api/v1`` (``lantoa.api.main``), under ``prefix``.
    Its operations declare their access with ``lantoa.access.api_policy`` like the API's own
    (the route walk in tests/access/test_routes.py checks every operation)."""

    key: str
    router: Any
    prefix: str = ""
    order: int = 100


api_routers: Registry[ApiRouter] = Registry("api_routers")
# ── Figures of a period report (lantoa.periods) ─────────────────────────────────────────────


@dataclass(frozen=True)
class PeriodFigures:
    """What a period report (``lantoa.periods``) says: the unit's records of the period, summed
    up. One provider is expected (activities); the period report reads the first registered.

    - ``live(unit, start, end)``: the unit's figures of ``start``…``end``, an object with at
      least ``records`` and ``participants`` (the report page's totals; ``records == 0`` means
      "no activity recorded", which asks for a note);
    - ``snapshot(figures, taken_at)``: the JSON kept with the report at each submission
      (``taken_at`` None: now);
    - ``rows(figures)``: ``(label, per-kind figures)`` rows of the period page, each with
      ``records``, ``quantity`` and ``participants``;
    - ``monthly(root, start, end)``: ``{(unit id, first day of month): figures}`` of the
      grassroots units of ``root``'s subtree, their own records, in one query (the demo's
      period reports are built from them);
    - ``merge(figures_list, unit, start, end)``: one unit's figures of consecutive periods
      (``None`` entries skipped) added up into ``start``…``end``; an empty list gives empty
      figures.
    """

    key: str
    live: Callable[[Any, Any, Any], Any]
    snapshot: Callable[[Any, Any], dict[str, Any]]
    rows: Callable[[Any], list[tuple[Any, Any]]]
    monthly: Callable[[Any, Any, Any], dict[tuple[int, Any], Any]]
    merge: Callable[[list[Any], Any, Any, Any], Any]
    order: int = 100


period_figures: Registry[PeriodFigures] = Registry("period_figures")


def period_figures_provider() -> PeriodFigures:
    """The registered ``PeriodFigures`` (the first in order); an error naming the registry when
    none is."""
    for item in period_figures:
        return item
    raise LookupError(
        "period_figures: no provider registered (the activities app registers one in its "
        "contributions.py)"
    )


# ── Private files (lantoa.core.private_files) ───────────────────────────────────────────────


@dataclass(frozen=True)
class PrivateFile:
    """One stored file a reader may have: its name in the private storage, the name the
    browser saves it under (the uploader's own name, or one we make up) and its type.
    ``inline`` only for photos we decoded and wrote again ourselves (proofs, thumbnails, the
    library's images), which the browser may show in the tab; everything else is a download."""

    name: str | None  # None or "": no file (the view answers 404)
    download_name: str
    content_type: str = "application/octet-stream"
    inline: bool = False


@dataclass(frozen=True)
class PrivateFileKind:
    """Files of one kind kept in the private storage: never under MEDIA_ROOT, never served
    by the web server by name, only through ``lantoa.core.private_files.serve``.

    ``find(user, pk, variant)`` applies the same rule as the page that lists the file and
    returns the file ``user`` may read (``variant`` is ``""`` for the file itself or
    ``"thumbnail"``), or None, or raises Http404/PermissionDenied as that page does: a file
    outside what the user may see answers 404, like the page. ``fields`` names the stored-file
    columns (``"app_label.Model.field"``), for the move of older files and for the checks."""

    key: str
    label: Any  # a lazy translation: what the files are ("báo cáo kỳ", "ảnh minh chứng")
    fields: tuple[str, ...]
    find: Callable[[Any, int, str], PrivateFile | None]
    order: int = 100


private_files: Registry[PrivateFileKind] = Registry("private_files")


# ── Health checks (/healthz) ─────────────────────────────────────────────────────────────────
# Read by lantoa.core.health (the view is portal's /healthz); core registers the database,
# cache, broker and worker heartbeat checks, connectors the inbound message backlog.


@dataclass(frozen=True)
class HealthCheck:
    """One dependency ``/healthz`` reports. ``run()`` answers a small dict, cheap to compute
    and free of personal data, with at least ``status`` ("ok", or what is wrong: "down",
    "stale", "backlog"; "unused" where this deployment does not need it; "unknown" where it
    cannot tell) and ``ok`` (False when the deployment needs it and it is not working:
    ``/healthz`` then answers 503). A check that raises counts as down."""

    key: str
    run: Callable[[], dict[str, Any]]
    order: int = 100


health_checks: Registry[HealthCheck] = Registry("health_checks")


# ── The public pages: one header and footer for every app's visitor pages ──────────────────


@dataclass(frozen=True)
class PublicLink:
    """A link in the header (``place="nav"``) or the footer (``place="footer"``) of every
    public page (``templates/public_base.html``, shown by ``{% public_nav %}`` of
    ``lantoa.core.templatetags.public``): the news, the legal Q&A, the question form …"""

    key: str
    label: Any  # a lazy translation
    url_name: str  # reversed without arguments
    order: int = 100
    place: str = "nav"


public_links: Registry[PublicLink] = Registry("public_links")
