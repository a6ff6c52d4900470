"""The quick entry screens: on a phone, Vietnamese errors, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lantoa.accounts.models import Role
from lantoa.activities.models import Activity
from lantoa.audit.models import AuditEvent
from tests.activities.support import record
from tests.conftest import Officers, Tree, login, make_officer

pytestmark = pytest.mark.django_db


def test_quick_entry_on_a_phone(client: Client, tree: Tree) -> None:
    officer = make_officer("cdcs_a1", tree.a_g1, Role.COMMUNICATOR)
    login(client, officer)
    page = client.get(reverse("activities:add", args=["A-G1"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="date"' in html and 'name="format"' in html and "Lưu và ghi tiếp" in html
    response = client.post(
        reverse("activities:add", args=["A-G1"]),
        {
            "kind": "outreach",
            "held_on": "2025-05-12",
            "title": "Tuyên truyền an toàn lao động tại nhà ăn ca",
            "participants": "86",
            "format": "direct",
            "quantity": "1",
            "ghi-tiep": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "activities:add", args=["A-G1"]
    )
    activity = Activity.objects.get()
    assert (activity.unit, activity.participants, activity.created_by) == (tree.a_g1, 86, officer)
    listing = client.get(reverse("activities:unit", args=["A-G1"]))
    assert "Tuyên truyền an toàn lao động tại nhà ăn ca" in listing.content.decode()
    assert "12/05/2025" in listing.content.decode()


def test_entry_form_errors_are_vietnamese_and_write_nothing(client: Client, tree: Tree) -> None:
    login(client, make_officer("cdcs_a1", tree.a_g1, Role.COMMUNICATOR))
    response = client.post(
        reverse("activities:add", args=["A-G1"]),
        {"kind": "outreach", "held_on": "2099-01-01", "title": "", "quantity": "1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vui lòng nhập chủ đề hoặc tên hoạt động." in html
    assert Activity.objects.count() == 0


def test_screens_access(client: Client, tree: Tree, officers: Officers) -> None:
    activity = record(tree.a_g1, dt.date(2025, 4, 1))
    login(client, officers.a_viewer)  # a viewer sees the list but may not record or delete
    assert client.get(reverse("activities:unit", args=["A-G1"])).status_code == 200
    assert client.get(reverse("activities:add", args=["A-G1"])).status_code == 403
    assert client.post(reverse("activities:delete", args=[activity.pk])).status_code == 403
    login(client, officers.b_admin)  # another province: not even there
    assert client.get(reverse("activities:unit", args=["A-G1"])).status_code == 404
    assert client.post(reverse("activities:delete", args=[activity.pk])).status_code == 404
    assert Activity.objects.count() == 1
    login(client, officers.a_communicator)
    response = client.post(reverse("activities:delete", args=[activity.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    assert Activity.objects.count() == 0
    assert AuditEvent.objects.filter(action="activity.delete", target=str(activity.pk)).exists()
