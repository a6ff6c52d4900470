"""Queueing a task while the broker (Redis) is down neither fails the officer's request nor
loses the work: it is stored, and the beat's sweep queues it once the broker is back (issue 11,
finding 2)."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantoa.core import jobs as durable
from lantoa.core import queueing
from lantoa.core.periods import recent_periods
from lantoa.reports.models import ReportJob
from lantoa.reports.services import REPORT_JOBS
from lantoa.reports.tasks import build_report_task
from lantoa.units.importing import UNIT_IMPORT_JOBS
from lantoa.units.models import UnitImportJob
from tests.conftest import Officers, Tree, celery_conf, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down() -> Iterator[None]:
    """The project's Celery app, not eager, publishing to a Redis where nothing listens, with
    the transport options lantoa/settings.py gives a Redis broker."""
    from django.conf import settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    queueing._state.update(open_until=0.0)
    try:
        with celery_conf(
            task_always_eager=False,
            broker_url=f"redis://127.0.0.1:{port}/0",
            broker_transport_options={
                "max_retries": 1,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.5,
                "socket_connect_timeout": 1,
            },
        ):
            yield
    finally:
        queueing._state.update(open_until=0.0)
        assert settings.CELERY_TASK_ALWAYS_EAGER


def test_enqueue_reports_failure_instead_of_raising(broker_down: None) -> None:
    failed = queueing.failed_count()
    start = time.monotonic()
    assert queueing.enqueue(build_report_task, 12345) is False
    assert time.monotonic() - start < 3
    start = time.monotonic()
    assert queueing.enqueue(build_report_task, 12345) is False  # the breaker is open
    assert time.monotonic() - start < 0.05
    assert queueing.failed_count() == failed + 2


def test_report_asked_for_while_the_broker_is_down_is_kept_and_swept_later(
    client: Client,
    tree: Tree,
    officers: Officers,
    broker_down: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, officers.a_propaganda)
    period = recent_periods(dt.date.today())[0].code
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bao-cao/P-A/", {"period": period, "format": "md"})
    assert response.status_code == 302
    job = ReportJob.objects.get(period=period)
    assert job.status == ReportJob.Status.PENDING
    # Not yet due (a queued task may simply not have started) …
    assert durable.due(REPORT_JOBS, now=timezone.now()) == []
    # … but once the grace has passed, the sweep queues it.
    later = timezone.now() + queueing.QUEUE_GRACE + dt.timedelta(seconds=1)
    assert durable.sweep(REPORT_JOBS, now=later, queue=False) == [job.pk]


def test_unit_import_never_queued_is_swept_after_the_grace(tree: Tree, officers: Officers) -> None:
    job = UnitImportJob.objects.create(created_by=officers.a_admin, original_name="don-vi.csv")
    running = UnitImportJob.objects.create(
        created_by=officers.a_admin,
        original_name="khac.csv",
        status=UnitImportJob.Status.VALIDATING,
        claimed_at=timezone.now(),
    )
    assert durable.sweep(UNIT_IMPORT_JOBS, queue=False) == []
    later = timezone.now() + queueing.QUEUE_GRACE + dt.timedelta(seconds=1)
    assert durable.sweep(UNIT_IMPORT_JOBS, now=later, queue=False) == [job.pk]
    assert running.pk not in durable.due(UNIT_IMPORT_JOBS, now=later)
