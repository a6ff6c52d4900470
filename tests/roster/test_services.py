"""Roster services (lantoa.roster.services): communicators, phone numbers, validation, trainings
and attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.audit.models import AuditEvent
from lantoa.roster.models import Communicator, RosterRole, Training, TrainingAttendance
from lantoa.roster.services import (
    communicator_create,
    communicator_delete,
    communicator_update,
    training_create,
    training_record_attendance,
)
from tests.conftest import Officers, Tree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw", ["091234567", "09123456789", "1912345678", "0012345678", "+1 912 345 678", "09123abc78"]
)
def test_phone_rejected(tree: Tree, raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        communicator_create(
            unit=tree.a_g1, full_name="Lê Thị Mai", role=RosterRole.BRIEFER, phone=raw
        )
    assert "không hợp lệ: cần 10 chữ số bắt đầu bằng 0" in exc.value.message_dict["phone"][0]


def test_communicator_crud(tree: Tree, officers: Officers) -> None:
    c = communicator_create(
        unit=tree.a_g1,
        full_name="  Nguyễn   Văn Đức ",
        role=RosterRole.BOTH,
        position="Phó Chủ tịch CĐCS",
        phone="+84 912 345 678",
        email="Duc@Example.VN",
        actor=officers.a_admin,
    )
    c.refresh_from_db()
    assert (c.full_name, c.phone, c.email, c.trained) == (
        "Nguyễn Văn Đức",
        "0912345678",
        "duc@example.vn",
        False,
    )
    assert c.search_text == "nguyen van duc pho chu tich cdcs"
    communicator_update(
        communicator=c, full_name="Nguyễn Văn Đạt", trained=True, actor=officers.a_admin
    )
    c.refresh_from_db()
    assert (c.full_name, c.trained, c.search_text) == (
        "Nguyễn Văn Đạt",
        True,
        "nguyen van dat pho chu tich cdcs",
    )
    assert AuditEvent.objects.filter(action__startswith="roster.").count() == 2
    communicator_delete(communicator=c, actor=officers.a_admin)
    assert not Communicator.objects.exists()
    assert AuditEvent.objects.filter(action="roster.delete", unit=tree.a_g1).count() == 1


def test_communicator_validation_names_fields_and_changes_nothing(tree: Tree) -> None:
    with pytest.raises(ValidationError) as exc:
        communicator_create(
            unit=tree.a_g1, full_name=" ", role="boss", phone="123", email="not-an-email"
        )
    assert set(exc.value.message_dict) == {"full_name", "role", "phone", "email"}
    assert exc.value.message_dict["full_name"] == ["Vui lòng nhập họ và tên."]
    assert not Communicator.objects.exists()
    c = communicator_create(
        unit=tree.a_g1, full_name="Lê Thị Mai", role=RosterRole.BRIEFER, phone="0987654321"
    )
    with pytest.raises(ValidationError):
        communicator_update(communicator=c, phone="12")
    assert c.phone == "0987654321"
    c.refresh_from_db()
    assert c.phone == "0987654321"


def test_training_attendance_marks_trained(tree: Tree, officers: Officers) -> None:
    a = communicator_create(unit=tree.a_g1, full_name="Phạm Văn An", role=RosterRole.COMMUNICATOR)
    b = communicator_create(unit=tree.a_g3, full_name="Hồ Thị Bình", role=RosterRole.BRIEFER)
    outsider = communicator_create(
        unit=tree.b_g1, full_name="Đinh Công Cường", role=RosterRole.COMMUNICATOR
    )
    t = training_create(
        organizer=tree.pa,
        title="Tập huấn kỹ năng truyền thông số",
        held_on=dt.date(2025, 4, 10),
        hours=8,
        actor=officers.a_admin,
    )
    assert training_record_attendance(training=t, communicators=[a, b], actor=officers.a_admin) == 2
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.trained and b.trained
    # Recording the same person again adds nothing.
    assert training_record_attendance(training=t, communicators=[a]) == 0
    assert TrainingAttendance.objects.filter(training=t).count() == 2
    with pytest.raises(ValidationError) as exc:
        training_record_attendance(training=t, communicators=[a, outsider])
    assert "Đinh Công Cường" in exc.value.message_dict["communicators"][0]
    outsider.refresh_from_db()
    assert not outsider.trained
    assert TrainingAttendance.objects.filter(training=t).count() == 2
    # A training of A-KCN cannot take people of A-XA.
    t2 = training_create(organizer=tree.a_kcn, title="Lớp KCN", held_on=dt.date(2025, 5, 1))
    with pytest.raises(ValidationError):
        training_record_attendance(training=t2, communicators=[b])


def test_training_validation(tree: Tree) -> None:
    with pytest.raises(ValidationError) as exc:
        training_create(organizer=tree.pa, title="", held_on=dt.date(2025, 1, 1), hours=-1)
    assert set(exc.value.message_dict) == {"title", "hours"}
    assert not Training.objects.exists()
