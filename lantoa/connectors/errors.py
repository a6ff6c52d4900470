"""The two kinds of failure every outbound call reports.

A ``TemporaryError`` (network trouble, timeouts, HTTP 5xx, rate limiting) is retried with
backoff; a ``PermanentError`` (expired or revoked token, missing permission, recipient outside
the messaging window, invalid payload) is not, and its message — the platform's own words,
prefixed with ours — is shown to the officers of the unit.
"""

from __future__ import annotations


class ConnectorError(Exception):
    def __init__(self, message: str, *, code: str | int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} (mã lỗi {self.code})" if self.code is not None else self.message


class TemporaryError(ConnectorError):
    """Worth retrying later."""


class PermanentError(ConnectorError):
    """Retrying will not help; a person must act."""
