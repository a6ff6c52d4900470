"""The read-only admin for the audit log (lantoa.audit.admin)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lantoa.accounts.models import User
from lantoa.audit.models import AuditEvent
from tests.conftest import PASSWORD, login


def test_admin_shows_events_read_only(client: Client, events: dict[str, AuditEvent]) -> None:
    root = User.objects.create_superuser(username="root", password=PASSWORD, email="r@x.vn")
    login(client, root)
    base = reverse("admin:audit_auditevent_changelist")
    assert client.get(base).status_code == 200
    assert client.get(base + "add/").status_code == 403
    event = events["a"]
    assert client.get(f"{base}{event.pk}/change/").status_code == 200
    client.post(f"{base}{event.pk}/change/", {"action": "sua"})
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "unit.update"
    for model in (
        "accounts/user",
        "accounts/membership",
        "accounts/apitoken",
        "accounts/loginfailure",
    ):
        app_label, model_name = model.split("/")
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
        assert client.get(url).status_code == 200, model
