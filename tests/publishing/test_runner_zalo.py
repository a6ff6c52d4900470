"""Publishing to a Zalo OA (lantoa.publishing.runner against a local server that speaks Zalo OA):
articles created, verified and broadcast once, token refresh, rate limits, adoption after a
killed worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lantoa.connectors.models import AccountStatus, ConnectorAccount
from lantoa.publishing import runner
from lantoa.publishing.fakes import zalo_error
from lantoa.publishing.models import Method, Publication
from tests.conftest import Officers, Tree
from tests.fixtures.publishing import (
    PUBLIC_URL,
    fake_fixture,  # noqa: F401  (fixture "fake")
    media_root_fixture,  # noqa: F401  (autouse fixture)
    zalo_channel,
)
from tests.publishing.support import Killed, S, item_approved, run_job, schedule


def _zalo_pub(fake_: Any, tree: Tree, officers: Officers, **kw: Any) -> Publication:
    channel = zalo_channel(tree.pa)
    fake_.zalo_tokens(access="zalo-access-1", refresh="zalo-refresh-1")
    item = item_approved(tree, officers)
    pubs = schedule(item, tree.pa, ["site", f"c{channel.pk}"], officers.a_propaganda, **kw)
    site = next(p for p in pubs if p.method == Method.SITE)
    assert run_job(site) == S.PUBLISHED
    return next(p for p in pubs if p.method == Method.ZALO_OA)


def test_zalo_article_is_created_verified_and_broadcast(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _zalo_pub(fake, tree, officers, broadcast=True)
    assert run_job(pub) == S.PUBLISHED
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
    assert run_job(pub, now) == S.PENDING
    pub.refresh_from_db()
    assert pub.remote_token.startswith("tok-article-")
    assert "Zalo đang xử lý bài viết" in pub.last_error
    assert run_job(pub, pub.next_attempt_at) == S.PENDING
    pub.refresh_from_db()
    assert run_job(pub, pub.next_attempt_at) == S.PUBLISHED
    assert len(fake.articles()) == 1
    assert len(fake.calls("/zalo/v2.0/article/create")) == 1
    assert len(fake.calls("/zalo/v2.0/article/verify")) == 3


def test_zalo_expired_access_token_is_refreshed_once(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = _zalo_pub(fake, tree, officers)
    fake.expire_zalo_access("zalo-access-1")  # -216 on the next call
    assert run_job(pub) == S.PUBLISHED
    account = ConnectorAccount.objects.get(platform="zalo_oa")
    assert account.refresh_token.startswith("fake-zalo-refresh-")  # single use: replaced
    assert account.access_token.startswith("fake-zalo-access-")
    assert len(fake.calls("/zalo-oauth/")) == 1
    assert len(fake.articles()) == 1


def test_zalo_reused_refresh_token_is_permanent(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = _zalo_pub(fake, tree, officers)
    fake.expire_zalo_access("zalo-access-1")
    fake.state.zalo_refresh.clear()  # the refresh token was already used elsewhere
    assert run_job(pub) == S.FAILED
    pub.refresh_from_db()
    assert pub.permanent_error
    assert "cần kết nối lại Zalo OA" in pub.last_error
    assert "(mã lỗi -14020)" in pub.last_error
    assert ConnectorAccount.objects.get(platform="zalo_oa").status == AccountStatus.ERROR
    assert fake.articles() == []


def test_zalo_rate_limit_is_temporary(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = _zalo_pub(fake, tree, officers)
    fake.fail("zalo.create", 200, zalo_error(-32, "Request limit exceeded"))
    assert run_job(pub) == S.PENDING
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
        run_job(pub, now)
    monkeypatch.undo()
    pub.refresh_from_db()
    assert pub.remote_token == "" and pub.posting_started_at == now
    later = now + runner.LEASE + dt.timedelta(seconds=1)
    runner.publications_sweep(now=later)
    assert run_job(pub, later) == S.PUBLISHED
    (article,) = fake.articles()
    pub.refresh_from_db()
    assert pub.external_id == article.id
    assert len(fake.calls("/zalo/v2.0/article/create")) == 1
