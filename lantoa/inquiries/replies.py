"""``send_reply``: the outbox's one call to deliver an officer's reply on the inquiry's channel.

Dispatches on ``outbound.source``: Zalo and Messenger through the inquiry's channel's
connection (``connectors.selectors.account_for_sending``) to the worker's platform id; e-mail
to the contact's address, answering the worker's last message. Returns the platform's message
id (for e-mail, our Message-ID) or raises ``TemporaryError`` / ``PermanentError``
(lantoa.connectors.errors) with the platform's message and code.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa.connectors.email.outbound import make_message_id, send_email
from lantoa.connectors.errors import PermanentError
from lantoa.connectors.models import ConnectorAccount, Platform
from lantoa.connectors.selectors import account_for_sending
from lantoa.core.messages import Phrase, Text
from lantoa.inquiries.models import Direction, Inquiry, Message, OutboundReply, Source

# Longest text each platform takes in one message, for the reply form to check up front.
MAX_REPLY_CHARS = {Source.ZALO: 2000, Source.FACEBOOK: 2000}


def _account(inquiry: Inquiry, platform: str) -> ConnectorAccount:
    return account_for_sending(
        channel_id=inquiry.channel_id,
        platform=platform,
        not_connected=Text(
            gettext_noop(
                "Kênh tiếp nhận câu hỏi này chưa được kết nối (hoặc đã bị "
                "ngắt kết nối); cán bộ quản lý kênh cần kết nối lại rồi gửi "
                "lại câu trả lời."
            ),
            {},
        ),
    )


def _platform_user_id(inquiry: Inquiry) -> str:
    contact = getattr(inquiry, "contact", None)
    user_id = contact.platform_user_id if contact is not None else ""
    if not user_id:
        # "zalo:<oa>:<user>" / "facebook:<page>:<psid>"
        user_id = (
            inquiry.thread_key.rsplit(":", 1)[-1] if inquiry.thread_key.count(":") == 2 else ""
        )
    if not user_id:
        raise PermanentError(
            Text(
                gettext_noop(
                    "Không còn mã người dùng trên nền tảng để trả lời (thông tin liên hệ đã bị "
                    "xóa)."
                ),
                {},
            ),
            code="no_recipient",
        )
    return user_id


def send_reply(outbound: OutboundReply) -> str:
    message = outbound.message
    inquiry = message.inquiry
    if outbound.source == Source.ZALO:
        from lantoa.connectors.zalo.client import send_text as zalo_send

        return zalo_send(
            _account(inquiry, Platform.ZALO),
            user_id=_platform_user_id(inquiry),
            text=message.body,
            last_inbound_at=inquiry.last_inbound_at,
        )
    if outbound.source == Source.FACEBOOK:
        from lantoa.connectors.facebook.client import send_text as facebook_send

        return facebook_send(
            _account(inquiry, Platform.FACEBOOK),
            psid=_platform_user_id(inquiry),
            text=message.body,
            last_inbound_at=inquiry.last_inbound_at,
        )
    if outbound.source == Source.EMAIL:
        return send_email_reply(outbound)
    raise PermanentError(
        Text(
            gettext_noop(
                "Kênh “%(source)s” không gửi trả lời tự động; câu trả lời xem trên trang tra cứu."
            ),
            {
                "source": Phrase.of(Source(outbound.source).label)
                if outbound.source in Source.values
                else outbound.source
            },
        ),
        code="no_channel",
    )


# ---------------------------------------------------------------------------------------------
# E-mail: the reply answers the worker's last message — ``Subject: Re: …``, ``In-Reply-To``
# that message, ``References`` the thread's root and that message — with a Message-ID derived
# from the outbox row's idempotency key (a retried send carries the same id), which the outbox
# stores (``OutboundReply.external_id``): the worker's answer to it joins the same inquiry
# (``lantoa.inquiries.inbound``).


def reply_message_id(outbound: OutboundReply) -> str:
    return make_message_id(outbound.idempotency_key)


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


def _address(inquiry: Inquiry) -> str:
    contact = getattr(inquiry, "contact", None)
    address = (contact.email if contact is not None else "").strip()
    if not address:
        raise PermanentError(
            Text(
                gettext_noop(
                    "Không có địa chỉ thư của người lao động (ẩn danh hoặc đã "
                    "xóa thông tin liên hệ); câu trả lời chỉ xem được trên trang "
                    "tra cứu."
                ),
                {},
            ),
            code="no_address",
        )
    return address


def send_email_reply(outbound: OutboundReply) -> str:
    """Send the reply; returns its Message-ID (without angle brackets)."""
    message = outbound.message
    inquiry = message.inquiry
    address = _address(inquiry)
    if inquiry.source != Source.EMAIL:
        return _send_web_update(outbound, address)
    in_reply_to, refs = _references(inquiry)
    body = (
        f"{message.body.strip()}\n\n-- \n{inquiry.unit.name}\n"
        f"Mã hồ sơ: {inquiry.code} (trả lời thư này để hỏi thêm)\n"
    )
    return send_email(
        to=address,
        subject=_subject(inquiry),
        body=body,
        message_id=reply_message_id(outbound),
        in_reply_to=in_reply_to,
        references=refs,
    )


# ---------------------------------------------------------------------------------------------
# A web question's worker who asked for e-mail gets the codes once (``receipt_enqueue``: the
# outbox row hangs on their question and carries the secret, encrypted, until sent) and each
# answer. These messages never quote the question: they may be read on a shared phone or
# forwarded; the answer is the worker's to read, the question stays behind the two codes. They
# go only to the address the worker typed (the contact's, which nobody else can change).


def _lookup_url() -> str:
    # ``lantoa demo`` sets the public address from --bind; a deployment sets it in its env.
    return str(settings.LANTOA_PUBLIC_URL).rstrip("/") + reverse("inquiries_public:lookup")


def worker_mail(outbound: OutboundReply) -> tuple[str, str]:
    """(subject, body) of the e-mail to the worker of a web question: the receipt with both
    codes when ``outbound`` hangs on their question, else the officer's answer."""
    message = outbound.message
    inquiry = message.inquiry
    values = {
        "code": inquiry.code,
        "unit": inquiry.unit.name,
        "url": _lookup_url(),
        "hours": inquiry.response_hours,
        "at": localtime(inquiry.received_at).strftime("%H:%M %d/%m/%Y"),
    }
    if message.direction == Direction.IN:
        if not outbound.secret:
            raise PermanentError(
                Text(
                    gettext_noop(
                        "Mã bí mật chỉ gửi được một lần, ngay khi người lao động gửi câu hỏi; "
                        "người lao động xem lại mã trên màn hình lúc gửi."
                    ),
                    {},
                ),
                code="no_secret",
            )
        subject = _("Mã tra cứu câu hỏi %(code)s") % values
        body = _(
            "Chào bạn,\n\n"
            "%(unit)s đã nhận câu hỏi bạn gửi lúc %(at)s. Cán bộ công đoàn sẽ trả lời trong "
            "vòng %(hours)s giờ.\n\n"
            "Mã tra cứu: %(code)s\n"
            "Mã bí mật: %(secret)s\n\n"
            "Xem câu trả lời tại %(url)s (nhập cả hai mã). Khi có câu trả lời, chúng tôi sẽ "
            "gửi thư báo cho bạn.\n\n"
            "Vui lòng giữ kín mã bí mật: ai có cả hai mã đều đọc được câu hỏi và câu trả lời. "
            "Thư này không chứa nội dung câu hỏi của bạn. Nếu bạn không gửi câu hỏi nào cho "
            "Công đoàn, vui lòng bỏ qua thư này.\n"
        ) % {**values, "secret": outbound.secret}
    else:
        subject = _("Công đoàn đã trả lời câu hỏi %(code)s") % values
        body = _(
            "Chào bạn,\n\n"
            "%(unit)s đã trả lời câu hỏi %(code)s của bạn:\n\n"
            "%(answer)s\n\n"
            "Để hỏi thêm hoặc xem toàn bộ trao đổi, vui lòng vào %(url)s và nhập mã tra cứu "
            "cùng mã bí mật.\n"
        ) % {**values, "answer": message.body.strip()}
    return subject, f"{body}\n-- \n{inquiry.unit.name}\n"


def _send_web_update(outbound: OutboundReply, address: str) -> str:
    subject, body = worker_mail(outbound)
    return send_email(to=address, subject=subject, body=body, message_id=reply_message_id(outbound))
