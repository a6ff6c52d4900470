"""Writes about officers: accounts, roles at units, login attempts and two-factor devices.

Every function here writes its audit row. Authorisation is checked again here, not only in
the views, so that a caller outside the web layer cannot grant more than the actor holds.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa import access
from lantoa.accounts import selectors
from lantoa.accounts.models import ApiToken, LoginFailure, Membership, Role, User
from lantoa.audit.services import audit_record, client_ip
from lantoa.units.models import Unit

_PASSWORD_ALPHABET = string.ascii_letters + string.digits
# Confusable characters are left out: the password is read off a screen and typed by hand.
_PASSWORD_ALPHABET = "".join(c for c in _PASSWORD_ALPHABET if c not in "0O1lI")
OTP_DEVICE_NAME = "Ứng dụng xác thực"


def _subject(user: User) -> dict[str, Any]:
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
    unit = access.home_unit(known) if known is not None else None
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
    audit_record(action="auth.login", actor=user, request=request, unit=access.home_unit(user))


def logout_record(*, user: User | None, request: HttpRequest | None) -> None:
    if user is None:
        return
    audit_record(action="auth.logout", actor=user, request=request, unit=access.home_unit(user))


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
    unit = access.home_unit(user)
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


# --- officers and roles -------------------------------------------------------------------


def _require_manage(actor: User, unit: Unit) -> None:
    if not access.can(actor, "officer.manage", unit):
        raise PermissionDenied("Bạn không có quyền quản lý cán bộ của đơn vị này.")


def _require_manage_all(actor: User, user: User) -> None:
    """The actor must manage every unit where ``user`` holds a role."""
    units = list(Unit.objects.filter(memberships__user=user).distinct())
    if not units:
        raise PermissionDenied("Cán bộ này không thuộc đơn vị nào bạn quản lý.")
    for unit in units:
        _require_manage(actor, unit)


def _check_grantable(unit: Unit, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": f"Vai trò “{role}” không hợp lệ."})
    if not unit.is_active:
        raise ValidationError(
            {"unit": f"Đơn vị “{unit.name}” đã hợp nhất hoặc giải thể, không thể phân công."}
        )


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
def officer_create(
    *,
    username: str,
    full_name: str,
    password: str | None = None,
    actor: User,
    unit: Unit,
    role: str,
) -> tuple[User, str]:
    """Create an officer holding ``role`` at ``unit``; returns the user and the password,
    generated when not given, to be shown once to the creating admin."""
    _require_manage(actor, unit)
    _check_grantable(unit, role)
    username = username.strip()
    full_name = full_name.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise ValidationError(
            {"username": "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _."}
        ) from exc
    if not full_name:
        raise ValidationError({"full_name": "Hãy nhập họ và tên cán bộ."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"Tên đăng nhập “{username}” đã được dùng."})
    user = User(username=username, full_name=full_name, must_change_password=True)
    raw = password or generate_password()
    try:
        validate_password(raw, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(raw)
    user.save()
    Membership.objects.create(user=user, unit=unit, role=role)
    audit_record(
        action="officer.create",
        actor=actor,
        unit=unit,
        target=username,
        data={**_subject(user), "role": role, "unit": unit.code},
    )
    return user, raw


@transaction.atomic
def membership_add(*, user: User, unit: Unit, role: str, actor: User) -> Membership:
    _require_manage(actor, unit)
    _check_grantable(unit, role)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise ValidationError(
            {"role": f"{user} đã có vai trò “{Role(role).label}” tại “{unit.name}”."}
        )
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    audit_record(
        action="officer.role_add",
        actor=actor,
        unit=unit,
        target=user.username,
        data={**_subject(user), "role": role, "unit": unit.code},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    unit = membership.unit
    _require_manage(actor, unit)
    user = membership.user
    if (
        user.pk == actor.pk
        and membership.role == Role.ADMIN
        and not Membership.objects.filter(user=user, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            "Bạn không thể gỡ vai trò quản trị cuối cùng của chính mình. "
            "Hãy nhờ quản trị viên cấp trên thực hiện."
        )
    role = membership.role
    membership.delete()
    audit_record(
        action="officer.role_remove",
        actor=actor,
        unit=unit,
        target=user.username,
        data={**_subject(user), "role": role, "unit": unit.code},
    )


@transaction.atomic
def officer_deactivate(*, user: User, actor: User) -> None:
    """Lock an officer out: no login, API tokens revoked (open sessions die too, since the
    auth backend refuses inactive users). Roles are kept so the account stays visible to the
    admins who manage it."""
    if user.pk == actor.pk:
        raise ValidationError("Bạn không thể tự ngừng tài khoản của chính mình.")
    # Someone who also works for a unit outside the actor's subtree is not theirs to remove.
    _require_manage_all(actor, user)
    if not user.is_active:
        return
    home = access.home_unit(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    now = timezone.now()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    audit_record(
        action="officer.deactivate",
        actor=actor,
        unit=home,
        target=user.username,
        data=_subject(user),
    )


@transaction.atomic
def officer_reset_password(*, user: User, actor: User) -> str:
    """Give ``user`` a new generated password, to be handed over once; they must change it at
    the next login. Open sessions end (the session hash changes)."""
    if user.pk == actor.pk:
        raise ValidationError("Hãy dùng chức năng “Đổi mật khẩu” cho tài khoản của chính bạn.")
    _require_manage_all(actor, user)
    raw = generate_password()
    user.set_password(raw)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        action="officer.password_reset",
        actor=actor,
        unit=access.home_unit(user),
        target=user.username,
        data=_subject(user),
    )
    return raw


@transaction.atomic
def officer_reset_two_factor(*, user: User, actor: User) -> int:
    """Remove the officer's authenticator (lost phone): they enrol a new one at next login."""
    if user.pk == actor.pk:
        raise ValidationError("Bạn không thể tự đặt lại xác thực hai lớp của chính mình.")
    _require_manage_all(actor, user)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        action="officer.otp_reset",
        actor=actor,
        unit=access.home_unit(user),
        target=user.username,
        data=_subject(user),
    )
    return removed


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """The officer's own change; the new password must pass the validators and differ."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "Mật khẩu hiện tại không đúng."})
    if old_password == new_password:
        raise ValidationError({"new_password": "Mật khẩu mới phải khác mật khẩu hiện tại."})
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
        unit=access.home_unit(user),
        target=user.username,
        data=_subject(user),
    )
