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


def test_a_notice_is_shown_in_the_readers_language(
    client: Client, tree: Tree, officers: Officers
) -> None:
    """A notice made from a msgid keeps the site's language for the e-mail and older readers,
    and the list shows it in each reader's language; plain texts are shown as written."""
    from django.conf import settings
    from django.utils.translation import gettext_noop

    from lantoa.notifications.services import Text

    [made] = notify(
        users=[officers.a_admin],
        kind="content.approved",
        title=Text(gettext_noop("Đã duyệt: %(title)s"), {"title": "Tin tập huấn"}),
        body=Text(
            gettext_noop("%(actor)s đã gửi duyệt “%(title)s” (%(unit)s)."),
            {"actor": "Trần Văn Bình", "title": "Tin tập huấn", "unit": tree.pa.name},
        ),
    )
    notify(users=[officers.a_admin], kind="test", title="Ghi chú viết tay")
    assert made.title == "Đã duyệt: Tin tập huấn"
    assert made.body == f"Trần Văn Bình đã gửi duyệt “Tin tập huấn” ({tree.pa.name})."
    login(client, officers.a_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Approved: Tin tập huấn" in page and "Đã duyệt:" not in page
    assert f"Trần Văn Bình submitted “Tin tập huấn” ({tree.pa.name}) for review." in page
    assert "Ghi chú viết tay" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "Đã duyệt: Tin tập huấn" in client.get(reverse("notifications:list")).content.decode()
    # A catalog entry that lost a parameter does not break the list: the stored text shows.
    made.texts["params"] = {}
    assert made.shown_title == made.title
