"""The demo's video and photo contests: one finished (results out), one running, made through
the services, once; with the province's officers as judges."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lantoa.contests import media
from lantoa.contests.media_demo import PHOTO_SLUG, VIDEO_SLUG, ensure_demo_media_contests
from lantoa.contests.models import Contest, EntryStatus, MediaEntry, Score, Vote
from lantoa.core.extensions import DemoContext, demo_builders
from tests.conftest import Officers, Tree


def test_demo_media_contests_finished_and_running_without_doubling(
    tree: Tree, officers: Officers
) -> None:
    now = timezone.now()
    totals = ensure_demo_media_contests(seed=3, now=now)
    assert totals.contests == 2 and totals.entries == 11 and totals.votes > 40
    photo = Contest.objects.get(slug=PHOTO_SLUG)
    video = Contest.objects.get(slug=VIDEO_SLUG)
    assert (photo.kind, video.kind) == ("photo", "video")
    assert media.phase(photo, now) == "closed" and media.phase(video, now) == "open"
    assert photo.results_published_at is not None
    # Photos drawn and stored, one rejected with its reason; the burst flagged and annulled.
    rejected = MediaEntry.objects.get(contest=photo, status=EntryStatus.REJECTED)
    assert rejected.moderation_reason.startswith("Tác phẩm là ảnh chụp màn hình")
    assert MediaEntry.objects.filter(contest=photo).exclude(poster="").count() == 6
    burst = Vote.objects.filter(contest=photo).exclude(flag="")
    assert burst.count() >= 20 and not burst.filter(annulled_at__isnull=True).exists()
    assert Score.objects.filter(entry__contest=photo).exists()
    assert len(media.winners(photo)) == 3
    assert MediaEntry.objects.filter(contest=video, status=EntryStatus.PENDING).count() == 1
    assert Vote.objects.filter(contest=video).exists()
    assert ensure_demo_media_contests(seed=3, now=now + dt.timedelta(hours=1)).contests == 0
    builder = next(b for b in demo_builders if b.key == "contests")
    builder.build(DemoContext(root=tree.vn, seed=3))
    assert Contest.objects.filter(kind__in=["photo", "video"]).count() == 2


def test_demo_without_officers_has_no_jury(tree: Tree) -> None:
    ensure_demo_media_contests(seed=1)
    photo = Contest.objects.get(slug=PHOTO_SLUG)
    assert media.settings_of(photo).public_weight == 100
    assert photo.results_published_at is not None
