"""Reading a worker's e-mail: headers, the text they wrote (without the quoted history and
signature), attachment metadata. Standard library only (``email`` with ``policy.default``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import Any

from lantoa.core.text import format_int


class EmailRejected(Exception):
    """The message cannot be taken; the text says why, in Vietnamese."""


class EmailSkipped(Exception):
    """An automatic message (bounce, out-of-office, list traffic): nothing to store."""


@dataclass
class ParsedEmail:
    message_id: str
    from_email: str
    from_name: str
    subject: str
    body: str
    attachments: list[dict[str, Any]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    in_reply_to: str = ""
    recipients: list[str] = field(default_factory=list)


_MSGID = re.compile(r"<([^<>\s]+)>")


def normalise_msgid(value: str) -> str:
    value = (value or "").strip()
    found = _MSGID.findall(value)
    if found:
        return found[0][:250]
    return value.strip("<> \t\r\n")[:250]


def msgid_list(value: str | None) -> list[str]:
    found = _MSGID.findall(value or "")
    if not found and (value or "").strip():
        found = [normalise_msgid(value or "")]
    return [f[:250] for f in found if f]


# ---------------------------------------------------------------------------------------------
# HTML → text


_BLOCK = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}
    | {"section", "article", "header", "footer", "pre", "hr"}
)
_SKIP = frozenset({"script", "style", "head", "title", "blockquote"})


# Where mail programs begin the quoted history: everything from there on is dropped.
_HISTORY_MARKERS = ("gmail_quote", "divRplyFwdMsg", "moz-cite-prefix", "yahoo_quoted")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_tag = ""
        self.skip_depth = 0
        self.stopped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if any(m in marks for m in _HISTORY_MARKERS):
            self.stopped = True
            return
        if tag in _SKIP:
            self.skip_tag, self.skip_depth = tag, 1
            return
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.stopped:
            return
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth and not self.stopped:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# ---------------------------------------------------------------------------------------------
# Quoted replies and signatures


_QUOTE_START = re.compile(
    r"^(?:"
    r"(?:On|Vào|Lúc)\b[^\n]{0,300}(?:\n[^\n]{0,300})?(?:wrote|đã viết|viết):\s*$"
    r"|-{2,}\s*(?:Original Message|Forwarded message|Thư gốc|Tin nhắn gốc)\s*-{2,}.*$"
    r"|_{20,}\s*$"
    r"|(?:From|Từ):\s[^\n]+\n(?:(?:Sent|Date|Gửi|Ngày|To|Đến):\s[^\n]*\n?){1,3}"
    r")",
    re.MULTILINE | re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(?:-- ?$|(?:Sent from|Gửi từ|Được gửi từ)\s[^\n]{0,60}$)", re.MULTILINE | re.IGNORECASE
)


def strip_reply(text: str) -> str:
    """What the worker wrote this time: cut at the quoted history or the signature."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    original = text.strip()
    match = _QUOTE_START.search(text)
    if match:
        text = text[: match.start()]
    match = _SIGNATURE.search(text)
    if match:
        text = text[: match.start()]
    lines = [line for line in text.split("\n") if not line.lstrip().startswith(">")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    # Everything was quoted (a forward with no words of their own): keep what came.
    return text or original


# ---------------------------------------------------------------------------------------------
# The message


_AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_ROBOT_SENDER = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.I)
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|tl|ct|trả lời|chuyển tiếp)\s*:\s*)+", re.I)


def clean_subject(subject: str) -> str:
    return _REPLY_PREFIX.sub("", " ".join((subject or "").split()))[:255]


def _text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, KeyError):
        raw = part.get_payload(decode=True)
        content = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        return html_to_text(content)
    return content


def _is_automatic(msg: EmailMessage, sender: str) -> bool:
    auto = str(msg.get("Auto-Submitted", "") or "").strip().lower()
    if auto and auto != "no":
        return True
    if str(msg.get("Precedence", "") or "").strip().lower() in _AUTO_PRECEDENCE:
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or msg.get("List-Id"):
        return True
    if msg.get_content_type() == "multipart/report":
        return True
    return bool(_ROBOT_SENDER.match(sender))


def parse_email(raw: bytes, *, max_attachment_bytes: int) -> ParsedEmail:
    """Parse one RFC 5322 message; EmailRejected for what cannot be taken, EmailSkipped for
    automatic mail."""
    if not raw or not raw.strip():
        raise EmailRejected("Không có nội dung thư (đầu vào rỗng).")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; this is a truly broken input
        raise EmailRejected(f"Không đọc được thư: {type(exc).__name__}.") from exc
    assert isinstance(msg, EmailMessage)

    try:
        from_header = msg["From"]
        addresses = list(getattr(from_header, "addresses", ()) or ())
    except (ValueError, IndexError, TypeError):
        addresses = []
    sender = addresses[0] if addresses else None
    if sender is None or "@" not in (sender.addr_spec or ""):
        raise EmailRejected("Thư không có địa chỉ người gửi hợp lệ (trường From).")
    from_email = sender.addr_spec.strip().lower()
    if _is_automatic(msg, from_email):
        raise EmailSkipped("Thư tự động (trả lời vắng mặt, báo lỗi gửi thư…), bỏ qua.")

    message_id = normalise_msgid(str(msg.get("Message-ID", "") or ""))
    if not message_id:
        # Without an id the raw bytes identify the message, so a re-delivery is still caught.
        message_id = f"sha256-{hashlib.sha256(raw).hexdigest()[:40]}@lantoa.invalid"

    attachments: list[dict[str, Any]] = []
    for part in msg.iter_attachments():
        name = str(part.get_filename() or "")[:255]
        payload = part.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else 0
        if size > max_attachment_bytes:
            raise EmailRejected(
                f"Tệp đính kèm “{name or 'không tên'}” quá lớn ({format_int(size)} byte; tối "
                f"đa {format_int(max_attachment_bytes)} byte)."
            )
        attachments.append(
            {
                "type": "file",
                "name": name,
                "url": "",
                "content_type": part.get_content_type(),
                "size": size,
            }
        )

    recipients: list[str] = []
    for header in ("To", "Cc", "Delivered-To", "X-Original-To"):
        try:
            for address in getattr(msg[header], "addresses", ()) or ():
                if address.addr_spec:
                    recipients.append(address.addr_spec.lower())
        except (ValueError, IndexError, TypeError):
            continue

    body = strip_reply(_text_of(msg))
    if not body and not attachments:
        raise EmailRejected("Thư không có nội dung.")
    return ParsedEmail(
        message_id=message_id,
        from_email=from_email,
        from_name=str(sender.display_name or "")[:150],
        subject=clean_subject(str(msg.get("Subject", "") or "")),
        body=body,
        attachments=attachments,
        references=msgid_list(str(msg.get("References", "") or "")),
        in_reply_to=normalise_msgid(str(msg.get("In-Reply-To", "") or "")),
        recipients=recipients,
    )
