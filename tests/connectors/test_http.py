"""The outbound-HTTP chokepoint (lantoa.connectors.http): retries, error mapping, timeouts, no
secrets in logs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lantoa.connectors import http
from lantoa.connectors.errors import PermanentError, TemporaryError
from tests.fixtures.connectors.support import FakePlatform


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    server = FakePlatform().start()
    yield server
    server.stop()


def test_get_is_retried_on_503_then_succeeds(fake: FakePlatform) -> None:
    fake.reply("/x", status=503, body={}, headers={"Retry-After": "0"})
    fake.reply("/x", body={"ok": 1})
    response = http.request("GET", fake.url + "/x", platform="Test")
    assert response.json() == {"ok": 1}
    assert len(fake.calls("/x")) == 2


def test_post_is_not_retried_on_500(fake: FakePlatform) -> None:
    fake.reply("/send", status=500, body={})
    with pytest.raises(TemporaryError) as info:
        http.request("POST", fake.url + "/send", platform="Test", json={"a": 1})
    assert info.value.code == 500
    assert len(fake.calls("/send")) == 1


@pytest.mark.parametrize(("status", "error"), [(429, TemporaryError), (404, PermanentError)])
def test_status_mapping(fake: FakePlatform, status: int, error: type) -> None:
    fake.reply("/y", status=status, body={})
    with pytest.raises(error) as info:
        http.request("POST", fake.url + "/y", platform="Test", retries=0)
    assert info.value.code == status


def test_connection_refused_is_temporary_and_retried(fake: FakePlatform) -> None:
    url = fake.url + "/gone"
    fake.stop()
    with pytest.raises(TemporaryError) as info:
        http.request("POST", url, platform="Test", retries=1)
    assert info.value.code == "network"


def test_slow_server_times_out(fake: FakePlatform) -> None:
    fake.reply("/slow", body={}, delay=1.0)
    with pytest.raises(TemporaryError) as info:
        http.request("POST", fake.url + "/slow", platform="Test", timeout=0.2)
    assert info.value.code == "timeout"


def test_token_in_query_is_not_logged(fake: FakePlatform, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    fake.reply("/me/messages", body={})
    http.request(
        "POST", fake.url + "/me/messages", platform="Test", params={"access_token": "SECRET-TOKEN"}
    )
    assert "SECRET-TOKEN" not in caplog.text
    assert "/me/messages" in caplog.text
