"""Every credential change revokes the officer's API tokens, and the officer's own page of
signed-in browsers and live API tokens (issue 11, finding 8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from lantoa.accounts.models import ApiToken, SessionRecord, TokenScope, User
from lantoa.accounts.tasks import prune_sessions
from lantoa.api.auth import MSG_BAD_TOKEN, MSG_READ_ONLY
from lantoa.api.services import apitoken_create
from lantoa.audit.models import AuditEvent
from tests.conftest import PASSWORD, Officers, login

SECURITY = reverse("accounts:security")
LOGIN = reverse("accounts:login")
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
NEW_PASSWORD = "Mat-khau-moi-cua-toi-2026"


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def browser(ua: str, ip: str) -> Client:
    return Client(headers={"User-Agent": ua}, REMOTE_ADDR=ip)


def _units_status(raw: str) -> tuple[int, object]:
    r = bearer(raw).get("/api/v1/units")
    return r.status_code, r.json()


# --- every credential change revokes the tokens -------------------------------------------


def _change_own_password(officers: Officers) -> None:
    c = login(Client(), officers.a_leader)
    r = c.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert r.status_code == 302


def _admin_resets_password(officers: Officers) -> None:
    c = login(Client(), officers.a_admin)
    r = c.post(f"/tai-khoan/can-bo/{officers.a_leader.pk}/dat-lai-mat-khau/")
    assert r.status_code == 200 and r.context["password"]


def _admin_resets_two_factor(officers: Officers) -> None:
    c = login(Client(), officers.a_admin)
    assert c.post(f"/tai-khoan/can-bo/{officers.a_leader.pk}/dat-lai-xac-thuc/").status_code == 302


def _admin_deactivates(officers: Officers) -> None:
    c = login(Client(), officers.a_admin)
    assert c.post(f"/tai-khoan/can-bo/{officers.a_leader.pk}/ngung/").status_code == 302


def _password_set_in_django_admin(officers: Officers) -> None:
    root = User.objects.create_superuser(username="root", password=PASSWORD, email="r@x.vn")
    c = login(Client(), root)
    url = reverse("admin:auth_user_password_change", args=[officers.a_leader.pk])
    r = c.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert r.status_code == 302, r.content.decode()[:2000]


def _authenticator_replaced(officers: Officers) -> None:
    device = TOTPDevice.objects.get(user=officers.a_leader, confirmed=True)
    device.key = random_hex(20)
    device.save()


CHANGES: dict[str, tuple[Callable[[Officers], None], str]] = {
    "own password change": (_change_own_password, "password_change"),
    "password reset by an admin": (_admin_resets_password, "password_reset"),
    "two-factor reset by an admin": (_admin_resets_two_factor, "otp_reset"),
    "deactivation": (_admin_deactivates, "deactivated"),
    "password set in the Django admin": (_password_set_in_django_admin, "password_change"),
    "authenticator replaced": (_authenticator_replaced, "otp_change"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_credential_change_revokes_api_tokens(change: str, officers: Officers) -> None:
    make_change, reason = CHANGES[change]
    leader = officers.a_leader
    TOTPDevice.objects.create(user=leader, name="điện thoại", confirmed=True)
    _, raw = apitoken_create(user=leader, name="Hệ thống báo cáo")
    _, raw_read = apitoken_create(user=leader, name="Bảng tin", scope=TokenScope.READ)
    _, other_raw = apitoken_create(user=officers.a_admin, name="Của người khác")
    assert _units_status(raw)[0] == 200
    assert _units_status(raw_read)[0] == 200

    make_change(officers)

    assert _units_status(raw) == (401, {"detail": MSG_BAD_TOKEN})
    assert _units_status(raw_read) == (401, {"detail": MSG_BAD_TOKEN})
    assert not ApiToken.objects.filter(user=leader, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="apitoken.revoke_all")
    assert event.target == leader.username
    assert event.data["reason"] == reason and len(event.data["token_ids"]) == 2
    # Nobody else's tokens are touched.
    assert _units_status(other_raw)[0] == 200


def test_a_password_hash_upgrade_at_login_revokes_nothing(
    client: Client, officers: Officers
) -> None:
    """Django re-hashes a password stored with weaker parameters when its owner logs in: the
    same password, not a credential change."""
    viewer = officers.a_viewer
    _, raw = apitoken_create(user=viewer, name="tích hợp")
    User.objects.filter(pk=viewer.pk).update(password=make_password(PASSWORD, salt="ab"))
    old_hash = User.objects.get(pk=viewer.pk).password
    r = client.post(LOGIN, {"username": viewer.username, "password": PASSWORD})
    assert r.status_code == 302
    assert User.objects.get(pk=viewer.pk).password != old_hash  # upgraded
    assert _units_status(raw)[0] == 200
    assert not AuditEvent.objects.filter(action="apitoken.revoke_all").exists()


def test_an_abandoned_enrolment_revokes_nothing(officers: Officers) -> None:
    _, raw = apitoken_create(user=officers.a_viewer, name="tích hợp")
    TOTPDevice.objects.create(user=officers.a_viewer, name="x", confirmed=False).delete()
    assert _units_status(raw)[0] == 200


def test_own_password_change_signs_out_the_other_browsers(officers: Officers) -> None:
    viewer = officers.a_viewer
    here = browser(CHROME_WINDOWS, "198.51.100.7")
    there = browser(SAFARI_IPHONE, "203.0.113.20")
    for c in (here, there):
        assert c.post(LOGIN, {"username": viewer.username, "password": PASSWORD}).status_code == 302
        assert c.get(SECURITY).status_code == 200
    r = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert r.status_code == 302
    assert here.get(SECURITY).status_code == 200
    assert there.get(SECURITY)["Location"].startswith(LOGIN)
    assert SessionRecord.objects.filter(user=viewer).count() == 1


# --- the page -----------------------------------------------------------------------------


def test_page_lists_sessions_and_tokens_and_signs_out_others(officers: Officers) -> None:
    viewer = officers.a_viewer
    here = browser(CHROME_WINDOWS, "198.51.100.7")
    phone = browser(SAFARI_IPHONE, "203.0.113.20")
    third = browser("curl/8.5.0", "2001:db8:1234:5678::9")
    for c in (here, phone, third):
        assert c.post(LOGIN, {"username": viewer.username, "password": PASSWORD}).status_code == 302
        c.get(reverse("core:home"))
    _, raw = apitoken_create(user=viewer, name="Hệ thống báo cáo", scope=TokenScope.READ)
    revoked, _raw2 = apitoken_create(user=viewer, name="Khóa cũ đã bỏ")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    apitoken_create(user=officers.a_admin, name="Khóa của người khác")

    page = here.get(SECURITY)
    assert page.status_code == 200
    body = page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    assert "Chrome 120 · Windows 10" in body and "Phiên này" in body
    assert "Mobile Safari 17 · iOS 17 (iPhone)" in body
    # Networks only: the /24 (IPv4) or /48 (IPv6), never the address.
    assert "198.51.100.0/24" in body and "203.0.113.0/24" in body
    assert "2001:db8:1234::/48" in body
    assert "198.51.100.7" not in body and "203.0.113.20" not in body
    assert "198.51.100.7" not in str(list(SessionRecord.objects.values()))
    # Live tokens with their scope; neither revoked nor someone else's.
    assert "Hệ thống báo cáo" in body and "Chỉ đọc" in body
    assert "Khóa cũ đã bỏ" not in body and "Khóa của người khác" not in body
    assert body.count("dang-xuat/") >= 2

    # Sign out the phone only: its next request goes to the login page.
    phone_row = SessionRecord.objects.get(user=viewer, user_agent=SAFARI_IPHONE)
    r = here.post(reverse("accounts:session_end", args=[phone_row.pk]))
    assert r.status_code == 302
    assert phone.get(SECURITY)["Location"].startswith(LOGIN)
    assert third.get(SECURITY).status_code == 200
    assert AuditEvent.objects.filter(action="auth.session_end").count() == 1
    # The current session is not ended from here (that is the logout button).
    mine = SessionRecord.objects.get(user=viewer, session_key=here.session.session_key)
    r = here.post(reverse("accounts:session_end", args=[mine.pk]), follow=True)
    assert "Đây là phiên anh/chị đang dùng" in r.content.decode()
    assert here.get(SECURITY).status_code == 200

    # "Sign out the other sessions": only this browser stays.
    r = here.post(reverse("accounts:sessions_end_others"), follow=True)
    assert "Đã đăng xuất 1 phiên khác." in r.content.decode()
    assert third.get(SECURITY)["Location"].startswith(LOGIN)
    assert here.get(SECURITY).status_code == 200
    assert list(SessionRecord.objects.filter(user=viewer).values_list("pk", flat=True)) == [mine.pk]

    # Revoke the token from here: the integration gets 401 at once.
    token = ApiToken.objects.get(user=viewer, name="Hệ thống báo cáo")
    assert _units_status(raw)[0] == 200
    r = here.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "Đã thu hồi khóa “Hệ thống báo cáo”." in r.content.decode()
    assert _units_status(raw) == (401, {"detail": MSG_BAD_TOKEN})
    assert "Không có khóa API nào đang dùng được." in here.get(SECURITY).content.decode()


def test_revoke_all_tokens_from_the_page(officers: Officers) -> None:
    c = login(Client(), officers.a_leader)
    raws = [apitoken_create(user=officers.a_leader, name=f"khóa {i}")[1] for i in range(3)]
    r = c.post(reverse("accounts:tokens_revoke_all"), follow=True)
    assert "Đã thu hồi 3 khóa API." in r.content.decode()
    assert all(_units_status(raw)[0] == 401 for raw in raws)
    assert AuditEvent.objects.get(action="apitoken.revoke_all").data["reason"] == "requested"


def test_nobody_ends_someone_elses_session_or_token(officers: Officers) -> None:
    victim = browser(CHROME_WINDOWS, "198.51.100.7")
    login(victim, officers.a_viewer).get(SECURITY)
    record = SessionRecord.objects.get(user=officers.a_viewer)
    token, raw = apitoken_create(user=officers.a_viewer, name="của xem_a")
    other = login(Client(), officers.a_admin)
    assert other.post(reverse("accounts:session_end", args=[record.pk])).status_code == 404
    assert other.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert victim.get(SECURITY).status_code == 200
    assert _units_status(raw)[0] == 200
    # And the page needs a signed-in officer past two-factor.
    assert Client().get(SECURITY)["Location"].startswith(LOGIN)
    half = Client()
    half.force_login(officers.a_leader)
    assert half.get(SECURITY)["Location"].startswith(reverse("accounts:otp"))


def test_admin_actions_end_the_officers_sessions(officers: Officers) -> None:
    target = browser(CHROME_WINDOWS, "198.51.100.7")
    login(target, officers.a_propaganda).get(SECURITY)
    admin = login(Client(), officers.a_admin)
    assert (
        admin.post(f"/tai-khoan/can-bo/{officers.a_propaganda.pk}/dat-lai-xac-thuc/").status_code
        == 302
    )
    assert target.get(SECURITY)["Location"].startswith(LOGIN)
    assert not SessionRecord.objects.filter(user=officers.a_propaganda).exists()
    event = AuditEvent.objects.get(action="auth.sessions_end")
    assert event.data["reason"] == "otp_reset" and event.actor == officers.a_admin


def test_read_only_token_cannot_write(officers: Officers) -> None:
    _, raw = apitoken_create(user=officers.a_admin, name="chỉ đọc", scope=TokenScope.READ)
    assert bearer(raw).get("/api/v1/units").status_code == 200
    r = bearer(raw).patch(
        "/api/v1/units/A-G1", data={"name": "Tên mới"}, content_type="application/json"
    )
    assert r.status_code == 403
    assert r.json()["detail"] == MSG_READ_ONLY


def test_prune_sessions_forgets_ended_ones(officers: Officers) -> None:
    c = login(Client(), officers.a_viewer)
    c.get(SECURITY)
    gone = login(Client(), officers.a_admin)
    gone.get(SECURITY)
    stale = login(Client(), officers.a_leader)
    stale.get(SECURITY)
    Session.objects.filter(session_key=gone.session.session_key).delete()
    SessionRecord.objects.filter(user=officers.a_leader).update(
        last_activity=timezone.now() - dt.timedelta(hours=2)
    )
    assert prune_sessions() == 2
    assert list(SessionRecord.objects.values_list("user__username", flat=True)) == ["xem_a"]
