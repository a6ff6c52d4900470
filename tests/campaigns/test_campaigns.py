"""Campaigns: who sees them, the yearly calendar of moments (Tết from the table, inherited
and overridden moments) and the scoreboard against the raw rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantoa.activities.models import Activity, ActivityKind
from lantoa.audit.models import AuditEvent
from lantoa.campaigns import selectors, services
from lantoa.campaigns.models import Campaign, CampaignStatus, RecurringMoment
from lantoa.campaigns.moments import DEFAULT_MOMENTS, TET_DATES, occurrence, tet_date
from lantoa.content import services as content_services
from lantoa.inquiries.models import Inquiry
from lantoa.units.models import Unit
from tests.conftest import Officers, Tree, login

TZ = timezone.get_default_timezone()


def _campaign(owner: Unit, actor: Any = None, **kw: Any) -> Campaign:
    values = {
        "name": "Tháng Công nhân 2026",
        "starts_on": dt.date(2026, 5, 1),
        "ends_on": dt.date(2026, 5, 31),
    } | kw
    return services.campaign_create(owner=owner, actor=actor, **values)


def _moment(unit: Unit, key: str) -> RecurringMoment:
    found = selectors.moment_for_key(unit, key)
    assert found is not None
    return found


# --- Tết and the moments --------------------------------------------------------------------


def test_tet_dates_table() -> None:
    assert set(TET_DATES) == set(range(2024, 2036))
    assert tet_date(2026) == dt.date(2026, 2, 17)
    assert tet_date(2025) == dt.date(2025, 1, 29)
    # Vietnam reckons at UTC+7: Tết 2030 is a day before the Chinese new year.
    assert tet_date(2030) == dt.date(2030, 2, 2)
    assert tet_date(2036) is None
    # Every date is a late-January to February day.
    assert all(dt.date(y, 1, 20) <= d <= dt.date(y, 2, 20) for y, d in TET_DATES.items())


def test_moment_occurrences(tree: Tree) -> None:
    sum_vay = occurrence(_moment(tree.pa, "tet-sum-vay"), 2026)
    assert sum_vay is not None
    assert (sum_vay.start, sum_vay.end) == (dt.date(2026, 1, 18), dt.date(2026, 2, 16))
    tet = occurrence(_moment(tree.pa, "tet-nguyen-dan"), 2026)
    assert tet is not None and (tet.start, tet.end) == (dt.date(2026, 2, 17), dt.date(2026, 2, 19))
    founding = occurrence(_moment(tree.pa, "thanh-lap-cong-doan"), 2026)
    assert founding is not None
    assert (founding.start, founding.anniversary) == (dt.date(2026, 7, 28), 97)
    may = occurrence(_moment(tree.pa, "thang-cong-nhan"), 2026)
    assert may is not None and (may.start, may.end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert occurrence(_moment(tree.pa, "dai-hoi-cong-doan"), 2026) is None  # undated
    assert occurrence(_moment(tree.pa, "tet-sum-vay"), 2040) is None  # outside the table


def test_year_calendar_holds_the_moments(tree: Tree) -> None:
    found = {
        (o.key, o.start)
        for o in selectors.occurrences_in_year(selectors.moments_for(tree.a_g1), 2027)
    }
    expected = {
        ("quoc-te-phu-nu", dt.date(2027, 3, 8)),
        ("quoc-te-lao-dong", dt.date(2027, 5, 1)),
        ("thang-cong-nhan", dt.date(2027, 5, 1)),
        ("thang-atvsld", dt.date(2027, 5, 1)),
        ("sinh-nhat-bac-ho", dt.date(2027, 5, 19)),
        ("thanh-lap-cong-doan", dt.date(2027, 7, 28)),
        ("quoc-khanh", dt.date(2027, 9, 2)),
        ("phu-nu-viet-nam", dt.date(2027, 10, 20)),
        ("tet-nguyen-dan", dt.date(2027, 2, 6)),
        ("tet-sum-vay", dt.date(2027, 1, 7)),
        # Tết 2028 falls on 26/01: its "Tết Sum vầy" starts in December 2027.
        ("tet-sum-vay", dt.date(2027, 12, 27)),
    }
    assert found == expected
    months = selectors.calendar_year(tree.a_g1, 2027)
    assert len(months) == 12
    may = months[4]
    first = next(d for w in may.weeks for d in w if d.day == dt.date(2027, 5, 1))
    assert {o.key for o in first.moments} == {"quoc-te-lao-dong", "thang-cong-nhan", "thang-atvsld"}


def test_moments_inherited_overridden_and_hidden(tree: Tree, officers: Officers) -> None:
    assert services.moment_seed_defaults(unit=tree.vn) == len(DEFAULT_MOMENTS)
    assert services.moment_seed_defaults(unit=tree.vn) == 0
    services.moment_save(
        unit=tree.pa,
        key="dai-hoi-cong-doan",
        actor=officers.a_admin,
        name="Đại hội Công đoàn tỉnh An Giang lần thứ XI",
        rule="one_off",
        start_date=dt.date(2028, 6, 10),
        end_date=dt.date(2028, 6, 11),
    )
    services.moment_hide(
        unit=tree.a_kcn, key="quoc-khanh", name="Quốc khánh 2/9", actor=officers.a_admin
    )
    custom = services.moment_save(
        unit=tree.a_kcn,
        actor=officers.a_admin,
        name="Ngày hội công nhân KCN",
        rule="fixed",
        month=11,
        day=15,
    )
    assert custom.key == "ngay-hoi-cong-nhan-kcn"

    g1 = {m.key: m for m in selectors.moments_for(tree.a_g1)}
    assert g1["dai-hoi-cong-doan"].unit_id == tree.pa.pk
    assert "quoc-khanh" not in g1 and "ngay-hoi-cong-nhan-kcn" in g1
    assert g1["tet-sum-vay"].unit_id == tree.vn.pk
    pa = {m.key: m for m in selectors.moments_for(tree.pa)}
    assert "quoc-khanh" in pa and "ngay-hoi-cong-nhan-kcn" not in pa
    pb = {m.key: m for m in selectors.moments_for(tree.pb)}
    assert pb["dai-hoi-cong-doan"].start_date is None
    congress = selectors.occurrences_in_year(g1.values(), 2028)
    assert ("dai-hoi-cong-doan", dt.date(2028, 6, 10)) in {(o.key, o.start) for o in congress}

    assert services.moment_reset(unit=tree.a_kcn, key="quoc-khanh", actor=officers.a_admin) == 1
    assert "quoc-khanh" in {m.key for m in selectors.moments_for(tree.a_g1)}
    assert AuditEvent.objects.filter(action__startswith="campaign.moment").count() == 4


def test_moment_validation(tree: Tree, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        services.moment_save(
            unit=tree.pa, actor=officers.a_admin, name="Sai", rule="fixed", month=2, day=30
        )
    assert exc.value.message_dict["day"] == ["Ngày 30/2 không tồn tại (ngày bắt đầu)."]
    with pytest.raises(ValidationError) as exc:
        services.moment_save(
            unit=tree.pa,
            actor=officers.a_admin,
            name="Ngược",
            rule="lunar_new_year",
            offset_start=5,
            offset_end=-5,
        )
    assert "offset_end" in exc.value.message_dict
    assert RecurringMoment.objects.count() == 0


# --- campaigns --------------------------------------------------------------------------


def test_campaign_validation_and_status(tree: Tree, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        _campaign(
            tree.pa, officers.a_admin, starts_on=dt.date(2026, 5, 31), ends_on=dt.date(2026, 5, 1)
        )
    assert exc.value.message_dict["ends_on"] == [
        "Ngày kết thúc 01/05/2026 trước ngày bắt đầu 31/05/2026."
    ]
    with pytest.raises(ValidationError) as exc:
        _campaign(tree.pa, officers.a_admin, audiences=["aliens"])
    assert exc.value.message_dict["audiences"] == ["Không có đối tượng “aliens”."]
    assert Campaign.objects.count() == 0

    past = _campaign(
        tree.pa, officers.a_admin, starts_on=dt.date(2020, 5, 1), ends_on=dt.date(2020, 5, 31)
    )
    assert past.status == CampaignStatus.FINISHED
    c = _campaign(
        tree.pa,
        officers.a_admin,
        audiences=["members_workers", "press"],
        planned_channels=["facebook_page", "loudspeaker"],
        status="planned",
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )
    assert services.campaigns_sync_status(today=dt.date(2026, 4, 30)) == 0
    assert services.campaigns_sync_status(today=dt.date(2026, 5, 2)) == 1
    c.refresh_from_db()
    assert c.status == CampaignStatus.RUNNING
    assert services.campaigns_sync_status(today=dt.date(2026, 6, 1)) == 1
    c.refresh_from_db()
    assert c.status == CampaignStatus.FINISHED
    assert c.audience_labels() == ["Đoàn viên, người lao động", "Báo chí"]
    assert AuditEvent.objects.filter(action="campaign.create").count() == 2


def test_campaign_visibility(tree: Tree, officers: Officers) -> None:
    province = _campaign(tree.pa, officers.a_admin, name="Tháng Công nhân tỉnh A")
    communes_only = _campaign(
        tree.pa, officers.a_admin, name="Chỉ công đoàn xã", participant_kinds=["commune"]
    )
    grassroots_only = _campaign(
        tree.pa, officers.a_admin, name="Chỉ CĐCS", participant_kinds=["grassroots"]
    )
    zone = _campaign(tree.a_kcn, officers.a_admin, name="Của KCN A")
    other = _campaign(tree.pb, officers.b_admin, name="Của tỉnh B")

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
        _campaign(tree.pa, officers.a_admin, name=f"Chỉ CĐCS {n}", participant_kinds=["grassroots"])
    with CaptureQueriesContext(connection) as after:
        assert len(names(officers.a_viewer)) == 8
    assert len(after) == len(before)


def test_campaign_routes(client: Client, tree: Tree, officers: Officers) -> None:
    campaign = _campaign(tree.pa, officers.a_admin)
    login(client, officers.a_viewer)
    r = client.get(f"/chien-dich/chi-tiet/{campaign.pk}/")
    assert r.status_code == 200 and campaign.name in r.content.decode()
    assert client.get(f"/chien-dich/chi-tiet/{campaign.pk}/sua/").status_code == 403
    login(client, officers.b_admin)
    for url in ("", "sua/", "xoa/"):
        assert client.get(f"/chien-dich/chi-tiet/{campaign.pk}/{url}").status_code == 404
        assert client.post(f"/chien-dich/chi-tiet/{campaign.pk}/{url}", {}).status_code == 404
    for url in ("P-A/lich/2026/", "P-A/dip/quoc-khanh/sua/", "A-G1/lich/2026/"):
        assert client.get(f"/chien-dich/{url}").status_code == 404, url
    for url in ("P-A/dip/quoc-khanh/an/", "P-A/dip/quoc-khanh/mac-dinh/"):
        assert client.post(f"/chien-dich/{url}").status_code == 404, url
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert RecurringMoment.objects.count() == 0


def test_create_campaign_from_a_moment(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_propaganda)
    r = client.get("/chien-dich/P-A/lich/2026/")
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        "Tết Nguyên đán" in html
        and "17/02/2026" in html
        and "Tháng hành động về An toàn, vệ sinh lao động" in html
    )
    assert "?dip=thanh-lap-cong-doan&amp;nam=2026" in html
    r = client.get("/chien-dich/P-A/them/?dip=thanh-lap-cong-doan&nam=2026")
    assert "kỷ niệm 97 năm" in r.content.decode() and "28/07/2026" in r.content.decode()
    # A hand-edited year the calendar does not cover falls back to this year, not an error.
    this_year = timezone.localdate().year
    for year in ("0", "99999", "abc", "²"):
        r = client.get(f"/chien-dich/P-A/them/?dip=thanh-lap-cong-doan&nam={year}")
        assert r.status_code == 200 and f"28/07/{this_year}" in r.content.decode(), year
    r = client.post(
        "/chien-dich/P-A/them/",
        {
            "name": "Kỷ niệm 97 năm Ngày thành lập Công đoàn Việt Nam",
            "starts_on": "20/07/2026",
            "ends_on": "31/07/2026",
            "audiences": ["members_workers", "community"],
            "planned_channels": ["facebook_page", "zalo_oa"],
            "slogan": "Công đoàn Việt Nam — 97 năm đồng hành",
            "moment_key": "thanh-lap-cong-doan",
        },
    )
    campaign = Campaign.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/chien-dich/chi-tiet/{campaign.pk}/"
    assert (campaign.owner, campaign.starts_on, campaign.moment_key) == (
        tree.pa,
        dt.date(2026, 7, 20),
        "thanh-lap-cong-doan",
    )
    assert campaign.audiences == ["members_workers", "community"]
    r = client.post(
        "/chien-dich/P-A/them/",
        {"name": "Sai ngày", "starts_on": "31/02/2026", "ends_on": "1/3/2026"},
    )
    assert r.status_code == 200 and "Ngày phải theo dạng dd/mm/yyyy." in r.content.decode()
    assert Campaign.objects.count() == 1
    page = client.get("/chien-dich/P-A/lich/2026/").content.decode()
    assert "Kỷ niệm 97 năm Ngày thành lập Công đoàn Việt Nam" in page


def test_moment_screens(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    assert client.get("/chien-dich/A-KCN/dip/").status_code == 200
    r = client.post(
        "/chien-dich/A-KCN/dip/dai-hoi-cong-doan/sua/",
        {"name": "Đại hội CĐ KCN", "rule": "one_off", "start_date": "12/05/2027"},
    )
    assert r.status_code == 302
    row = RecurringMoment.objects.get(unit=tree.a_kcn)
    assert (row.key, row.start_date) == ("dai-hoi-cong-doan", dt.date(2027, 5, 12))
    assert client.post("/chien-dich/A-KCN/dip/quoc-khanh/an/").status_code == 302
    assert "quoc-khanh" not in {m.key for m in selectors.moments_for(tree.a_g1)}
    login(client, officers.a_viewer)
    assert client.post("/chien-dich/A-G1/dip/quoc-te-phu-nu/an/").status_code == 403


# --- scoreboard -------------------------------------------------------------------------------


def _inquiry(unit: Unit, when: dt.datetime, n: int) -> Inquiry:
    return Inquiry.objects.create(
        code=f"HD-TEST-{n:04d}", unit=unit, source="web", received_at=when, first_response_due=when
    )


def test_scoreboard_matches_raw_rows(
    tree: Tree, officers: Officers, django_assert_max_num_queries: Any
) -> None:
    campaign = _campaign(tree.pa, officers.a_admin)
    other = _campaign(tree.pa, officers.a_admin, name="Khác")
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


def test_scoreboard_on_the_campaign_page(client: Client, tree: Tree, officers: Officers) -> None:
    campaign = _campaign(tree.pa, officers.a_admin)
    Activity.objects.create(
        unit=tree.a_g1,
        held_on=dt.date(2026, 5, 3),
        kind="campaign_event",
        title="Mít tinh",
        participants=1234,
    )
    login(client, officers.a_admin)
    html = client.get(f"/chien-dich/chi-tiet/{campaign.pk}/").content.decode()
    assert "Kết quả theo đơn vị" in html and "1.234" in html
    html = client.get(f"/chien-dich/chi-tiet/{campaign.pk}/?don-vi=A-KCN").content.decode()
    assert tree.a_g1.name in html
    # Deeper down, the way back up runs from the owner through each unit in between.
    html = client.get(f"/chien-dich/chi-tiet/{campaign.pk}/?don-vi=A-G1").content.decode()
    assert '<a href="?don-vi=P-A#bang-diem">' in html
    assert '<a href="?don-vi=A-KCN#bang-diem">' in html
    assert html.count('href="?don-vi=P-A#bang-diem"') == 1
    # The grassroots viewer sees the board from their own unit.
    login(client, officers.a_viewer)
    html = client.get(f"/chien-dich/chi-tiet/{campaign.pk}/?don-vi=P-A").content.decode()
    assert "Tại " in html and "1.234" in html and tree.a_xa.name not in html


def test_demo_campaigns(tree: Tree) -> None:
    """The demo campaigns only; their content items are content's demo
    (tests/content/test_demo.py), published and scheduled by publishing's."""
    from lantoa.accounts.demo import ensure_demo_accounts
    from lantoa.campaigns.demo import ensure_demo_campaigns
    from lantoa.content.models import ContentItem

    ensure_demo_accounts()
    assert ensure_demo_campaigns() == 4
    assert ensure_demo_campaigns() == 0  # once only
    assert Campaign.objects.filter(owner=tree.pa).count() == 4
    assert not ContentItem.objects.exists()
    assert RecurringMoment.objects.filter(unit=tree.vn).count() == len(DEFAULT_MOMENTS)


def test_scoreboard_counts_cascades_of_the_campaign(tree: Tree, officers: Officers) -> None:
    from lantoa.cascades.models import CascadeRecipient
    from lantoa.cascades.services import cascade_create, cascade_send

    campaign = _campaign(tree.pa, officers.a_admin)
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


def test_write_button_points_to_a_unit_in_the_campaign(
    client: Client, tree: Tree, officers: Officers
) -> None:
    campaign = _campaign(tree.pa, officers.a_admin, participant_kinds=["industrial_zone"])
    login(client, officers.a_communicator)  # at A-KCN: takes part, cannot write at P-A
    html = client.get(f"/chien-dich/chi-tiet/{campaign.pk}/").content.decode()
    assert f"/noi-dung/A-KCN/them/?chien-dich={campaign.pk}" in html
    login(client, officers.a_viewer)  # a viewer writes nothing
    assert (
        "/them/?chien-dich="
        not in client.get(f"/chien-dich/chi-tiet/{campaign.pk}/").content.decode()
    )
    r = client.get(f"/noi-dung/A-KCN/them/?chien-dich={campaign.pk}")
    assert r.status_code == 403


def test_scoreboard_counts_posts_on_channels(tree: Tree, officers: Officers) -> None:
    """Posts are the publication records of the campaign's items, for the unit that posted:
    the province's item republished by a grassroots union counts under that union's branch;
    failed posts and other campaigns' posts do not count."""
    from lantoa.publishing.models import Method, Publication, PublicationStatus

    campaign = _campaign(tree.pa, officers.a_admin)
    other = _campaign(tree.pa, officers.a_admin, name="Khác")
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

    campaign = _campaign(tree.pa, officers.a_admin)
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
