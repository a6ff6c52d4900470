"""Login, throttling, two-factor, logout, idle timeout and the admin's OTP gate."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts.models import LoginFailure, User
from lantoa.audit.models import AuditEvent
from tests.conftest import PASSWORD, Officers, login

LOGIN = reverse("accounts:login")
OTP = reverse("accounts:otp")
LOGOUT = reverse("accounts:logout")
BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


def post_login(client: Client, username: str, password: str, ip: str = "127.0.0.1", **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    device.refresh_from_db()
    return f"{(totp(device.bin_key, device.step, device.t0, device.digits) + offset) % 10**6:06d}"


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def logged_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_page_is_vietnamese(client: Client, db: None) -> None:
    r = client.get(LOGIN)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Tên đăng nhập" in body and "Mật khẩu" in body and "Đăng nhập" in body


def test_wrong_password_and_unknown_user_look_the_same(client: Client, officers: Officers) -> None:
    r1 = post_login(client, "xem_a", "sai-mat-khau-123")
    r2 = post_login(client, "khong_ton_tai", "sai-mat-khau-123")
    assert r1.status_code == r2.status_code == 200
    assert BAD_CREDENTIALS in r1.content.decode()
    assert BAD_CREDENTIALS in r2.content.decode()
    assert logged_in_as(client) is None
    assert sorted(LoginFailure.objects.values_list("username", flat=True)) == [
        "khong_ton_tai",
        "xem_a",
    ]
    failed = AuditEvent.objects.filter(action="auth.login_failed").order_by("id")
    assert [e.data["username"] for e in failed] == ["xem_a", "khong_ton_tai"]
    assert all("sai-mat-khau" not in str(e.data) + e.target for e in AuditEvent.objects.all())
    # A failure for a known officer is filed under their unit for their admins to see.
    assert failed[0].unit_id == officers.a_viewer.memberships.get().unit_id
    assert failed[1].unit_id is None


def age_failures(seconds: float) -> None:
    LoginFailure.objects.update(at=F("at") - dt.timedelta(seconds=seconds))


def test_username_tried_from_many_addresses_is_slowed_down_not_locked(
    client: Client, officers: Officers
) -> None:
    limit = settings.LANTOA_LOGIN_MAX_FAILURES
    for i in range(limit):
        r = post_login(client, "xem_a", f"sai-{i}", ip=f"10.0.0.{i + 1}")
        assert r.status_code == 200
    # The username is slowed down: for a couple of seconds no password is even checked …
    r = post_login(client, "xem_a", PASSWORD, ip="10.9.9.9")
    assert r.status_code == 429
    assert (
        "Tài khoản này vừa bị nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau 2 giây"
        in r.content.decode()
    )
    assert logged_in_as(client) is None
    # Refused attempts are not counted again, and the slowdown is audited once.
    assert LoginFailure.objects.count() == limit
    assert actions() == ["auth.login_failed"] * limit + ["auth.locked"]
    assert AuditEvent.objects.get(action="auth.locked").data == {
        "username": "xem_a",
        "scope": ["username"],
    }
    # Case variants of the username do not escape it.
    assert post_login(client, "XEM_A", PASSWORD, ip="10.9.9.9").status_code == 429
    # … each further failure doubles the wait, up to a minute, never a lock: once it has
    # passed, the right password gets in.
    age_failures(3)
    assert post_login(client, "xem_a", "sai-nua", ip="10.0.1.1").status_code == 200
    r = post_login(client, "xem_a", PASSWORD, ip="10.9.9.9")
    assert r.status_code == 429 and "sau 4 giây" in r.content.decode()
    for i in range(6):
        age_failures(61)
        assert post_login(client, "xem_a", "sai-nua", ip=f"10.0.2.{i}").status_code == 200
    r = post_login(client, "xem_a", PASSWORD, ip="10.9.9.9")
    assert r.status_code == 429 and "sau 60 giây" in r.content.decode()
    age_failures(61)
    r = post_login(client, "xem_a", PASSWORD, ip="10.9.9.9")
    assert r.status_code == 302
    assert logged_in_as(client) == str(officers.a_viewer.pk)
    # Only the failures this sign-in answers for go; the stranger's keep counting.
    assert LoginFailure.objects.filter(username="xem_a").count() == limit + 7
    assert actions()[-1] == "auth.login"


def test_lockout_of_one_username_from_one_address_then_window_passes(
    client: Client, officers: Officers
) -> None:
    limit = settings.LANTOA_LOGIN_MAX_FAILURES
    for i in range(limit):
        post_login(client, "xem_a", f"sai-{i}", ip="203.0.113.9")
    age_failures(120)  # past the username's slowdown: what is left is the lock of the pair
    r = post_login(client, "xem_a", PASSWORD, ip="203.0.113.9")
    assert r.status_code == 429
    minutes = settings.LANTOA_LOGIN_WINDOW_SECONDS // 60 - 2
    assert (
        f"Anh/chị đã nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
        in r.content.decode()
    )
    assert AuditEvent.objects.get(action="auth.locked").data["scope"] == [
        "username",
        "username_ip",
    ]
    LoginFailure.objects.update(
        at=timezone.now() - dt.timedelta(seconds=settings.LANTOA_LOGIN_WINDOW_SECONDS + 1)
    )
    r = post_login(client, "xem_a", PASSWORD, ip="203.0.113.9")
    assert r.status_code == 302
    assert LoginFailure.objects.filter(username="xem_a").count() == 0


def test_brute_force_from_one_address_still_stops(client: Client, officers: Officers) -> None:
    """Guessing from one address stops: five tries for one username, and at most
    LANTOA_LOGIN_MAX_FAILURES_PER_IP for all the usernames it sprays."""
    limit = settings.LANTOA_LOGIN_MAX_FAILURES
    attacker = "203.0.113.50"
    for i in range(limit):
        assert post_login(client, "lanhdao_a", f"doan-{i}", ip=attacker).status_code == 200
    age_failures(120)
    # The sixth guess, right or not, is not even checked.
    r = post_login(client, "lanhdao_a", PASSWORD, ip=attacker)
    assert r.status_code == 429
    assert logged_in_as(client) is None
    per_ip = settings.LANTOA_LOGIN_MAX_FAILURES_PER_IP
    for i in range(per_ip - limit):
        assert post_login(client, f"ten_{i}", "doan", ip=attacker).status_code == 200
    r = post_login(client, "xem_a", PASSWORD, ip=attacker)
    assert r.status_code == 429
    assert logged_in_as(client) is None
    assert LoginFailure.objects.count() == per_ip
    locks = AuditEvent.objects.filter(action="auth.locked").order_by("id")
    assert [e.data["scope"] for e in locks] == [["username", "username_ip"], ["ip"]]


def test_stranger_cannot_lock_a_leader_out_of_their_browser(
    client: Client, officers: Officers
) -> None:
    """Finding 9 of issue 11: five wrong passwords from anywhere used to lock a named leader
    out for 15 minutes. The browser the leader signs in with stays open to them."""
    device = TOTPDevice.objects.create(user=officers.a_leader, name="điện thoại", confirmed=True)
    leader_ip = "198.51.100.10"
    r = post_login(client, "lanhdao_a", PASSWORD, ip=leader_ip)
    assert r["Location"].startswith(OTP)
    r = client.post(OTP, {"token": code_for(device)}, REMOTE_ADDR=leader_ip)
    assert r.status_code == 302
    client.post(LOGOUT, REMOTE_ADDR=leader_ip)
    assert logged_in_as(client) is None

    stranger = Client()
    for i in range(3 * settings.LANTOA_LOGIN_MAX_FAILURES):
        age_failures(61)  # keep the slowdown from refusing them unchecked
        post_login(stranger, "lanhdao_a", f"doan-{i}", ip=f"203.0.113.{i % 4 + 1}")
    assert post_login(stranger, "lanhdao_a", PASSWORD, ip="203.0.113.99").status_code == 429

    # The leader, from their own browser, gets in: password, then the code.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    r = post_login(client, "lanhdao_a", PASSWORD, ip=leader_ip)
    assert r.status_code == 302 and r["Location"].startswith(OTP)
    r = client.post(OTP, {"token": code_for(device)}, REMOTE_ADDR=leader_ip)
    assert r.status_code == 302
    assert logged_in_as(client) == str(officers.a_leader.pk)
    assert client.get(reverse("audit:list"), REMOTE_ADDR=leader_ip).status_code == 200
    assert client.cookies.get("lantoa_device") is not None  # what let them through


def test_a_known_browser_is_held_back_by_its_own_mistakes(
    client: Client, officers: Officers
) -> None:
    post_login(client, "xem_a", PASSWORD)
    assert client.cookies.get("lantoa_device") is not None
    client.post(LOGOUT)
    limit = settings.LANTOA_LOGIN_MAX_FAILURES
    for i in range(limit):
        assert post_login(client, "xem_a", f"sai-{i}").status_code == 200
    assert LoginFailure.objects.exclude(device="").count() == limit
    r = post_login(client, "xem_a", PASSWORD)
    assert r.status_code == 429 and "phút" in r.content.decode()
    assert AuditEvent.objects.get(action="auth.locked").data["scope"] == ["device"]
    # A forged or foreign cookie is worth nothing: it counts as an unknown browser.
    other = Client()
    other.cookies["lantoa_device"] = "forged"
    assert post_login(other, "xem_a", PASSWORD, ip="10.1.1.1").status_code == 302


def test_lockout_by_address(client: Client, officers: Officers) -> None:
    limit = settings.LANTOA_LOGIN_MAX_FAILURES_PER_IP
    for i in range(limit):
        post_login(client, f"doan_ten_{i}", "sai-mat-khau", ip="203.0.113.7")
    r = post_login(client, "xem_a", PASSWORD, ip="203.0.113.7")
    assert r.status_code == 429
    assert "Anh/chị đã nhập sai quá nhiều lần" in r.content.decode()
    assert logged_in_as(client) is None
    assert AuditEvent.objects.get(action="auth.locked").data["scope"] == ["ip"]
    # Another address is not affected.
    r = post_login(client, "xem_a", PASSWORD, ip="203.0.113.8")
    assert r.status_code == 302
    assert logged_in_as(client) == str(officers.a_viewer.pk)


def test_four_failures_do_not_lock_and_success_clears_them(
    client: Client, officers: Officers
) -> None:
    for _ in range(settings.LANTOA_LOGIN_MAX_FAILURES - 1):
        post_login(client, "xem_a", "sai-mat-khau")
    LoginFailure.objects.create(username="nguoi_khac", ip="198.51.100.4")
    r = post_login(client, "xem_a", PASSWORD)
    assert r.status_code == 302
    # Only this username's failures go.
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["nguoi_khac"]
    login_event = AuditEvent.objects.get(action="auth.login")
    assert login_event.actor == officers.a_viewer
    assert login_event.ip == "127.0.0.1"


def test_next_is_followed_only_when_safe(client: Client, officers: Officers) -> None:
    r = post_login(client, "xem_a", PASSWORD, next="/kenh/")
    assert r["Location"] == "/kenh/"
    client.post(LOGOUT)
    r = post_login(client, "xem_a", PASSWORD, next="https://evil.example/")
    assert r["Location"] == "/"
    client.post(LOGOUT)
    r = post_login(client, "xem_a", PASSWORD, next="//evil.example/x")
    assert r["Location"] == "/"


def test_login_rotates_the_session(client: Client, officers: Officers) -> None:
    client.get(LOGIN)
    session = client.session
    session["marker"] = 1
    session.save()
    before = session.session_key
    post_login(client, "xem_a", PASSWORD)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_inactive_officer_cannot_log_in(client: Client, officers: Officers) -> None:
    User.objects.filter(pk=officers.a_viewer.pk).update(is_active=False)
    r = post_login(client, "xem_a", PASSWORD)
    assert r.status_code == 200
    assert BAD_CREDENTIALS in r.content.decode()
    assert logged_in_as(client) is None


# --- two-factor ---------------------------------------------------------------------------


def test_province_officer_must_pass_totp(client: Client, officers: Officers) -> None:
    device = TOTPDevice.objects.create(user=officers.a_leader, name="điện thoại", confirmed=True)
    r = post_login(client, "lanhdao_a", PASSWORD, next=reverse("audit:list"))
    assert r.status_code == 302
    assert r["Location"] == f"{OTP}?next=%2Fnhat-ky%2F"
    assert client.get(reverse("audit:list"))["Location"].startswith(OTP)
    assert client.get("/")["Location"].startswith(OTP)

    page = client.get(OTP)
    assert page.status_code == 200
    assert "Nhập mã 6 chữ số" in page.content.decode()
    assert '<figure class="qr">' not in page.content.decode()

    r = client.post(OTP, {"token": code_for(device, offset=1), "next": reverse("audit:list")})
    assert r.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn." in r.content.decode()
    assert client.get(reverse("audit:list"))["Location"].startswith(OTP)

    # django-otp now makes the next attempt wait, even with the right code.
    r = client.post(OTP, {"token": code_for(device), "next": reverse("audit:list")})
    assert r.status_code == 429
    assert "Anh/chị đã nhập sai mã 1 lần liên tiếp" in r.content.decode()

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=5)
    )
    r = client.post(OTP, {"token": code_for(device), "next": reverse("audit:list")})
    assert r.status_code == 302
    assert r["Location"] == reverse("audit:list")
    assert client.get(reverse("audit:list")).status_code == 200
    assert actions() == ["auth.login", "auth.otp_failed", "auth.otp_verified"]
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_non_numeric_code_is_rejected_with_a_clear_message(
    client: Client, officers: Officers
) -> None:
    TOTPDevice.objects.create(user=officers.a_leader, name="d", confirmed=True)
    post_login(client, "lanhdao_a", PASSWORD)
    r = client.post(OTP, {"token": "12ab56"})
    assert r.status_code == 200
    assert "Mã xác thực gồm đúng 6 chữ số." in r.content.decode()
    assert actions() == ["auth.login"]


def test_grassroots_officer_is_not_asked_for_a_code(client: Client, officers: Officers) -> None:
    r = post_login(client, "xem_a", PASSWORD)
    assert r["Location"] == "/"
    r = client.get(OTP)
    assert r.status_code == 302 and r["Location"] == "/"
    assert not TOTPDevice.objects.filter(user=officers.a_viewer).exists()


def test_first_login_enrols_an_authenticator(client: Client, officers: Officers) -> None:
    r = post_login(client, "tuyengiao_a", PASSWORD)
    assert r["Location"].startswith(OTP)
    page = client.get(OTP)
    body = page.content.decode()
    assert page.status_code == 200
    assert '<figure class="qr"><svg' in body and "quét mã QR" in body
    device = TOTPDevice.objects.get(user=officers.a_propaganda)
    assert device.confirmed is False
    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
    # A reload shows the same secret rather than a new device.
    assert client.get(OTP).status_code == 200
    assert TOTPDevice.objects.filter(user=officers.a_propaganda).count() == 1

    r = client.post(OTP, {"token": code_for(device, offset=7)})
    assert r.status_code == 200
    device.refresh_from_db()
    assert device.confirmed is False

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    r = client.post(OTP, {"token": code_for(device)})
    assert r.status_code == 302 and r["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert actions() == ["auth.login", "auth.otp_failed", "auth.otp_enrolled", "auth.otp_verified"]
    # Past two-factor: the audit screen now answers on permission (403), not with the OTP page.
    assert client.get(reverse("audit:list")).status_code == 403

    # The next login asks for a code from the enrolled device, no QR code.
    client.post(LOGOUT)
    post_login(client, "tuyengiao_a", PASSWORD)
    body = client.get(OTP).content.decode()
    assert '<figure class="qr">' not in body and "Nhập mã 6 chữ số" in body


# --- logout and idle timeout --------------------------------------------------------------


def test_logout_is_post_only_and_audited(client: Client, officers: Officers) -> None:
    post_login(client, "xem_a", PASSWORD)
    assert client.get(LOGOUT).status_code == 405
    assert logged_in_as(client) is not None
    r = client.post(LOGOUT)
    assert r.status_code == 302 and r["Location"] == LOGIN
    assert logged_in_as(client) is None
    assert actions() == ["auth.login", "auth.logout"]
    assert AuditEvent.objects.get(action="auth.logout").actor == officers.a_viewer


def test_idle_session_expires(client: Client, officers: Officers) -> None:
    login(client, officers.a_leader)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=60)
    )
    # Any request pushes the expiry a full idle period ahead …
    assert client.get(reverse("audit:list")).status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    remaining = (expiry - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 30 < remaining <= settings.SESSION_COOKIE_AGE
    # … and a session left idle past it is gone.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    r = client.get(reverse("audit:list"))
    assert r.status_code == 302
    assert r["Location"].startswith(LOGIN)


# --- the Django admin ---------------------------------------------------------------------


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD, email="r@x.vn")


def test_admin_refuses_superuser_without_otp(client: Client, superuser: User) -> None:
    client.force_login(superuser)
    r = client.get(reverse("admin:index"))
    assert r.status_code == 302
    r = client.get(r["Location"])
    assert r.status_code == 302
    assert r["Location"].startswith(OTP)
    # Its own login form is not a way round our throttled login.
    r = Client().post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)


def test_admin_opens_for_verified_superuser_only(
    client: Client, superuser: User, officers: Officers
) -> None:
    login(client, superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    staff = officers.national_admin
    staff.is_staff = True
    staff.save()
    other = login(Client(), staff)
    r = other.get(reverse("admin:index"))
    assert r.status_code == 302
    assert other.get(r["Location"]).status_code == 403


def test_admin_login_does_not_redirect_off_site(client: Client, superuser: User) -> None:
    login(client, superuser)
    r = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert r.status_code == 302 and r["Location"] == reverse("admin:index")
    r = client.get(reverse("admin:login") + "?next=/quan-tri/accounts/user/")
    assert r["Location"] == reverse("admin:accounts_user_changelist")
