"""The roster screens: access by province and role, communicators and trainings, the unit page
partial."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lantoa.roster.models import Communicator, RosterRole, Training, TrainingAttendance
from lantoa.roster.services import communicator_create, training_create
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db


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
