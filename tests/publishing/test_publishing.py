"""Publishing jobs against local servers that speak the Graph API and Zalo OA (and SMTP):
idempotent posting (a worker killed after the platform accepted the post must not post
twice), error codes, backoff and the 24-hour give-up, scheduling windows, manual records with
proof, the newsletter with double opt-in, and the post counts."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.connectors.models import AccountStatus, ConnectorAccount
from lantoa.content import services as content
from lantoa.content.models import ContentStatus
from lantoa.notifications.models import Notification
from lantoa.publicsite import cache as site_cache
from lantoa.publishing import runner, selectors, services
from lantoa.publishing.fakes import RATE_LIMITED, graph_error, zalo_error
from lantoa.publishing.models import (
    Delivery,
    DeliveryStatus,
    Method,
    Publication,
    PublicationStatus,
    Subscriber,
)
from tests.conftest import Officers, Tree
from tests.fixtures.connectors.mailservers import FakeSmtp
from tests.fixtures.publishing import (
    FB_PAGE,
    FB_TOKEN,
    PUBLIC_URL,
    approved_item,
    board_channel,
    facebook_channel,
    fake_fixture,  # noqa: F401  (fixture "fake")
    image,
    media_root_fixture,  # noqa: F401  (autouse fixture)
    png,
    subscriber,
    zalo_channel,
)

S = PublicationStatus


class Killed(BaseException):
    """A worker killed mid-job: nothing after it runs, no except clause catches it."""


def die(*args: Any, **kwargs: Any) -> Any:
    raise Killed


def _item(tree: Tree, officers: Officers, **fields: Any) -> Any:
    return approved_item(tree.pa, officers.a_propaganda, officers.a_leader, **fields)


def _schedule(
    item: Any,
    unit: Any,
    keys: list[str],
    actor: Any,
    at: dt.datetime | None = None,
    **kw: Any,
) -> list[Publication]:
    return services.publication_schedule(
        item=item, unit=unit, keys=keys, at=at, actor=actor, base_url=PUBLIC_URL, **kw
    )


def _run(pub: Publication, now: dt.datetime | None = None) -> str | None:
    return runner.publication_run(pk=pub.pk, now=now)


def _one(fake_: Any, tree: Tree, officers: Officers, **kw: Any) -> Publication:
    """An approved item put on the province's connected Facebook page (and the site), the
    Facebook job created but not run."""
    channel = facebook_channel(tree.pa)
    fake_.page_token(FB_PAGE, FB_TOKEN)
    item = _item(tree, officers, **kw)
    pubs = _schedule(item, tree.pa, ["site", f"c{channel.pk}"], officers.a_propaganda)
    site = next(p for p in pubs if p.method == Method.SITE)
    assert _run(site) == S.PUBLISHED  # the item is on the site; the Facebook job waits
    return next(p for p in pubs if p.method == Method.FACEBOOK)


# ---------------------------------------------------------------------------------------------
# Facebook


def test_publish_now_posts_once_with_the_key_in_the_link(
    fake: Any, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    channel = facebook_channel(tree.pa)
    fake.page_token(FB_PAGE, FB_TOKEN)
    item = _item(tree, officers, tags=["Tháng Công nhân", "ATVSLĐ"])
    with django_capture_on_commit_callbacks(execute=True):
        pubs = _schedule(item, tree.pa, ["site", f"c{channel.pk}"], officers.a_propaganda)
    assert len(pubs) == 2
    fb = Publication.objects.get(method=Method.FACEBOOK)
    site = Publication.objects.get(method=Method.SITE)
    assert fb.status == S.PUBLISHED and site.status == S.PUBLISHED
    (post,) = fake.posts(FB_PAGE)
    assert fb.external_id == post.id
    assert fb.url == f"https://www.facebook.com/{post.id}"
    assert post.published
    assert post.message.startswith("Hội nghị người lao động năm 2026\n\n")
    assert f"utm_content={fb.idempotency_key}" in post.message
    assert post.link == fb.share_url
    assert post.link.startswith(f"{PUBLIC_URL}/tin-tuc/P-A/hoi-nghi-nguoi-lao-dong-nam-2026/?")
    assert "#ThángCôngnhân #ATVSLĐ" in post.message
    assert site.url == f"{PUBLIC_URL}/tin-tuc/P-A/hoi-nghi-nguoi-lao-dong-nam-2026/"
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="publishing.published").count() == 2
    assert AuditEvent.objects.filter(action="publishing.schedule").count() == 1


def test_item_with_a_photo_becomes_a_photo_post(fake: Any, tree: Tree, officers: Officers) -> None:
    photo = image(tree.pa, officers.a_propaganda)
    pub = _one(fake, tree, officers, media=[photo])
    assert _run(pub) == S.PUBLISHED
    (post,) = fake.posts(FB_PAGE)
    assert post.photo_url == f"{PUBLIC_URL}/anh-tin/{photo.pk}/"
    assert fake.calls("/graph/") == [("POST", f"/graph/{FB_PAGE}/photos")]
    pub.refresh_from_db()
    assert pub.external_id == post.id


def test_scheduled_facebook_post_uses_scheduled_publish_time(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    channel = facebook_channel(tree.pa)
    fake.page_token(FB_PAGE, FB_TOKEN)
    item = _item(tree, officers)
    at = (timezone.now() + dt.timedelta(hours=3)).replace(microsecond=0)
    (pub,) = _schedule(item, tree.pa, [f"c{channel.pk}"], officers.a_propaganda, at=at)
    item.refresh_from_db()
    assert item.status == ContentStatus.SCHEDULED and item.scheduled_at == at
    assert pub.next_attempt_at is not None and pub.next_attempt_at <= timezone.now()
    assert _run(pub) == S.PUBLISHED
    (post,) = fake.posts(FB_PAGE)
    assert not post.published and post.scheduled_for == at
    pub.refresh_from_db()
    assert pub.published_at == at and pub.scheduled_on_platform


def test_the_sweep_publishes_a_scheduled_item_at_its_time(
    fake: Any, tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One clock: the item becomes published when its publications' time comes, whatever
    the channels (here a Facebook post the platform holds), by publishing's sweep."""
    from lantoa.publishing import tasks

    channel = facebook_channel(tree.pa)
    item = _item(tree, officers)
    at = timezone.now() + dt.timedelta(hours=3)
    (pub,) = _schedule(item, tree.pa, [f"c{channel.pk}"], officers.a_propaganda, at=at)
    assert services.publication_items_due(now=at - dt.timedelta(minutes=1)) == 0
    item.refresh_from_db()
    assert item.status == ContentStatus.SCHEDULED
    # A cancelled publication's time publishes nothing.
    Publication.objects.filter(pk=pub.pk).update(status=S.CANCELLED)
    assert services.publication_items_due(now=at) == 0
    Publication.objects.filter(pk=pub.pk).update(
        status=S.PUBLISHED, scheduled_at=timezone.now() - dt.timedelta(minutes=1)
    )
    monkeypatch.setattr(tasks, "enqueue_run", lambda pk: None)
    tasks.sweep()
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED and item.published_at is not None


@pytest.mark.parametrize(
    ("ahead", "words"),
    [
        (dt.timedelta(minutes=9), "từ 10 phút sau trở đi"),
        (dt.timedelta(days=31), "trong vòng 30 ngày tới"),
    ],
)
def test_facebook_schedule_window_is_checked_in_vietnamese(
    fake: Any, tree: Tree, officers: Officers, ahead: dt.timedelta, words: str
) -> None:
    channel = facebook_channel(tree.pa)
    item = _item(tree, officers)
    at = timezone.now() + ahead
    with pytest.raises(ValidationError) as info:
        _schedule(item, tree.pa, ["site", f"c{channel.pk}"], officers.a_propaganda, at=at)
    (message,) = info.value.message_dict["at"]
    assert message.startswith("Trang Facebook (fanpage): Fanpage Công đoàn An Giang: Facebook")
    assert words in message
    assert timezone.localtime(at).strftime("%H:%M %d/%m/%Y") in message
    assert Publication.objects.count() == 0
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED  # nothing half-written
    assert fake.posts() == []


def test_expired_token_190_is_permanent_and_shown_with_graphs_words(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _one(fake, tree, officers)
    fake.page_token(FB_PAGE, "another-token")  # the stored one no longer works
    assert _run(pub) == S.FAILED
    pub.refresh_from_db()
    assert pub.permanent_error and pub.next_attempt_at is None
    assert "Mã truy cập trang Facebook đã hết hạn" in pub.last_error
    assert "Session has expired" in pub.last_error
    assert "(mã lỗi 190)" in pub.last_error
    account = ConnectorAccount.objects.get(external_id=FB_PAGE)
    assert account.status == AccountStatus.ERROR
    assert fake.posts() == []
    (notice,) = Notification.objects.filter(kind="publishing.failed")
    assert notice.user == officers.a_propaganda
    assert notice.url == f"/dang-tai/noi-dung/{pub.item_id}/"
    # A second run does nothing: the job is closed.
    assert _run(pub) is None


@pytest.mark.parametrize(
    ("code", "words"),
    [(10, "thiếu quyền đăng bài"), (200, "thiếu quyền đăng bài"), (100, "từ chối bài đăng")],
)
def test_permission_and_invalid_errors_are_permanent(
    fake: Any, tree: Tree, officers: Officers, code: int, words: str
) -> None:
    pub = _one(fake, tree, officers)
    fake.fail("fb.feed", 403 if code != 100 else 400, graph_error(code, "(#x) Graph says no"))
    assert _run(pub) == S.FAILED
    pub.refresh_from_db()
    assert pub.permanent_error and words in pub.last_error and "Graph says no" in pub.last_error
    assert fake.posts() == []


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, RATE_LIMITED),
        (400, graph_error(4, "Application request limit reached")),
        (400, graph_error(17, "User request limit reached")),
        (429, {"error": {"message": "Too many", "code": 0}}),
        (503, b"upstream down"),
    ],
)
def test_temporary_errors_are_retried_with_backoff(
    fake: Any, tree: Tree, officers: Officers, status: int, body: Any
) -> None:
    pub = _one(fake, tree, officers)
    fake.fail("fb.feed", status, body)
    now = timezone.now()
    assert _run(pub, now) == S.PENDING
    pub.refresh_from_db()
    assert pub.attempts == 1 and not pub.permanent_error
    assert pub.next_attempt_at == now + dt.timedelta(minutes=1)
    assert pub.last_error
    # Not due yet: nothing happens.
    assert _run(pub, now + dt.timedelta(seconds=30)) is None
    # The lookup before the second post finds nothing (the failed POST made no post).
    assert _run(pub, now + dt.timedelta(minutes=1)) == S.PUBLISHED
    assert len(fake.posts()) == 1
    pub.refresh_from_db()
    assert pub.attempts == 2 and pub.last_error == ""


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [runner.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
    ]


def test_gives_up_after_24_hours_of_temporary_errors(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _one(fake, tree, officers)
    fake.fail("fb.feed", 400, RATE_LIMITED, times=1000)
    now = timezone.now()
    runs = 0
    while _run(pub, now) == S.PENDING:
        runs += 1
        pub.refresh_from_db()
        assert pub.next_attempt_at is not None
        now = pub.next_attempt_at
        assert runs < 60
    pub.refresh_from_db()
    assert pub.status == S.FAILED and not pub.permanent_error
    assert pub.attempts == runs + 1
    assert pub.first_attempt_at is not None and now - pub.first_attempt_at >= dt.timedelta(hours=24)
    assert pub.last_error.startswith("Đã thử lại trong 24 giờ")
    assert "Page request limit reached" in pub.last_error
    assert fake.posts() == []
    # 1+2+4+8+16+32 minutes, then hourly: about 30 tries in 24 hours.
    assert 25 <= runs <= 32


def test_worker_killed_after_facebook_accepted_the_post_adopts_it(
    fake: Any, tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The platform took the post, then the worker died before storing the id. The sweep
    hands the job back after the lease; the next run finds the post by its key and adopts
    it: exactly one post on the page."""
    pub = _one(fake, tree, officers)
    real_succeed = runner._succeed
    monkeypatch.setattr(runner, "_succeed", die)
    now = timezone.now()
    with pytest.raises(Killed):
        _run(pub, now)
    assert len(fake.posts()) == 1
    pub.refresh_from_db()
    assert pub.status == S.PUBLISHING and pub.external_id == ""
    assert pub.posting_started_at == now
    monkeypatch.setattr(runner, "_succeed", real_succeed)

    # Still within the lease: the job is left alone.
    assert runner.publications_sweep(now=now + dt.timedelta(minutes=5)) == []
    later = now + runner.LEASE + dt.timedelta(minutes=1)
    assert runner.publications_sweep(now=later) == [pub.pk]
    assert _run(pub, later) == S.PUBLISHED
    (post,) = fake.posts()
    pub.refresh_from_db()
    assert pub.external_id == post.id and pub.attempts == 2
    assert fake.calls(f"/graph/{FB_PAGE}/feed").count(("GET", f"/graph/{FB_PAGE}/feed")) == 1
    event = AuditEvent.objects.get(action="publishing.published", data__publication=pub.pk)
    assert event.data["adopted"] is True


def test_publication_whose_worker_keeps_dying_is_failed_with_the_reason(
    fake: Any, tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every run's worker dies right before the platform call: the sweep hands the job back
    after each lease, and after the kind's limit fails it with the reason (audited, the
    officer notified) instead of retaking it forever. Nothing was ever posted."""
    from lantoa.connectors.facebook import publish as fb
    from lantoa.core import jobs as durable

    pub = _one(fake, tree, officers)
    monkeypatch.setattr(fb, "publish_post", die)
    now = timezone.now()
    limit = runner.PUBLICATIONS.max_crashes
    for crash in range(1, limit + 1):
        with pytest.raises(Killed):
            _run(pub, now)
        assert runner.publications_sweep(now=now + dt.timedelta(minutes=5)) == []
        now += runner.LEASE + dt.timedelta(seconds=1)
        due = runner.publications_sweep(now=now)
        pub.refresh_from_db()
        assert pub.crashes == crash and pub.attempts == crash
        if crash < limit:
            assert due == [pub.pk] and pub.status == S.PENDING
    assert limit == 3 and due == [] and pub.status == S.FAILED and not pub.permanent_error
    assert pub.last_error.startswith(durable.crash_reason(3)) and pub.next_attempt_at is None
    assert fake.posts() == []
    assert AuditEvent.objects.filter(action="publishing.failed", data__publication=pub.pk).exists()
    assert _run(pub, now + dt.timedelta(hours=1)) is None  # never taken again


def test_worker_killed_before_posting_posts_once_after_the_lookup(
    fake: Any, tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lantoa.connectors.facebook import publish as fb

    pub = _one(fake, tree, officers)
    monkeypatch.setattr(fb, "publish_post", die)
    now = timezone.now()
    with pytest.raises(Killed):
        _run(pub, now)
    monkeypatch.undo()
    assert fake.posts() == []
    later = now + runner.LEASE + dt.timedelta(seconds=1)
    runner.publications_sweep(now=later)
    assert _run(pub, later) == S.PUBLISHED
    assert len(fake.posts()) == 1
    assert (
        AuditEvent.objects.get(action="publishing.published", data__publication=pub.pk).data[
            "adopted"
        ]
        is False
    )


def test_adoption_by_identical_text_when_the_post_carries_no_link(
    fake: Any, tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the site there is no link (and no key) in the post: the recovery matches
    the exact text of a post created after the mark."""
    channel = facebook_channel(tree.pa)
    fake.page_token(FB_PAGE, FB_TOKEN)
    item = _item(tree, officers)
    (pub,) = _schedule(item, tree.pa, [f"c{channel.pk}"], officers.a_propaganda)
    assert pub.share_url == ""
    monkeypatch.setattr(runner, "_succeed", die)
    now = timezone.now()
    with pytest.raises(Killed):
        _run(pub, now)
    monkeypatch.undo()
    later = now + runner.LEASE + dt.timedelta(seconds=1)
    runner.publications_sweep(now=later)
    assert _run(pub, later) == S.PUBLISHED
    assert len(fake.posts()) == 1


def test_two_workers_never_run_the_same_job(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = _one(fake, tree, officers)
    now = timezone.now()
    assert runner.claim(pub.pk, now) is True
    assert runner.claim(pub.pk, now) is False
    assert _run(pub, now) is None
    assert fake.posts() == []


def test_item_unscheduled_after_choosing_channels_is_not_posted(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    zalo = zalo_channel(tree.pa)
    fake.zalo_tokens(access="zalo-access-1", refresh="zalo-refresh-1")
    item = _item(tree, officers)
    at = timezone.now() + dt.timedelta(hours=1)
    (pub,) = _schedule(item, tree.pa, [f"c{zalo.pk}"], officers.a_propaganda, at=at)
    assert pub.next_attempt_at == at
    content.content_unschedule(item=item, actor=officers.a_propaganda)
    assert runner.publications_sweep(now=at) == [pub.pk]
    assert _run(pub, at) == S.FAILED
    pub.refresh_from_db()
    assert pub.permanent_error and "đã bị huỷ hẹn giờ hoặc sửa lại" in pub.last_error
    assert fake.articles() == []


# ---------------------------------------------------------------------------------------------
# Zalo OA


def _zalo_pub(fake_: Any, tree: Tree, officers: Officers, **kw: Any) -> Publication:
    channel = zalo_channel(tree.pa)
    fake_.zalo_tokens(access="zalo-access-1", refresh="zalo-refresh-1")
    item = _item(tree, officers)
    pubs = _schedule(item, tree.pa, ["site", f"c{channel.pk}"], officers.a_propaganda, **kw)
    site = next(p for p in pubs if p.method == Method.SITE)
    assert _run(site) == S.PUBLISHED
    return next(p for p in pubs if p.method == Method.ZALO_OA)


def test_zalo_article_is_created_verified_and_broadcast(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _zalo_pub(fake, tree, officers, broadcast=True)
    assert _run(pub) == S.PUBLISHED
    (article,) = fake.articles()
    pub.refresh_from_db()
    assert pub.external_id == article.id
    assert pub.url == f"https://zalo.me/article/{article.id}"
    assert pub.remote_token == ""
    payload = article.payload
    assert payload["title"] == "Hội nghị người lao động năm 2026"
    assert payload["cover"]["photo_url"] == f"{PUBLIC_URL}/static/publicsite/cover.png"
    assert payload["author"] == "LĐLĐ An Giang"
    assert any(pub.idempotency_key in p["content"] for p in payload["body"])
    (broadcast,) = fake.broadcasts()
    elements = broadcast["body"]["message"]["attachment"]["payload"]["elements"]
    assert elements == [{"media_type": "article", "attachment_id": article.id}]


def test_zalo_article_still_processing_is_verified_later_not_created_again(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _zalo_pub(fake, tree, officers)
    fake.verify_delay = 2
    now = timezone.now()
    assert _run(pub, now) == S.PENDING
    pub.refresh_from_db()
    assert pub.remote_token.startswith("tok-article-")
    assert "Zalo đang xử lý bài viết" in pub.last_error
    assert _run(pub, pub.next_attempt_at) == S.PENDING
    pub.refresh_from_db()
    assert _run(pub, pub.next_attempt_at) == S.PUBLISHED
    assert len(fake.articles()) == 1
    assert len(fake.calls("/zalo/v2.0/article/create")) == 1
    assert len(fake.calls("/zalo/v2.0/article/verify")) == 3


def test_zalo_expired_access_token_is_refreshed_once(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _zalo_pub(fake, tree, officers)
    fake.expire_zalo_access("zalo-access-1")  # -216 on the next call
    assert _run(pub) == S.PUBLISHED
    account = ConnectorAccount.objects.get(platform="zalo_oa")
    assert account.refresh_token.startswith("fake-zalo-refresh-")  # single use: replaced
    assert account.access_token.startswith("fake-zalo-access-")
    assert len(fake.calls("/zalo-oauth/")) == 1
    assert len(fake.articles()) == 1


def test_zalo_reused_refresh_token_is_permanent(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = _zalo_pub(fake, tree, officers)
    fake.expire_zalo_access("zalo-access-1")
    fake.state.zalo_refresh.clear()  # the refresh token was already used elsewhere
    assert _run(pub) == S.FAILED
    pub.refresh_from_db()
    assert pub.permanent_error
    assert "cần kết nối lại Zalo OA" in pub.last_error
    assert "(mã lỗi -14020)" in pub.last_error
    assert ConnectorAccount.objects.get(platform="zalo_oa").status == AccountStatus.ERROR
    assert fake.articles() == []


def test_zalo_rate_limit_is_temporary(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = _zalo_pub(fake, tree, officers)
    fake.fail("zalo.create", 200, zalo_error(-32, "Request limit exceeded"))
    assert _run(pub) == S.PENDING
    pub.refresh_from_db()
    assert "Request limit exceeded" in pub.last_error and not pub.permanent_error


def test_zalo_worker_killed_after_create_adopts_the_article(
    fake: Any, tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lantoa.connectors.zalo import publish as zp

    pub = _zalo_pub(fake, tree, officers)
    real_create = zp.create_article

    def create_then_die(*args: Any, **kwargs: Any) -> str:
        real_create(*args, **kwargs)
        raise Killed  # Zalo made the article; its token was never stored

    monkeypatch.setattr(zp, "create_article", create_then_die)
    now = timezone.now()
    with pytest.raises(Killed):
        _run(pub, now)
    monkeypatch.undo()
    pub.refresh_from_db()
    assert pub.remote_token == "" and pub.posting_started_at == now
    later = now + runner.LEASE + dt.timedelta(seconds=1)
    runner.publications_sweep(now=later)
    assert _run(pub, later) == S.PUBLISHED
    (article,) = fake.articles()
    pub.refresh_from_db()
    assert pub.external_id == article.id
    assert len(fake.calls("/zalo/v2.0/article/create")) == 1


# ---------------------------------------------------------------------------------------------
# The built-in site, manual channels


def test_site_publication_waits_for_its_time_and_clears_the_site_cache(
    tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    item = _item(tree, officers)
    at = timezone.now() + dt.timedelta(hours=2)
    (pub,) = _schedule(item, tree.pa, ["site"], officers.a_propaganda, at=at)
    assert runner.publications_sweep(now=timezone.now()) == []
    before = site_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(pub, at) == S.PUBLISHED
    assert site_cache.generation() == before + 1
    pub.refresh_from_db()
    assert pub.published_at == at
    assert pub.url == "http://127.0.0.1:8000/tin-tuc/P-A/hoi-nghi-nguoi-lao-dong-nam-2026/"


def test_manual_channel_is_recorded_with_a_link_or_photo(tree: Tree, officers: Officers) -> None:
    board = board_channel(tree.a_g1)
    item = _item(tree, officers)
    content.content_publish(item=item, actor=officers.a_propaganda)
    viewer_unit_officer = officers.a_communicator  # A-KCN communicator covers A-G1
    (pub,) = _schedule(item, tree.a_g1, [f"c{board.pk}"], viewer_unit_officer)
    assert pub.method == Method.MANUAL and pub.status == S.PENDING
    assert pub.next_attempt_at is None
    assert runner.publications_sweep() == []

    with pytest.raises(ValidationError) as info:
        services.publication_record(publication=pub, actor=viewer_unit_officer)
    assert "Cần đường dẫn bài đã đăng hoặc ảnh chụp" in info.value.message_dict["proof_url"][0]
    with pytest.raises(ValidationError) as info:
        services.publication_record(
            publication=pub, actor=viewer_unit_officer, proof_url="https://www.facebook.com/"
        )
    assert "chỉ là trang chủ Facebook" in info.value.message_dict["proof_url"][0]
    with pytest.raises(ValidationError) as info:
        services.publication_record(
            publication=pub,
            actor=viewer_unit_officer,
            proof_photo=(io.BytesIO(b"%PDF-1.4 not a photo"), "bang-tin.pdf"),
        )
    assert "“bang-tin.pdf”" in info.value.message_dict["proof_photo"][0]
    with pytest.raises(ValidationError) as info:
        services.publication_record(
            publication=pub,
            actor=viewer_unit_officer,
            proof_url="https://zalo.me/g/abc123",
            posted_at=timezone.now() + dt.timedelta(days=1),
        )
    assert "chưa tới" in info.value.message_dict["posted_at"][0]
    pub.refresh_from_db()
    assert pub.status == S.PENDING

    posted = timezone.now() - dt.timedelta(hours=2)
    services.publication_record(
        publication=pub,
        actor=viewer_unit_officer,
        proof_photo=(io.BytesIO(png()), "bang-tin.png"),
        posted_at=posted,
        note="Dán tại bảng tin nhà ăn ca",
    )
    pub.refresh_from_db()
    assert pub.status == S.RECORDED and pub.published_at == posted
    assert pub.recorded_by == viewer_unit_officer
    assert pub.proof_photo.name and pub.proof_thumbnail.name
    assert AuditEvent.objects.filter(action="publishing.record").count() == 1
    with pytest.raises(ValidationError):
        services.publication_record(
            publication=pub, actor=viewer_unit_officer, proof_url="https://zalo.me/g/abc"
        )


def test_failed_automatic_post_can_be_recorded_by_hand(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _one(fake, tree, officers)
    fake.page_token(FB_PAGE, "rotated")
    assert _run(pub) == S.FAILED
    pub.refresh_from_db()
    services.publication_record(
        publication=pub,
        actor=officers.a_propaganda,
        proof_url="https://www.facebook.com/congdoan.angiang/posts/123",
    )
    pub.refresh_from_db()
    assert pub.status == S.RECORDED and pub.url.endswith("/posts/123")


def test_republishing_needs_a_published_item_from_above(tree: Tree, officers: Officers) -> None:
    item = _item(tree, officers)
    with pytest.raises(ValidationError, match="Chỉ đăng lại được nội dung"):
        _schedule(item, tree.a_g1, ["site"], officers.a_communicator)
    with pytest.raises(ValidationError, match="không nhận được nội dung"):
        _schedule(item, tree.pb, ["site"], officers.national_admin)
    other = approved_item(tree.a_g1, officers.a_communicator, officers.a_leader, title="Tin cơ sở")
    with pytest.raises(ValidationError, match="không nhận được nội dung"):
        _schedule(other, tree.pa, ["site"], officers.a_propaganda)


def test_a_channel_is_not_chosen_twice(tree: Tree, officers: Officers) -> None:
    item = _item(tree, officers)
    _schedule(item, tree.pa, ["site"], officers.a_propaganda)
    with pytest.raises(ValidationError) as info:
        _schedule(item, tree.pa, ["site"], officers.a_propaganda)
    assert "đã có lượt đăng" in info.value.message_dict["channels"][0]
    assert Publication.objects.count() == 1


def test_retry_and_cancel(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = _one(fake, tree, officers)
    fake.page_token(FB_PAGE, "rotated")
    assert _run(pub) == S.FAILED
    with pytest.raises(ValidationError):
        services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    fake.page_token(FB_PAGE, FB_TOKEN)
    ConnectorAccount.objects.update(status=AccountStatus.ACTIVE)  # reconnected
    services.publication_retry(publication=pub, actor=officers.a_propaganda)
    pub.refresh_from_db()
    assert pub.status == S.PENDING and not pub.permanent_error and pub.first_attempt_at is None
    assert _run(pub) == S.PUBLISHED
    assert len(fake.posts()) == 1
    with pytest.raises(ValidationError, match="Chỉ thử lại được"):
        services.publication_retry(publication=pub, actor=officers.a_propaganda)


# ---------------------------------------------------------------------------------------------
# Cancelling a post scheduled on Facebook (DELETE /{post-id})


def _scheduled_on_facebook(fake_: Any, tree: Tree, officers: Officers) -> Publication:
    """An item scheduled for tomorrow on the province's page, handed to Facebook."""
    channel = facebook_channel(tree.pa)
    fake_.page_token(FB_PAGE, FB_TOKEN)
    item = _item(tree, officers)
    at = (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    (pub,) = _schedule(item, tree.pa, [f"c{channel.pk}"], officers.a_propaganda, at=at)
    assert _run(pub) == S.PUBLISHED
    (post,) = fake_.posts(FB_PAGE)
    assert not post.published and post.scheduled_for == at
    pub.refresh_from_db()
    assert pub.scheduled_on_platform and pub.external_id == post.id
    return pub


def test_cancel_a_post_scheduled_on_facebook_deletes_it_there(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _scheduled_on_facebook(fake, tree, officers)
    post_id = pub.external_id
    at = pub.published_at
    services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    assert fake.posts() == []
    assert ("DELETE", f"/graph/{post_id}") in fake.calls("/graph/")
    pub.refresh_from_db()
    assert pub.status == S.CANCELLED and pub.external_id == post_id
    assert pub.published_at is None and not pub.scheduled_on_platform
    (event,) = AuditEvent.objects.filter(action="publishing.cancel")
    assert event.actor == officers.a_propaganda
    assert event.data["removed_from"] == "facebook" and event.data["external_id"] == post_id
    assert event.data["deleted"] is True and event.data["scheduled_for"] == at.isoformat()
    window = (timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=2))
    assert sum(selectors.posts_by_kind(tree.pa, *window).values()) == 0
    # Once is enough; a retry schedules a new post on Facebook (the old one is gone).
    with pytest.raises(ValidationError, match="đã được huỷ"):
        services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    services.publication_retry(publication=pub, actor=officers.a_propaganda)
    assert _run(pub) == S.PUBLISHED
    (again,) = fake.posts(FB_PAGE)
    assert not again.published and again.id != post_id


def test_cancel_with_an_expired_token_leaves_the_post_and_the_publication(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _scheduled_on_facebook(fake, tree, officers)
    before = Publication.objects.values().get(pk=pub.pk)
    fake.page_token(FB_PAGE, "rotated")  # the stored token no longer works: 190
    with pytest.raises(ValidationError) as info:
        services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    (message,) = info.value.messages
    assert "Không gỡ được bài hẹn giờ khỏi trang Facebook" in message
    assert "Mã truy cập trang Facebook đã hết hạn" in message
    assert "Session has expired" in message and "(mã lỗi 190)" in message
    after = Publication.objects.values().get(pk=pub.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert len(fake.posts(FB_PAGE)) == 1
    assert not AuditEvent.objects.filter(action="publishing.cancel").exists()
    assert ConnectorAccount.objects.get().status == AccountStatus.ERROR
    # Reconnected: the cancel goes through.
    fake.page_token(FB_PAGE, FB_TOKEN)
    ConnectorAccount.objects.update(status=AccountStatus.ACTIVE)
    services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    assert fake.posts() == []


def test_a_live_facebook_post_is_not_cancelled(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = _one(fake, tree, officers)
    assert _run(pub) == S.PUBLISHED
    with pytest.raises(ValidationError, match="không huỷ được"):
        services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    pub.refresh_from_db()
    assert pub.status == S.PUBLISHED
    assert len(fake.posts()) == 1
    assert [c for c in fake.calls("/graph/") if c[0] == "DELETE"] == []


def test_two_officers_cancelling_at_once_make_one_delete(
    fake: Any, tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lantoa.connectors.facebook import publish as fb

    pub = _scheduled_on_facebook(fake, tree, officers)
    real = fb.delete_post
    seen: list[str] = []

    def meanwhile(account: Any, post_id: str) -> bool:
        # The second click arrives while the first one is talking to Facebook.
        with pytest.raises(ValidationError) as info:
            services.publication_cancel(
                publication=Publication.objects.get(pk=pub.pk), actor=officers.a_admin
            )
        seen.extend(info.value.messages)
        return real(account, post_id)

    monkeypatch.setattr(fb, "delete_post", meanwhile)
    services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    assert seen and "đang được huỷ ở phiên khác" in seen[0]
    assert len([c for c in fake.calls("/graph/") if c[0] == "DELETE"]) == 1
    assert AuditEvent.objects.filter(action="publishing.cancel").count() == 1
    pub.refresh_from_db()
    assert pub.status == S.CANCELLED


def test_a_cancel_left_by_a_dead_worker_goes_back_to_published(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _scheduled_on_facebook(fake, tree, officers)
    # What a worker killed during the DELETE leaves behind: the claimed row.
    old = timezone.now() - runner.LEASE - dt.timedelta(minutes=1)
    Publication.objects.filter(pk=pub.pk).update(status=S.PUBLISHING, claimed_at=old)
    assert runner.publications_sweep() == []  # never handed to the job (no second post)
    pub.refresh_from_db()
    assert pub.status == S.PUBLISHED and pub.scheduled_on_platform
    services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    assert fake.posts() == []


def test_delete_post_counts_a_post_already_gone_as_deleted(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    from lantoa.connectors.facebook import publish as fb

    facebook_channel(tree.pa)
    fake.page_token(FB_PAGE, FB_TOKEN)
    account = ConnectorAccount.objects.get()
    post = fb.publish_post(account, message="Thông báo")
    assert fb.delete_post(account, post.id) is True
    assert fake.posts() == []
    # Deleted on the page by hand (Graph: 100/33 "does not exist"): already done.
    assert fb.delete_post(account, post.id) is False
    fake.fail("fb.delete", 400, graph_error(100, "Object with ID 'x' does not exist"))
    assert fb.delete_post(account, "104857392837465_1") is False
    # Other refusals are errors, worded for deleting.
    fake.fail("fb.delete", 403, graph_error(200, "(#200) Permissions error"))
    with pytest.raises(PermanentError, match="thiếu quyền gỡ bài") as info:
        fb.delete_post(account, post.id)
    assert info.value.code == 200
    fake.fail("fb.delete", 200, {"success": False})
    with pytest.raises(TemporaryError):
        fb.delete_post(account, post.id)


# ---------------------------------------------------------------------------------------------
# Newsletter


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp().start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        DEFAULT_FROM_EMAIL="Công đoàn An Giang <bantin@congdoan.example.vn>",
        LANTOA_PUBLIC_URL=PUBLIC_URL,
    ):
        yield server
    server.stop()


def test_double_opt_in_then_one_click_unsubscribe(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ban-tin/dang-ky/P-A/", {"email": "Lan.Nguyen@Example.COM", "website": ""}
        )
    assert response.status_code == 302
    sub = Subscriber.objects.get()
    assert sub.email == "lan.nguyen@example.com" and sub.confirmed_at is None
    (confirm,) = mail.outbox
    assert confirm.to == ["lan.nguyen@example.com"]
    assert f"/ban-tin/xac-nhan/{sub.token}/" in confirm.body
    # Asking again within 10 minutes sends no second mail, and says the same.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/ban-tin/dang-ky/P-A/", {"email": "LAN.NGUYEN@example.com"})
    assert again.status_code == 302 and len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1
    # Opening the link does not confirm (mail scanners open links); the button does.
    assert client.get(f"/ban-tin/xac-nhan/{sub.token}/").status_code == 200
    sub.refresh_from_db()
    assert sub.confirmed_at is None
    assert client.post(f"/ban-tin/xac-nhan/{sub.token}/").status_code == 200
    sub.refresh_from_db()
    assert sub.active
    assert client.post("/ban-tin/xac-nhan/khong-co/").status_code == 404
    # RFC 8058 one-click, without a CSRF cookie.
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/ban-tin/huy/{sub.token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.unsubscribed_at is not None and not sub.active


def test_subscribe_refuses_bad_addresses_in_vietnamese(client: Client, tree: Tree) -> None:
    response = client.post("/ban-tin/dang-ky/P-A/", {"email": "khong-phai-email"})
    assert response.status_code == 400
    assert "“khong-phai-email” không phải địa chỉ thư điện tử hợp lệ" in response.content.decode()
    assert Subscriber.objects.count() == 0
    assert client.get("/ban-tin/dang-ky/KHONG-CO/").status_code == 404


def test_newsletter_goes_to_confirmed_subscribers_once(
    tree: Tree, officers: Officers, smtp: FakeSmtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscriber(tree.pa, "a@example.com")
    subscriber(tree.pa, "b@example.com")
    subscriber(tree.pa, "c@example.com", confirmed=False)
    gone = subscriber(tree.pa, "d@example.com")
    gone.unsubscribed_at = timezone.now()
    gone.save()
    subscriber(tree.pb, "e@example.com")  # another unit's reader
    item = _item(tree, officers)
    (pub,) = _schedule(item, tree.pa, ["newsletter"], officers.a_propaganda)

    # The server refuses for a while after the first mail: it goes out once, b waits.
    real = runner._delivery

    def flaky(delivery: Any, status: str, error: str) -> None:
        real(delivery, status, error)
        if status == DeliveryStatus.SENT:
            smtp.rcpt_reply = "451 4.3.0 Try again later"

    monkeypatch.setattr(runner, "_delivery", flaky)
    now = timezone.now()
    assert _run(pub, now) == S.PENDING
    assert [r for _s, r, _d in smtp.messages] == [["a@example.com"]]
    pub.refresh_from_db()
    assert "tạm thời" in pub.last_error
    smtp.rcpt_reply = "250 OK"
    monkeypatch.undo()
    assert _run(pub, pub.next_attempt_at) == S.PUBLISHED
    assert [r for _s, r, _d in smtp.messages] == [["a@example.com"], ["b@example.com"]]
    pub.refresh_from_db()
    assert pub.external_id == "2 thư"
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    received = message_from_bytes(smtp.messages[0][2], policy=policy.default)
    assert str(received["Subject"]).strip() == "[LĐLĐ An Giang] Hội nghị người lao động năm 2026"
    token = Subscriber.objects.get(email="a@example.com").token
    assert received["List-Unsubscribe"] == f"<{PUBLIC_URL}/ban-tin/huy/{token}/>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None and f"/ban-tin/huy/{token}/" in body.get_content()


def test_newsletter_mail_in_flight_at_a_crash_is_not_sent_again(
    tree: Tree, officers: Officers, smtp: FakeSmtp
) -> None:
    a = subscriber(tree.pa, "a@example.com")
    b = subscriber(tree.pa, "b@example.com")
    item = _item(tree, officers)
    (pub,) = _schedule(item, tree.pa, ["newsletter"], officers.a_propaganda)
    # The worker died while handing a's mail to the server (after the rows were made).
    Delivery.objects.create(publication=pub, subscriber=a, status=DeliveryStatus.SENDING)
    Delivery.objects.create(publication=pub, subscriber=b)
    assert _run(pub) == S.PUBLISHED
    assert [r for _s, r, _d in smtp.messages] == [["b@example.com"]]
    assert Delivery.objects.get(subscriber=a).status == DeliveryStatus.UNCERTAIN


def test_newsletter_needs_confirmed_subscribers(tree: Tree, officers: Officers) -> None:
    subscriber(tree.pa, "c@example.com", confirmed=False)
    item = _item(tree, officers)
    with pytest.raises(ValidationError) as info:
        _schedule(item, tree.pa, ["newsletter"], officers.a_propaganda)
    assert "chưa có người nhận nào đã xác nhận" in info.value.message_dict["channels"][0]


def test_smtp_server_down_is_retried(tree: Tree, officers: Officers, smtp: FakeSmtp) -> None:
    subscriber(tree.pa, "a@example.com")
    item = _item(tree, officers)
    (pub,) = _schedule(item, tree.pa, ["newsletter"], officers.a_propaganda)
    smtp.stop()
    assert _run(pub) == S.PENDING
    pub.refresh_from_db()
    assert "Không kết nối được máy chủ thư" in pub.last_error
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


# ---------------------------------------------------------------------------------------------
# Counting posts


def test_posts_by_unit_counts_published_and_recorded_only(tree: Tree, officers: Officers) -> None:
    item = _item(tree, officers)
    content.content_publish(item=item, actor=officers.a_propaganda)
    now = timezone.now()
    day = dt.timedelta(days=1)

    def pub(unit: Any, status: str, kind: str, when: dt.datetime | None, n: int) -> None:
        Publication.objects.create(
            item=item,
            unit=unit,
            method=Method.MANUAL,
            channel_kind=kind,
            channel_name=f"kênh {n}",
            status=status,
            published_at=when,
            idempotency_key=f"k{n}",
            channel=board_channel(unit),
        )

    pub(tree.pa, S.PUBLISHED, "facebook_page", now - day, 1)
    pub(tree.pa, S.RECORDED, "bulletin_board", now - day, 2)
    pub(tree.a_g1, S.RECORDED, "bulletin_board", now - 2 * day, 3)
    pub(tree.a_g1, S.RECORDED, "zalo_group", now - 40 * day, 4)  # outside the period
    pub(tree.a_g2, S.FAILED, "facebook_page", None, 5)
    pub(tree.a_g2, S.PENDING, "loudspeaker", None, 6)
    pub(tree.b_g1, S.RECORDED, "bulletin_board", now - day, 7)
    start, end = now - 30 * day, now

    assert selectors.posts_by_unit(tree.pa, start, end) == {tree.pa.pk: 2, tree.a_g1.pk: 1}
    assert selectors.posts_by_unit(tree.vn, start, end) == {
        tree.pa.pk: 2,
        tree.a_g1.pk: 1,
        tree.b_g1.pk: 1,
    }
    assert selectors.posts_by_unit([tree.a_g1, tree.b_g1.pk], start, end) == {
        tree.a_g1.pk: 1,
        tree.b_g1.pk: 1,
    }
    assert selectors.posts_by_unit(tree.pa, start, end, channel_kinds=["bulletin_board"]) == {
        tree.pa.pk: 1,
        tree.a_g1.pk: 1,
    }
    assert selectors.posts_by_unit(tree.a_g2, start, end) == {}
    by_day = selectors.posts_by_day_and_kind(tree.pa, start, end)
    assert sum(n for _d, _k, n in by_day) == 3
    assert {k for _d, k, _n in by_day} == {"facebook_page", "bulletin_board"}


def test_choosing_a_failed_channel_again_takes_up_the_same_publication(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _one(fake, tree, officers)
    key = pub.idempotency_key
    fake.page_token(FB_PAGE, "rotated")
    assert _run(pub) == S.FAILED
    options = {o.key: o for o in selectors.channel_options(tree.pa, pub.item)}
    assert options[f"c{pub.channel_id}"].taken is None  # offered again
    fake.page_token(FB_PAGE, FB_TOKEN)
    ConnectorAccount.objects.update(status=AccountStatus.ACTIVE)
    (again,) = _schedule(pub.item, tree.pa, [f"c{pub.channel_id}"], officers.a_propaganda)
    assert again.pk == pub.pk and again.idempotency_key == key
    assert Publication.objects.filter(method=Method.FACEBOOK).count() == 1
    assert _run(again) == S.PUBLISHED
    assert len(fake.posts()) == 1


def test_demo_publications_are_made_once(tree: Tree, officers: Officers) -> None:
    from lantoa.accounts.models import Role
    from lantoa.publishing.demo import ensure_demo_publications
    from tests.conftest import make_officer

    writer = make_officer("tuyengiao", tree.pa, Role.PROPAGANDA)
    board = board_channel(tree.a_g1)
    item = approved_item(tree.pa, writer, officers.a_leader)
    content.content_publish(item=item, actor=writer)
    assert ensure_demo_publications() == 3
    assert Publication.objects.get(method=Method.SITE).status == S.PUBLISHED
    failed = Publication.objects.get(method=Method.FACEBOOK)
    assert failed.status == S.FAILED and "(mã lỗi 190)" in failed.last_error
    recorded = Publication.objects.get(channel=board)
    assert recorded.status == S.RECORDED and recorded.proof_photo.name
    assert Subscriber.objects.filter(unit=tree.pa, confirmed_at__isnull=False).count() == 3
    assert ensure_demo_publications() == 0
    assert Publication.objects.count() == 3


def test_demo_publishes_and_schedules_the_demo_items(
    tree: Tree, settings: Any, tmp_path: Any
) -> None:
    """Content's demo leaves its items approved; publishing's publishes two on the public site
    and schedules one, through the site services, so each has its site publication."""
    from lantoa.accounts.demo import ensure_demo_accounts
    from lantoa.campaigns.demo import ensure_demo_campaigns
    from lantoa.content.demo import FOUNDING_ARTICLE, MAY_INFOGRAPHIC, TET_NEWS, ensure_demo_content
    from lantoa.content.models import ContentItem
    from lantoa.publishing.demo import ensure_demo_publications

    settings.MEDIA_ROOT = str(tmp_path)
    ensure_demo_accounts()
    ensure_demo_campaigns()
    ensure_demo_content()
    assert ensure_demo_publications() > 0
    statuses = set(ContentItem.objects.values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "returned", "approved", "scheduled", "published"}
    site = {
        p.item.title: p
        for p in Publication.objects.filter(method=Method.SITE).select_related("item")
    }
    assert set(site) == {TET_NEWS, MAY_INFOGRAPHIC, FOUNDING_ARTICLE}
    for title in (TET_NEWS, MAY_INFOGRAPHIC):
        assert site[title].status == S.PUBLISHED
        assert site[title].item.status == ContentStatus.PUBLISHED
    article = site[FOUNDING_ARTICLE]
    assert article.status == S.PENDING and article.scheduled_at > timezone.now()
    assert article.item.status == ContentStatus.SCHEDULED
    assert article.item.scheduled_at == article.scheduled_at
    # The Tết news, published first, is the one the bulletin boards and the failed post carry.
    failed = Publication.objects.get(status=S.FAILED)
    assert failed.item.title == TET_NEWS
    count = Publication.objects.count()
    assert ensure_demo_publications() == 0 and Publication.objects.count() == count


def test_demo_post_history_feeds_the_posts_targets(tree: Tree) -> None:
    """The demo's year of fanpage posts: the province posts around 4 a day, each upper-level
    union with a page has posts, grassroots unions get none; only the province's own earlier
    items go on the public site; a second run adds nothing."""
    from lantoa.accounts.models import Role
    from lantoa.channels.models import Channel, ChannelKind
    from lantoa.content.models import ContentItem
    from lantoa.core.extensions import OWN
    from lantoa.publishing.demo import ensure_demo_publications
    from lantoa.publishing.metrics import posts_published
    from tests.conftest import make_officer

    make_officer("tuyengiao", tree.pa, Role.PROPAGANDA)
    for unit in (tree.pa, tree.a_kcn):
        Channel.objects.create(
            unit=unit, kind=ChannelKind.FACEBOOK_PAGE, name=unit.name, url="https://fb.com/x"
        )
    ContentItem.objects.create(
        unit=tree.pa,
        kind="news",
        title="Tin sẵn có",
        slug="tin-san-co",
        status=ContentStatus.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=1),
    )
    assert ensure_demo_publications() > 1000
    today = timezone.localdate()
    start = today - dt.timedelta(days=90)
    posts = posts_published([tree.pa.pk, tree.a_kcn.pk, tree.a_g1.pk], start, today)
    assert 3.5 < posts[tree.pa.pk] / 90 < 5.5
    assert posts[tree.a_kcn.pk] > 0 and tree.a_g1.pk not in posts
    assert posts_published([tree.pa.pk], start, today, scope=OWN)[tree.pa.pk] == posts[tree.pa.pk]
    on_site = Publication.objects.filter(method="site")
    assert list(on_site.values_list("item__slug", flat=True)) == ["tin-san-co"]
    count = Publication.objects.count()
    assert ensure_demo_publications() == 0 and Publication.objects.count() == count
