"""Roster of communicators and briefers: services, trainings and the roster screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lantoa.audit.models import AuditEvent
from lantoa.roster.models import Communicator, RosterRole, Training, TrainingAttendance
from lantoa.roster.selectors import communicators_of
from lantoa.roster.services import (
    communicator_create,
    communicator_delete,
    communicator_update,
    training_create,
    training_record_attendance,
)
from tests.conftest import Officers, Tree, login

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


def test_search_ignores_diacritics_and_filters(tree: Tree) -> None:
    communicator_create(
        unit=tree.a_g1, full_name="Nguyễn Văn Đức", role=RosterRole.COMMUNICATOR, trained=True
    )
    communicator_create(unit=tree.a_g2, full_name="Nguyễn Thị Hương", role=RosterRole.BRIEFER)
    communicator_create(unit=tree.b_g1, full_name="Nguyễn Văn Dũng", role=RosterRole.BRIEFER)
    sub = communicators_of(tree.pa, subtree=True, query="nguyen")
    assert [c.full_name for c in sub] == ["Nguyễn Thị Hương", "Nguyễn Văn Đức"]
    assert [c.full_name for c in communicators_of(tree.pa, subtree=True, query="DUC")] == [
        "Nguyễn Văn Đức"
    ]
    assert [
        c.full_name
        for c in communicators_of(
            tree.vn, subtree=True, query="văn nguyễn", role=RosterRole.BRIEFER
        )
    ] == ["Nguyễn Văn Dũng"]
    assert [c.full_name for c in communicators_of(tree.pa, subtree=True, trained=False)] == [
        "Nguyễn Thị Hương"
    ]
    assert communicators_of(tree.pa).count() == 0


# --- screens ---------------------------------------------------------------------------


@pytest.fixture
def people(tree: Tree) -> dict[str, Communicator]:
    return {
        "a": communicator_create(
            unit=tree.a_g1, full_name="Nguyễn Văn Đức", role=RosterRole.COMMUNICATOR
        ),
        "b": communicator_create(unit=tree.b_g1, full_name="Trần Văn Bảo", role=RosterRole.BRIEFER),
    }


def test_province_a_gets_404_on_province_b(
    client: Client, officers: Officers, tree: Tree, people: dict[str, Communicator]
) -> None:
    b_training = training_create(organizer=tree.pb, title="Lớp B", held_on=dt.date(2025, 1, 1))
    login(client, officers.a_admin)
    for url in [
        reverse("roster:unit", kwargs={"code": "P-B"}),
        reverse("roster:create", kwargs={"code": "B-G1"}),
        reverse("roster:trainings", kwargs={"code": "P-B"}),
        reverse("roster:training_create", kwargs={"code": "P-B"}),
        reverse("roster:edit", kwargs={"pk": people["b"].pk}),
        reverse("roster:delete", kwargs={"pk": people["b"].pk}),
        reverse("roster:training", kwargs={"pk": b_training.pk}),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("roster:delete", kwargs={"pk": people["b"].pk})).status_code == 404
    assert (
        client.post(
            reverse("roster:attendance", kwargs={"pk": b_training.pk}),
            {"communicators": [people["b"].pk]},
        ).status_code
        == 404
    )
    assert Communicator.objects.filter(pk=people["b"].pk).exists()
    assert not TrainingAttendance.objects.exists()


def test_viewer_and_communicator_cannot_write_roster(
    client: Client, officers: Officers, tree: Tree, people: dict[str, Communicator]
) -> None:
    for user in (officers.a_viewer, officers.a_communicator):
        login(client, user)
        assert client.get(reverse("roster:unit", kwargs={"code": "A-G1"})).status_code == 200
        for url in [
            reverse("roster:create", kwargs={"code": "A-G1"}),
            reverse("roster:edit", kwargs={"pk": people["a"].pk}),
            reverse("roster:delete", kwargs={"pk": people["a"].pk}),
            reverse("roster:training_create", kwargs={"code": "A-G1"}),
        ]:
            assert client.get(url).status_code == 403, (user, url)
            assert client.post(url, {"full_name": "X", "role": "briefer"}).status_code == 403
    assert Communicator.objects.count() == 2


def test_roster_screens_crud_and_search(
    client: Client, officers: Officers, tree: Tree, people: dict[str, Communicator]
) -> None:
    login(client, officers.a_propaganda)
    resp = client.post(
        reverse("roster:create", kwargs={"code": "A-G2"}),
        {
            "full_name": "Lý Thị Đào",
            "role": "briefer",
            "position": "Chủ tịch",
            "phone": "+84 386 123 456",
            "email": "",
            "trained": "",
        },
    )
    assert resp.status_code == 302
    dao = Communicator.objects.get(full_name="Lý Thị Đào")
    assert (dao.unit_id, dao.phone, dao.trained) == (tree.a_g2.pk, "0386123456", False)
    bad = client.post(
        reverse("roster:create", kwargs={"code": "A-G2"}),
        {"full_name": "Ai Đó", "role": "briefer", "phone": "12345"},
    )
    assert bad.status_code == 200 and "Số điện thoại “12345” không hợp lệ" in bad.content.decode()
    assert not Communicator.objects.filter(full_name="Ai Đó").exists()
    resp = client.post(
        reverse("roster:edit", kwargs={"pk": dao.pk}),
        {
            "full_name": "Lý Thị Đào",
            "role": "both",
            "phone": "0386123456",
            "trained": "on",
            "active": "on",
        },
    )
    assert resp.status_code == 302
    dao.refresh_from_db()
    assert (dao.role, dao.trained, dao.active) == ("both", True, True)
    listing = client.get(
        reverse("roster:unit", kwargs={"code": "P-A"}), {"cay": "1", "q": "dao", "tap_huan": "1"}
    )
    assert [c.full_name for c in listing.context["communicators"]] == ["Lý Thị Đào"]
    listing = client.get(reverse("roster:unit", kwargs={"code": "P-A"}), {"cay": "1"})
    assert {c.full_name for c in listing.context["communicators"]} == {
        "Lý Thị Đào",
        "Nguyễn Văn Đức",
    }
    assert client.post(reverse("roster:delete", kwargs={"pk": dao.pk})).status_code == 302
    assert not Communicator.objects.filter(pk=dao.pk).exists()


def test_training_screens(
    client: Client, officers: Officers, tree: Tree, people: dict[str, Communicator]
) -> None:
    login(client, officers.a_admin)
    resp = client.post(
        reverse("roster:training_create", kwargs={"code": "P-A"}),
        {"title": "Bồi dưỡng báo cáo viên quý II", "held_on": "12/04/2025", "hours": "4"},
    )
    t = Training.objects.get()
    assert resp.status_code == 302 and (t.held_on, t.hours, t.organizer_id) == (
        dt.date(2025, 4, 12),
        4,
        tree.pa.pk,
    )
    page = client.get(reverse("roster:training", kwargs={"pk": t.pk}))
    assert [c.pk for c in page.context["candidates"]] == [people["a"].pk]
    # An id from province B is refused and nothing is recorded.
    resp = client.post(
        reverse("roster:attendance", kwargs={"pk": t.pk}),
        {"communicators": [people["a"].pk, people["b"].pk]},
    )
    assert resp.status_code == 400 and "Trần Văn Bảo" in resp.content.decode()
    assert not TrainingAttendance.objects.exists()
    resp = client.post(
        reverse("roster:attendance", kwargs={"pk": t.pk}), {"communicators": [people["a"].pk]}
    )
    assert resp.status_code == 302
    people["a"].refresh_from_db()
    assert people["a"].trained
    listing = client.get(reverse("roster:trainings", kwargs={"code": "P-A"}))
    assert [(x.title, x.attendee_count) for x in listing.context["trainings"]] == [
        ("Bồi dưỡng báo cáo viên quý II", 1)
    ]
    assert "12/04/2025" in listing.content.decode()


def test_unit_roster_partial_renders(tree: Tree, people: dict[str, Communicator]) -> None:
    from django.template.loader import render_to_string

    html = render_to_string(
        "roster/_unit_roster.html",
        {"unit": tree.a_g1, "communicators": [people["a"]], "can_manage": False},
    )
    assert (
        "Nguyễn Văn Đức" in html and reverse("roster:create", kwargs={"code": "A-G1"}) not in html
    )
