"""Marking notices read: only the officer's own, and back only to a page of this site."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lantoa.notifications.models import Notification
from lantoa.notifications.services import notify
from tests.conftest import Officers, Tree, login


def test_mark_read_goes_back_only_to_this_site(
    client: Client, tree: Tree, officers: Officers
) -> None:
    [mine] = notify(users=[officers.a_admin], kind="test", title="Của tôi")
    [theirs] = notify(users=[officers.b_admin], kind="test", title="Của tỉnh B")
    login(client, officers.a_admin)
    response = client.post(
        reverse("notifications:read"),
        {"id": [mine.pk, theirs.pk], "next": reverse("inquiries:inbox")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("inquiries:inbox")
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        response = client.post(reverse("notifications:read"), {"next": target})
        assert response.status_code == 302 and response["Location"] == reverse(
            "notifications:list"
        ), target


def test_odd_digits_in_ids_are_ignored_not_a_server_error(
    client: Client, tree: Tree, officers: Officers
) -> None:
    """ "²".isdigit() is true but int("²") fails: such ids are skipped, the page answers."""
    [mine] = notify(users=[officers.a_admin], kind="test", title="Của tôi")
    login(client, officers.a_admin)
    response = client.post(reverse("notifications:read"), {"id": ["²", str(mine.pk)]})
    assert response.status_code == 302
    assert Notification.objects.get(pk=mine.pk).read_at is not None
