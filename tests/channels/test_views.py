"""The channel and coverage screens: access by province and role, forms, filters, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from lantoa.audit.models import AuditEvent
from lantoa.channels.models import Channel, ChannelKind, ChannelStat
from lantoa.channels.selectors import channels_of, coverage_by_child, coverage_summary
from lantoa.channels.services import channel_create
from tests.channels.support import Extra
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_channel(tree: Tree) -> Channel:
    return channel_create(
        unit=tree.b_g1,
        kind=ChannelKind.FACEBOOK_PAGE,
        name="Giày Đức Thành",
        url="https://facebook.com/giayducthanh",
    )


@pytest.fixture
def a_channel(tree: Tree) -> Channel:
    return channel_create(
        unit=tree.a_g1,
        kind=ChannelKind.FACEBOOK_PAGE,
        name="May Ánh Dương",
        url="https://facebook.com/mayanhduong",
    )


def test_province_a_officer_gets_404_on_province_b(
    client: Client, officers: Officers, tree: Tree, b_channel: Channel
) -> None:
    login(client, officers.a_admin)
    urls = [
        reverse("channels:unit", kwargs={"code": "B-G1"}),
        reverse("channels:create", kwargs={"code": "B-G1"}),
        reverse("channels:coverage", kwargs={"code": "P-B"}),
        reverse("channels:coverage_csv", kwargs={"code": "P-B"}),
        reverse("channels:detail", kwargs={"pk": b_channel.pk}),
        reverse("channels:edit", kwargs={"pk": b_channel.pk}),
        reverse("channels:delete", kwargs={"pk": b_channel.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("channels:delete", kwargs={"pk": b_channel.pk})).status_code == 404
    assert (
        client.post(
            reverse("channels:record_audience", kwargs={"pk": b_channel.pk}),
            {"recorded_on": "01/01/2025", "audience": "5"},
        ).status_code
        == 404
    )
    assert Channel.objects.filter(pk=b_channel.pk).exists()
    assert ChannelStat.objects.count() == 0


def test_viewer_reads_but_gets_403_on_writes(
    client: Client, officers: Officers, tree: Tree, a_channel: Channel
) -> None:
    login(client, officers.a_viewer)
    page = client.get(reverse("channels:unit", kwargs={"code": "A-G1"}))
    assert page.status_code == 200
    assert "May Ánh Dương" in page.content.decode()
    assert client.get(reverse("channels:detail", kwargs={"pk": a_channel.pk})).status_code == 200
    for url in [
        reverse("channels:create", kwargs={"code": "A-G1"}),
        reverse("channels:edit", kwargs={"pk": a_channel.pk}),
        reverse("channels:delete", kwargs={"pk": a_channel.pk}),
    ]:
        assert client.get(url).status_code == 403, url
        assert (
            client.post(url, {"kind": "zalo_group", "name": "x", "identifier": "x"}).status_code
            == 403
        ), url
    assert (
        client.post(
            reverse("channels:record_audience", kwargs={"pk": a_channel.pk}),
            {"recorded_on": "01/01/2025", "audience": "5"},
        ).status_code
        == 403
    )
    assert Channel.objects.count() == 1 and ChannelStat.objects.count() == 0


def test_communicator_manages_channels_in_subtree(
    client: Client, officers: Officers, tree: Tree
) -> None:
    login(client, officers.a_communicator)
    resp = client.post(
        reverse("channels:create", kwargs={"code": "A-G2"}),
        {
            "kind": "zalo_group",
            "name": "Nhóm Zalo Đông Á",
            "url": "zalo.me/g/abcdef",
            "identifier": "",
            "owner": "Chị Lan",
            "status": "active",
        },
    )
    channel = Channel.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse(
        "channels:detail", kwargs={"pk": channel.pk}
    )
    assert (channel.unit_id, channel.url) == (tree.a_g2.pk, "https://zalo.me/g/abcdef")
    # Audience typed the Vietnamese way.
    resp = client.post(
        reverse("channels:record_audience", kwargs={"pk": channel.pk}),
        {"recorded_on": "15/03/2025", "audience": "12.500"},
    )
    assert resp.status_code == 302
    channel.refresh_from_db()
    assert (channel.audience, channel.audience_on) == (12500, dt.date(2025, 3, 15))
    detail = client.get(reverse("channels:detail", kwargs={"pk": channel.pk})).content.decode()
    assert "12.500" in detail and "15/03/2025" in detail
    # Editing and deleting.
    resp = client.post(
        reverse("channels:edit", kwargs={"pk": channel.pk}),
        {
            "kind": "zalo_group",
            "name": "Nhóm mới",
            "url": "https://zalo.me/g/abcdef",
            "status": "paused",
        },
    )
    assert resp.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.status) == ("Nhóm mới", "paused")
    assert client.post(reverse("channels:delete", kwargs={"pk": channel.pk})).status_code == 302
    assert not Channel.objects.exists()
    # A-XA is outside the communicator's subtree (A-KCN): not even visible.
    assert client.get(reverse("channels:create", kwargs={"code": "A-XA"})).status_code == 404


def test_create_form_shows_vietnamese_error_and_writes_nothing(
    client: Client, officers: Officers, tree: Tree
) -> None:
    login(client, officers.a_propaganda)
    resp = client.post(
        reverse("channels:create", kwargs={"code": "A-G1"}),
        {
            "kind": "facebook_page",
            "name": "Fanpage",
            "url": "https://example.com/x",
            "status": "active",
        },
    )
    assert resp.status_code == 200
    assert "Đường dẫn của Trang Facebook (fanpage) phải thuộc facebook.com" in (
        resp.content.decode()
    )
    assert Channel.objects.count() == 0
    resp = client.post(
        reverse(
            "channels:record_audience",
            kwargs={
                "pk": channel_create(unit=tree.a_g1, kind="zalo_group", name="N", identifier="n").pk
            },
        ),
        {"recorded_on": "31/02/2025", "audience": "abc"},
    )
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "Ngày phải theo dạng dd/mm/yyyy." in body
    assert "không phải số nguyên không âm" in body
    assert ChannelStat.objects.count() == 0


def test_subtree_toggle_and_kind_filter(client: Client, officers: Officers, tree: Tree) -> None:
    channel_create(
        unit=tree.pa, kind=ChannelKind.WEBSITE, name="Cổng tỉnh", url="https://ldld.angiang.vn"
    )
    channel_create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm G1", identifier="g1")
    channel_create(
        unit=tree.a_g3,
        kind=ChannelKind.FACEBOOK_PAGE,
        name="Trang G3",
        url="https://facebook.com/g3",
    )
    channel_create(unit=tree.b_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm B1", identifier="b1")
    login(client, officers.a_leader)
    url = reverse("channels:unit", kwargs={"code": "P-A"})
    own = client.get(url)
    assert [c.name for c in own.context["channels"]] == ["Cổng tỉnh"]
    whole = client.get(url, {"cay": "1"})
    assert sorted(c.name for c in whole.context["channels"]) == ["Cổng tỉnh", "Nhóm G1", "Trang G3"]
    zalo = client.get(url, {"cay": "1", "loai": "zalo_group"})
    assert [c.name for c in zalo.context["channels"]] == ["Nhóm G1"]


def test_coverage_page(client: Client, officers: Officers, tree: Tree, covered: Extra) -> None:
    login(client, officers.a_leader)
    resp = client.get(reverse("channels:coverage", kwargs={"code": "P-A"}))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert resp.context["coverage"].with_either == 2
    assert [u.code for u, _ in resp.context["coverage_children"]] == ["A-XA", "A-KCN"]
    assert "40,0%" in body and "60,0%" in body  # either / neither
    assert "3.000" in body and "CĐCS Công ty Thủy sản Vĩnh Hoàn" in body
    assert reverse("channels:coverage", kwargs={"code": "A-KCN"}) in body
    assert '<span class="w-40"></span>' in body


def test_coverage_csv_export_audited(
    client: Client, officers: Officers, tree: Tree, covered: Extra
) -> None:
    login(client, officers.a_propaganda)
    resp = client.get(reverse("channels:coverage_csv", kwargs={"code": "P-A"}))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    text = resp.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Mã đơn vị"
    assert [(r[0], r[3]) for r in rows[1:]] == [("A-G6", "3000"), ("A-G5", "1000")]
    event = AuditEvent.objects.get(action="coverage.export")
    assert (event.actor_id, event.unit_id, event.data) == (
        officers.a_propaganda.pk,
        tree.pa.pk,
        {"rows": 2},
    )


def test_coverage_access(client: Client, officers: Officers, tree: Tree, covered: Extra) -> None:
    login(client, officers.a_admin)
    assert client.get(reverse("channels:coverage", kwargs={"code": "P-B"})).status_code == 404
    assert client.get(reverse("channels:coverage_csv", kwargs={"code": "P-B"})).status_code == 404
    # A communicator sees coverage but may not export data.
    login(client, officers.a_communicator)
    assert client.get(reverse("channels:coverage", kwargs={"code": "A-KCN"})).status_code == 200
    assert client.get(reverse("channels:coverage_csv", kwargs={"code": "A-KCN"})).status_code == 403
    assert not AuditEvent.objects.filter(action="coverage.export").exists()


def test_unit_page_partials_render(tree: Tree, covered: Extra) -> None:
    from django.template.loader import render_to_string

    html = render_to_string(
        "channels/_coverage.html",
        {
            "unit": tree.pa,
            "coverage": coverage_summary(tree.pa),
            "coverage_children": coverage_by_child(tree.pa),
        },
    )
    assert "20,0%" in html and "2 công đoàn cơ sở lớn chưa có nhóm Zalo lẫn trang Facebook" in html
    html = render_to_string(
        "channels/_unit_channels.html",
        {"unit": tree.a_g1, "channels": list(channels_of(tree.a_g1)), "can_manage": True},
    )
    assert "Zalo G1" in html and reverse("channels:create", kwargs={"code": "A-G1"}) in html
