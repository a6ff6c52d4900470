"""Publishing jobs (lantoa.publishing.runner) against a local server that speaks the Graph API:
idempotent posting (a worker killed after the platform accepted the post must not post twice),
error codes, backoff and the 24-hour give-up, scheduling windows, the sweep, the built-in site,
cancelling a post scheduled on Facebook."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from lantoa.audit.models import AuditEvent
from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.connectors.models import AccountStatus, ConnectorAccount
from lantoa.content import services as content
from lantoa.content.models import ContentStatus
from lantoa.core.messages import stored_text
from lantoa.notifications.models import Notification
from lantoa.publicsite import cache as site_cache
from lantoa.publishing import runner, selectors, services
from lantoa.publishing.fakes import RATE_LIMITED, graph_error
from lantoa.publishing.models import Method, Publication
from tests.conftest import Officers, Tree
from tests.fixtures.publishing import (
    FB_PAGE,
    FB_TOKEN,
    PUBLIC_URL,
    facebook_channel,
    fake_fixture,  # noqa: F401  (fixture "fake")
    image,
    media_root_fixture,  # noqa: F401  (autouse fixture)
    zalo_channel,
)
from tests.publishing.support import Killed, S, facebook_job, item_approved, run_job, schedule


def die(*args: Any, **kwargs: Any) -> Any:
    raise Killed


def test_publish_now_posts_once_with_the_key_in_the_link(
    fake: Any, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    channel = facebook_channel(tree.pa)
    fake.page_token(FB_PAGE, FB_TOKEN)
    item = item_approved(tree, officers, tags=["Tháng Công nhân", "ATVSLĐ"])
    with django_capture_on_commit_callbacks(execute=True):
        pubs = schedule(item, tree.pa, ["site", f"c{channel.pk}"], officers.a_propaganda)
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
    pub = facebook_job(fake, tree, officers, media=[photo])
    assert run_job(pub) == S.PUBLISHED
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
    item = item_approved(tree, officers)
    at = (timezone.now() + dt.timedelta(hours=3)).replace(microsecond=0)
    (pub,) = schedule(item, tree.pa, [f"c{channel.pk}"], officers.a_propaganda, at=at)
    item.refresh_from_db()
    assert item.status == ContentStatus.SCHEDULED and item.scheduled_at == at
    assert pub.next_attempt_at is not None and pub.next_attempt_at <= timezone.now()
    assert run_job(pub) == S.PUBLISHED
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
    item = item_approved(tree, officers)
    at = timezone.now() + dt.timedelta(hours=3)
    (pub,) = schedule(item, tree.pa, [f"c{channel.pk}"], officers.a_propaganda, at=at)
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
    item = item_approved(tree, officers)
    at = timezone.now() + ahead
    with pytest.raises(ValidationError) as info:
        schedule(item, tree.pa, ["site", f"c{channel.pk}"], officers.a_propaganda, at=at)
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
    pub = facebook_job(fake, tree, officers)
    fake.page_token(FB_PAGE, "another-token")  # the stored one no longer works
    assert run_job(pub) == S.FAILED
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
    assert notice.url == reverse("publishing:item", args=[pub.item_id])
    assert notice.body == pub.last_error
    # Each reader sees the error in their language, with Graph's words as Graph wrote them:
    # on the publication, the connection and the notice.
    said = "Error validating access token: Session has expired."
    assert stored_text(pub.last_error_text, pub.last_error) == pub.last_error
    english = (
        "The Facebook page's access token has expired or was revoked; an officer must "
        f"reconnect the page. Facebook says: {said} (error code 190)"
    )
    with translation.override("en"):
        assert stored_text(pub.last_error_text, pub.last_error) == english
        assert stored_text(account.last_error_text, account.last_error) == english
        assert notice.shown_body == english
        assert notice.shown_title.startswith("Could not publish on Facebook page (fanpage): ")
    # A second run does nothing: the job is closed.
    assert run_job(pub) is None


@pytest.mark.parametrize(
    ("code", "words"),
    [(10, "thiếu quyền đăng bài"), (200, "thiếu quyền đăng bài"), (100, "từ chối bài đăng")],
)
def test_permission_and_invalid_errors_are_permanent(
    fake: Any, tree: Tree, officers: Officers, code: int, words: str
) -> None:
    pub = facebook_job(fake, tree, officers)
    fake.fail("fb.feed", 403 if code != 100 else 400, graph_error(code, "(#x) Graph says no"))
    assert run_job(pub) == S.FAILED
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
    pub = facebook_job(fake, tree, officers)
    fake.fail("fb.feed", status, body)
    now = timezone.now()
    assert run_job(pub, now) == S.PENDING
    pub.refresh_from_db()
    assert pub.attempts == 1 and not pub.permanent_error
    assert pub.next_attempt_at == now + dt.timedelta(minutes=1)
    assert pub.last_error
    # Not due yet: nothing happens.
    assert run_job(pub, now + dt.timedelta(seconds=30)) is None
    # The lookup before the second post finds nothing (the failed POST made no post).
    assert run_job(pub, now + dt.timedelta(minutes=1)) == S.PUBLISHED
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
    pub = facebook_job(fake, tree, officers)
    fake.fail("fb.feed", 400, RATE_LIMITED, times=1000)
    now = timezone.now()
    runs = 0
    while run_job(pub, now) == S.PENDING:
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
    pub = facebook_job(fake, tree, officers)
    real_succeed = runner._succeed
    monkeypatch.setattr(runner, "_succeed", die)
    now = timezone.now()
    with pytest.raises(Killed):
        run_job(pub, now)
    assert len(fake.posts()) == 1
    pub.refresh_from_db()
    assert pub.status == S.PUBLISHING and pub.external_id == ""
    assert pub.posting_started_at == now
    monkeypatch.setattr(runner, "_succeed", real_succeed)

    # Still within the lease: the job is left alone.
    assert runner.publications_sweep(now=now + dt.timedelta(minutes=5)) == []
    later = now + runner.LEASE + dt.timedelta(minutes=1)
    assert runner.publications_sweep(now=later) == [pub.pk]
    assert run_job(pub, later) == S.PUBLISHED
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
    from lantoa.core.messages import text_in_site_language

    pub = facebook_job(fake, tree, officers)
    monkeypatch.setattr(fb, "publish_post", die)
    now = timezone.now()
    limit = runner.PUBLICATIONS.max_crashes
    for crash in range(1, limit + 1):
        with pytest.raises(Killed):
            run_job(pub, now)
        assert runner.publications_sweep(now=now + dt.timedelta(minutes=5)) == []
        now += runner.LEASE + dt.timedelta(seconds=1)
        due = runner.publications_sweep(now=now)
        pub.refresh_from_db()
        assert pub.crashes == crash and pub.attempts == crash
        if crash < limit:
            assert due == [pub.pk] and pub.status == S.PENDING
    assert limit == 3 and due == [] and pub.status == S.FAILED and not pub.permanent_error
    assert (
        pub.last_error.startswith(text_in_site_language(durable.crash_reason(3)))
        and pub.next_attempt_at is None
    )
    assert fake.posts() == []
    assert AuditEvent.objects.filter(action="publishing.failed", data__publication=pub.pk).exists()
    assert run_job(pub, now + dt.timedelta(hours=1)) is None  # never taken again


def test_worker_killed_before_posting_posts_once_after_the_lookup(
    fake: Any, tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lantoa.connectors.facebook import publish as fb

    pub = facebook_job(fake, tree, officers)
    monkeypatch.setattr(fb, "publish_post", die)
    now = timezone.now()
    with pytest.raises(Killed):
        run_job(pub, now)
    monkeypatch.undo()
    assert fake.posts() == []
    later = now + runner.LEASE + dt.timedelta(seconds=1)
    runner.publications_sweep(now=later)
    assert run_job(pub, later) == S.PUBLISHED
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
    item = item_approved(tree, officers)
    (pub,) = schedule(item, tree.pa, [f"c{channel.pk}"], officers.a_propaganda)
    assert pub.share_url == ""
    monkeypatch.setattr(runner, "_succeed", die)
    now = timezone.now()
    with pytest.raises(Killed):
        run_job(pub, now)
    monkeypatch.undo()
    later = now + runner.LEASE + dt.timedelta(seconds=1)
    runner.publications_sweep(now=later)
    assert run_job(pub, later) == S.PUBLISHED
    assert len(fake.posts()) == 1


def test_two_workers_never_run_the_same_job(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = facebook_job(fake, tree, officers)
    now = timezone.now()
    assert runner.claim(pub.pk, now) is True
    assert runner.claim(pub.pk, now) is False
    assert run_job(pub, now) is None
    assert fake.posts() == []


def test_item_unscheduled_after_choosing_channels_is_not_posted(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    zalo = zalo_channel(tree.pa)
    fake.zalo_tokens(access="zalo-access-1", refresh="zalo-refresh-1")
    item = item_approved(tree, officers)
    at = timezone.now() + dt.timedelta(hours=1)
    (pub,) = schedule(item, tree.pa, [f"c{zalo.pk}"], officers.a_propaganda, at=at)
    assert pub.next_attempt_at == at
    content.content_unschedule(item=item, actor=officers.a_propaganda)
    assert runner.publications_sweep(now=at) == [pub.pk]
    assert run_job(pub, at) == S.FAILED
    pub.refresh_from_db()
    assert pub.permanent_error and "đã bị hủy hẹn giờ hoặc sửa lại" in pub.last_error
    assert fake.articles() == []


def test_site_publication_waits_for_its_time_and_clears_the_site_cache(
    tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    item = item_approved(tree, officers)
    at = timezone.now() + dt.timedelta(hours=2)
    (pub,) = schedule(item, tree.pa, ["site"], officers.a_propaganda, at=at)
    assert runner.publications_sweep(now=timezone.now()) == []
    before = site_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_job(pub, at) == S.PUBLISHED
    assert site_cache.generation() == before + 1
    pub.refresh_from_db()
    assert pub.published_at == at
    assert pub.url == "http://127.0.0.1:8000/tin-tuc/P-A/hoi-nghi-nguoi-lao-dong-nam-2026/"


def _scheduled_on_facebook(fake_: Any, tree: Tree, officers: Officers) -> Publication:
    """An item scheduled for tomorrow on the province's page, handed to Facebook."""
    channel = facebook_channel(tree.pa)
    fake_.page_token(FB_PAGE, FB_TOKEN)
    item = item_approved(tree, officers)
    at = (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    (pub,) = schedule(item, tree.pa, [f"c{channel.pk}"], officers.a_propaganda, at=at)
    assert run_job(pub) == S.PUBLISHED
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
    with pytest.raises(ValidationError, match="đã được hủy"):
        services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    services.publication_retry(publication=pub, actor=officers.a_propaganda)
    assert run_job(pub) == S.PUBLISHED
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
    # An officer reading English is told in English (the connection is now marked as failing).
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    (message,) = info.value.messages
    assert "The channel's connection has failed and must be reconnected: The Facebook page's" in (
        message
    )
    assert "Session has expired" in message and "(error code 190)" in message
    assert "mã lỗi" not in message and "Mã truy cập" not in message
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
    pub = facebook_job(fake, tree, officers)
    assert run_job(pub) == S.PUBLISHED
    with pytest.raises(ValidationError, match="không hủy được"):
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
    assert seen and "đang được hủy ở phiên khác" in seen[0]
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


def test_a_published_post_shows_at_once_on_a_cached_dashboard(
    tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.cache import cache

    from lantoa.core.periods import Period
    from lantoa.reports.dashboard import dashboard_for

    cache.clear()
    period = Period(timezone.localdate().year, "year")
    assert dashboard_for(tree.pa, period).total.posts == 0  # now cached
    item = item_approved(tree, officers)
    with django_capture_on_commit_callbacks(execute=True):
        schedule(item, tree.pa, ["site"], officers.a_propaganda)
    assert Publication.objects.get(method=Method.SITE).status == S.PUBLISHED
    assert dashboard_for(tree.pa, period).total.posts == 1
