"""Channel services (lantoa.channels.services): validation and normalisation of URLs and
identifiers, duplicates, audience history, deletion, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.audit.models import AuditEvent
from lantoa.channels.models import Channel, ChannelKind, ChannelStat, ChannelStatus
from lantoa.channels.services import (
    channel_create,
    channel_delete,
    channel_record_audience,
    channel_update,
)
from tests.conftest import Officers, Tree

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
