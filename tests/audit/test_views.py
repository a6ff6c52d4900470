"""The audit log screen: who sees which events, filters, pagination, Vietnamese labels and dates."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.audit.services import audit_record
from tests.conftest import Officers, Tree, login

URL = reverse("audit:list")


def shown(client: Client, query: str = "") -> list[int]:
    r = client.get(URL + query)
    assert r.status_code == 200
    return [e.pk for e in r.context["page"].object_list]


def test_province_leader_sees_own_subtree_and_own_events(
    client: Client, officers: Officers, events: dict[str, AuditEvent]
) -> None:
    login(client, officers.a_leader)
    AuditEvent.objects.filter(action="auth.login", actor=officers.a_leader).exclude(
        pk=events["self"].pk
    ).delete()
    assert sorted(shown(client)) == sorted([events["a"].pk, events["self"].pk, events["about"].pk])


def test_other_province_admin_sees_only_theirs(
    client: Client, officers: Officers, events: dict[str, AuditEvent]
) -> None:
    login(client, officers.b_admin)
    ids = shown(client)
    assert events["b"].pk in ids
    assert not {events[k].pk for k in ("a", "none", "self", "about")} & set(ids)


def test_national_admin_sees_everything_newest_first(
    client: Client, officers: Officers, events: dict[str, AuditEvent]
) -> None:
    login(client, officers.national_admin)
    ids = shown(client)
    assert set(ids) >= {e.pk for e in events.values()}
    ats = list(
        AuditEvent.objects.filter(pk__in=ids).order_by("-at", "-id").values_list("pk", flat=True)
    )
    assert ids == ats


def test_officer_without_audit_view_is_refused(client: Client, officers: Officers) -> None:
    login(client, officers.a_viewer)
    assert client.get(URL).status_code == 403
    assert Client().get(URL)["Location"].startswith(reverse("accounts:login"))


def test_filter_by_action_and_dates(
    client: Client, officers: Officers, events: dict[str, AuditEvent]
) -> None:
    tz = timezone.get_current_timezone()
    AuditEvent.objects.filter(pk=events["a"].pk).update(
        at=dt.datetime(2025, 7, 1, 0, 30, tzinfo=tz)
    )
    AuditEvent.objects.filter(pk=events["b"].pk).update(
        at=dt.datetime(2025, 7, 2, 23, 59, tzinfo=tz)
    )
    AuditEvent.objects.filter(pk=events["none"].pk).update(
        at=dt.datetime(2025, 6, 30, 23, 59, tzinfo=tz)
    )
    login(client, officers.national_admin)
    assert shown(client, "?action=unit.update") == [events["b"].pk, events["a"].pk]
    assert shown(client, "?date_from=01/07/2025&date_to=01/07/2025") == [events["a"].pk]
    assert shown(client, "?date_from=01/07/2025&date_to=02/07/2025") == [
        events["b"].pk,
        events["a"].pk,
    ]
    assert shown(client, "?action=auth.login_failed&date_to=30/06/2025") == [events["none"].pk]
    r = client.get(URL + "?date_from=2025-07-01")
    assert "“Từ ngày” phải có dạng dd/mm/yyyy" in r.content.decode()
    assert list(r.context["page"].object_list) == []
    r = client.get(URL + "?date_from=05/07/2025&date_to=01/07/2025")
    assert "“Đến ngày” phải sau hoặc bằng “Từ ngày”." in r.content.decode()


def test_pagination(client: Client, officers: Officers, tree: Tree) -> None:
    for i in range(60):
        audit_record(action="unit.update", actor=officers.a_admin, unit=tree.a_g1, target=f"so-{i}")
    login(client, officers.a_admin)
    first = client.get(URL + "?action=unit.update")
    assert [e.target for e in first.context["page"].object_list][:2] == ["so-59", "so-58"]
    assert len(first.context["page"].object_list) == 50
    assert "action=unit.update&amp;page=2" in first.content.decode()
    second = client.get(URL + "?action=unit.update&page=2")
    assert [e.target for e in second.context["page"].object_list] == [
        f"so-{i}" for i in range(9, -1, -1)
    ]


def test_screen_shows_vietnamese_labels_and_dates(
    client: Client, officers: Officers, events: dict[str, AuditEvent]
) -> None:
    AuditEvent.objects.filter(pk=events["none"].pk).update(
        at=dt.datetime(2025, 7, 1, 1, 0, tzinfo=dt.UTC)
    )
    login(client, officers.national_admin)
    body = client.get(URL + "?action=auth.login_failed").content.decode()
    assert "Đăng nhập thất bại" in body
    assert "01/07/2025 08:00:00" in body  # shown in Asia/Ho_Chi_Minh
