"""Mailbox polling over IMAP (``LANTOA_IMAP_URL``, e.g. ``imaps://user:pass@host:993/INBOX``;
``imap://`` for a plain connection, ``imap+starttls://`` to upgrade one).

Each poll fetches the UNSEEN messages without marking them (``BODY.PEEK[]``), stores each in its
own transaction and only then flags it ``\\Seen``: a crash between the two leaves the message
unseen, and the next poll finds it already stored (de-duplicated on Message-ID). A message that
cannot be taken is flagged ``\\Seen \\Flagged`` so that a person can look at it in the mailbox
and it is not fetched again; an automatic one (bounce, out-of-office) is just marked seen.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings

from lantoa.connectors.email.ingest import email_ingest
from lantoa.connectors.email.parsing import EmailRejected, EmailSkipped
from lantoa.connectors.models import CounterReason, Platform
from lantoa.connectors.services import counter_increment

log = logging.getLogger(__name__)

IMAP_TIMEOUT = 30
MAX_PER_POLL = 200


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    rejected: int = 0
    failed: int = 0


@dataclass(frozen=True)
class MailboxConfig:
    scheme: str
    host: str
    port: int
    user: str
    password: str
    mailbox: str


def parse_imap_url(url: str) -> MailboxConfig:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps", "imap+starttls"):
        raise ValueError(
            "LANTOA_IMAP_URL phải bắt đầu bằng imaps://, imap:// hoặc imap+starttls://"
        )
    if not parts.hostname or not parts.username:
        raise ValueError("LANTOA_IMAP_URL thiếu tên máy chủ hoặc tên đăng nhập")
    default_port = 993 if parts.scheme == "imaps" else 143
    return MailboxConfig(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or default_port,
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _connect(config: MailboxConfig) -> imaplib.IMAP4:
    if config.scheme == "imaps":
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(config.host, config.port, timeout=IMAP_TIMEOUT)
    else:
        conn = imaplib.IMAP4(config.host, config.port, timeout=IMAP_TIMEOUT)
        if config.scheme == "imap+starttls":
            conn.starttls()
    conn.login(config.user, config.password)
    return conn


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _raw_message(data: list[object]) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def mailbox_poll(url: str | None = None, *, limit: int = MAX_PER_POLL) -> PollResult:
    """Fetch, store and mark the mailbox's unseen messages (nothing when no URL is set)."""
    result = PollResult()
    url = url if url is not None else settings.LANTOA_IMAP_URL
    if not url:
        return result
    config = parse_imap_url(url)
    conn = _connect(config)
    try:
        typ, _ = conn.select(_quote(config.mailbox))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select mailbox ({typ})")
        typ, data = conn.uid("SEARCH", None, "UNSEEN")  # type: ignore[arg-type]
        uids = (data[0] or b"").split() if typ == "OK" and data else []
        for uid in uids[:limit]:
            result.fetched += 1
            uid_text = uid.decode()
            typ, fetched = conn.uid("FETCH", uid_text, "(BODY.PEEK[])")
            raw = _raw_message(list(fetched or [])) if typ == "OK" else None
            if raw is None:
                result.failed += 1
                continue
            flags = "(\\Seen)"
            try:
                received = email_ingest(raw)
            except EmailSkipped:
                result.skipped += 1
            except EmailRejected as exc:
                result.rejected += 1
                flags = "(\\Seen \\Flagged)"
                counter_increment(platform=Platform.EMAIL, reason=CounterReason.REJECTED)
                log.info("mailbox uid %s rejected: %s", uid_text, type(exc).__name__)
            except Exception:
                # Database down or a bug: leave it unseen for the next poll.
                result.failed += 1
                log.exception("mailbox uid %s could not be stored", uid_text)
                continue
            else:
                if received.duplicate:
                    result.duplicates += 1
                else:
                    result.stored += 1
            # Only now — the message is committed — may the mailbox forget it.
            conn.uid("STORE", uid_text, "+FLAGS", flags)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    log.info(
        "mailbox poll: %s fetched, %s stored, %s duplicates, %s skipped, %s rejected, %s failed",
        result.fetched,
        result.stored,
        result.duplicates,
        result.skipped,
        result.rejected,
        result.failed,
    )
    return result
