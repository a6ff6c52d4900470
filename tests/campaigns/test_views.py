"""The campaign screens: routes, a campaign from a moment, moment screens, the scoreboard on the
campaign page, the write button."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.activities.models import Activity
from lantoa.campaigns import selectors
from lantoa.campaigns.models import Campaign, RecurringMoment
from tests.campaigns.support import make_campaign
from tests.conftest import Officers, Tree, login


def test_campaign_routes(client: Client, tree: Tree, officers: Officers) -> None:
    campaign = make_campaign(tree.pa, officers.a_admin)
    login(client, officers.a_viewer)
    r = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert r.status_code == 200 and campaign.name in r.content.decode()
    assert client.get(reverse("campaigns:edit", args=[campaign.pk])).status_code == 403
    login(client, officers.b_admin)
    for name in ("detail", "edit", "delete"):
        url = reverse(f"campaigns:{name}", args=[campaign.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
    for url in (
        reverse("campaigns:calendar", args=["P-A", 2026]),
        reverse("campaigns:moment_edit", args=["P-A", "quoc-khanh"]),
        reverse("campaigns:calendar", args=["A-G1", 2026]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("campaigns:moment_hide", args=["P-A", "quoc-khanh"]),
        reverse("campaigns:moment_reset", args=["P-A", "quoc-khanh"]),
    ):
        assert client.post(url).status_code == 404, url
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert RecurringMoment.objects.count() == 0


def test_create_campaign_from_a_moment(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_propaganda)
    r = client.get(reverse("campaigns:calendar", args=["P-A", 2026]))
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        "Tết Nguyên đán" in html
        and "17/02/2026" in html
        and "Tháng hành động về An toàn, vệ sinh lao động" in html
    )
    assert "?dip=thanh-lap-cong-doan&amp;nam=2026" in html
    r = client.get(reverse("campaigns:create", args=["P-A"]) + "?dip=thanh-lap-cong-doan&nam=2026")
    assert "kỷ niệm 97 năm" in r.content.decode() and "28/07/2026" in r.content.decode()
    # A hand-edited year the calendar does not cover falls back to this year, not an error.
    this_year = timezone.localdate().year
    for year in ("0", "99999", "abc", "²"):
        r = client.get(
            reverse("campaigns:create", args=["P-A"]) + f"?dip=thanh-lap-cong-doan&nam={year}"
        )
        assert r.status_code == 200 and f"28/07/{this_year}" in r.content.decode(), year
    r = client.post(
        reverse("campaigns:create", args=["P-A"]),
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
    assert r.status_code == 302 and r["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    assert (campaign.owner, campaign.starts_on, campaign.moment_key) == (
        tree.pa,
        dt.date(2026, 7, 20),
        "thanh-lap-cong-doan",
    )
    assert campaign.audiences == ["members_workers", "community"]
    r = client.post(
        reverse("campaigns:create", args=["P-A"]),
        {"name": "Sai ngày", "starts_on": "31/02/2026", "ends_on": "1/3/2026"},
    )
    assert r.status_code == 200 and "Ngày phải theo dạng dd/mm/yyyy." in r.content.decode()
    assert Campaign.objects.count() == 1
    page = client.get(reverse("campaigns:calendar", args=["P-A", 2026])).content.decode()
    assert "Kỷ niệm 97 năm Ngày thành lập Công đoàn Việt Nam" in page


def test_moment_screens(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    assert client.get(reverse("campaigns:moments", args=["A-KCN"])).status_code == 200
    r = client.post(
        reverse("campaigns:moment_edit", args=["A-KCN", "dai-hoi-cong-doan"]),
        {"name": "Đại hội CĐ KCN", "rule": "one_off", "start_date": "12/05/2027"},
    )
    assert r.status_code == 302
    row = RecurringMoment.objects.get(unit=tree.a_kcn)
    assert (row.key, row.start_date) == ("dai-hoi-cong-doan", dt.date(2027, 5, 12))
    assert (
        client.post(reverse("campaigns:moment_hide", args=["A-KCN", "quoc-khanh"])).status_code
        == 302
    )
    assert "quoc-khanh" not in {m.key for m in selectors.moments_for(tree.a_g1)}
    login(client, officers.a_viewer)
    assert (
        client.post(reverse("campaigns:moment_hide", args=["A-G1", "quoc-te-phu-nu"])).status_code
        == 403
    )


def test_scoreboard_on_the_campaign_page(client: Client, tree: Tree, officers: Officers) -> None:
    campaign = make_campaign(tree.pa, officers.a_admin)
    Activity.objects.create(
        unit=tree.a_g1,
        held_on=dt.date(2026, 5, 3),
        kind="campaign_event",
        title="Mít tinh",
        participants=1234,
    )
    login(client, officers.a_admin)
    html = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "Kết quả theo đơn vị" in html and "1.234" in html
    html = client.get(
        reverse("campaigns:detail", args=[campaign.pk]) + "?don-vi=A-KCN"
    ).content.decode()
    assert tree.a_g1.name in html
    # Deeper down, the way back up runs from the owner through each unit in between.
    html = client.get(
        reverse("campaigns:detail", args=[campaign.pk]) + "?don-vi=A-G1"
    ).content.decode()
    assert '<a href="?don-vi=P-A#bang-diem">' in html
    assert '<a href="?don-vi=A-KCN#bang-diem">' in html
    assert html.count('href="?don-vi=P-A#bang-diem"') == 1
    # The grassroots viewer sees the board from their own unit.
    login(client, officers.a_viewer)
    html = client.get(
        reverse("campaigns:detail", args=[campaign.pk]) + "?don-vi=P-A"
    ).content.decode()
    assert "Tại " in html and "1.234" in html and tree.a_xa.name not in html


def test_write_button_points_to_a_unit_in_the_campaign(
    client: Client, tree: Tree, officers: Officers
) -> None:
    campaign = make_campaign(tree.pa, officers.a_admin, participant_kinds=["industrial_zone"])
    login(client, officers.a_communicator)  # at A-KCN: takes part, cannot write at P-A
    html = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert reverse("content:create", args=["A-KCN"]) + f"?chien-dich={campaign.pk}" in html
    login(client, officers.a_viewer)  # a viewer writes nothing
    assert (
        "/them/?chien-dich="
        not in client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    )
    r = client.get(reverse("content:create", args=["A-KCN"]) + f"?chien-dich={campaign.pk}")
    assert r.status_code == 403
