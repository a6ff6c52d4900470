"""Audit of Django's own authentication events, wherever they come from (our login page,
the admin, the test client), and the revocation of API tokens on every credential change,
wherever it is made (our services, the Django admin, ``lantoa changepassword``), connected in
``AccountsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts import services
from lantoa.accounts.models import User


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    services.login_success_record(user=user, request=request)


def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    services.logout_record(user=user, request=request)
    # Sent before the session is flushed: its key is still the one recorded.
    session = getattr(request, "session", None)
    services.session_forget(getattr(session, "session_key", None))


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # ``credentials`` arrives with the password already masked; only the username is kept.
    username = str(credentials.get("username") or "")
    services.login_failure_record(username=username, request=request)


# --- credential changes revoke API tokens --------------------------------------------------

_REASONS = "_lantoa_credential_changes"


def _fields(kwargs: dict[str, Any]) -> frozenset[str] | None:
    update_fields = kwargs.get("update_fields")
    return None if update_fields is None else frozenset(update_fields)


def on_user_pre_save(sender: Any, instance: User, raw: bool = False, **kwargs: Any) -> None:
    reasons: list[str] = []
    fields = _fields(kwargs)
    if instance.pk is not None and not raw:
        # ``set_password`` leaves the raw password in ``_password`` until save; Django's own
        # hash upgrade at login clears it first ("not a password change"), so a rehash never
        # counts. set_unusable_password() is a change too.
        if fields is None or "password" in fields:
            if getattr(instance, "_password", None) is not None:
                reasons.append(
                    "password_reset" if instance.must_change_password else "password_change"
                )
            elif not instance.has_usable_password():
                old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
                if old is not None and old != instance.password:
                    reasons.append("password_reset")
        if (
            (fields is None or "is_active" in fields)
            and not instance.is_active
            and User.objects.filter(pk=instance.pk, is_active=True).exists()
        ):
            reasons.append("deactivated")
    setattr(instance, _REASONS, reasons)


def on_user_post_save(sender: Any, instance: User, created: bool = False, **kwargs: Any) -> None:
    reasons = getattr(instance, _REASONS, None) or []
    setattr(instance, _REASONS, [])
    if reasons and not created:
        services.apitokens_revoke_all(user=instance, reason=reasons[0])


def on_device_pre_save(sender: Any, instance: TOTPDevice, raw: bool = False, **kwargs: Any) -> None:
    fields = _fields(kwargs)
    changed = False
    if instance.pk is not None and not raw and (fields is None or "key" in fields):
        old = TOTPDevice.objects.filter(pk=instance.pk).values_list("key", "confirmed").first()
        # A confirmed device given another secret is a new authenticator.
        changed = old is not None and old[1] and old[0] != instance.key
    instance._lantoa_key_changed = changed


def on_device_post_save(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if getattr(instance, "_lantoa_key_changed", False):
        instance._lantoa_key_changed = False
        services.apitokens_revoke_all(user=instance.user, reason="otp_change")


def on_device_deleted(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    # Only a device that was in use: abandoned enrolments are tidied away without effect.
    if instance.confirmed:
        user = User.objects.filter(pk=instance.user_id).first()
        if user is not None:
            services.apitokens_revoke_all(user=user, reason="otp_reset")


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="lantoa.accounts.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="lantoa.accounts.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="lantoa.accounts.login_failed")
    pre_save.connect(on_user_pre_save, sender=User, dispatch_uid="lantoa.accounts.user_pre")
    post_save.connect(on_user_post_save, sender=User, dispatch_uid="lantoa.accounts.user_post")
    pre_save.connect(on_device_pre_save, sender=TOTPDevice, dispatch_uid="lantoa.accounts.otp_pre")
    post_save.connect(
        on_device_post_save, sender=TOTPDevice, dispatch_uid="lantoa.accounts.otp_post"
    )
    post_delete.connect(
        on_device_deleted, sender=TOTPDevice, dispatch_uid="lantoa.accounts.otp_deleted"
    )
