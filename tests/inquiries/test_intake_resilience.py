"""The public inquiry desk when the cache fails: with Redis unreachable a worker's question is
still stored and the public pages and dashboards still answer (issue 11, finding 2); and the
demo's file cache holds the abuse limit exactly under 100 simultaneous posts (finding 10).

The cache is configured exactly as ``lantoa/settings.py`` configures it for production (read
from the settings module with ``REDIS_URL`` pointing at a port where nothing listens), so these
tests check the product's configuration, not a test double."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings

from lantoa.inquiries.models import Inquiry, InquiryContact
from tests.conftest import Officers, Tree, login
from tests.inquiries.test_public_views import FORM, form_data

ROOT = Path(__file__).resolve().parents[2]


def product_caches(**env: str) -> dict[str, Any]:
    """``CACHES`` as lantoa/settings.py sets it in an environment with ``env``."""
    code = "import json; from lantoa import settings; print(json.dumps(settings.CACHES))"
    full = {**os.environ, "LANTOA_ALLOW_INSECURE_KEY": "1", **env}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-c", code], env=full, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def dead_redis_caches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = tmp_path_factory.mktemp("data")
    return product_caches(
        REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0", LANTOA_DATA_DIR=str(data)
    )


@pytest.fixture
def redis_down(dead_redis_caches: dict[str, Any]) -> Iterator[None]:
    with override_settings(CACHES=dead_redis_caches):
        yield


@pytest.mark.django_db
def test_question_is_stored_when_redis_is_down(redis_down: None, tree: Tree) -> None:
    client = Client()
    response = client.post(FORM, form_data())
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/cau-hoi/da-gui/"
    inquiry = Inquiry.objects.get()
    assert InquiryContact.objects.get(inquiry=inquiry).phone == "0912345678"
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert inquiry.code in receipt.content.decode()


@pytest.mark.django_db
def test_public_pages_and_dashboards_answer_when_redis_is_down(
    redis_down: None, client: Client, tree: Tree, officers: Officers
) -> None:
    for path in ("/", "/tin-tuc/", FORM, "/cau-hoi/tra-cuu/", "/hoi-dap/"):
        response = client.get(path)
        assert response.status_code == 200, path
    login(client, officers.a_viewer)
    assert client.get("/bao-cao/A-G1/tong-quan/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_hundred_simultaneous_posts_on_the_demo_file_cache_let_exactly_five_through(
    tree: Tree, tmp_path: Path
) -> None:
    """The demo (no REDIS_URL) counts in the file cache: 100 questions posted at once from one
    address with a limit of 5 per address → exactly 5 stored, 95 refused with 429."""
    demo = product_caches(LANTOA_DATA_DIR=str(tmp_path))
    assert demo["default"]["LOCATION"] == str(tmp_path / "cache")
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(100)

    def post(i: int) -> None:
        client = Client(REMOTE_ADDR="203.0.113.77")
        data = form_data(phone=f"09123{i:05d}")
        start.wait()
        try:
            status = client.post(FORM, data).status_code
        finally:
            connection.close()  # this thread's connection to the test database
        with lock:
            statuses.append(status)

    with override_settings(
        CACHES=demo, LANTOA_INQUIRY_LIMIT_PER_IP=5, LANTOA_INQUIRY_LIMIT_PER_CONTACT=100
    ):
        threads = [threading.Thread(target=post, args=(i,)) for i in range(100)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert time.monotonic() - began < 120
    assert len(statuses) == 100
    assert statuses.count(302) == 5, sorted(statuses)
    assert statuses.count(429) == 95
    assert Inquiry.objects.count() == 5
