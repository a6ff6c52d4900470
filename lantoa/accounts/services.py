"""Writes about who an officer is: login attempts, two-factor devices and passwords.

Every function here writes its audit row. Creating officers and granting roles is deciding
access: ``lantoa.access.services``.
"""

from __future__ import annotations

import ipaddress
import secrets
import string
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts import devices, selectors
from lantoa.accounts.models import ApiToken, LoginFailure, SessionRecord, User
from lantoa.audit.services import audit_record, client_ip

_PASSWORD_ALPHABET = string.ascii_letters + string.digits
# Confusable characters are left out: the password is read off a screen and typed by hand.
_PASSWORD_ALPHABET = "".join(c for c in _PASSWORD_ALPHABET if c not in "0O1lI")
OTP_DEVICE_NAME = "Ứng dụng xác thực"


def audit_subject(user: User) -> dict[str, Any]:
    # ``subject_id`` lets the audit screen show officers the events about themselves.
    return {"subject_id": user.pk, "username": user.username}


# --- login --------------------------------------------------------------------------------


def login_failure_record(*, username: str, request: HttpRequest | None) -> LoginFailure:
    """Count one failed login for throttling and audit it; the password is never passed in.

    When this failure is the one that reaches a limit, the lock itself is audited once
    (``auth.locked``: ``username`` for the slowdown of a username tried from many addresses,
    ``username_ip`` for one username from one address, ``ip`` for one address, ``device`` for
    a browser the officer had signed in with), rather than every refused attempt after it.
    """
    username = username[:150]
    ip = client_ip(request) or None
    known = selectors.user_by_login(username)
    device = devices.known_device(request, known)
    failure = LoginFailure.objects.create(username=username, ip=ip, device=device)
    unit = selectors.home_unit(known) if known is not None else None
    audit_record(
        action="auth.login_failed",
        request=request,
        unit=unit,
        target=username,
        actor_label=username,
        data={"username": username},
    )
    limit = settings.LANTOA_LOGIN_MAX_FAILURES
    recent = selectors.recent_failures
    scopes = []
    if device:
        if recent(device=device).count() == limit:
            scopes.append("device")
    else:
        if recent(username=username, untrusted=True).count() == limit:
            scopes.append("username")
        if ip and recent(username=username, ip=ip, untrusted=True).count() == limit:
            scopes.append("username_ip")
        per_ip = settings.LANTOA_LOGIN_MAX_FAILURES_PER_IP
        if ip and recent(ip=ip, untrusted=True).count() == per_ip:
            scopes.append("ip")
    if scopes:
        audit_record(
            action="auth.locked",
            request=request,
            unit=unit,
            target=username,
            actor_label=username,
            data={"username": username, "scope": scopes},
        )
    return failure


def login_success_record(*, user: User, request: HttpRequest | None) -> None:
    """A sign-in: the failures it answers for go (this username from this address, and from
    this browser). Those from elsewhere stay: a stranger's guesses keep slowing down. The new
    session is recorded for the officer's list of signed-in browsers."""
    failures = LoginFailure.objects.filter(username__iexact=user.get_username())
    ip = client_ip(request) or None
    mine = Q(ip=ip) if ip else Q(ip__isnull=True)
    device = devices.known_device(request, user)
    if device:
        mine |= Q(device=device)
    failures.filter(mine).delete()
    audit_record(action="auth.login", actor=user, request=request, unit=selectors.home_unit(user))
    session = getattr(request, "session", None)
    if request is not None and session is not None and session.session_key:
        session_touch(
            user=user, session_key=session.session_key, previous_key=None, request=request
        )


def logout_record(*, user: User | None, request: HttpRequest | None) -> None:
    if user is None:
        return
    audit_record(action="auth.logout", actor=user, request=request, unit=selectors.home_unit(user))


# --- two-factor ---------------------------------------------------------------------------


def otp_confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def otp_pending_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device shown during enrolment; the same one on every reload, so the
    QR code does not change under a user who is still scanning it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=OTP_DEVICE_NAME, confirmed=False)
    return device


def otp_verify(*, device: TOTPDevice, token: str, request: HttpRequest) -> bool:
    """Check a code against ``device`` (django-otp throttles repeated failures) and audit the
    outcome. A first correct code on an unconfirmed device completes enrolment."""
    user = device.user
    unit = selectors.home_unit(user)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        ok = bool(device.verify_token(token.strip()))
        if ok and not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # Only the device just proven stays; abandoned enrolment attempts go.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            audit_record(action="auth.otp_enrolled", actor=user, request=request, unit=unit)
    if ok:
        audit_record(action="auth.otp_verified", actor=user, request=request, unit=unit)
    else:
        audit_record(
            action="auth.otp_failed",
            actor=user,
            request=request,
            unit=unit,
            data={"failure_count": device.throttling_failure_count},
        )
    return ok


# --- passwords ----------------------------------------------------------------------------


def generate_password(length: int = 14) -> str:
    while True:
        raw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.isdigit() for c in raw)
            and any(c.isupper() for c in raw)
            and any(c.islower() for c in raw)
        ):
            return raw


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """The officer's own change; the new password must pass the validators and differ."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Mật khẩu hiện tại không đúng.")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("Mật khẩu mới phải khác mật khẩu hiện tại.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        action="officer.password_change",
        actor=user,
        unit=selectors.home_unit(user),
        target=user.username,
        data=audit_subject(user),
    )


# --- API tokens ---------------------------------------------------------------------------


def apitoken_revoke(*, token: ApiToken, actor: Any, request: Any = None) -> ApiToken:
    """Revoke ``token``; revoking an already revoked token changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        action="apitoken.revoke",
        actor=actor,
        request=request,
        target=token.name,
        data={"token_id": token.pk, "hint": token.hint, "owner": token.user_id},
    )
    return token


# Why every API token of an officer was revoked at once (audit ``apitoken.revoke_all``).
REVOKE_REASONS = {
    "password_change": "the officer changed their password",
    "password_reset": "the password was set by someone else",
    "otp_reset": "the two-factor device was removed",
    "otp_change": "the two-factor device was replaced",
    "deactivated": "the account was deactivated",
    "requested": "the officer asked for it",
}


def apitokens_revoke_all(*, user: User, reason: str, actor: Any = None, request: Any = None) -> int:
    """Revoke every live token of ``user`` (a credential changed: whoever held a token made
    with the old credentials must not keep the access). Returns how many were live."""
    assert reason in REVOKE_REASONS, reason
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    ids = list(live.values_list("pk", flat=True))
    if not ids:
        return 0
    ApiToken.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
    audit_record(
        action="apitoken.revoke_all",
        actor=actor,
        request=request,
        unit=selectors.home_unit(user),
        target=user.username,
        data={**audit_subject(user), "reason": reason, "token_ids": ids},
    )
    return len(ids)


# --- sessions -----------------------------------------------------------------------------

# ``last_activity`` of a session record is written at most this often (seconds).
SESSION_TOUCH_SECONDS = 60
# In the session: [the session key last recorded, when] — no query on most requests.
SESSION_SEEN = "_lantoa_session_seen"
USER_AGENT_MAX = 300


def session_network(ip: str) -> str:
    """The network an address belongs to, as much as is kept of it: /24 for IPv4, /48 for
    IPv6 ("" when unknown)."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False))


def session_touch(
    *, user: User, session_key: str, previous_key: str | None, request: HttpRequest
) -> None:
    """Record that ``user``'s session ``session_key`` was just used (middleware). When the
    session changed key (two-factor passed, password changed), its row follows it."""
    now = timezone.now()
    fields = {
        "user": user,
        "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX],
        "network": session_network(client_ip(request) or ""),
        "last_activity": now,
    }
    if previous_key and previous_key != session_key:
        SessionRecord.objects.filter(session_key=previous_key, user=user).exclude(
            session_key=session_key
        ).update(session_key=session_key, **fields)
    try:
        with transaction.atomic():
            SessionRecord.objects.update_or_create(
                session_key=session_key, defaults=fields, create_defaults={**fields}
            )
    except IntegrityError:
        # A parallel request of the same session created it first: that one is as good.
        pass
    request.session[SESSION_SEEN] = [session_key, time.time()]


def session_end(*, record: SessionRecord, actor: Any, request: Any = None) -> None:
    """Sign out one session: its data is deleted from the session store, so the browser that
    holds it is sent to the login page on its next request."""
    selectors.session_store()().delete(record.session_key)
    record.delete()
    audit_record(
        action="auth.session_end",
        actor=actor,
        request=request,
        unit=selectors.home_unit(record.user),
        target=record.user.username,
        data={**audit_subject(record.user), "session": record.pk},
    )


def sessions_end_all(
    *, user: User, reason: str, actor: Any = None, request: Any = None, keep: str | None = None
) -> int:
    """Sign out every session of ``user`` but ``keep`` (the session key of the request that
    asks, when the officer signs out their other browsers or changes their password)."""
    records = list(SessionRecord.objects.filter(user=user).exclude(session_key=keep or ""))
    store = selectors.session_store()()
    for record in records:
        store.delete(record.session_key)
    SessionRecord.objects.filter(pk__in=[r.pk for r in records]).delete()
    if records:
        audit_record(
            action="auth.sessions_end",
            actor=actor,
            request=request,
            unit=selectors.home_unit(user),
            target=user.username,
            data={**audit_subject(user), "reason": reason, "count": len(records)},
        )
    return len(records)


def session_forget(session_key: str | None) -> None:
    """The session ``session_key`` ended by logout: its row goes."""
    if session_key:
        SessionRecord.objects.filter(session_key=session_key).delete()
