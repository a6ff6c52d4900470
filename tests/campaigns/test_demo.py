"""Demo campaigns (lantoa.campaigns.demo)."""

from __future__ import annotations

from lantoa.campaigns.models import Campaign, RecurringMoment
from lantoa.campaigns.moments import DEFAULT_MOMENTS
from tests.conftest import Tree


def test_demo_campaigns(tree: Tree) -> None:
    """The demo campaigns only; their content items are content's demo
    (tests/content/test_demo.py), published and scheduled by publishing's."""
    from lantoa.accounts.demo import ensure_demo_accounts
    from lantoa.campaigns.demo import ensure_demo_campaigns
    from lantoa.content.models import ContentItem

    ensure_demo_accounts()
    assert ensure_demo_campaigns() == 4
    assert ensure_demo_campaigns() == 0  # once only
    assert Campaign.objects.filter(owner=tree.pa).count() == 4
    assert not ContentItem.objects.exists()
    assert RecurringMoment.objects.filter(unit=tree.vn).count() == len(DEFAULT_MOMENTS)
