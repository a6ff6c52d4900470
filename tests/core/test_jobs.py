"""The durable-job machinery (lantoa.core.jobs): claim, back-off, and the one sweep of every
registered kind — stale claims handed back, and failed at the kind's crash limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.db.models import Q
from django.utils import timezone, translation

from lantoa.core import jobs as durable
from lantoa.core.extensions import JobKind, beat_schedule, job_kinds
from lantoa.core.messages import Text, stored_text, text_pair
from lantoa.reports.models import ReportJob
from tests.conftest import Officers, Tree

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self) -> None:
        self.queued: list[int] = []
        self.failed: list[tuple[int, Text]] = []

    def requeue(self, pk: int) -> None:
        self.queued.append(pk)

    def fail(self, pk: int, reason: Text) -> None:
        self.failed.append((pk, reason))
        error, stored = text_pair(reason)
        ReportJob.objects.filter(pk=pk).update(status="failed", error=error, error_text=stored)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def kind(recorder: Recorder) -> Iterator[JobKind]:
    """A kind of its own over report jobs, registered for the duration of one test."""
    test_kind = JobKind(
        key="tests.job",
        model=ReportJob,
        running=Q(status="running"),
        hand_back=lambda now: {"status": "pending"},
        fail=recorder.fail,
        requeue=recorder.requeue,
        stale_after=dt.timedelta(minutes=5),
        max_crashes=2,
        due=lambda now: Q(status="pending", created_at__lte=now),
    )
    job_kinds.register(test_kind)
    yield test_kind
    job_kinds.unregister(test_kind.key)


def _job(tree: Tree, officers: Officers, **fields: object) -> ReportJob:
    job = ReportJob.objects.create(
        unit=tree.pa, period="2022-H1", format="md", created_by=officers.a_propaganda
    )
    ReportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_claim_takes_a_job_once(tree: Tree, officers: Officers) -> None:
    job = _job(tree, officers)
    now = timezone.now()
    pending = ReportJob.objects.filter(pk=job.pk, status="pending")
    assert durable.claim(pending, now=now, status="running")
    assert not durable.claim(pending, now=now, status="running")  # a second worker: no-op
    job.refresh_from_db()
    assert (job.status, job.claimed_at) == ("running", now)


def test_backoff_doubles_up_to_its_cap() -> None:
    minutes = [durable.backoff(n).total_seconds() / 60 for n in range(0, 9)]
    assert minutes == [1, 1, 2, 4, 8, 16, 32, 60, 60]
    assert durable.backoff(3, first=dt.timedelta(seconds=10), cap=dt.timedelta(seconds=30)) == (
        dt.timedelta(seconds=30)
    )


def test_sweep_hands_back_stale_claims_and_queues_due_jobs(
    tree: Tree, officers: Officers, kind: JobKind, recorder: Recorder
) -> None:
    now = timezone.now()
    live = _job(tree, officers, status="running", claimed_at=now - dt.timedelta(minutes=4))
    dead = _job(tree, officers, status="running", claimed_at=now - dt.timedelta(minutes=6))
    waiting = _job(tree, officers)
    finished = _job(tree, officers, status="done", claimed_at=now - dt.timedelta(hours=1))
    assert durable.sweep(kind, now=now + dt.timedelta(seconds=1)) == [dead.pk, waiting.pk]
    assert recorder.queued == [dead.pk, waiting.pk] and recorder.failed == []
    for job in (live, dead, waiting, finished):
        job.refresh_from_db()
    assert (live.status, live.crashes) == ("running", 0)  # its worker may still run it
    assert (dead.status, dead.crashes) == ("pending", 1)
    assert (finished.status, finished.crashes) == ("done", 0)


def test_sweep_fails_a_job_at_its_crash_limit(
    tree: Tree, officers: Officers, kind: JobKind, recorder: Recorder
) -> None:
    now = timezone.now()
    old = now - dt.timedelta(minutes=6)
    job = _job(tree, officers, status="running", claimed_at=old, crashes=1)
    assert durable.sweep(replace(kind, due=None), now=now) == []
    assert recorder.failed == [(job.pk, durable.crash_reason(2))] and recorder.queued == []
    job.refresh_from_db()
    assert (job.status, job.crashes) == ("failed", 2)
    assert "đã dừng giữa chừng 2 lần" in job.error
    # The reason is shown in the reader's language, the stored string for old rows.
    assert stored_text(job.error_text, job.error) == job.error
    with translation.override("en"):
        shown = stored_text(job.error_text, job.error)
        assert shown.startswith("The background worker stopped 2 times"), shown
        assert stored_text(None, job.error) == job.error
    assert durable.sweep(kind, now=now + dt.timedelta(hours=1)) == []  # never retaken


def test_sweep_all_runs_every_registered_kind(
    tree: Tree, officers: Officers, kind: JobKind, recorder: Recorder
) -> None:
    dead = _job(
        tree, officers, status="running", claimed_at=timezone.now() - dt.timedelta(minutes=6)
    )
    broken = replace(kind, key="tests.broken", requeue=lambda pk: 1 / 0)
    job_kinds.register(broken)
    try:
        done = durable.sweep_all()
    finally:
        job_kinds.unregister(broken.key)
    # The broken kind's error is logged, not raised: the other kinds are swept all the same.
    assert done["tests.job"] == 1 and "tests.broken" not in done
    assert dead.pk in recorder.queued
    assert {"reports.report_job", "units.import_job"} <= set(done)


def test_one_beat_entry_sweeps_every_kind() -> None:
    from lantoa.celery import app
    from lantoa.core.tasks import sweep_jobs

    entry = beat_schedule.get("jobs-sweep")
    assert (entry.task, entry.schedule) == ("core.sweep_jobs", 60.0)
    assert app.tasks[entry.task].name == sweep_jobs.name == "core.sweep_jobs"
    assert {k.key for k in job_kinds} == {
        "connectors.inbound_event",
        "inquiries.outbound_reply",
        "publishing.publication",
        "reports.report_job",
        "units.import_job",
    }
