"""Replies by e-mail through Django's mail backend (``LANTOA_EMAIL_URL``).

The reply answers the worker's last message: ``Subject: Re: …``, ``In-Reply-To`` that message,
``References`` the thread's root and that message, and a Message-ID of our own — derived from
the outbox row's idempotency key, so a retried send carries the same id — which the outbox
stores (``OutboundReply.external_id``): the worker's answer to it joins the same inquiry.
"""

from __future__ import annotations

import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.inquiries.models import Direction, Inquiry, Message, OutboundReply, Source

SMTP_TIMEOUT = 30


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2].strip().lower()
    return domain if domain and "." in domain else "lantoa.localhost"


def reply_message_id(outbound: OutboundReply) -> str:
    return f"lantoa.{outbound.idempotency_key}@{_domain()}"


def _subject(inquiry: Inquiry) -> str:
    subject = " ".join((inquiry.subject or "").split()) or f"Câu hỏi {inquiry.code}"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _references(inquiry: Inquiry) -> tuple[str, list[str]]:
    """(In-Reply-To, References) ids without angle brackets."""
    root = inquiry.thread_key[6:] if inquiry.thread_key.startswith("email:") else ""
    last = (
        Message.objects.filter(inquiry=inquiry, direction=Direction.IN, source=Source.EMAIL)
        .exclude(external_id="")
        .order_by("-created_at", "-id")
        .values_list("external_id", flat=True)
        .first()
    )
    in_reply_to = last or root
    refs = []
    for ref in (root, in_reply_to):
        if ref and ref not in refs:
            refs.append(ref)
    return in_reply_to, refs


def _smtp_error(exc: smtplib.SMTPException) -> PermanentError | TemporaryError:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in exc.recipients.values()]
        code = min(codes) if codes else None
        if codes and all(c >= 500 for c in codes):
            return PermanentError("Máy chủ thư từ chối địa chỉ của người lao động.", code=code)
        return TemporaryError("Máy chủ thư tạm thời chưa nhận địa chỉ người nhận.", code=code)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return PermanentError(
            "Máy chủ thư từ chối đăng nhập; kiểm tra cấu hình LANTOA_EMAIL_URL.", code=code
        )
    if isinstance(exc, smtplib.SMTPResponseException) and isinstance(code, int) and code >= 500:
        text = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
        )
        return PermanentError(f"Máy chủ thư từ chối thư: {text[:200]}", code=code)
    return TemporaryError(f"Máy chủ thư tạm thời lỗi ({type(exc).__name__}).", code=code)


def send_email_reply(outbound: OutboundReply) -> str:
    """Send the reply; returns its Message-ID (without angle brackets)."""
    message = outbound.message
    inquiry = message.inquiry
    contact = getattr(inquiry, "contact", None)
    address = (contact.email if contact is not None else "").strip()
    if not address:
        raise PermanentError(
            "Không có địa chỉ thư của người lao động (ẩn danh hoặc đã xoá thông tin liên hệ); "
            "câu trả lời chỉ xem được trên trang tra cứu.",
            code="no_address",
        )
    in_reply_to, refs = _references(inquiry)
    message_id = reply_message_id(outbound)
    headers = {"Message-ID": f"<{message_id}>"}
    if in_reply_to:
        headers["In-Reply-To"] = f"<{in_reply_to}>"
    if refs:
        headers["References"] = " ".join(f"<{r}>" for r in refs)
    body = (
        f"{message.body.strip()}\n\n-- \n{inquiry.unit.name}\n"
        f"Mã hồ sơ: {inquiry.code} (trả lời thư này để hỏi thêm)\n"
    )
    email = EmailMessage(
        subject=_subject(inquiry),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=headers,
        connection=get_connection(timeout=SMTP_TIMEOUT),
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPException as exc:
        raise _smtp_error(exc) from exc
    except OSError as exc:
        raise TemporaryError(
            f"Không kết nối được máy chủ thư ({type(exc).__name__}).", code="network"
        ) from exc
    return message_id
