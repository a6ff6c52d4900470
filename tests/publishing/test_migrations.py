"""The data migration to one clock: items scheduled the old way (content's status and time,
no publication, waiting for content's own periodic task) become scheduled site publications,
which publishing's sweep publishes at the same time."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.utils import timezone

from lantoa.content import services as content
from lantoa.content.models import ContentStatus
from lantoa.publishing import runner, services
from lantoa.publishing.models import Method, Publication, PublicationStatus
from tests.conftest import Officers, Tree
from tests.fixtures.publishing import approved_item

S = PublicationStatus
migration = importlib.import_module("lantoa.publishing.migrations.0002_scheduled_content_to_site")


def test_scheduled_items_become_scheduled_site_publications(tree: Tree, officers: Officers) -> None:
    writer = officers.a_propaganda
    at = (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    # Scheduled on the content page before: status and time on the item, no publication.
    old = approved_item(tree.pa, writer, officers.a_leader, "Lịch cũ")
    content.content_schedule(item=old, actor=writer, at=at)
    # Scheduled through publishing: left as it is.
    theirs = approved_item(tree.pa, writer, officers.a_leader, "Đã hẹn qua kênh")
    kept = services.publication_site_schedule(item=theirs, actor=writer, at=at)
    # Its site publication cancelled on the publishing page, the item still scheduled: the
    # row is taken up again (one site publication per item and unit), with its key.
    revived = approved_item(tree.pa, writer, officers.a_leader, "Hủy rồi")
    pub = services.publication_site_schedule(item=revived, actor=writer, at=at)
    services.publication_cancel(publication=pub, actor=writer)
    # Not scheduled: nothing to move.
    approved_item(tree.pa, writer, officers.a_leader, "Chỉ mới duyệt")

    migration.scheduled_content_to_site(apps, None)
    migration.scheduled_content_to_site(apps, None)  # a second run adds nothing

    moved = Publication.objects.get(item=old)
    assert (moved.method, moved.unit, moved.channel, moved.channel_kind) == (
        Method.SITE,
        tree.pa,
        None,
        "website",
    )
    assert (moved.status, moved.scheduled_at, moved.next_attempt_at) == (S.PENDING, at, at)
    assert moved.created_by == writer and moved.idempotency_key
    assert Publication.objects.get(item=theirs) == kept
    again = Publication.objects.get(item=revived)
    assert again.pk == pub.pk and again.idempotency_key == pub.idempotency_key
    assert (again.status, again.next_attempt_at) == (S.PENDING, at)
    assert Publication.objects.count() == 3

    # The one clock: at the time the sweep queues the site jobs and publishes the items.
    later = at + dt.timedelta(minutes=1)
    assert services.publication_items_due(now=at - dt.timedelta(minutes=1)) == 0
    assert set(runner.publications_sweep(now=later)) == {moved.pk, kept.pk, again.pk}
    # The sweep published the three items first (its before_sweep step); nothing is left.
    assert services.publication_items_due(now=later) == 0
    for item in (old, theirs, revived):
        item.refresh_from_db()
        assert item.status == ContentStatus.PUBLISHED
