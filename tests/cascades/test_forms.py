"""The cascade form (lantoa.cascades.forms): which content items it offers."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lantoa.cascades.models import Cascade
from tests.conftest import Tree


def test_form_offers_recent_content_and_keeps_the_chosen_one(tree: Tree) -> None:
    """A province posts thousands of items a year: the form offers what changed in the last
    90 days (approved or published), and an older item already on a cascade stays chosen."""
    from lantoa.cascades.forms import CascadeForm
    from lantoa.content.models import ContentItem

    def item(slug: str, days_ago: int, status: str = "published") -> ContentItem:
        it = ContentItem.objects.create(
            unit=tree.pa, kind="news", title=slug, slug=slug, status=status
        )
        ContentItem.objects.filter(pk=it.pk).update(
            updated_at=timezone.now() - dt.timedelta(days=days_ago)
        )
        return it

    fresh, old, draft = item("moi", 5), item("cu", 120), item("nhap", 1, status="draft")
    offered = set(CascadeForm(sender=tree.pa).fields["content_item"].queryset)  # type: ignore[attr-defined]
    assert fresh in offered and old not in offered and draft not in offered
    cascade = Cascade.objects.create(
        sender=tree.pa, title="Cũ", actions=["read"], due_on=dt.date(2026, 12, 1), content_item=old
    )
    kept = set(CascadeForm(sender=tree.pa, cascade=cascade).fields["content_item"].queryset)  # type: ignore[attr-defined]
    assert old in kept and fresh in kept
