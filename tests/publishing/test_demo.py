"""Demo publications (lantoa.publishing.demo): made once, feeding the posts targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation

from lantoa.content import services as content
from lantoa.content.models import ContentStatus
from lantoa.core.messages import stored_text
from lantoa.publishing.models import Method, Publication, Subscriber
from tests.conftest import Officers, Tree
from tests.fixtures.publishing import (
    approved_item,
    board_channel,
    fake_fixture,  # noqa: F401  (fixture "fake")
    media_root_fixture,  # noqa: F401  (autouse fixture)
)
from tests.publishing.support import S


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
    with translation.override("en"):
        shown = stored_text(failed.last_error_text, failed.last_error)
    assert shown.startswith("The Facebook page's access token has expired") and shown.endswith(
        "Session has expired on Friday, 01-May-26 09:00:00 PDT. (error code 190)"
    )
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
    from lantoa.campaigns.demo import ensure_demo_campaigns, scenario
    from lantoa.content.demo import (
        ensure_demo_content,
        founding_article,
        may_infographic,
        tet_news,
    )
    from lantoa.content.models import ContentItem
    from lantoa.publishing.demo import ensure_demo_publications

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    ensure_demo_accounts()
    ensure_demo_campaigns()
    ensure_demo_content()
    sc = scenario()
    news, infographic, article_title = tet_news(sc), may_infographic(sc), founding_article(sc)
    assert ensure_demo_publications() > 0
    statuses = set(ContentItem.objects.values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "returned", "approved", "scheduled", "published"}
    site = {
        p.item.title: p
        for p in Publication.objects.filter(method=Method.SITE).select_related("item")
    }
    assert set(site) == {news, infographic, article_title}
    for title in (news, infographic):
        assert site[title].status == S.PUBLISHED
        assert site[title].item.status == ContentStatus.PUBLISHED
    article = site[article_title]
    assert article.status == S.PENDING and article.scheduled_at > timezone.now()
    assert article.item.status == ContentStatus.SCHEDULED
    assert article.item.scheduled_at == article.scheduled_at
    # The Tết news, published first, is the one the bulletin boards and the failed post carry.
    failed = Publication.objects.get(status=S.FAILED)
    assert failed.item.title == news
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
