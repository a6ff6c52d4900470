"""The dashboard: every figure equals a sum over the raw records (activities, posts, inquiries,
cascades, channels), for the subtree and for each child; the 12-month trend; freshness (a new
activity shows at once, through the cache); the charts; and access."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.activities.services import activity_create
from lantoa.cascades.models import Cascade, CascadeRecipient, CascadeStatus
from lantoa.channels.models import Channel, ChannelKind
from lantoa.content.models import ContentItem
from lantoa.core.periods import Period
from lantoa.inquiries.models import Inquiry
from lantoa.publishing.models import Publication
from lantoa.reports.charts import Point, bar_chart, line_chart
from lantoa.reports.dashboard import compute_dashboard, dashboard_for
from lantoa.reports.freshness import figures_changed, generation
from lantoa.units.models import Unit, UnitClosure, UnitKind
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db
YEAR = Period(2025, "year")
TODAY = dt.date(2026, 2, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def subtree(code: str) -> set[int]:
    return set(
        UnitClosure.objects.filter(ancestor__code=code).values_list("descendant_id", flat=True)
    )


def _all_units(tree: Tree) -> list[Unit]:
    return [tree.pa, tree.a_kcn, tree.a_g1, tree.a_g2, tree.a_xa, tree.a_g3, tree.pb, tree.b_g1]


@pytest.fixture
def records(tree: Tree) -> dict[str, list[object]]:
    """Random activities, posts, inquiries and cascade rows over 2024–2025, both provinces."""
    rng = random.Random(11)
    units = _all_units(tree)
    activities = []
    for _ in range(400):
        activities.append(
            Activity(
                unit=rng.choice(units),
                held_on=dt.date(2024, 6, 1) + dt.timedelta(days=rng.randint(0, 600)),
                kind=rng.choice([ActivityKind.OUTREACH, ActivityKind.OUTREACH, ActivityKind.PRESS]),
                title="Hoạt động",
                format=rng.choice([ActivityFormat.DIRECT, ActivityFormat.ONLINE]),
                participants=rng.randint(0, 300),
                quantity=rng.randint(1, 4),
            )
        )
    Activity.objects.bulk_create(activities)
    posts = []
    for i in range(120):
        day = dt.date(2024, 11, 1) + dt.timedelta(days=rng.randint(0, 450))
        unit = rng.choice(units)
        item = ContentItem.objects.create(
            unit=unit, kind="news", title="Tin", slug=f"tin-{i}", status="published"
        )
        status = rng.choice(["published", "recorded", "failed", "cancelled"])
        posts.append(
            Publication.objects.create(
                item=item,
                unit=unit,
                method="manual" if status == "recorded" else "facebook",
                channel_kind=ChannelKind.FACEBOOK_PAGE,
                channel_name="Fanpage",
                idempotency_key=f"d{i}",
                status=status,
                published_at=at(day, rng.randint(0, 23)),
            )
        )
    inquiries = []
    for i in range(80):
        received = at(dt.date(2024, 12, 1) + dt.timedelta(days=rng.randint(0, 420)), 8)
        answered = rng.choice([None, 3, 20, 30, 50])
        inquiries.append(
            Inquiry.objects.create(
                code=f"HD-D-{i:04d}",
                unit=rng.choice(units),
                source="web",
                received_at=received,
                first_response_due=received + dt.timedelta(hours=24),
                first_responded_at=received + dt.timedelta(hours=answered) if answered else None,
            )
        )
    cascades = []
    for due in (dt.date(2025, 3, 1), dt.date(2025, 9, 1), dt.date(2026, 3, 1)):
        cascade = Cascade.objects.create(
            sender=tree.vn,
            title="Định hướng",
            actions=["read"],
            due_on=due,
            status=CascadeStatus.SENT,
        )
        for unit in units:
            cascades.append(
                CascadeRecipient.objects.create(
                    cascade=cascade, unit=unit, state=rng.choice(["pending", "done", "received"])
                )
            )
    for unit in (tree.a_g1, tree.a_g3):
        Channel.objects.create(unit=unit, kind=ChannelKind.ZALO_GROUP, name="Nhóm")
    return {"activities": activities, "posts": posts, "inquiries": inquiries, "cascades": cascades}


def expected(
    code: str, records: dict[str, list[object]], start: dt.date, end: dt.date
) -> dict[str, int]:
    """The dashboard's figures for the subtree of ``code``, summed in Python from the rows."""
    ids = subtree(code)
    begin, after = at(start, 0), at(end + dt.timedelta(days=1), 0)
    out: dict[str, int] = defaultdict(int)
    reached = set()
    for a in records["activities"]:
        assert isinstance(a, Activity)
        if a.unit_id in ids and start <= a.held_on <= end:
            out["records"] += 1
            if a.kind == ActivityKind.OUTREACH:
                out["sessions"] += a.quantity
                out["participants"] += a.participants
                if a.unit.kind == UnitKind.GRASSROOTS:
                    reached.add(a.unit_id)
    out["reached"] = len(reached)
    for p in records["posts"]:
        assert isinstance(p, Publication)
        posted = p.status in ("published", "recorded")
        if p.unit_id in ids and posted and begin <= p.published_at < after:  # type: ignore[operator]
            out["posts"] += 1
    now = timezone.now()
    for q in records["inquiries"]:
        assert isinstance(q, Inquiry)
        if q.unit_id in ids and begin <= q.received_at < after:
            out["received"] += 1
            due = q.first_responded_at is not None or q.first_response_due <= now
            out["due"] += due
            out["on_time"] += bool(
                q.first_responded_at is not None and q.first_responded_at <= q.first_response_due
            )
    for r in records["cascades"]:
        assert isinstance(r, CascadeRecipient)
        if r.unit_id in ids and start <= r.cascade.due_on <= end:
            out["recipients"] += 1
            out["done"] += r.state == "done"
    return out


def test_dashboard_figures_equal_raw_record_sums(
    tree: Tree, records: dict[str, list[object]]
) -> None:
    board = compute_dashboard(tree.pa, YEAR, today=TODAY)
    assert (board.start, board.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    rows = [(tree.pa.code, board.total), *((f.unit.code, f) for f in board.children)]
    assert [code for code, _ in rows] == ["P-A", "A-XA", "A-KCN"]
    for code, figures in rows:
        want = expected(code, records, board.start, board.end)
        got = {
            "records": figures.records,
            "sessions": figures.sessions,
            "participants": figures.participants,
            "reached": figures.grassroots_reached,
            "posts": figures.posts,
            "received": figures.inquiries.received,
            "due": figures.inquiries.due,
            "on_time": figures.inquiries.on_time,
            "recipients": figures.cascades.recipients,
            "done": figures.cascades.done,
        }
        assert got == {k: want[k] for k in got}, code
        assert figures.sessions > 0 and figures.posts > 0  # the data really is there
    assert board.total.grassroots == 3
    assert board.total.coverage.with_either == 2  # A-G1 and A-G3 have a Zalo group
    by_code = {f.unit.code: f for f in board.children}
    assert (by_code["A-KCN"].grassroots, by_code["A-KCN"].coverage.with_either) == (2, 1)
    # Children add up to the total where the unit itself has no records of its own.
    own = expected("P-A", records, board.start, board.end)["sessions"] - sum(
        expected(c, records, board.start, board.end)["sessions"] for c in ("A-KCN", "A-XA")
    )
    assert board.total.sessions - sum(f.sessions for f in board.children) == own


def test_trend_is_twelve_months_of_raw_sums(tree: Tree, records: dict[str, list[object]]) -> None:
    board = compute_dashboard(tree.pa, YEAR, today=TODAY)
    assert [m.start for m in board.trend] == [dt.date(2025, m, 1) for m in range(1, 13)]
    assert board.trend[0].short == "T1/25"
    ids = subtree("P-A")
    for month in board.trend:
        last = (month.start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        rows = [
            a
            for a in records["activities"]
            if isinstance(a, Activity)
            and a.unit_id in ids
            and a.kind == ActivityKind.OUTREACH
            and month.start <= a.held_on <= last
        ]
        assert month.sessions == sum(a.quantity for a in rows)
        assert month.participants == sum(a.participants for a in rows)
        assert month.posts == expected("P-A", records, month.start, last)["posts"]
    # A running period: the trend ends with the current month.
    running = compute_dashboard(tree.pa, Period(2026, "year"), today=TODAY)
    assert running.end == TODAY and running.trend[-1].start == dt.date(2026, 2, 1)


def test_new_activity_shows_at_once_through_the_cache(
    client: Client, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    cache.clear()
    period = Period(timezone.localdate().year, "year")
    first = dashboard_for(tree.pa, period)
    assert first.total.sessions == 0
    # Written behind the services' back: the cached figures stay (for at most 60 s)…
    Activity.objects.create(
        unit=tree.a_g1, held_on=timezone.localdate(), kind=ActivityKind.OUTREACH, title="x",
        format=ActivityFormat.DIRECT, quantity=2,
    )  # fmt: skip
    assert dashboard_for(tree.pa, period).total.sessions == 0
    # …while an officer's entry through the service clears the unit's and its ancestors'.
    before = generation(tree.pa.pk)
    login(client, officers.a_viewer)
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            unit=tree.a_g1,
            actor=officers.a_admin,
            kind=ActivityKind.OUTREACH,
            held_on=timezone.localdate(),
            title="Tuyên truyền an toàn lao động tại phân xưởng",
            participants=45,
        )
    assert generation(tree.pa.pk) != before
    assert generation(tree.pb.pk) == "0"  # another province's dashboards stay cached
    board = dashboard_for(tree.pa, period)
    assert board.total.sessions == 3 and board.total.participants == 45
    html = client.get(f"/bao-cao/A-G1/tong-quan/?ky={period.code}").content.decode()
    assert '<span class="value">3</span><span class="label">buổi tuyên truyền' in html


def test_cache_lifetime_is_at_most_a_minute() -> None:
    from django.conf import settings

    assert 0 < settings.LANTOA_DASHBOARD_CACHE_SECONDS <= 60


def test_figures_changed_bumps_every_ancestor(tree: Tree) -> None:
    cache.clear()
    figures_changed([tree.a_g1.pk, tree.b_g1.pk])
    bumped = {u.code for u in Unit.objects.all() if generation(u.pk) != "0"}
    assert bumped == {"VN", "P-A", "A-KCN", "A-G1", "P-B", "B-KCN", "B-G1"}


def test_dashboard_screen_and_access(
    client: Client, tree: Tree, officers: Officers, records: dict[str, list[object]]
) -> None:
    cache.clear()
    login(client, officers.a_viewer)  # a viewer at A-G1
    assert client.get("/bao-cao/A-G1/tong-quan/").status_code == 200
    assert client.get("/bao-cao/P-A/tong-quan/").status_code == 404
    login(client, officers.b_admin)
    assert client.get("/bao-cao/P-A/tong-quan/").status_code == 404
    login(client, officers.a_briefer)
    page = client.get("/bao-cao/A-KCN/tong-quan/?ky=2025&so-sanh=nguoi")
    assert page.status_code == 200
    html = page.content.decode()
    board = compute_dashboard(tree.a_kcn, YEAR, today=TODAY)
    from lantoa.core.text import format_int

    assert f'<span class="value">{format_int(board.total.participants)}</span>' in html
    assert "/bao-cao/A-G1/tong-quan/?ky=2025" in html  # drill-down keeps the period
    assert html.count('<svg class="chart"') == 3
    assert "Tin, bài: các nội dung có trạng thái “Đã đăng”" in html  # the posts footnote
    assert client.get("/bao-cao/A-KCN/tong-quan/?ky=2025-13").status_code == 400


def test_charts_are_escaped_svg_with_vietnamese_numbers() -> None:
    points = [Point("T1/25", 1174), Point("<T2>", 0), Point("T3/25", 42358)]
    bars = str(bar_chart(points, label="Buổi <tuyên truyền>"))
    assert bars.startswith('<svg class="chart"') and bars.count("<rect") == 3
    assert "1.174" in bars and "42.358" in bars
    assert "&lt;T2&gt;" in bars and "<T2>" not in bars
    assert 'aria-label="Buổi &lt;tuyên truyền&gt;"' in bars
    line = str(line_chart(points, label="Người"))
    assert line.count("<circle") == 3 and "<polyline" in line
    empty = str(bar_chart([Point("T1", 0)], label="Trống"))
    assert 'height="0.0"' in empty


def test_without_dashboard_rows_the_active_children_are_shown(tree: Tree) -> None:
    """The dashboard's child rows come from the ``dashboard_rows`` registry (the activity
    roll-up's children); with none registered, the active children, with no activity figure."""
    from lantoa.core.extensions import dashboard_rows
    from lantoa.units.selectors import children_figures

    item = dashboard_rows.get("activities")
    dashboard_rows.unregister("activities")
    try:
        board = compute_dashboard(tree.pa, Period(2026, "year"), today=TODAY)
    finally:
        dashboard_rows.register(item)
    assert [f.unit for f in board.children] == [c for c, _ in children_figures(tree.pa)]
    assert board.total.sessions == 0 and board.total.grassroots > 0


def test_a_registered_figure_shows_as_a_tile_a_column_and_a_note(
    client: Client, tree: Tree, officers: Officers
) -> None:
    """A new app puts a figure on the dashboard by registering it (``DashboardFigures`` with
    ``shown``): the page names no app, so nothing in reports is edited."""
    from django.utils.html import format_html

    from lantoa.core.extensions import DashboardFigures, DashboardShown, dashboard_figures

    def by_subtree(unit: Unit, ids: list[int], start: Any, end: Any) -> dict[int, int]:
        return {pk: 100 + pk for pk in ids}

    dashboard_figures.register(
        DashboardFigures(
            "surveys_test",
            by_subtree,
            lambda: 0,
            order=99,
            shown=DashboardShown(
                stat=lambda n, unit: (str(n), "phiếu khảo sát <thử>"),
                column="Phiếu thử",
                cell=lambda n, unit: format_html("<b>{}</b>", n),
                note="Phiếu thử: ghi chú cách tính.",
            ),
        )
    )
    cache.clear()
    try:
        login(client, officers.a_admin)
        html = client.get("/bao-cao/P-A/tong-quan/?ky=2025").content.decode()
    finally:
        dashboard_figures.unregister("surveys_test")
        cache.clear()
    assert f'<span class="value">{100 + tree.pa.pk}</span>' in html
    assert "phiếu khảo sát &lt;thử&gt;" in html  # a plain label is escaped
    assert '<th scope="col" class="num">Phiếu thử</th>' in html
    assert f"<b>{100 + tree.a_kcn.pk}</b>" in html and f"<b>{100 + tree.pa.pk}</b>" in html
    assert "<li>Phiếu thử: ghi chú cách tính.</li>" in html
    # The figures every installation has are registered the same way, in their order.
    keys = [e.key for e in dashboard_figures if e.shown is not None]
    assert keys[:3] == ["posts", "inquiries", "cascades"] and keys[-1] == "coverage"
