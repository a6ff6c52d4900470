"""Demo campaigns (lantoa.campaigns.demo)."""

from __future__ import annotations

from typing import Any

from lantoa.campaigns.models import Campaign, RecurringMoment
from lantoa.campaigns.moments import DEFAULT_MOMENTS
from tests.conftest import Tree


def test_demo_campaigns(tree: Tree, settings: Any, tmp_path: Any) -> None:
    from lantoa.accounts.demo import ensure_demo_accounts
    from lantoa.campaigns.demo import ensure_demo_campaigns
    from lantoa.content.models import ContentItem, ContentVersion, MediaAsset

    settings.MEDIA_ROOT = str(tmp_path)
    ensure_demo_accounts()
    assert ensure_demo_campaigns() == 4
    assert ensure_demo_campaigns() == 0  # once only
    assert Campaign.objects.filter(owner=tree.pa).count() == 4
    statuses = set(ContentItem.objects.values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "returned", "approved", "scheduled", "published"}
    assert ContentVersion.objects.filter(item__title__startswith="Chợ Tết").count() == 2
    assert MediaAsset.objects.filter(kind="image").exclude(thumbnail="").count() == 2
    assert RecurringMoment.objects.filter(unit=tree.vn).count() == len(DEFAULT_MOMENTS)
