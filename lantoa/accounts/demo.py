"""Demo accounts: one per role, with a known password and a known TOTP secret.

Only ``lantoa demo`` creates them. Their TOTP devices are named ``demo`` so that
``lantoa otp`` will print codes for these accounts and for no other.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts.models import Membership, Role, User
from lantoa.accounts.selectors import requires_two_factor
from lantoa.units.models import Unit, UnitKind, UnitStatus

DEMO_PASSWORD = "LanToa@2026"  # noqa: S105 - published demo credential, demo data only
DEMO_DEVICE_NAME = "demo"
# 20 bytes, the RFC 6238 reference key; printed by the demo, demo accounts only.
DEMO_TOTP_HEX = "3132333435363738393031323334353637383930"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    level: str  # "national" | "province" | "upper" | "grassroots"


DEMO_ACCOUNTS = (
    DemoAccount("quantri.tw", "Nguyễn Văn Quản", Role.ADMIN, "national"),
    DemoAccount("quantri", "Trần Thị Hoa", Role.ADMIN, "province"),
    DemoAccount("lanhdao", "Lê Văn Hùng", Role.LEADER, "province"),
    DemoAccount("tuyengiao", "Phạm Thị Mai", Role.PROPAGANDA, "province"),
    DemoAccount("truyenthong", "Hoàng Văn Nam", Role.COMMUNICATOR, "upper"),
    DemoAccount("baocaovien", "Đỗ Thị Lan", Role.BRIEFER, "upper"),
    DemoAccount("coso", "Ngô Thị Thu", Role.COMMUNICATOR, "grassroots"),
    DemoAccount("xem", "Vũ Minh Tuấn", Role.VIEWER, "grassroots"),
)


def demo_totp_secret_base32() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_HEX)).decode()


def _unit_for(level: str) -> Unit:
    active = Unit.objects.filter(status=UnitStatus.ACTIVE)
    if level == "national":
        return active.get(kind=UnitKind.NATIONAL)
    if level == "province":
        return active.filter(kind=UnitKind.PROVINCE).order_by("pk").first() or active.get(
            kind=UnitKind.NATIONAL
        )
    if level == "upper":
        unit = active.filter(kind=UnitKind.INDUSTRIAL_ZONE).order_by("pk").first()
    else:
        unit = active.filter(kind=UnitKind.GRASSROOTS).order_by("-member_count", "pk").first()
    if unit is None:
        raise RuntimeError("demo data is missing: run `lantoa seed --size demo` first")
    return unit


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[DemoAccount, Unit, bool]]:
    """Create the demo accounts if missing; returns (account, unit, needs_totp)."""
    result = []
    # One Argon2 hash (its own random salt) for the one published demo password: hashing it
    # per account made eight slow hashes of the same secret on every first start.
    hashed = ""
    for acc in DEMO_ACCOUNTS:
        unit = _unit_for(acc.level)
        user, created = User.objects.get_or_create(
            username=acc.username, defaults={"full_name": acc.full_name}
        )
        if created:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, unit=unit, role=acc.role)
        needs_totp = requires_two_factor(user)
        if needs_totp:
            TOTPDevice.objects.get_or_create(
                user=user,
                name=DEMO_DEVICE_NAME,
                defaults={"key": DEMO_TOTP_HEX, "confirmed": True},
            )
        result.append((acc, unit, needs_totp))
    return result
