"""Sending an entrant's one-time code. The sender is chosen by the setting
``LANTOA_CONTEST_CODE_SENDER`` (a dotted path); the default writes the code to the server's
console, for the demo and for tests. An SMS or Zalo gateway is another class with the same
``send``.

The console line shows only the last three digits of the phone number: the number itself is
personal data and is not logged."""

from __future__ import annotations

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SENDER = "lantoa.contests.otp.ConsoleSender"


class CodeSender(Protocol):
    def send(self, *, phone: str, code: str, contest_title: str) -> None: ...


class ConsoleSender:
    """Writes "Mã xác minh … (số …678): 123456" to standard output."""

    def send(self, *, phone: str, code: str, contest_title: str) -> None:
        sys.stdout.write(
            f"[Lan Tỏa] Mã xác minh cuộc thi “{contest_title}” (số …{phone[-3:]}): {code}\n"
        )
        sys.stdout.flush()


def sender() -> CodeSender:
    path = getattr(settings, "LANTOA_CONTEST_CODE_SENDER", "") or DEFAULT_SENDER
    sender_class = import_string(path)
    return sender_class()


def send_code(*, phone: str, code: str, contest_title: str) -> None:
    sender().send(phone=phone, code=code, contest_title=contest_title)
