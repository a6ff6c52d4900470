"""Channels: service validation, audience history and the channel screens' access rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lantoa.audit.models import AuditEvent
from lantoa.channels.models import Channel, ChannelKind, ChannelStat, ChannelStatus
from lantoa.channels.services import (
    channel_create,
    channel_delete,
    channel_record_audience,
    channel_update,
)
from lantoa.core.templatetags.vn import bar_width, vn_int, vn_percent
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_create_facebook_page_normalises_url_and_audits(tree: Tree, officers: Officers) -> None:
    c = channel_create(
        unit=tree.a_g1,
        kind=ChannelKind.FACEBOOK_PAGE,
        name="  CĐ May Ánh Dương ",
        url="www.facebook.com/cdmayanhduong/",
        actor=officers.a_admin,
    )
    c.refresh_from_db()
    assert c.url == "https://www.facebook.com/cdmayanhduong"
    assert c.name == "CĐ May Ánh Dương"
    assert c.status == ChannelStatus.ACTIVE
    event = AuditEvent.objects.get(action="channel.create")
    assert event.unit_id == tree.a_g1.pk and event.actor_id == officers.a_admin.pk


@pytest.mark.parametrize(
    "url",
    ["https://www.fakebook.com/x", "https://notfacebook.com/x", "https://facebook.com.evil.vn/x"],
)
def test_facebook_url_must_be_on_facebook(tree: Tree, url: str) -> None:
    with pytest.raises(ValidationError) as exc:
        channel_create(unit=tree.a_g1, kind=ChannelKind.FACEBOOK_PAGE, name="Fanpage", url=url)
    assert "phải thuộc facebook.com" in _messages(exc)["url"][0]
    assert Channel.objects.count() == 0


def test_fb_com_and_subdomains_accepted(tree: Tree) -> None:
    a = channel_create(
        unit=tree.a_g1, kind=ChannelKind.FACEBOOK_PAGE, name="A", url="https://fb.com/abc"
    )
    b = channel_create(
        unit=tree.a_g1, kind=ChannelKind.FACEBOOK_PAGE, name="B", url="https://m.facebook.com/def"
    )
    assert {a.url, b.url} == {"https://fb.com/abc", "https://m.facebook.com/def"}


@pytest.mark.parametrize(
    ("kind", "url", "message"),
    [
        (ChannelKind.YOUTUBE, "https://vimeo.com/x", "phải thuộc youtube.com"),
        (ChannelKind.TIKTOK, "https://youtube.com/@x", "phải thuộc tiktok.com"),
        (ChannelKind.ZALO_GROUP, "https://facebook.com/groups/x", "phải thuộc zalo.me"),
        (ChannelKind.WEBSITE, "http://", "không hợp lệ"),
    ],
)
def test_url_domain_rules(tree: Tree, kind: str, url: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        channel_create(unit=tree.a_g1, kind=kind, name="Kênh", url=url)
    assert message in _messages(exc)["url"][0]


@pytest.mark.parametrize(
    "kind",
    [ChannelKind.FACEBOOK_PAGE, ChannelKind.YOUTUBE, ChannelKind.TIKTOK, ChannelKind.WEBSITE],
)
def test_web_kinds_require_url_even_with_identifier(tree: Tree, kind: str) -> None:
    with pytest.raises(ValidationError) as exc:
        channel_create(unit=tree.a_g1, kind=kind, name="Kênh", identifier="12345")
    assert _messages(exc)["url"][0].startswith("Vui lòng nhập đường dẫn của")


def test_zalo_group_needs_url_or_identifier(tree: Tree) -> None:
    with pytest.raises(ValidationError) as exc:
        channel_create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm Zalo")
    assert _messages(exc)["identifier"] == [
        "Vui lòng nhập đường dẫn (zalo.me/…) hoặc mã định danh của Nhóm Zalo."
    ]
    by_id = channel_create(
        unit=tree.a_g1,
        kind=ChannelKind.ZALO_GROUP,
        name="Nhóm 1",
        identifier="Đoàn viên May Ánh Dương",
    )
    by_url = channel_create(
        unit=tree.a_g1, kind=ChannelKind.ZALO_OA, name="OA", url="https://zalo.me/1234567890"
    )
    assert by_id.identifier == "Đoàn viên May Ánh Dương" and by_url.url.endswith("1234567890")


def test_email_list_needs_url_or_identifier_but_physical_kinds_need_neither(tree: Tree) -> None:
    with pytest.raises(ValidationError) as exc:
        channel_create(unit=tree.a_g1, kind=ChannelKind.EMAIL_LIST, name="Thư")
    assert "identifier" in _messages(exc)
    board = channel_create(unit=tree.a_g1, kind=ChannelKind.BULLETIN_BOARD, name="Bảng tin nhà ăn")
    assert board.pk is not None


def test_missing_name_and_bad_kind(tree: Tree) -> None:
    with pytest.raises(ValidationError) as exc:
        channel_create(unit=tree.a_g1, kind="myspace", name=" ")
    assert _messages(exc) == {
        "kind": ["Loại kênh không hợp lệ."],
        "name": ["Vui lòng nhập tên kênh."],
    }


def test_duplicate_active_channel_refused_but_closed_one_allowed(tree: Tree) -> None:
    first = channel_create(
        unit=tree.a_g1,
        kind=ChannelKind.FACEBOOK_PAGE,
        name="Fanpage",
        url="https://facebook.com/mayanhduong",
    )
    with pytest.raises(ValidationError) as exc:
        channel_create(
            unit=tree.a_g1,
            kind=ChannelKind.FACEBOOK_PAGE,
            name="Trùng",
            url="HTTPS://facebook.com/MayAnhDuong/",
        )
    assert "đã có Trang Facebook (fanpage) đang hoạt động" in _messages(exc)["url"][0]
    # Another unit may link the same page; a closed duplicate is history, not a clash.
    channel_create(
        unit=tree.a_g2,
        kind=ChannelKind.FACEBOOK_PAGE,
        name="Khác",
        url="https://facebook.com/mayanhduong",
    )
    channel_update(channel=first, status=ChannelStatus.CLOSED)
    again = channel_create(
        unit=tree.a_g1,
        kind=ChannelKind.FACEBOOK_PAGE,
        name="Mới",
        url="https://facebook.com/mayanhduong",
    )
    assert Channel.objects.filter(unit=tree.a_g1).count() == 2
    # Re-opening the old one would now duplicate the new one.
    with pytest.raises(ValidationError):
        channel_update(channel=first, status=ChannelStatus.ACTIVE)
    first.refresh_from_db()
    assert first.status == ChannelStatus.CLOSED and again.status == ChannelStatus.ACTIVE


def test_duplicate_identifier_refused(tree: Tree) -> None:
    channel_create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="N1", identifier="Nhóm A")
    with pytest.raises(ValidationError) as exc:
        channel_create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="N2", identifier="nhóm a")
    assert "mã định danh" in _messages(exc)["identifier"][0]


def test_update_rejected_leaves_object_and_row_unchanged(tree: Tree) -> None:
    c = channel_create(
        unit=tree.a_g1, kind=ChannelKind.FACEBOOK_PAGE, name="Fanpage", url="https://facebook.com/a"
    )
    with pytest.raises(ValidationError):
        channel_update(channel=c, url="https://example.com/a", name="Đổi")
    assert (c.url, c.name) == ("https://facebook.com/a", "Fanpage")
    c.refresh_from_db()
    assert (c.url, c.name) == ("https://facebook.com/a", "Fanpage")
    with pytest.raises(TypeError):
        channel_update(channel=c, unit=tree.a_g2)


def test_record_audience_keeps_history_and_only_newest_updates_channel(tree: Tree) -> None:
    c = channel_create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm", identifier="nhom")
    channel_record_audience(channel=c, recorded_on=dt.date(2025, 3, 1), audience=800)
    c.refresh_from_db()
    assert (c.audience, c.audience_on) == (800, dt.date(2025, 3, 1))
    channel_record_audience(channel=c, recorded_on=dt.date(2025, 5, 1), audience=950)
    # Back-filling an older day keeps the current figure.
    channel_record_audience(channel=c, recorded_on=dt.date(2025, 1, 1), audience=500)
    c.refresh_from_db()
    assert (c.audience, c.audience_on) == (950, dt.date(2025, 5, 1))
    # Same day again replaces that day's figure (upsert), still the newest.
    channel_record_audience(channel=c, recorded_on=dt.date(2025, 5, 1), audience=990)
    c.refresh_from_db()
    assert c.audience == 990
    assert list(ChannelStat.objects.filter(channel=c).values_list("recorded_on", "audience")) == [
        (dt.date(2025, 5, 1), 990),
        (dt.date(2025, 3, 1), 800),
        (dt.date(2025, 1, 1), 500),
    ]


def test_record_audience_rejects_future_and_negative(tree: Tree) -> None:
    c = channel_create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="N", identifier="n")
    with pytest.raises(ValidationError) as exc:
        channel_record_audience(channel=c, recorded_on=dt.date(2999, 1, 1), audience=-1)
    assert set(_messages(exc)) == {"recorded_on", "audience"}
    assert ChannelStat.objects.count() == 0


def test_delete_removes_history_and_audits(tree: Tree, officers: Officers) -> None:
    c = channel_create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="N", identifier="n")
    channel_record_audience(channel=c, recorded_on=dt.date(2025, 1, 1), audience=5)
    channel_delete(channel=c, actor=officers.a_admin)
    assert Channel.objects.count() == 0 and ChannelStat.objects.count() == 0
    assert AuditEvent.objects.filter(action="channel.delete", unit=tree.a_g1).count() == 1


def test_vn_filters() -> None:
    assert vn_int(1174) == "1.174"
    assert vn_percent(2.206) == "220,6%"
    assert vn_percent(None) == "—"
    assert bar_width(0.375) == "37.5"
    assert bar_width(1.7) == "100.0"


# --- screens ---------------------------------------------------------------------------


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
