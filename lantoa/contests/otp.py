"""Sending an entrant's one-time code, through the backend named by the setting
``LANTOA_CONTEST_OTP_BACKEND``:

- ``console`` (the default, for the demo and tests): a line on the server's standard output;
- ``email``: an e-mail through Django's mail (``LANTOA_EMAIL_URL``) to the address the entrant
  gives on the registration form (asked only with this backend, used for this e-mail and not
  kept);
- ``zalo``: a Zalo ZNS template message (Zalo Notification Service) to the phone number:
  ``POST LANTOA_CONTEST_OTP_ZALO_URL`` (``https://business.openapi.zalo.me/message/template``)
  with the OA's ``access_token`` header and ``{"phone": "84…", "template_id": …,
  "template_data": {<LANTOA_CONTEST_OTP_ZALO_CODE_PARAM>: code}, "tracking_id": …}``; ZNS answers
  HTTP 200 with ``{"error": 0, …}`` on success and a negative ``error`` code otherwise;
- ``sms``: a generic SMS HTTP gateway: ``POST LANTOA_CONTEST_OTP_SMS_URL`` with JSON ``{"to":
  "84…", "text": …, "sender": LANTOA_CONTEST_OTP_SMS_SENDER}`` and ``Authorization: Bearer
  LANTOA_CONTEST_OTP_SMS_TOKEN``; any 2xx is accepted, 4xx means the number was refused, 5xx
  or no answer that the gateway is down;
- or a dotted path to a class with the same ``send``.

A code that could not be sent raises ``CodeNotSent`` with what the entrant reads (Vietnamese
first) and whether it is worth trying again. Logs carry the backend, the gateway's error code
and at most the last three digits of the phone number: the number itself is personal data.
"""

from __future__ import annotations

import logging
import secrets
import sys
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from lantoa.connectors import http
from lantoa.connectors.errors import ConnectorError, PermanentError

log = logging.getLogger(__name__)

BACKENDS = {
    "console": "lantoa.contests.otp.ConsoleSender",
    "email": "lantoa.contests.otp.EmailSender",
    "zalo": "lantoa.contests.otp.ZaloZnsSender",
    "sms": "lantoa.contests.otp.SmsGatewaySender",
}

# ZNS error codes (zalo.cloud, "Cách xử lý mã lỗi") that concern the recipient, not our setup:
# the entrant can fix them (another number, updating Zalo); the others are the organisers'.
ZNS_RECIPIENT_ERRORS = {
    -108: "phone",  # Phone number invalid
    -110: "version",  # Zalo version unsupported
    -114: "refused",  # User inactive, rejected the message, outdated Zalo or internal error
    -118: "no_zalo",  # Zalo account not existed
    -119: "refused",  # Account can not receive ZNS message
    -139: "refused",  # User refused to receive ZNS message
}


class CodeNotSent(Exception):
    """The code did not leave. ``message`` is for the entrant; ``retry``: trying again later
    may work (the gateway or our setup failed, not the number)."""

    def __init__(self, message: str, *, code: str | int, retry: bool) -> None:
        super().__init__(message)
        self.message, self.code, self.retry = message, code, retry


class CodeSender(Protocol):
    needs_email: bool

    def send(self, *, phone: str, code: str, contest_title: str, email: str = "") -> None: ...


def _masked(phone: str) -> str:
    return f"…{phone[-3:]}"


def international(phone: str) -> str:
    """0912345678 → 84912345678 (the gateways' format)."""
    digits = "".join(c for c in phone if c.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


def message_text(code: str, contest_title: str) -> str:
    return _(
        "Mã xác minh cuộc thi “%(contest)s” của bạn là %(code)s, dùng trong 10 phút. "
        "Không đưa mã này cho người khác."
    ) % {"contest": contest_title, "code": code}


def _setting(name: str) -> str:
    value = str(getattr(settings, name, "") or "")
    if not value:
        raise ImproperlyConfigured(f"{name} is required by LANTOA_CONTEST_OTP_BACKEND")
    return value


def _gateway_down(backend: str, error: object) -> CodeNotSent:
    log.warning("contest code not sent (%s): %s", backend, error)
    return CodeNotSent(
        _("Chưa gửi được mã xác minh vì hệ thống gửi tin đang lỗi. Vui lòng thử lại sau ít phút."),
        code="gateway",
        retry=True,
    )


class ConsoleSender:
    """Writes "Mã xác minh … (số …678): 123456" to standard output."""

    needs_email = False

    def send(self, *, phone: str, code: str, contest_title: str, email: str = "") -> None:
        sys.stdout.write(
            f"[Lan Tỏa] Mã xác minh cuộc thi “{contest_title}” (số {_masked(phone)}): {code}\n"
        )
        sys.stdout.flush()


class EmailSender:
    """The code by e-mail, to the address given on the registration form."""

    needs_email = True

    def send(self, *, phone: str, code: str, contest_title: str, email: str = "") -> None:
        if not email:
            raise CodeNotSent(
                _("Vui lòng nhập địa chỉ e-mail để nhận mã xác minh."), code="email", retry=False
            )
        mail = EmailMessage(
            subject=_("Mã xác minh cuộc thi “%(contest)s”") % {"contest": contest_title},
            body=message_text(code, contest_title),
            to=[email],
        )
        try:
            mail.send()
        except Exception as exc:  # SMTP refused, unreachable, timed out
            raise _gateway_down("email", type(exc).__name__) from exc


class ZaloZnsSender:
    """A ZNS template message (the OA's approved template with one parameter: the code)."""

    needs_email = False

    def send(self, *, phone: str, code: str, contest_title: str, email: str = "") -> None:
        url = str(getattr(settings, "LANTOA_CONTEST_OTP_ZALO_URL", "") or "")
        token = _setting("LANTOA_CONTEST_OTP_ZALO_TOKEN")
        template = _setting("LANTOA_CONTEST_OTP_ZALO_TEMPLATE")
        param = str(getattr(settings, "LANTOA_CONTEST_OTP_ZALO_CODE_PARAM", "") or "otp")
        try:
            response = http.request(
                "POST",
                url,
                platform="Zalo ZNS",
                headers={"access_token": token},
                json={
                    "phone": international(phone),
                    "template_id": template,
                    "template_data": {param: code},
                    "tracking_id": secrets.token_hex(8),
                },
            )
            body = http.json_of(response, "Zalo ZNS")
        except ConnectorError as exc:
            raise _gateway_down("zalo", f"{exc.code}") from exc
        error = body.get("error")
        if error == 0:
            return
        try:
            number = int(str(error))
        except ValueError:
            number = -100
        reason = ZNS_RECIPIENT_ERRORS.get(number)
        log.warning("contest code not sent (zalo): ZNS error %s for %s", number, _masked(phone))
        if reason == "phone":
            raise CodeNotSent(
                _("Zalo báo số điện thoại này không hợp lệ. Vui lòng kiểm tra lại số."),
                code=number,
                retry=False,
            )
        if reason == "version":
            raise CodeNotSent(
                _("Ứng dụng Zalo trên máy bạn đã cũ. Vui lòng cập nhật Zalo rồi bấm “Gửi lại mã”."),
                code=number,
                retry=False,
            )
        if reason is not None:
            raise CodeNotSent(
                _(
                    "Số điện thoại này chưa có tài khoản Zalo hoặc đang chặn tin từ doanh nghiệp, "
                    "nên không nhận được mã. Vui lòng dùng số có Zalo hoặc liên hệ ban tổ chức."
                ),
                code=number,
                retry=False,
            )
        # Token, template, quota, our setup: the organisers' to fix; the entrant tries later.
        raise _gateway_down("zalo", f"ZNS error {number}")


class SmsGatewaySender:
    """A generic SMS gateway that takes one JSON POST per message."""

    needs_email = False

    def send(self, *, phone: str, code: str, contest_title: str, email: str = "") -> None:
        url = _setting("LANTOA_CONTEST_OTP_SMS_URL")
        headers = {}
        token = str(getattr(settings, "LANTOA_CONTEST_OTP_SMS_TOKEN", "") or "")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = {"to": international(phone), "text": message_text(code, contest_title)}
        sender = str(getattr(settings, "LANTOA_CONTEST_OTP_SMS_SENDER", "") or "")
        if sender:
            payload["sender"] = sender
        try:
            http.request("POST", url, platform="SMS", headers=headers, json=payload)
        except PermanentError as exc:
            if exc.code in (401, 403):  # our credentials: the organisers' to fix
                raise _gateway_down("sms", f"HTTP {exc.code}") from exc
            log.warning("contest code not sent (sms): HTTP %s for %s", exc.code, _masked(phone))
            raise CodeNotSent(
                _(
                    "Nhà mạng không nhận gửi tin tới số điện thoại này. Vui lòng kiểm tra lại "
                    "số hoặc liên hệ ban tổ chức."
                ),
                code=str(exc.code),
                retry=False,
            ) from exc
        except ConnectorError as exc:
            raise _gateway_down("sms", f"{exc.code}") from exc


def sender() -> CodeSender:
    name = str(getattr(settings, "LANTOA_CONTEST_OTP_BACKEND", "") or "console")
    path = BACKENDS.get(name, name)
    if "." not in path:
        raise ImproperlyConfigured(
            f"LANTOA_CONTEST_OTP_BACKEND: {name!r} is none of {', '.join(BACKENDS)}"
        )
    sender_class = import_string(path)
    return sender_class()


def needs_email() -> bool:
    """Whether the registration form asks for an e-mail address (the ``email`` backend)."""
    return bool(getattr(sender(), "needs_email", False))


def send_code(*, phone: str, code: str, contest_title: str, email: str = "") -> None:
    """Send the code; ``CodeNotSent`` when it did not leave."""
    sender().send(phone=phone, code=code, contest_title=contest_title, email=email)
