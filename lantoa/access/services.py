"""Writes about officers' access: creating officer accounts, granting and removing roles at
units, deactivating an account, resetting a password or the two-factor device.

Every function here writes its audit row. Authorisation is checked again here, not only in
the views, so that a caller outside the web layer cannot grant more than the actor holds.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa import access
from lantoa.accounts.models import Membership, Role, User
from lantoa.accounts.services import audit_subject, generate_password, sessions_end_all
from lantoa.audit.services import audit_record
from lantoa.units.models import Unit


def _require_manage(actor: User, unit: Unit) -> None:
    if not access.can(actor, "officer.manage", unit):
        raise PermissionDenied(_("Anh/chị không có quyền quản lý cán bộ của đơn vị này."))


def _require_manage_all(actor: User, user: User) -> None:
    """The actor must manage every unit where ``user`` holds a role."""
    units = list(Unit.objects.filter(memberships__user=user).distinct())
    if not units:
        raise PermissionDenied(_("Cán bộ này không thuộc đơn vị nào anh/chị quản lý."))
    for unit in units:
        _require_manage(actor, unit)


def _check_grantable(unit: Unit, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Vai trò “%(role)s” không hợp lệ.") % {"role": role}})
    if not unit.is_active:
        raise ValidationError(
            {
                "unit": _("Đơn vị “%(unit_name)s” đã hợp nhất hoặc giải thể, không thể phân công.")
                % {"unit_name": unit.name}
            }
        )


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
            {"username": _("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _.")}
        ) from exc
    if not full_name:
        raise ValidationError({"full_name": _("Vui lòng nhập họ và tên cán bộ.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("Tên đăng nhập “%(username)s” đã được dùng.") % {"username": username}}
        )
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
        data={**audit_subject(user), "role": role, "unit": unit.code},
    )
    return user, raw


@transaction.atomic
def membership_add(*, user: User, unit: Unit, role: str, actor: User) -> Membership:
    _require_manage(actor, unit)
    _check_grantable(unit, role)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise ValidationError(
            {
                "role": _("%(user)s đã có vai trò “%(label)s” tại “%(unit_name)s”.")
                % {"user": user, "label": Role(role).label, "unit_name": unit.name}
            }
        )
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    audit_record(
        action="officer.role_add",
        actor=actor,
        unit=unit,
        target=user.username,
        data={**audit_subject(user), "role": role, "unit": unit.code},
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
            _(
                "Anh/chị không thể gỡ vai trò quản trị cuối cùng của chính mình. "
                "Vui lòng nhờ quản trị viên cấp trên thực hiện."
            )
        )
    role = membership.role
    membership.delete()
    audit_record(
        action="officer.role_remove",
        actor=actor,
        unit=unit,
        target=user.username,
        data={**audit_subject(user), "role": role, "unit": unit.code},
    )


@transaction.atomic
def officer_deactivate(*, user: User, actor: User) -> None:
    """Lock an officer out: no login, API tokens revoked (``lantoa.accounts.signals``), open
    sessions ended. Roles are kept so the account stays visible to the admins who manage
    it."""
    if user.pk == actor.pk:
        raise ValidationError(_("Anh/chị không thể tự ngừng tài khoản của chính mình."))
    # Someone who also works for a unit outside the actor's subtree is not theirs to remove.
    _require_manage_all(actor, user)
    if not user.is_active:
        return
    home = access.home_unit(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions_end_all(user=user, reason="deactivated", actor=actor)
    audit_record(
        action="officer.deactivate",
        actor=actor,
        unit=home,
        target=user.username,
        data=audit_subject(user),
    )


@transaction.atomic
def officer_reset_password(*, user: User, actor: User) -> str:
    """Give ``user`` a new generated password, to be handed over once; they must change it at
    the next login. Open sessions end, API tokens are revoked (``lantoa.accounts.signals``)."""
    if user.pk == actor.pk:
        raise ValidationError(
            _("Vui lòng dùng chức năng “Đổi mật khẩu” cho tài khoản của chính anh/chị.")
        )
    _require_manage_all(actor, user)
    raw = generate_password()
    user.set_password(raw)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    sessions_end_all(user=user, reason="password_reset", actor=actor)
    audit_record(
        action="officer.password_reset",
        actor=actor,
        unit=access.home_unit(user),
        target=user.username,
        data=audit_subject(user),
    )
    return raw


@transaction.atomic
def officer_reset_two_factor(*, user: User, actor: User) -> int:
    """Remove the officer's authenticator (lost phone): they enrol a new one at next login.
    Open sessions end and API tokens are revoked (``lantoa.accounts.signals``): whoever holds
    the lost phone may hold those too."""
    if user.pk == actor.pk:
        raise ValidationError(_("Anh/chị không thể tự đặt lại xác thực hai lớp của chính mình."))
    _require_manage_all(actor, user)
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    sessions_end_all(user=user, reason="otp_reset", actor=actor)
    audit_record(
        action="officer.otp_reset",
        actor=actor,
        unit=access.home_unit(user),
        target=user.username,
        data=audit_subject(user),
    )
    return removed
