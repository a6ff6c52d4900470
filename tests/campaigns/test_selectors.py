"""Campaign read models (lantoa.campaigns.selectors): who sees a campaign, and the scoreboard
against the raw rows (inquiries, cascades, posts, a column plugged in by a later app)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantoa.activities.models import Activity, ActivityKind
from lantoa.campaigns import selectors
from lantoa.campaigns.models import Campaign
from lantoa.content import services as content_services
from lantoa.inquiries.models import Inquiry
from lantoa.units.models import Unit
from tests.campaigns.support import make_campaign
from tests.conftest import Officers, Tree

TZ = timezone.get_default_timezone()


def test_campaign_visibility(tree: Tree, officers: Officers) -> None:
    province = make_campaign(tree.pa, officers.a_admin, name="Tháng Công nhân tỉnh A")
    communes_only = make_campaign(
        tree.pa, officers.a_admin, name="Chỉ công đoàn xã", participant_kinds=["commune"]
    )
    grassroots_only = make_campaign(
        tree.pa, officers.a_admin, name="Chỉ CĐCS", participant_kinds=["grassroots"]
    )
    zone = make_campaign(tree.a_kcn, officers.a_admin, name="Của KCN A")
    other = make_campaign(tree.pb, officers.b_admin, name="Của tỉnh B")

    def names(user: Any) -> set[str]:
        return set(selectors.campaigns_visible_to(user).values_list("name", flat=True))

    # Grassroots viewer at A-G1: the province's campaigns that include grassroots units, and
    # the industrial zone's above it; not the commune-only one, not province B's.
    assert names(officers.a_viewer) == {province.name, grassroots_only.name, zone.name}
    # A-KCN officers: their own, and the province's that reach units below them.
    assert names(officers.a_communicator) == {province.name, grassroots_only.name, zone.name}
    assert names(officers.a_admin) == {
        province.name,
        communes_only.name,
        grassroots_only.name,
        zone.name,
    }
    assert names(officers.b_admin) == {other.name}
    assert names(officers.national_admin) == {c.name for c in Campaign.objects.all()}

    assert selectors.campaign_includes(province, tree.a_g1)
    assert not selectors.campaign_includes(communes_only, tree.a_g1)
    assert selectors.campaign_includes(communes_only, tree.a_xa)
    assert not selectors.campaign_includes(other, tree.a_g1)
    # A-G3 is a grassroots union under the commune union: the commune-only campaign is A-XA's.
    assert {c.name for c in selectors.campaigns_of_unit(tree.a_g3)} == {
        province.name,
        grassroots_only.name,
    }
    assert communes_only in selectors.campaigns_of_unit(tree.a_xa)
    # The campaigns from above cost the same queries however many there are.
    with CaptureQueriesContext(connection) as before:
        names(officers.a_viewer)
    for n in range(5):
        make_campaign(
            tree.pa, officers.a_admin, name=f"Chỉ CĐCS {n}", participant_kinds=["grassroots"]
        )
    with CaptureQueriesContext(connection) as after:
        assert len(names(officers.a_viewer)) == 8
    assert len(after) == len(before)


def _inquiry(unit: Unit, when: dt.datetime, n: int) -> Inquiry:
    return Inquiry.objects.create(
        code=f"HD-TEST-{n:04d}", unit=unit, source="web", received_at=when, first_response_due=when
    )


def test_scoreboard_matches_raw_rows(
    tree: Tree, officers: Officers, django_assert_max_num_queries: Any
) -> None:
    campaign = make_campaign(tree.pa, officers.a_admin)
    other = make_campaign(tree.pa, officers.a_admin, name="Khác")
    author = officers.a_admin

    def item(unit: Unit, title: str, campaign: Campaign = campaign, publish: bool = False) -> None:
        it = content_services.content_create(
            unit=unit, kind="news", title=title, author=author, campaign=campaign, body="<p>x</p>"
        )
        if publish:
            content_services.content_submit(item=it, actor=author)
            content_services.content_approve(item=it, actor=officers.a_leader)
            content_services.content_publish(item=it, actor=author)

    item(tree.a_g1, "G1 một", publish=True)
    item(tree.a_g1, "G1 hai")
    item(tree.a_kcn, "KCN", publish=True)
    item(tree.a_g3, "G3")
    item(tree.pa, "Tỉnh")
    item(tree.a_g2, "Chiến dịch khác", campaign=other)
    may = dt.date(2026, 5, 10)
    Activity.objects.create(
        unit=tree.a_g1,
        held_on=may,
        kind=ActivityKind.CAMPAIGN_EVENT,
        title="Mít tinh",
        quantity=2,
        participants=350,
    )
    Activity.objects.create(
        unit=tree.a_g2,
        held_on=dt.date(2026, 5, 31),
        kind=ActivityKind.CAMPAIGN_EVENT,
        title="Ngày hội",
        participants=120,
    )
    Activity.objects.create(
        unit=tree.a_g3,
        held_on=dt.date(2026, 6, 1),
        kind=ActivityKind.CAMPAIGN_EVENT,
        title="Sau kỳ",
        participants=99,
    )
    Activity.objects.create(
        unit=tree.a_g3, held_on=may, kind=ActivityKind.OUTREACH, title="Khác loại", participants=77
    )
    Activity.objects.create(
        unit=tree.pa,
        held_on=may,
        kind=ActivityKind.CAMPAIGN_EVENT,
        title="Lễ phát động",
        participants=500,
    )
    Activity.objects.create(
        unit=tree.b_g1,
        held_on=may,
        kind=ActivityKind.CAMPAIGN_EVENT,
        title="Tỉnh B",
        participants=1000,
    )
    _inquiry(tree.a_g2, dt.datetime(2026, 5, 1, 0, 5, tzinfo=TZ), 1)
    _inquiry(tree.a_g3, dt.datetime(2026, 5, 31, 23, 59, tzinfo=TZ), 2)
    _inquiry(tree.a_g3, dt.datetime(2026, 6, 1, 0, 0, tzinfo=TZ), 3)  # after the period
    _inquiry(tree.a_kcn, dt.datetime(2026, 4, 30, 23, 59, tzinfo=TZ), 4)  # before it

    with django_assert_max_num_queries(10):
        board = selectors.campaign_scoreboard(campaign, tree.pa)
    rows = {r.unit.code: r for r in board.rows}
    assert [r.unit.code for r in board.rows] == ["P-A", "A-XA", "A-KCN"]  # by kind, then name
    assert rows["P-A"].own

    def figures(r: selectors.ScoreRow) -> tuple[int, int, int, int, int]:
        return (r.content_items, r.published, r.activities, r.participants, r.inquiries)

    assert figures(rows["P-A"]) == (1, 0, 1, 500, 0)
    assert figures(rows["A-KCN"]) == (3, 2, 3, 470, 1)
    assert figures(rows["A-XA"]) == (1, 0, 0, 0, 1)
    assert figures(board.total) == (5, 2, 4, 970, 2)

    # The same figures straight from the rows, for the A-KCN subtree.
    kcn_units = [tree.a_kcn, tree.a_g1, tree.a_g2]
    raw_items = campaign.content_items.filter(unit__in=kcn_units)
    raw_acts = Activity.objects.filter(
        unit__in=kcn_units,
        kind="campaign_event",
        held_on__range=(campaign.starts_on, campaign.ends_on),
    )
    assert rows["A-KCN"].content_items == raw_items.count()
    assert rows["A-KCN"].published == raw_items.filter(status="published").count()
    assert rows["A-KCN"].activities == sum(a.quantity for a in raw_acts)
    assert rows["A-KCN"].participants == sum(a.participants for a in raw_acts)

    # Drill down one level.
    below = {r.unit.code: r for r in selectors.campaign_scoreboard(campaign, tree.a_kcn).rows}
    assert figures(below["A-G1"]) == (2, 1, 2, 350, 0)
    assert figures(below["A-G2"]) == (0, 0, 1, 120, 1)
    assert figures(below["A-KCN"]) == (1, 1, 0, 0, 0)


def test_scoreboard_counts_cascades_of_the_campaign(tree: Tree, officers: Officers) -> None:
    from lantoa.cascades.models import CascadeRecipient
    from lantoa.cascades.services import cascade_create, cascade_send

    campaign = make_campaign(tree.pa, officers.a_admin)
    due = timezone.localdate() + dt.timedelta(days=10)
    cascade = cascade_create(
        sender=tree.pa,
        actor=officers.a_admin,
        title="Định hướng Tháng Công nhân",
        actions=["read"],
        due_on=due,
        target_kinds=["grassroots"],
        campaign=campaign,
        instructions="Đọc và phổ biến tới đoàn viên.",
    )
    other = cascade_create(
        sender=tree.pa,
        actor=officers.a_admin,
        title="Không thuộc chiến dịch",
        actions=["read"],
        due_on=due,
        target_kinds=["grassroots"],
        instructions="Đọc.",
    )
    assert cascade_send(cascade=cascade, actor=officers.a_admin) == 3
    cascade_send(cascade=other, actor=officers.a_admin)
    CascadeRecipient.objects.filter(cascade__in=[cascade, other], unit=tree.a_g1).update(
        state="done", done_at=timezone.now()
    )
    board = selectors.campaign_scoreboard(campaign, tree.pa)
    rows = {r.unit.code: (r.cascades_done, r.cascades_total) for r in board.rows}
    assert rows == {"P-A": (None, None), "A-KCN": (1, 2), "A-XA": (0, 1)}
    assert (board.total.cascades_done, board.total.cascades_total) == (1, 3)


def test_scoreboard_counts_posts_on_channels(tree: Tree, officers: Officers) -> None:
    """Posts are the publication records of the campaign's items, for the unit that posted:
    the province's item republished by a grassroots union counts under that union's branch;
    failed posts and other campaigns' posts do not count."""
    from lantoa.publishing.models import Method, Publication, PublicationStatus

    campaign = make_campaign(tree.pa, officers.a_admin)
    other = make_campaign(tree.pa, officers.a_admin, name="Khác")
    mine = content_services.content_create(
        unit=tree.pa, kind="news", title="Tin", author=officers.a_admin, campaign=campaign
    )
    theirs = content_services.content_create(
        unit=tree.pa, kind="news", title="Khác", author=officers.a_admin, campaign=other
    )
    rows = [
        (mine, tree.pa, Method.FACEBOOK, PublicationStatus.PUBLISHED),
        (mine, tree.pa, Method.SITE, PublicationStatus.PUBLISHED),
        (mine, tree.a_g1, Method.MANUAL, PublicationStatus.RECORDED),
        (mine, tree.a_g2, Method.ZALO_OA, PublicationStatus.FAILED),
        (theirs, tree.a_g3, Method.MANUAL, PublicationStatus.RECORDED),
    ]
    for i, (item, unit, method, status) in enumerate(rows):
        Publication.objects.create(
            item=item,
            unit=unit,
            method=method,
            channel_kind="facebook_page",
            channel_name=f"Kênh {i}",
            idempotency_key=f"s{i}",
            status=status,
            published_at=timezone.now(),
        )
    board = selectors.campaign_scoreboard(campaign, tree.pa)
    posts = {r.unit.code: r.posts for r in board.rows}
    assert posts == {"P-A": 2, "A-KCN": 1, "A-XA": 0}
    assert board.total.posts == 3


def test_a_new_app_adds_a_scoreboard_column_and_a_target_metric(
    tree: Tree, officers: Officers
) -> None:
    """A later app (contests, surveys …) plugs a column into the scoreboard and a metric into
    targets from its contributions.py, with no edit of campaigns or targets."""
    from lantoa.core.extensions import (
        COUNT,
        OWN,
        ScoreboardColumn,
        ScoreCell,
        TargetMetric,
        scoreboard_columns,
        target_metrics,
    )
    from lantoa.targets.metrics import REGISTRY, metric_choices

    campaign = make_campaign(tree.pa, officers.a_admin)
    scoreboard_columns.register(
        ScoreboardColumn(
            "surveys",
            lambda c, parent: {None: {"surveys": 2}, tree.a_kcn.pk: {"surveys": 5}},
            (ScoreCell("surveys", "Khảo sát"),),
            order=60,
        )
    )
    target_metrics.register(
        TargetMetric("surveys", "Khảo sát", "cuộc", COUNT, OWN, lambda *a: {}, order=95)
    )
    try:
        board = selectors.campaign_scoreboard(campaign, tree.pa)
        rows = {r.unit.code: r.surveys for r in board.rows}
        assert rows == {"P-A": 2, "A-KCN": 5, "A-XA": 0}
        assert board.total.surveys == 7
        assert [c.figure for c in board.columns][-1] == "surveys"
        assert "surveys" in REGISTRY
        assert [k for k, _ in metric_choices()][-9:-8] == ["surveys"]
    finally:
        scoreboard_columns.unregister("surveys")
        target_metrics.unregister("surveys")
    assert "surveys" not in REGISTRY
