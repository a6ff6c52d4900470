"""Resilience of the real stack (issue 11, "Done when"): gunicorn (``lantoa serve``), a Celery
worker (``lantoa worker``), and a Redis and a PostgreSQL of the test's own.

1. the worker is killed mid-job: the job finishes exactly once; a job that kills its worker
   every time stops at the crash limit (3) with a visible reason;
2. Redis stops mid-traffic: workers' questions are still stored, public pages still served,
   /healthz answers 503 naming Redis; Redis back, /healthz answers 200 again;
3. PostgreSQL restarts mid-traffic: requests meanwhile get the Vietnamese "busy" page (503),
   never a 500; afterwards everything works again with nobody doing anything.

Each step polls with a deadline; the whole module takes about a minute. The sweep of durable
jobs is queued by the test (``core.sweep_jobs``, what the beat sends every minute) so that it
runs when the test needs it, not a minute later."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.test import override_settings

from tests.resilience.stack import Stack, missing_binaries, running_stack, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    # One process runs the whole module (its tests share one stack, in order).
    pytest.mark.xdist_group("resilience"),
]

logging.getLogger("httpx").setLevel(logging.WARNING)

BUSY = "Hệ thống đang bận, vui lòng thử lại sau"
QUESTION = (
    "Công ty chậm trả lương tháng này đã hơn 20 ngày, chúng tôi có quyền yêu cầu công ty trả "
    "lãi chậm trả không ạ? Mã thử nghiệm: {marker}"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    missing = missing_binaries()
    if missing:
        message = f"cannot start the resilience stack, missing: {', '.join(missing)}"
        if os.environ.get("LANTOA_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with running_stack(tmp_path_factory.mktemp("resilience")) as started:
        yield started


def form_token(stack: Stack) -> str:
    """The form's "started" field, signed with the servers' key, 30 seconds old."""
    from lantoa.inquiries.public_forms import form_token as token

    with override_settings(SECRET_KEY=stack.secret_key):
        return token(time.time() - 30)


def post_question(stack: Stack, client: httpx.Client, marker: str) -> int:
    page = client.get("/cau-hoi/")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or found is None:
        return page.status_code
    response = client.post(
        "/cau-hoi/",
        data={
            "csrfmiddlewaretoken": found.group(1),
            "question": QUESTION.format(marker=marker),
            "kind": "question",
            "category": "wages",
            "workplace": "",
            "identity": "anonymous",
            "homepage": "",
            "started": form_token(stack),
        },
    )
    if response.status_code == 302:
        assert response.headers["location"] == "/cau-hoi/da-gui/", response.text[:300]
    return response.status_code


def stored(stack: Stack, prefix: str) -> set[str]:
    rows = stack.pg.query(
        "SELECT body FROM inquiries_message WHERE body LIKE %s", [f"%Mã thử nghiệm: {prefix}%"]
    )
    return {str(body).rsplit(": ", 1)[1] for (body,) in rows}


def heartbeat(stack: Stack) -> bool:
    return bool(stack.pg.query("SELECT at FROM core_heartbeat WHERE name = 'worker'"))


def healthz(stack: Stack) -> tuple[int, dict[str, Any]]:
    response = httpx.get(f"{stack.url}/healthz", timeout=10)
    return response.status_code, json.loads(response.text)


class Traffic:
    """Workers asking questions and visitors reading the public pages, in a thread, until
    stopped; every answer is kept with the phase it came in."""

    def __init__(self, stack: Stack, prefix: str) -> None:
        self.stack, self.prefix = stack, prefix
        self.phase = "before"
        self.current = ""  # the phase of the iteration under way
        self.answers: list[tuple[str, str, int, str]] = []  # phase, what, status, marker
        self.busy_pages_without_the_text = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        with httpx.Client(base_url=self.stack.url, timeout=15) as client:
            while not self._stop.is_set():
                n += 1
                marker = f"{self.prefix}-{n}"
                phase = self.current = self.phase
                try:
                    status = post_question(self.stack, client, marker)
                except httpx.HTTPError:
                    status = -1
                self.answers.append((phase, "question", status, marker))
                for path in ("/", "/tin-tuc/"):
                    try:
                        got = client.get(path)
                        status, body = got.status_code, got.text
                    except httpx.HTTPError:
                        status, body = -1, ""
                    if status == 503 and BUSY not in body:
                        self.busy_pages_without_the_text += 1
                    self.answers.append((phase, path, status, ""))

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def switch(self, phase: str) -> None:
        """From now on answers count for ``phase``; returns once the iterations begun before
        are over, so that what the test does next meets only iterations of ``phase``."""
        self.phase = phase
        wait_for(f"traffic in phase {phase}", lambda: self.current == phase, timeout=30, every=0.01)

    def wait_answers(self, phase: str, count: int, timeout: float) -> None:
        wait_for(
            f"{count} answers in phase {phase}",
            lambda: sum(1 for a in self.answers if a[0] == phase) >= count,
            timeout=timeout,
        )

    def statuses(self, phase: str | None = None) -> Counter[int]:
        return Counter(a[2] for a in self.answers if phase is None or a[0] == phase)

    def accepted(self) -> set[str]:
        return {a[3] for a in self.answers if a[1] == "question" and a[2] == 302}


# --- 1. the worker ---------------------------------------------------------------------------


def _job(stack: Stack, pk: int) -> dict[str, Any]:
    rows = stack.pg.query(
        "SELECT status, started, finished, crashes, claimed_at, error "
        "FROM resilience_jobs_resiliencejob WHERE id = %s",
        [pk],
    )
    keys = ("status", "started", "finished", "crashes", "claimed_at", "error")
    return dict(zip(keys, rows[0], strict=True))


def _new_job(stack: Stack, mode: str, seconds: float) -> int:
    rows = stack.pg.query(
        "INSERT INTO resilience_jobs_resiliencejob "
        "(claimed_at, crashes, mode, seconds, status, started, finished, error) "
        "VALUES (NULL, 0, %s, %s, 'pending', 0, 0, '') RETURNING id",
        [mode, seconds],
    )
    pk = int(rows[0][0])
    stack.send_task("resilience.run_job", pk)
    return pk


def _stale(stack: Stack, pk: int, started: int) -> bool:
    """The job's ``started``-th claim is older than its kind's 2 seconds: a dead worker's."""
    job = _job(stack, pk)
    held = job["claimed_at"]
    return (
        job["started"] >= started
        and job["status"] == "running"
        and held is not None
        and held < dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2.2)
    )


def test_1_worker_killed_mid_job_finishes_it_exactly_once(stack: Stack) -> None:
    assert stack.worker is not None
    pk = _new_job(stack, "work", 2.0)
    wait_for("the job to start", lambda: _job(stack, pk)["status"] == "running", timeout=60)
    # The worker (and its pool) dies while it holds the job; a new one starts.
    stack.worker.kill()
    assert _job(stack, pk)["finished"] == 0
    stack.start_worker()
    # The beat's sweep (every minute in production) hands the dead worker's job back.
    wait_for("the claim to go stale", lambda: _stale(stack, pk, 1), timeout=10)
    stack.send_task("core.sweep_jobs")
    wait_for("the job to finish", lambda: _job(stack, pk)["status"] == "done", timeout=60)
    # Another sweep, and the task message of the first run still around: nothing runs again.
    stack.send_task("core.sweep_jobs")
    stack.send_task("resilience.run_job", pk)
    stack.send_task("core.heartbeat")
    wait_for("the worker's heartbeat", lambda: heartbeat(stack), timeout=30)
    job = _job(stack, pk)
    assert (job["finished"], job["started"], job["crashes"]) == (1, 2, 1), job


def test_1_job_that_crashes_its_worker_stops_at_the_limit(stack: Stack) -> None:
    pk = _new_job(stack, "crash", 0)
    for crash in range(1, 4):
        # The worker process that took it was killed; its claim goes stale; the sweep runs.
        wait_for(f"crash {crash}", lambda c=crash: _stale(stack, pk, c), timeout=60)
        stack.send_task("core.sweep_jobs")
        if crash < 3:
            wait_for(
                f"the job to be taken again after crash {crash}",
                lambda c=crash: _job(stack, pk)["started"] > c,
                timeout=60,
            )
    wait_for("the job to be failed", lambda: _job(stack, pk)["status"] == "failed", timeout=30)
    job = _job(stack, pk)
    assert job["crashes"] == 3 and job["started"] == 3, job
    assert "đã dừng giữa chừng 3 lần" in job["error"]
    # A sweep later leaves it alone.
    stack.send_task("core.sweep_jobs")
    time.sleep(1)
    assert _job(stack, pk)["started"] == 3
    # The worker kept working through all this.
    assert stack.worker is not None and stack.worker.proc is not None
    assert stack.worker.proc.poll() is None, stack.worker.tail()


# --- 2. Redis --------------------------------------------------------------------------------


def test_2_redis_stops_mid_traffic(stack: Stack) -> None:
    status, body = healthz(stack)
    assert status == 200, body
    assert body["checks"]["cache"]["status"] == "ok"
    with Traffic(stack, "redis") as traffic:
        traffic.wait_answers("before", 6, timeout=30)
        traffic.switch("down")
        stack.close_client()
        stack.redis.stop()
        traffic.wait_answers("down", 9, timeout=60)
        status, body = healthz(stack)
        assert status == 503, body
        assert "cache" in body["failing"] and "broker" in body["failing"]
        assert body["checks"]["cache"]["service"] == "redis"
        assert body["checks"]["database"]["status"] == "ok"
        traffic.switch("back")
        stack.redis.start()
        wait_for("/healthz to answer 200", lambda: healthz(stack)[0] == 200, timeout=30)
        traffic.wait_answers("back", 3, timeout=30)
    # Every question was accepted and stored, every page served, in every phase.
    assert set(traffic.statuses()) == {200, 302}, traffic.statuses()
    down = [a for a in traffic.answers if a[0] == "down"]
    assert {a[2] for a in down if a[1] == "question"} == {302}
    assert {a[2] for a in down if a[1] != "question"} == {200}
    assert traffic.accepted() == stored(stack, "redis-")
    assert len(traffic.accepted()) >= 3


# --- 3. PostgreSQL ---------------------------------------------------------------------------


def test_3_database_restarts_mid_traffic(stack: Stack) -> None:
    with Traffic(stack, "pg") as traffic:
        traffic.wait_answers("before", 6, timeout=30)
        traffic.switch("down")
        stack.pg.stop("fast")  # the first half of `pg_ctl restart`
        traffic.wait_answers("down", 6, timeout=60)
        status, body = healthz(stack)
        assert status == 503 and body["checks"]["database"]["status"] == "down", body
        traffic.switch("starting")
        stack.pg.start()
        # Nobody does anything: the next requests reconnect.
        wait_for("/healthz to answer 200", lambda: healthz(stack)[0] == 200, timeout=30)
        traffic.switch("back")
        traffic.wait_answers("back", 9, timeout=60)
        # And `pg_ctl restart` in one go, with the traffic going on.
        traffic.switch("restart")
        stack.pg.restart()
        wait_for("/healthz to answer 200", lambda: healthz(stack)[0] == 200, timeout=30)
        traffic.switch("after")
        traffic.wait_answers("after", 9, timeout=60)
    assert traffic.busy_pages_without_the_text == 0
    statuses = traffic.statuses()
    assert 500 not in statuses and -1 not in statuses, statuses
    assert set(traffic.statuses("down")) <= {200, 503}, traffic.statuses("down")
    assert traffic.statuses("down")[503] >= 3
    assert set(traffic.statuses("starting")) <= {200, 302, 503}, traffic.statuses("starting")
    assert set(traffic.statuses("restart")) <= {200, 302, 503}, traffic.statuses("restart")
    back = [a for a in traffic.answers if a[0] in ("back", "after")]
    failed = [(i, a) for i, a in enumerate(traffic.answers) if a in back and a[2] not in (200, 302)]
    assert not failed, (failed, [(a[0], a[2]) for a in traffic.answers])
    # What was accepted is stored; the worker works against the restarted database too.
    assert traffic.accepted() <= stored(stack, "pg-")
    assert any(a[2] == 302 for a in back)
    stack.pg.query("DELETE FROM core_heartbeat")
    stack.send_task("core.heartbeat")
    wait_for("the worker's heartbeat after the restart", lambda: heartbeat(stack), timeout=60)
