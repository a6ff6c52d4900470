from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị")
    LEADER = "leader", _("Lãnh đạo")
    PROPAGANDA = "propaganda", _("Cán bộ tuyên giáo")
    COMMUNICATOR = "communicator", _("Cán bộ truyền thông")
    BRIEFER = "briefer", _("Báo cáo viên")
    VIEWER = "viewer", _("Chỉ xem")


class User(AbstractUser):
    """An officer (cán bộ công đoàn). Attached to units through ``Membership``."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # Set when someone else chose the password (account created or password reset by an
    # admin): the officer must pick their own before doing anything else.
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("đơn vị"),
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    created_at = when_created()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class TokenScope(models.TextChoices):
    READ = "read", _("Chỉ đọc")
    WRITE = "write", _("Đọc và ghi")


class ApiToken(models.Model):
    """A bearer token for integrations. Only a SHA-256 digest is stored.

    A token acts with its owner's roles; ``scope`` narrows that to reads (GET) or not. Every
    change of the owner's credentials (password, two-factor device, deactivation) revokes all
    of their tokens (``lantoa.accounts.signals``)."""

    PREFIX = "lt_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = when_created()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(
        _("phạm vi"), max_length=8, choices=TokenScope.choices, default=TokenScope.WRITE
    )

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class LoginFailure(models.Model):
    """One failed login, kept for throttling (by username and address, by address, by
    username; ``device``: the failure came from a browser this user had signed in with, see
    ``lantoa.accounts.selectors.login_locked_for``)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    device = models.CharField(max_length=32, blank=True, default="", db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {self.at:%d/%m/%Y %H:%M}"


class SessionRecord(models.Model):
    """One signed-in browser of an officer, for the page that lists and ends them.

    The session itself lives in Django's session store under ``session_key``; this row says
    whose it is and what it looks like to its owner. Only the /24 (IPv4) or /48 (IPv6)
    network of the address is kept, never the address itself."""

    session_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_records")
    user_agent = models.CharField(max_length=300, blank=True)
    network = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")
        ordering = ["-last_activity", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.last_activity:%d/%m/%Y %H:%M}"
