"""The two kinds of failure every outbound call reports.

A ``TemporaryError`` (network trouble, timeouts, HTTP 5xx, rate limiting) is retried with
backoff; a ``PermanentError`` (expired or revoked token, missing permission, recipient outside
the messaging window, invalid payload) is not, and its message — the platform's own words,
prefixed with ours — is shown to the officers of the unit.

The message is a ``Text`` (``lantoa.core.messages``: a msgid marked with ``gettext_noop`` and
named parameters; the platform's own words go in a parameter as they came, never translated),
so that each officer reads it in their language: ``stored()`` gives the JSON that rows keep
beside the error string (``…_text``), with the code. ``message`` and ``str()`` are the text in
the site's language, as logs and older callers have it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from lantoa.core.messages import Text, stored_text, text_in_site_language, text_store


def _site_text(text: Text) -> str:
    try:
        return text_in_site_language(text)
    except ValueError:  # a wording that lost a parameter must not hide the error itself
        return f"{text.msgid} {text.params}"


class ConnectorError(Exception):
    def __init__(self, message: str | Text, *, code: str | int | None = None) -> None:
        self.text = message if isinstance(message, Text) else None
        shown = _site_text(message) if isinstance(message, Text) else message
        super().__init__(shown)
        self.message = shown
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} (mã lỗi {self.code})" if self.code is not None else self.message

    def full_text(self) -> Text | None:
        """The message with its code, as a ``Text``; None for a message given as a string."""
        if self.text is None:
            return None
        if self.code is None:
            return self.text
        return Text(
            gettext_noop("%(message)s (mã lỗi %(code)s)"),
            {"message": self.text, "code": str(self.code)},
        )

    def shown(self) -> str:
        """The message with its code in the active language (a screen answering a request)."""
        return stored_text(self.stored(), str(self))

    def stored(self) -> dict[str, Any] | None:
        """What a row keeps beside ``str(self)`` to show it in the reader's language
        (``text_store``'s JSON); None for a message given as a string."""
        text = self.full_text()
        return text_store(text) if text is not None else None


class TemporaryError(ConnectorError):
    """Worth retrying later."""


class PermanentError(ConnectorError):
    """Retrying will not help; a person must act."""
