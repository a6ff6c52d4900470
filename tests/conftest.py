"""Shared fixtures: a small union tree with two provinces and one officer per role.

VN (national)
├── P-A  LĐLĐ tỉnh A (province)
│   ├── A-KCN  Công đoàn KCN A (industrial_zone)
│   │   ├── A-G1  CĐCS Công ty May A1 (grassroots, 1.200 members)
│   │   └── A-G2  CĐCS Công ty Điện tử A2 (grassroots, 300 members)
│   └── A-XA   Công đoàn phường A (commune)
│       └── A-G3  CĐCS Trường học A3 (grassroots, 40 members)
└── P-B  LĐLĐ tỉnh B (province)
    └── B-KCN  Công đoàn KCN B (industrial_zone)
        └── B-G1  CĐCS Công ty Giày B1 (grassroots, 2.500 members)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts.models import Membership, Role, User
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import unit_create, unit_root_ensure

PASSWORD = "Mat-khau-thu-nghiem-2026"


@pytest.fixture(autouse=True)
def _vietnamese_by_default() -> Iterator[None]:
    """Every test starts in Vietnamese, the product's default: a request with the English
    cookie leaves English active in the thread (LocaleMiddleware activates, nothing resets),
    which would otherwise leak into the next test on the same worker."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache (tests/settings.py: local memory, one per worker
    process): the public forms' rate limits count every test client as 127.0.0.1, so counts
    left by earlier tests on the same worker would refuse a later test's requests depending on
    how xdist spread the tests."""
    from django.core.cache import cache

    cache.clear()


@dataclass
class Tree:
    vn: Unit
    pa: Unit
    a_kcn: Unit
    a_g1: Unit
    a_g2: Unit
    a_xa: Unit
    a_g3: Unit
    pb: Unit
    b_kcn: Unit
    b_g1: Unit


CELERY_KEYS = ("task_always_eager", "broker_url", "broker_transport_options")


def _pinned() -> dict[str, object]:
    from lantoa.celery import app

    return {k: app.conf.changes[k] for k in CELERY_KEYS if k in app.conf.changes}


@pytest.fixture(autouse=True)
def _celery_conf_given_back() -> Iterator[None]:
    """Celery reads its settings live from Django's (tests/settings.py: eager tasks), except
    the ones set on ``app.conf``, which stay set. A test that points the app at a real broker
    must give it back as it found it (``celery_conf``): a leaked ``task_always_eager = False``
    sends later tests' tasks to a queue nobody reads (a browser journey then saw its post
    never go out)."""
    before = _pinned()
    yield
    assert _pinned() == before, "this test left settings on Celery's app (use celery_conf)"


@contextmanager
def celery_conf(**values: object) -> Iterator[Any]:
    """Celery's app with ``values`` set on its configuration, given back afterwards exactly
    (keys it did not have set are removed again, so they read Django's settings again)."""
    from lantoa.celery import app

    changes = app.conf.changes
    before = {k: changes[k] for k in values if k in changes}

    def forget_connections() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    forget_connections()
    app.conf.update(values)
    try:
        yield app
    finally:
        forget_connections()
        for key in values:
            if key in before:
                changes[key] = before[key]
            else:
                changes.pop(key, None)


@pytest.fixture
def tree(db: None) -> Tree:
    vn = unit_root_ensure()  # the root a migrated database starts with
    pa = unit_create(
        code="P-A",
        name="Liên đoàn Lao động tỉnh An Giang",
        kind=UnitKind.PROVINCE,
        parent=vn,
        short_name="LĐLĐ An Giang",
    )
    a_kcn = unit_create(
        code="A-KCN",
        name="Công đoàn các Khu công nghiệp tỉnh An Giang",
        kind=UnitKind.INDUSTRIAL_ZONE,
        parent=pa,
    )
    a_g1 = unit_create(
        code="A-G1",
        name="Công đoàn cơ sở Công ty TNHH May Ánh Dương",
        kind=UnitKind.GRASSROOTS,
        parent=a_kcn,
        member_count=1200,
        worker_count=1350,
        employer_name="Công ty TNHH May Ánh Dương",
    )
    a_g2 = unit_create(
        code="A-G2",
        name="Công đoàn cơ sở Công ty CP Điện tử Đông Á",
        kind=UnitKind.GRASSROOTS,
        parent=a_kcn,
        member_count=300,
        worker_count=320,
    )
    a_xa = unit_create(
        code="A-XA", name="Công đoàn phường Mỹ Bình", kind=UnitKind.COMMUNE, parent=pa
    )
    a_g3 = unit_create(
        code="A-G3",
        name="Công đoàn cơ sở Trường Tiểu học Mỹ Bình",
        kind=UnitKind.GRASSROOTS,
        parent=a_xa,
        member_count=40,
        worker_count=42,
    )
    pb = unit_create(
        code="P-B", name="Liên đoàn Lao động tỉnh Bắc Ninh", kind=UnitKind.PROVINCE, parent=vn
    )
    b_kcn = unit_create(
        code="B-KCN",
        name="Công đoàn các Khu công nghiệp tỉnh Bắc Ninh",
        kind=UnitKind.INDUSTRIAL_ZONE,
        parent=pb,
    )
    b_g1 = unit_create(
        code="B-G1",
        name="Công đoàn cơ sở Công ty TNHH Giày Đức Thành",
        kind=UnitKind.GRASSROOTS,
        parent=b_kcn,
        member_count=2500,
        worker_count=2700,
    )
    return Tree(vn, pa, a_kcn, a_g1, a_g2, a_xa, a_g3, pb, b_kcn, b_g1)


def make_officer(username: str, unit: Unit, role: str) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=username.replace("_", " ").title()
    )
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def login(client: Client, user: User) -> Client:
    """Log ``user`` in, passing two-factor as a real device would (session + OTP verified)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@dataclass
class Officers:
    national_admin: User
    a_admin: User  # province A
    a_leader: User
    a_propaganda: User
    a_communicator: User  # at A-KCN
    a_briefer: User  # at A-KCN
    a_viewer: User  # at A-G1
    b_admin: User  # province B


@pytest.fixture
def officers(tree: Tree) -> Officers:
    return Officers(
        national_admin=make_officer("admin_tw", tree.vn, Role.ADMIN),
        a_admin=make_officer("admin_a", tree.pa, Role.ADMIN),
        a_leader=make_officer("lanhdao_a", tree.pa, Role.LEADER),
        a_propaganda=make_officer("tuyengiao_a", tree.pa, Role.PROPAGANDA),
        a_communicator=make_officer("truyenthong_a", tree.a_kcn, Role.COMMUNICATOR),
        a_briefer=make_officer("baocaovien_a", tree.a_kcn, Role.BRIEFER),
        a_viewer=make_officer("xem_a", tree.a_g1, Role.VIEWER),
        b_admin=make_officer("admin_b", tree.pb, Role.ADMIN),
    )


def services_required() -> bool:
    """In CI (LANTOA_REQUIRE_SERVICES=1) a missing PostgreSQL or Redis fails the test."""
    return os.environ.get("LANTOA_REQUIRE_SERVICES") == "1"


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis_url_of_this_worker() -> str:
    """Each pytest-xdist worker its own Redis database (15, 14, … 8): tests that start a real
    Celery worker on Redis would otherwise take each other's tasks, which then run against
    the other process's test database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdecimal() else 0
    base, _, db = REDIS_TEST_URL.rpartition("/")
    if not db.isdecimal():
        return REDIS_TEST_URL
    return f"{base}/{int(db) - index % 8}"


def unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is not reachable: {exc}"
    if services_required():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        url = _redis_url_of_this_worker()
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        unavailable("Redis", exc)
    return url
