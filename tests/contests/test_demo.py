"""The demo's contests: one finished and one running, made through the services, once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lantoa.contests import integrity, results, selectors
from lantoa.contests.demo import ensure_demo_contests
from lantoa.contests.models import Attempt, Contest, ContestStatus
from lantoa.core.extensions import DemoContext, demo_builders
from tests.conftest import Tree


def test_demo_contests_finished_and_running_without_doubling(tree: Tree) -> None:
    now = timezone.now()
    totals = ensure_demo_contests(seed=3, now=now)
    assert totals.contests == 2 and totals.entrants == 24 and totals.attempts > 10
    contests = {c.slug: c for c in Contest.objects.all()}
    assert set(contests) == {"tim-hieu-bo-luat-lao-dong-2019", "cong-nhan-hieu-luat"}
    assert all(c.status == ContestStatus.APPROVED and c.unit == tree.pa for c in contests.values())
    assert selectors.phase(contests["tim-hieu-bo-luat-lao-dong-2019"], now) == "closed"
    assert selectors.phase(contests["cong-nhan-hieu-luat"], now) == "open"
    assert not Attempt.objects.filter(submitted_at__isnull=True).exists()
    finished = contests["tim-hieu-bo-luat-lao-dong-2019"]
    ranking = selectors.overall_ranking(finished)
    assert ranking and ranking[0].score >= ranking[-1].score
    # The hurried entrant was flagged, excluded with a reason, and left the ranking; the
    # results are out with their prize lists.
    excluded = Attempt.objects.get(round__contest=finished, excluded=True)
    assert excluded.flags.get(kind="fast").decision_reason.startswith("Trả lời 5 câu")
    assert excluded.entrant_id not in {r.entrant_id for r in ranking}
    assert finished.results_published_at is not None and integrity.pending_flags(finished) == 0
    board = results.prizes(finished)
    assert len(board.individuals) == 3 and board.by_entrants and board.by_rate
    assert ensure_demo_contests(seed=3, now=now + dt.timedelta(hours=1)).contests == 0
    assert Contest.objects.count() == 2
    # The registered builder runs the same thing (and adds the video and photo contests,
    # tests/contests/test_media_demo.py).
    builder = next(b for b in demo_builders if b.key == "contests")
    builder.build(DemoContext(root=tree.vn, seed=3))
    assert Contest.objects.filter(kind="quiz").count() == 2
