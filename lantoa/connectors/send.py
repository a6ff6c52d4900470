"""``send_reply``: the outbox's one call to deliver an officer's reply on the inquiry's channel.

Dispatches on ``outbound.source``: Zalo and Messenger through the inquiry's channel's
``ConnectorAccount`` to the worker's platform id; e-mail to the contact's address. Returns the
platform's message id (for e-mail, our Message-ID) or raises ``TemporaryError`` /
``PermanentError`` (lantoa.connectors.errors) with the platform's message and code.
"""

from __future__ import annotations

from lantoa.connectors.errors import PermanentError
from lantoa.connectors.models import AccountStatus, ConnectorAccount
from lantoa.inquiries.models import Inquiry, OutboundReply, Source

# Longest text each platform takes in one message, for the reply form to check up front.
MAX_REPLY_CHARS = {Source.ZALO: 2000, Source.FACEBOOK: 2000}


def _account(inquiry: Inquiry) -> ConnectorAccount:
    channel = inquiry.channel
    account = None
    if channel is not None:
        account = ConnectorAccount.objects.filter(channel=channel).first()
    if account is None:
        raise PermanentError(
            "Kênh tiếp nhận câu hỏi này chưa được kết nối (hoặc đã bị ngắt kết nối); cán bộ "
            "quản lý kênh cần kết nối lại rồi gửi lại câu trả lời.",
            code="not_connected",
        )
    if account.status == AccountStatus.ERROR:
        raise PermanentError(
            f"Kết nối của kênh đang lỗi, cần kết nối lại: {account.last_error}",
            code="account_error",
        )
    if account.status == AccountStatus.PAUSED:
        raise PermanentError("Kết nối của kênh đang tạm dừng.", code="account_paused")
    return account


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
            "Không còn mã người dùng trên nền tảng để trả lời (thông tin liên hệ đã bị xoá).",
            code="no_recipient",
        )
    return user_id


def send_reply(outbound: OutboundReply) -> str:
    message = outbound.message
    inquiry = message.inquiry
    if outbound.source == Source.ZALO:
        from lantoa.connectors.zalo.client import send_text as zalo_send

        return zalo_send(
            _account(inquiry),
            user_id=_platform_user_id(inquiry),
            text=message.body,
            last_inbound_at=inquiry.last_inbound_at,
        )
    if outbound.source == Source.FACEBOOK:
        from lantoa.connectors.facebook.client import send_text as facebook_send

        return facebook_send(
            _account(inquiry),
            psid=_platform_user_id(inquiry),
            text=message.body,
            last_inbound_at=inquiry.last_inbound_at,
        )
    if outbound.source == Source.EMAIL:
        from lantoa.connectors.email.outbound import send_email_reply

        return send_email_reply(outbound)
    raise PermanentError(
        f"Kênh “{outbound.source}” không gửi trả lời tự động; câu trả lời xem trên trang tra cứu.",
        code="no_channel",
    )
