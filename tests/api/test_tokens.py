"""API authentication (bearer tokens, session + two-factor + CSRF) and the /khoa-api/ page."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.accounts.models import ApiToken
from lantoa.api.auth import MSG_BAD_TOKEN, MSG_CSRF, MSG_NEEDS_OTP, MSG_NOT_AUTHENTICATED
from lantoa.api.services import apitoken_create, apitoken_revoke
from lantoa.audit.models import AuditEvent
from lantoa.channels.models import Channel
from tests.conftest import Officers, Tree, login

# The /api/v1 addresses stay literal: the versioned API is a published contract.


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_no_credentials_get_401_in_vietnamese(tree: Tree) -> None:
    response = Client().get("/api/v1/units")
    assert response.status_code == 401
    assert response.json() == {"detail": MSG_NOT_AUTHENTICATED}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_auth_and_last_used(officers: Officers) -> None:
    token, raw = apitoken_create(user=officers.a_admin, name="Báo cáo tỉnh")
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith("lt_") and token.hint == raw[:10]
    assert not ApiToken.objects.filter(digest=raw).exists()
    response = bearer(raw).get("/api/v1/units")
    assert response.status_code == 200
    assert response.json()["count"] == 6
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    # Within a minute the timestamp is not rewritten…
    assert bearer(raw).get("/api/v1/units").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use
    # …after a minute it is.
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(minutes=2)
    )
    assert bearer(raw).get("/api/v1/units").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first_use


def test_revoked_expired_unknown_and_inactive_tokens_get_401(officers: Officers) -> None:
    revoked, raw_revoked = apitoken_create(user=officers.a_admin, name="cũ")
    apitoken_revoke(token=revoked, actor=officers.a_admin)
    expired, raw_expired = apitoken_create(
        user=officers.a_admin, name="hết hạn", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    _, raw_inactive = apitoken_create(user=officers.b_admin, name="nghỉ việc")
    officers.b_admin.is_active = False
    officers.b_admin.save()
    for raw in (raw_revoked, raw_expired, raw_inactive, "lt_khong-ton-tai", "abc"):
        response = bearer(raw).get("/api/v1/units")
        assert response.status_code == 401, raw
        assert response.json() == {"detail": MSG_BAD_TOKEN}
    assert ApiToken.objects.get(pk=revoked.pk).last_used_at is None


def test_bad_token_is_not_rescued_by_a_session(officers: Officers) -> None:
    client = login(Client(), officers.a_admin)
    assert client.get("/api/v1/units").status_code == 200
    response = client.get("/api/v1/units", headers={"Authorization": "Bearer lt_sai"})
    assert response.status_code == 401


def test_session_needs_two_factor_for_province_officers(officers: Officers) -> None:
    client = Client()
    client.force_login(officers.a_admin)  # password only, no OTP
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json() == {"detail": MSG_NEEDS_OTP}
    login(client, officers.a_admin)
    response = client.get("/api/v1/units")
    assert response.status_code == 200 and response.json()["count"] == 6
    # An industrial-zone communicator does not need a second factor.
    other = Client()
    other.force_login(officers.a_communicator)
    assert other.get("/api/v1/units").json()["count"] == 3


def test_session_writes_need_csrf(officers: Officers) -> None:
    client = login(Client(enforce_csrf_checks=True), officers.a_communicator)
    body = {"unit_code": "A-G1", "kind": "zalo_group", "name": "Nhóm Zalo", "identifier": "z1"}
    response = client.post("/api/v1/channels", body, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": MSG_CSRF}
    assert not Channel.objects.exists()
    client.get(reverse("apitokens:list"))  # any page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/channels", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201
    assert Channel.objects.filter(unit__code="A-G1").count() == 1
    # A bearer token needs no CSRF token.
    _, raw = apitoken_create(user=officers.a_communicator, name="tích hợp")
    token_client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    body["identifier"] = "z2"
    response = token_client.post("/api/v1/channels", body, content_type="application/json")
    assert response.status_code == 201


def test_apitoken_create_validates(officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        apitoken_create(user=officers.a_admin, name="  ")
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        apitoken_create(
            user=officers.a_admin, name="x", expires_at=timezone.now() - dt.timedelta(days=1)
        )
    assert "expires_at" in exc.value.message_dict
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


# --- /khoa-api/ -----------------------------------------------------------------------------


def test_token_page_requires_login_and_two_factor(officers: Officers) -> None:
    response = Client().get(reverse("apitokens:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client = Client()
    client.force_login(officers.a_admin)
    response = client.get(reverse("apitokens:list"))
    assert response.status_code == 302 and reverse("accounts:otp") in response["Location"]


def test_token_page_lists_only_own_tokens(officers: Officers) -> None:
    apitoken_create(user=officers.a_admin, name="Hệ thống báo cáo")
    apitoken_create(user=officers.b_admin, name="Khóa của tỉnh B")
    client = login(Client(), officers.a_admin)
    response = client.get(reverse("apitokens:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hệ thống báo cáo" in html
    assert "Khóa của tỉnh B" not in html


def test_create_token_shows_raw_once_and_audits(officers: Officers) -> None:
    client = login(Client(), officers.a_admin)
    response = client.post(
        reverse("apitokens:list"),
        {"name": "Cổng thông tin tỉnh", "expires_in": "30", "scope": "read"},
    )
    assert response.status_code == 200
    raw = response.context["raw_token"]
    assert raw.startswith("lt_") and raw in response.content.decode()
    token = ApiToken.objects.get(user=officers.a_admin)
    assert token.digest == ApiToken.digest_of(raw)
    assert token.scope == "read"
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(
        minutes=1
    )
    event = AuditEvent.objects.get(action="apitoken.create")
    assert (event.actor, event.target) == (officers.a_admin, "Cổng thông tin tỉnh")
    assert raw not in str(event.data)
    # The raw token is never shown again.
    assert raw not in client.get(reverse("apitokens:list")).content.decode()
    # And it works.
    assert bearer(raw).get("/api/v1/units/P-A").status_code == 200
    # Bad input changes nothing.
    response = client.post(reverse("apitokens:list"), {"name": "", "expires_in": ""})
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=officers.a_admin).count() == 1


def test_revoke_token(officers: Officers) -> None:
    mine, raw = apitoken_create(user=officers.a_admin, name="Của tôi")
    theirs, _ = apitoken_create(user=officers.b_admin, name="Của tỉnh B")
    client = login(Client(), officers.a_admin)
    response = client.post(reverse("apitokens:revoke", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert client.get(reverse("apitokens:revoke", args=[mine.pk])).status_code == 405
    response = client.post(reverse("apitokens:revoke", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert (
        AuditEvent.objects.filter(
            action="apitoken.revoke", actor=officers.a_admin, target="Của tôi"
        ).count()
        == 1
    )
    assert bearer(raw).get("/api/v1/units").status_code == 401
    # Revoking twice writes nothing more.
    client.post(reverse("apitokens:revoke", args=[mine.pk]))
    assert AuditEvent.objects.filter(action="apitoken.revoke").count() == 1
