"""Sending e-mail through Django's mail backend (``LANTOA_EMAIL_URL``).

``send_email`` sends one message with a Message-ID of the caller's choosing (``message_id``:
derive it from something stable, so that a retried send carries the same id) and the
threading headers ``In-Reply-To`` / ``References``; SMTP failures become ``PermanentError`` or
``TemporaryError`` (``smtp_error``, also used by the newsletter's batch sender). What a reply
says and which message it answers is the inquiry desk's (``lantoa.inquiries.replies``).
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext_noop

from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.core.messages import Text

SMTP_TIMEOUT = 30


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2].strip().lower()
    return domain if domain and "." in domain else "lantoa.localhost"


def make_message_id(key: str) -> str:
    """A Message-ID of ours (without angle brackets) for ``key``, on the sender's domain."""
    return f"lantoa.{key}@{_domain()}"


def smtp_error(exc: smtplib.SMTPException) -> PermanentError | TemporaryError:
    """What an SMTP failure means for the sender: permanent (5xx, the recipients refused, the
    login refused) or temporary (try again later), with a message in Vietnamese."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in exc.recipients.values()]
        code = min(codes) if codes else None
        if codes and all(c >= 500 for c in codes):
            return PermanentError(
                Text(gettext_noop("Máy chủ thư từ chối địa chỉ của người lao động."), {}),
                code=code,
            )
        return TemporaryError(
            Text(gettext_noop("Máy chủ thư tạm thời chưa nhận địa chỉ người nhận."), {}),
            code=code,
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return PermanentError(
            Text(
                gettext_noop("Máy chủ thư từ chối đăng nhập; kiểm tra cấu hình LANTOA_EMAIL_URL."),
                {},
            ),
            code=code,
        )
    if isinstance(exc, smtplib.SMTPResponseException) and isinstance(code, int) and code >= 500:
        text = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
        )
        return PermanentError(
            Text(gettext_noop("Máy chủ thư từ chối thư: %(text)s"), {"text": text[:200]}),
            code=code,
        )
    return TemporaryError(
        Text(
            gettext_noop("Máy chủ thư tạm thời lỗi (%(error)s)."),
            {"error": type(exc).__name__},
        ),
        code=code,
    )


def send_email(
    *,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str = "",
    references: Sequence[str] = (),
) -> str:
    """Send one plain-text message from ``DEFAULT_FROM_EMAIL``; returns its Message-ID. Ids
    are given without angle brackets."""
    headers = {"Message-ID": f"<{message_id}>"}
    if in_reply_to:
        headers["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        headers["References"] = " ".join(f"<{r}>" for r in references)
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
        connection=get_connection(timeout=SMTP_TIMEOUT),
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPException as exc:
        raise smtp_error(exc) from exc
    except OSError as exc:
        raise TemporaryError(
            Text(
                gettext_noop("Không kết nối được máy chủ thư (%(error)s)."),
                {"error": type(exc).__name__},
            ),
            code="network",
        ) from exc
    return message_id
