"""Content's demo (lantoa.content.demo): the demo campaigns' items, as far as approved; the
ones meant for the public site are published and scheduled by publishing's demo."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lantoa.content.models import ContentItem, ContentVersion, MediaAsset
from tests.conftest import Tree


def test_demo_content(tree: Tree, settings: Any, tmp_path: Any) -> None:
    from lantoa.accounts.demo import ensure_demo_accounts
    from lantoa.campaigns.demo import ensure_demo_campaigns, scenario
    from lantoa.content.demo import (
        demo_release,
        ensure_demo_content,
        founding_article,
        may_infographic,
        tet_news,
    )

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    ensure_demo_accounts()
    assert ensure_demo_content() == 0  # the campaigns come first
    ensure_demo_campaigns()
    made = ensure_demo_content()
    assert made == ContentItem.objects.count() > 0
    assert ensure_demo_content() == 0  # once only
    assert not ContentItem.objects.filter(campaign__isnull=True).exists()
    statuses = set(ContentItem.objects.values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "returned", "approved"}
    assert ContentVersion.objects.filter(item__title__startswith="Chợ Tết").count() == 2
    assert MediaAsset.objects.filter(kind="image").exclude(thumbnail="").count() == 2
    release = demo_release()
    sc = scenario()
    assert [(i.title, at is None) for i, at in release] == [
        (tet_news(sc), True),
        (may_infographic(sc), True),
        (founding_article(sc), False),
    ]
    assert release[2][1] is not None and release[2][1] > timezone.now()
