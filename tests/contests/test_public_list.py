"""The public list of contests (/thi/): what a visitor of the public site may enter now, what
opens soon, the results of finished contests; drafts and other provinces' contests absent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.contests import selectors, services
from lantoa.contests.models import Contest, Round
from tests.conftest import Tree
from tests.contests.support import NOW, bank, quiz

pytestmark = pytest.mark.django_db


def titled(contest: Contest, title: str) -> Contest:
    Contest.objects.filter(pk=contest.pk).update(title=title)
    contest.refresh_from_db()
    return contest


def test_the_site_lists_open_upcoming_and_finished_contests(
    client: Client, tree: Tree, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.LANTOA_SITE_UNIT = tree.pa.code
    open_now = titled(quiz(tree.a_kcn)[0], "Thi tìm hiểu Luật Công đoàn 2024")
    national = titled(quiz(tree.vn)[0], "Thi toàn quốc về an toàn lao động")
    other_province = titled(quiz(tree.pb)[0], "Thi của tỉnh B")
    draft = titled(quiz(tree.pa, approve=False)[0], "Cuộc thi chưa duyệt")
    later = services.contest_create(unit=tree.pa, title="Thi Tết Sum vầy", rules="Thể lệ.")
    bank(later, 12)
    services.round_create(
        contest=later,
        title="Đợt 1",
        opens_at=NOW + dt.timedelta(days=20),
        closes_at=NOW + dt.timedelta(days=27),
        questions_per_attempt=4,
        time_limit_minutes=10,
        attempts_allowed=1,
        tie_break="all_correct",
    )
    services.contest_submit(contest=later)
    services.contest_approve(contest=later)
    finished = titled(quiz(tree.a_g1)[0], "Thi đã xong")
    finished.rounds.update(
        opens_at=NOW - dt.timedelta(days=30), closes_at=NOW - dt.timedelta(days=20)
    )
    Contest.objects.filter(pk=finished.pk).update(results_published_at=NOW - dt.timedelta(days=10))

    listed = selectors.public_contests(tree.pa, now=NOW)
    # Open ones closing soonest first (the same day here: the older contest first), then those
    # about to open, then results.
    assert [(c.contest.pk, c.phase) for c in listed] == [
        (open_now.pk, "open"),
        (national.pk, "open"),
        (later.pk, "upcoming"),
        (finished.pk, "closed"),
    ]
    assert other_province.pk not in {c.contest.pk for c in listed}
    assert draft.pk not in {c.contest.pk for c in listed}

    # The page, today: the scenario moved to the present.
    shift = timezone.now() - NOW
    Round.objects.update(opens_at=F("opens_at") + shift, closes_at=F("closes_at") + shift)
    Contest.objects.filter(pk=finished.pk).update(
        results_published_at=F("results_published_at") + shift
    )
    html = client.get(reverse("contests_public:list")).content.decode()
    for contest in (open_now, national, later, finished):
        assert contest.title in html
    assert "Thi của tỉnh B" not in html and "Cuộc thi chưa duyệt" not in html
    assert reverse("contests_public:results", kwargs={"contest_id": finished.pk}) in html
    assert reverse("contests_public:rules", kwargs={"contest_id": later.pk}) in html
    # Every public page links to it.
    assert f'href="{reverse("contests_public:list")}"' in client.get("/hoi-dap/").content.decode()


def test_nothing_open_says_so(client: Client, tree: Tree) -> None:
    html = client.get(reverse("contests_public:list")).content.decode()
    assert "Hiện chưa có cuộc thi nào đang mở" in html
