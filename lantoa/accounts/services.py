"""Writes about who an officer is: login attempts, two-factor devices and passwords.

Every function here writes its audit row. Creating officers and granting roles is deciding
access: ``lantoa.access.services``.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts import selectors
from lantoa.accounts.models import LoginFailure, User
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

    When this failure is the one that reaches the limit, the lock itself is audited once
    (``auth.locked``), rather than every refused attempt after it.
    """
    username = username[:150]
    ip = client_ip(request)
    failure = LoginFailure.objects.create(username=username, ip=ip)
    known = User.objects.filter(username__iexact=username).first()
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
    scopes = []
    if selectors.recent_failures(username=username).count() == limit:
        scopes.append("username")
    if ip and selectors.recent_failures(ip=ip).count() == limit:
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
    LoginFailure.objects.filter(username__iexact=user.get_username()).delete()
    audit_record(action="auth.login", actor=user, request=request, unit=selectors.home_unit(user))


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
