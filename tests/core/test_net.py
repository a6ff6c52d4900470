"""Behind a proxy: the deploy check and the runtime warning about LANTOA_TRUSTED_PROXY_COUNT
(issue 11, finding 9)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import Client, override_settings

from lantoa.core.net import ForwardedForWarningMiddleware

README = Path(__file__).resolve().parents[2] / "README.md"
HTTPS_PROXY = ("HTTP_X_FORWARDED_PROTO", "https")


def deploy_check_ids() -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}


def test_deploy_check_warns_behind_a_tls_proxy_without_a_proxy_count() -> None:
    with override_settings(LANTOA_TRUSTED_PROXY_COUNT=0, SECURE_PROXY_SSL_HEADER=HTTPS_PROXY):
        assert "lantoa.W110" in deploy_check_ids()
    with override_settings(LANTOA_TRUSTED_PROXY_COUNT=1, SECURE_PROXY_SSL_HEADER=HTTPS_PROXY):
        assert "lantoa.W110" not in deploy_check_ids()
    with override_settings(LANTOA_TRUSTED_PROXY_COUNT=-1):
        assert "lantoa.E110" in deploy_check_ids()
    # Not a deployment (no TLS proxy configured): nothing to say.
    with override_settings(LANTOA_TRUSTED_PROXY_COUNT=0, SECURE_PROXY_SSL_HEADER=None):
        assert "lantoa.W110" not in deploy_check_ids()


@pytest.fixture
def fresh_warning() -> Iterator[None]:
    ForwardedForWarningMiddleware.warned = False
    yield
    ForwardedForWarningMiddleware.warned = False


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "lantoa.core.net" and r.levelno == logging.WARNING
    ]


def test_first_forwarded_request_without_proxy_count_is_logged_once(
    fresh_warning: None, caplog: pytest.LogCaptureFixture, db: None
) -> None:
    caplog.set_level(logging.WARNING, logger="lantoa.core.net")
    with override_settings(LANTOA_TRUSTED_PROXY_COUNT=0):
        client = Client()
        client.get("/robots.txt")
        assert _warnings(caplog) == []
        client.get("/robots.txt", HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="127.0.0.1")
        client.get("/robots.txt", HTTP_X_FORWARDED_FOR="203.0.113.6", REMOTE_ADDR="127.0.0.1")
    found = _warnings(caplog)
    assert len(found) == 1
    assert "LANTOA_TRUSTED_PROXY_COUNT=0" in found[0]
    assert "203.0.113" not in found[0]  # no client address in the log


def test_no_warning_when_the_proxy_count_is_set(
    fresh_warning: None, caplog: pytest.LogCaptureFixture, db: None
) -> None:
    caplog.set_level(logging.WARNING, logger="lantoa.core.net")
    with override_settings(LANTOA_TRUSTED_PROXY_COUNT=1):
        Client().get("/robots.txt", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert _warnings(caplog) == []


def test_readme_env_example_sets_the_proxy_count() -> None:
    text = README.read_text(encoding="utf-8")
    example = text.split("# /etc/lantoa.env", 1)[1].split("```", 1)[0]
    assert "\nLANTOA_TRUSTED_PROXY_COUNT=1\n" in example
    assert "| `LANTOA_TRUSTED_PROXY_COUNT` |" in text
