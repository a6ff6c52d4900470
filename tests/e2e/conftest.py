"""The browser suite: the real product, served by pytest-django's ``live_server`` (threaded,
on the test database, SQLite or PostgreSQL), driven in Debian's headless Chromium through
Playwright's Python API (no browser download: ``executable_path``).

One browser for the whole package, a fresh context (cookies, storage) per test and per
viewport. Data comes from the shared test tree (tests/conftest.py) and the apps' services.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts.models import Role, User
from tests.conftest import Officers, Tree, make_officer

CHROMIUM = os.environ.get("LANTOA_E2E_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool

    def context_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "viewport": {"width": self.width, "height": self.height},
            "locale": "vi-VN",
            "timezone_id": "Asia/Ho_Chi_Minh",
        }
        if self.mobile:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        return options


PHONE = Viewport("phone", 390, 844, mobile=True)
DESKTOP = Viewport("desktop", 1280, 800, mobile=False)
VIEWPORTS = [PHONE, DESKTOP]


def _browser_available() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (uv sync)"
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for the package. In CI (LANTOA_REQUIRE_SERVICES=1) a missing
    browser fails the suite instead of skipping it."""
    missing = _browser_available()
    if missing:
        if os.environ.get("LANTOA_REQUIRE_SERVICES") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running on this thread while it is started;
    # Django would then refuse ORM calls from the test ("async context"). The tests' own ORM
    # calls are synchronous, so lift the guard while the browser lives, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield chromium
        chromium.close()
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class PageLog:
    """What went wrong in the browser while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [
            *(f"console: {m}" for m in self.console_errors),
            *(f"script error: {m}" for m in self.page_errors),
            *(f"request failed: {m}" for m in self.failed_requests),
        ]

    def clear(self) -> None:
        self.console_errors.clear()
        self.page_errors.clear()
        self.failed_requests.clear()


class Session:
    """A browser context at one viewport on the live server, with its console watched."""

    def __init__(self, browser: Any, base_url: str, viewport: Viewport) -> None:
        self.base_url = base_url
        self.viewport = viewport
        self.context = browser.new_context(base_url=base_url, **viewport.context_options())
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.log = PageLog()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.log.page_errors.append(str(exc)))
        self.page.on("response", self._on_response)
        self.inflight: set[Any] = set()
        self.page.on("request", lambda request: self.inflight.add(request))
        self.page.on("requestfinished", lambda request: self.inflight.discard(request))
        self.page.on("requestfailed", lambda request: self.inflight.discard(request))

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and location == self.page.url:
            return  # the page's own status (a 404 page on purpose): the tests check it
        self.log.console_errors.append(f"{message.text} ({self.page.url})")

    def _on_response(self, response: Any) -> None:
        # Pages themselves are checked by the tests; a broken sub-resource (script, style,
        # image, HTMX fragment) of our own is a defect whatever the page says.
        ours = response.url.startswith(self.base_url)
        if response.status >= 400 and ours and response.request.resource_type != "document":
            self.log.failed_requests.append(f"{response.status} {response.url}")

    def goto(self, path: str) -> Any:
        response = self.page.goto(path, wait_until="load")
        self.settle()
        return response

    def settle(self, quiet_ms: int = 100, limit_ms: int = 10_000) -> None:
        """Wait until the page has no request in flight for ``quiet_ms`` (HTMX fragments
        loaded on "load", images): quicker than Playwright's fixed 500 ms "networkidle"."""
        waited = quiet = 0
        while quiet < quiet_ms and waited < limit_ms:
            self.page.wait_for_timeout(25)
            waited += 25
            quiet = 0 if self.inflight else quiet + 25

    def tap(self, locator: Any) -> None:
        """A finger on a phone, a mouse on a desktop; the target must be on screen either way
        (Playwright scrolls it into view and refuses one that is covered or off the page)."""
        if self.viewport.mobile:
            locator.tap()
        else:
            locator.click()

    def follow(self, locator: Any) -> None:
        """Tap a link or a submit button and wait for the page it leads to."""
        with self.page.expect_navigation(wait_until="load"):
            self.tap(locator)
        self.settle()

    def log_in(self, user: User) -> None:
        """Start a signed-in session (two-factor passed, as tests/conftest.py ``login`` does)
        without typing: the journeys type their logins, the page checks need not."""
        from importlib import import_module

        store = import_module(django_settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="e2e", confirmed=True)
        store["otp_device_id"] = device.persistent_id
        store.create()
        self.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": store.session_key,
                    "url": self.base_url,
                }
            ]
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser: Any, live_server: Any) -> Iterator[Any]:
    """``open_session(viewport)``: a new browser context on the live server."""
    sessions: list[Session] = []

    def _open(viewport: Viewport) -> Session:
        session = Session(browser, live_server.url, viewport)
        sessions.append(session)
        return session

    yield _open
    for session in sessions:
        session.close()


@pytest.fixture(autouse=True)
def _e2e_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Uploads to a temporary folder, no anti-bot delay on the question form (the browser
    fills it in milliseconds), caches and rate limits fresh for each test."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.LANTOA_INQUIRY_MIN_FILL_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def current_totp(user: User) -> str:
    """The six digits the officer's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


@pytest.fixture
def grassroots(tree: Tree) -> User:
    """The communicator of a grassroots union (A-G1): no two-factor at that level."""
    return make_officer("coso_a", tree.a_g1, Role.COMMUNICATOR)


@pytest.fixture
def sent_cascade(tree: Tree, officers: Officers) -> Any:
    """A cascade the province sent down to every unit below it, due in two weeks, asking for
    a repost on the unit's channel (proof: a link)."""
    from lantoa.cascades import services as cascades

    cascade = cascades.cascade_create(
        sender=tree.pa,
        actor=officers.a_admin,
        title="Tuyên truyền Luật Công đoàn năm 2024 đến đoàn viên",
        instructions="Đăng lại bài trên nhóm Zalo của công nhân và báo cáo đường dẫn.",
        actions=["republish"],
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    cascades.cascade_send(cascade=cascade, actor=officers.a_admin)
    return cascade


@dataclass
class World:
    tree: Tree
    officers: Officers
    grassroots: User
    cascade: Any
    content: Any
    inquiry: Any


@pytest.fixture
def world(tree: Tree, officers: Officers, grassroots: User, sent_cascade: Any) -> World:
    """The union tree with some of everything the main pages list: activities, a channel, a
    communicator, a cascade sent down to the grassroots, content waiting for approval, a
    worker's question in the inbox."""
    from lantoa.activities.services import activity_create
    from lantoa.channels.services import channel_create
    from lantoa.content.services import content_create, content_submit
    from lantoa.inquiries.public_services import inquiry_submit_web
    from lantoa.roster.services import communicator_create

    today = timezone.localdate()
    for days, title, participants in (
        (3, "Tuyên truyền Bộ luật Lao động cho công nhân ca đêm", 120),
        (10, "Đối thoại định kỳ với người sử dụng lao động về tiền lương", 45),
        (20, "Phát tờ rơi phòng chống tai nạn lao động tại cổng nhà máy", 300),
    ):
        activity_create(
            unit=tree.a_g1,
            actor=officers.a_communicator,
            kind="outreach",
            format="direct",
            held_on=today - dt.timedelta(days=days),
            title=title,
            participants=participants,
        )
    channel_create(
        unit=tree.a_g1,
        actor=officers.a_admin,
        kind="zalo_group",
        name="Nhóm Zalo Công nhân May Ánh Dương — ca ngày và ca đêm",
        url="https://zalo.me/g/maydanhduong",
    )
    communicator_create(
        unit=tree.a_g1,
        actor=officers.a_admin,
        full_name="Nguyễn Thị Thanh Hương",
        role="communicator",
        phone="0912345678",
        position="Tổ trưởng tổ may số 3",
    )
    content = content_create(
        unit=tree.pa,
        author=officers.a_propaganda,
        kind="news",
        title="Hội nghị tập huấn công tác tuyên truyền năm 2026",
        summary="Hơn 200 cán bộ công đoàn cơ sở dự tập huấn.",
        body="<p>Sáng nay, Liên đoàn Lao động tỉnh tổ chức hội nghị tập huấn.</p>",
    )
    content_submit(item=content, actor=officers.a_propaganda)
    inquiry, _receipt = inquiry_submit_web(
        question="Công ty trả lương làm thêm giờ ngày chủ nhật chỉ bằng ngày thường có đúng không?",
        workplace="Công ty TNHH May Ánh Dương",
        anonymous=True,
    )
    return World(tree, officers, grassroots, sent_cascade, content, inquiry)
