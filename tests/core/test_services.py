"""assign_validated: the all-or-nothing field assignment behind every *_update service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lantoa.audit.models import AuditEvent
from lantoa.channels.models import ChannelKind
from lantoa.channels.services import channel_create, channel_update
from lantoa.core.services import UnknownFieldsError, assign_validated
from lantoa.roster.models import Communicator, RosterRole
from lantoa.roster.services import communicator_create, communicator_update
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import unit_update
from tests.conftest import Officers, Tree


def refuse(_: object) -> None:
    raise ValidationError({"name": "Không hợp lệ."})


def test_unknown_fields_are_refused_before_anything_changes(tree: Tree) -> None:
    unit = tree.a_g1
    with pytest.raises(UnknownFieldsError) as exc:
        unit_update(unit=unit, name="Đổi tên", code="HACK", parent_id=tree.pb.pk)
    # A ValidationError naming each field (forms and the API show it), and a TypeError.
    assert isinstance(exc.value, ValidationError) and isinstance(exc.value, TypeError)
    assert set(exc.value.message_dict) == {"code", "parent_id"}
    assert "“code”" in exc.value.message_dict["code"][0]
    assert (unit.name, unit.code, unit.parent_id) == (
        "Công đoàn cơ sở Công ty TNHH May Ánh Dương",
        "A-G1",
        tree.a_kcn.pk,
    )
    unit.refresh_from_db()
    assert unit.code == "A-G1" and unit.name.startswith("Công đoàn cơ sở Công ty TNHH May")


def test_unit_update_rolls_back_the_callers_object(tree: Tree, officers: Officers) -> None:
    unit = tree.a_g1
    before = {f.attname: getattr(unit, f.attname) for f in Unit._meta.concrete_fields}
    with pytest.raises(ValidationError) as exc:
        # The name is fine, the member count is not: nothing of either may stick, nor the
        # search text that the service recomputed from the new name before validating.
        unit_update(unit=unit, actor=officers.a_admin, name="Tên mới", member_count=-5)
    assert "member_count" in exc.value.message_dict
    assert {f.attname: getattr(unit, f.attname) for f in Unit._meta.concrete_fields} == before
    assert unit.search_text == before["search_text"] and "ten moi" not in unit.search_text
    unit.refresh_from_db()
    assert (unit.name, unit.member_count) == (before["name"], 1200)
    assert not AuditEvent.objects.filter(action="unit.update").exists()


def test_unit_update_kind_refusal_restores_kind(tree: Tree) -> None:
    with pytest.raises(ValidationError, match="không thể chuyển thành công đoàn cơ sở"):
        unit_update(unit=tree.a_kcn, kind=UnitKind.GRASSROOTS, name="KCN đổi")
    assert (tree.a_kcn.kind, tree.a_kcn.name) == (
        UnitKind.INDUSTRIAL_ZONE,
        "Công đoàn các Khu công nghiệp tỉnh An Giang",
    )
    assert Unit.objects.get(code="A-KCN").kind == UnitKind.INDUSTRIAL_ZONE


def test_unit_update_writes_one_audit_row_with_changed_fields(
    tree: Tree, officers: Officers
) -> None:
    unit = tree.a_g1
    unit_update(
        unit=unit,
        actor=officers.a_admin,
        name="Công đoàn cơ sở Công ty TNHH May Ánh Dương",  # unchanged
        short_name="CĐCS May Ánh Dương",
        member_count=1250,
    )
    event = AuditEvent.objects.get(action="unit.update")
    assert (event.actor, event.unit_id, event.target) == (officers.a_admin, unit.pk, "A-G1")
    assert event.data == {"short_name": "CĐCS May Ánh Dương", "member_count": 1250}
    unit.refresh_from_db()
    assert (unit.short_name, unit.member_count) == ("CĐCS May Ánh Dương", 1250)
    assert "cdcs may anh duong" in unit.search_text
    # Nothing changed, or no actor (imports, management commands): no row.
    unit_update(unit=unit, actor=officers.a_admin, member_count=1250)
    unit_update(unit=unit, worker_count=1400)
    assert AuditEvent.objects.filter(action="unit.update").count() == 1
    assert Unit.objects.get(pk=unit.pk).worker_count == 1400


def test_channel_update_rollback_includes_fields_clean_normalised(tree: Tree) -> None:
    channel = channel_create(
        unit=tree.a_g1, kind=ChannelKind.FACEBOOK_PAGE, name="Fanpage", url="facebook.com/a"
    )
    # Set on the object but not yet saved: clean strips it; a refusal must not leave it
    # stripped (the caller's object is exactly as it handed it over).
    channel.owner = "  Ban Tuyên giáo  "
    with pytest.raises(ValidationError):
        channel_update(channel=channel, name="Đổi", url="https://example.com/a")
    assert (channel.name, channel.url, channel.owner) == (
        "Fanpage",
        "https://facebook.com/a",
        "  Ban Tuyên giáo  ",
    )


def test_communicator_rollback_restores_unit_and_its_cache(
    tree: Tree, officers: Officers, django_assert_num_queries
) -> None:
    c = communicator_create(unit=tree.a_g1, full_name="Lê Thị Mai", role=RosterRole.BRIEFER)
    assert c.unit is tree.a_g1
    with pytest.raises(ValidationError) as exc:
        communicator_update(communicator=c, unit=tree.a_g3, phone="12", actor=officers.a_admin)
    assert set(exc.value.message_dict) == {"phone"}
    with django_assert_num_queries(0):
        assert c.unit is tree.a_g1 and c.unit_id == tree.a_g1.pk
    # A value of the wrong type fails half-way through the assignment: undone as well.
    with pytest.raises(ValueError, match='must be a "Unit" instance'):
        communicator_update(communicator=c, full_name="Tên khác", unit="A-G3")
    assert (c.full_name, c.unit) == ("Lê Thị Mai", tree.a_g1)
    assert Communicator.objects.get(pk=c.pk).unit_id == tree.a_g1.pk
    assert not AuditEvent.objects.filter(action="roster.update").exists()


def test_changed_names_ignore_normalisation_and_keep_order(tree: Tree) -> None:
    channel = channel_create(
        unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm Zalo", identifier="nhom"
    )
    changed = assign_validated(
        channel,
        {"owner": "Tổ CĐ", "name": "  Nhóm Zalo  ", "identifier": "nhom-2"},
        allowed=("owner", "name", "identifier"),
        clean=lambda c: setattr(c, "name", c.name.strip()),
    )
    assert changed == ["owner", "identifier"]
    assert (channel.owner, channel.name, channel.identifier) == ("Tổ CĐ", "Nhóm Zalo", "nhom-2")
    channel.refresh_from_db()
    assert channel.identifier == "nhom"  # assign_validated saves nothing


def test_deferred_fields_stay_deferred_without_queries(tree: Tree, django_assert_num_queries):
    unit = Unit.objects.only("id", "name").get(pk=tree.a_g1.pk)
    with django_assert_num_queries(0), pytest.raises(ValidationError):
        assign_validated(
            unit, {"name": "X", "address": "Số 1"}, allowed=("name", "address"), clean=refuse
        )
    assert unit.get_deferred_fields() >= {"address", "member_count", "search_text"}
    assert unit.name == "Công đoàn cơ sở Công ty TNHH May Ánh Dương"


def test_channel_update_audit_still_lists_changed_values(tree: Tree, officers: Officers) -> None:
    channel = channel_create(
        unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm", identifier="nhom"
    )
    channel_update(channel=channel, actor=officers.a_admin, name=" Nhóm ", owner="Tổ CĐ")
    event = AuditEvent.objects.get(action="channel.update")
    assert event.data == {"owner": "Tổ CĐ"}
    channel_update(channel=channel, actor=officers.a_admin, name="Nhóm")
    assert AuditEvent.objects.filter(action="channel.update").count() == 1


def test_acting_user_is_a_signed_in_user_or_no_one() -> None:
    from django.contrib.auth.models import AnonymousUser

    from lantoa.accounts.models import User
    from lantoa.core.services import acting_user

    user = User(username="a")
    assert acting_user(user) is user
    assert acting_user(AnonymousUser()) is None
    assert acting_user(None) is None
