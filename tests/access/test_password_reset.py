"""Passwords chosen by someone else are replaced first; admins reset passwords and two-factor."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.access import services
from lantoa.accounts.models import Role, User
from lantoa.audit.models import AuditEvent
from tests.conftest import PASSWORD, Officers, Tree, login


def _reset_url(user: User, what: str) -> str:
    return f"/tai-khoan/can-bo/{user.pk}/{what}/"


def test_new_officer_must_change_password_before_anything_else(
    client: Client, officers: Officers, tree: Tree
) -> None:
    user, raw = services.officer_create(
        username="moi_a",
        full_name="Nguyễn Văn Mới",
        actor=officers.a_admin,
        unit=tree.a_g2,
        role=Role.COMMUNICATOR,
    )
    assert user.must_change_password
    c = Client()
    assert (
        c.post(reverse("accounts:login"), {"username": "moi_a", "password": raw}).status_code == 302
    )
    r = c.get(reverse("units:detail", args=[tree.a_g2.code]))
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("accounts:password_change"))

    # Mismatch, same as old, too short: Vietnamese errors, nothing changed.
    r = c.post(
        reverse("accounts:password_change"),
        {"old_password": raw, "new_password": "Mat-khau-rieng-2026", "new_password2": "khac"},
    )
    assert r.status_code == 400
    assert "Hai lần nhập mật khẩu mới không khớp." in r.content.decode()
    r = c.post(
        reverse("accounts:password_change"),
        {
            "old_password": "sai",
            "new_password": "Mat-khau-rieng-2026",
            "new_password2": "Mat-khau-rieng-2026",
        },
    )
    assert "Mật khẩu hiện tại không đúng." in r.content.decode()
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(raw)

    r = c.post(
        reverse("accounts:password_change") + "?next=/don-vi/A-G2/",
        {
            "old_password": raw,
            "new_password": "Mat-khau-rieng-2026",
            "new_password2": "Mat-khau-rieng-2026",
            "next": reverse("units:detail", args=["A-G2"]),
        },
    )
    assert r.status_code == 302 and r["Location"] == reverse("units:detail", args=["A-G2"])
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Mat-khau-rieng-2026")
    # Still logged in (session hash updated) and no longer redirected.
    assert c.get(reverse("units:detail", args=["A-G2"])).status_code == 200
    assert AuditEvent.objects.filter(action="officer.password_change", target="moi_a").count() == 1


def test_admin_resets_password_shown_once_and_audited(client: Client, officers: Officers) -> None:
    login(client, officers.a_admin)
    target = officers.a_viewer
    r = client.post(_reset_url(target, "dat-lai-mat-khau"))
    assert r.status_code == 200
    raw = r.context["password"]
    target.refresh_from_db()
    assert target.check_password(raw) and not target.check_password(PASSWORD)
    assert target.must_change_password
    event = AuditEvent.objects.get(action="officer.password_reset")
    assert event.actor == officers.a_admin and raw not in str(event.data)


def test_admin_resets_two_factor(client: Client, officers: Officers) -> None:
    target = officers.a_propaganda
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    login(client, officers.a_admin)
    r = client.post(_reset_url(target, "dat-lai-xac-thuc"))
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert (
        AuditEvent.objects.filter(action="officer.otp_reset", target=target.username).count() == 1
    )


def test_resets_outside_subtree_are_404_and_self_reset_refused(
    client: Client, officers: Officers
) -> None:
    login(client, officers.b_admin)
    assert client.post(_reset_url(officers.a_viewer, "dat-lai-mat-khau")).status_code == 404
    assert client.post(_reset_url(officers.a_viewer, "dat-lai-xac-thuc")).status_code == 404
    officers.a_viewer.refresh_from_db()
    assert officers.a_viewer.check_password(PASSWORD)

    login(client, officers.a_admin)
    r = client.post(_reset_url(officers.a_admin, "dat-lai-mat-khau"), follow=True)
    assert "Vui lòng dùng chức năng “Đổi mật khẩu”" in r.content.decode()
    officers.a_admin.refresh_from_db()
    assert officers.a_admin.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="officer.password_reset").exists()
