"""``send_reply``: the outbox's one call to deliver an officer's reply on the inquiry's channel.

Dispatches on ``outbound.source``: Zalo and Messenger through the inquiry's channel's
connection (``connectors.selectors.account_for_sending``) to the worker's platform id; e-mail
to the contact's address, answering the worker's last message. Returns the platform's message
id (for e-mail, our Message-ID) or raises ``TemporaryError`` / ``PermanentError``
(lantoa.connectors.errors) with the platform's message and code.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lantoa.connectors.email.outbound import make_message_id, send_email
from lantoa.connectors.errors import PermanentError
from lantoa.connectors.models import ConnectorAccount, Platform
from lantoa.connectors.selectors import account_for_sending
from lantoa.inquiries.models import Direction, Inquiry, Message, OutboundReply, Source

# Longest text each platform takes in one message, for the reply form to check up front.
MAX_REPLY_CHARS = {Source.ZALO: 2000, Source.FACEBOOK: 2000}


def _account(inquiry: Inquiry, platform: str) -> ConnectorAccount:
    return account_for_sending(
        channel_id=inquiry.channel_id,
        platform=platform,
        not_connected=(
            _(
                "Kênh tiếp nhận câu hỏi này chưa được kết nối (hoặc đã bị "
                "ngắt kết nối); cán bộ quản lý kênh cần kết nối lại rồi gửi "
                "lại câu trả lời."
            )
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
            _("Không còn mã người dùng trên nền tảng để trả lời (thông tin liên hệ đã bị xóa)."),
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
        _("Kênh “%(source)s” không gửi trả lời tự động; câu trả lời xem trên trang tra cứu.")
        % {"source": outbound.source},
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


def send_email_reply(outbound: OutboundReply) -> str:
    """Send the reply; returns its Message-ID (without angle brackets)."""
    message = outbound.message
    inquiry = message.inquiry
    contact = getattr(inquiry, "contact", None)
    address = (contact.email if contact is not None else "").strip()
    if not address:
        raise PermanentError(
            _(
                "Không có địa chỉ thư của người lao động (ẩn danh hoặc đã "
                "xóa thông tin liên hệ); câu trả lời chỉ xem được trên trang "
                "tra cứu."
            ),
            code="no_address",
        )
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
