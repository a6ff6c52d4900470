"""The one-time code's backends against local HTTP servers standing in for Zalo ZNS and an SMS
gateway, and Django's mail: what leaves, how each answer is read, what the entrant is told,
and that the phone number never reaches a log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import Client, override_settings

from lantoa.contests import otp
from lantoa.contests.models import Entrant
from tests.conftest import Tree
from tests.contests.support import quiz
from tests.fixtures.connectors.support import FakePlatform

PHONE = "0912345678"
ZNS_PATH = "/message/template"
SMS_PATH = "/api/sms/send"


@pytest.fixture
def gateway() -> Iterator[FakePlatform]:
    fake = FakePlatform().start()
    yield fake
    fake.stop()


@pytest.fixture
def zalo(gateway: FakePlatform) -> Iterator[FakePlatform]:
    with override_settings(
        LANTOA_CONTEST_OTP_BACKEND="zalo",
        LANTOA_CONTEST_OTP_ZALO_URL=gateway.url + ZNS_PATH,
        LANTOA_CONTEST_OTP_ZALO_TOKEN="zns-access-token-test",
        LANTOA_CONTEST_OTP_ZALO_TEMPLATE="294761",
    ):
        yield gateway


@pytest.fixture
def sms(gateway: FakePlatform) -> Iterator[FakePlatform]:
    with override_settings(
        LANTOA_CONTEST_OTP_BACKEND="sms",
        LANTOA_CONTEST_OTP_SMS_URL=gateway.url + SMS_PATH,
        LANTOA_CONTEST_OTP_SMS_TOKEN="sms-token-test",
        LANTOA_CONTEST_OTP_SMS_SENDER="CONGDOAN",
    ):
        yield gateway


def _no_phone(caplog: pytest.LogCaptureFixture) -> None:
    assert PHONE not in caplog.text and PHONE[1:] not in caplog.text


def test_zalo_zns_sends_the_template_with_the_code(
    zalo: FakePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    zalo.reply(ZNS_PATH, 200, {"error": 0, "message": "Success", "data": {"msg_id": "a1b2"}})
    with caplog.at_level(logging.INFO):
        otp.send_code(phone=PHONE, code="482913", contest_title="Tìm hiểu pháp luật")
    (call,) = zalo.calls(ZNS_PATH)
    assert call.method == "POST" and call.headers["access_token"] == "zns-access-token-test"
    body = call.json()
    assert body["phone"] == "84912345678" and body["template_id"] == "294761"
    assert body["template_data"] == {"otp": "482913"} and re.fullmatch(
        r"[0-9a-f]{16}", body["tracking_id"]
    )
    _no_phone(caplog)


@pytest.mark.parametrize(
    ("error", "retry", "words"),
    [
        (-118, False, "chưa có tài khoản Zalo"),
        (-139, False, "chặn tin"),
        (-108, False, "không hợp lệ"),
        (-110, False, "cập nhật Zalo"),
        (-124, True, "thử lại sau"),  # access token invalid: the organisers' to fix
        (-115, True, "thử lại sau"),  # out of quota
    ],
)
def test_zalo_zns_error_codes_tell_the_entrant_what_to_do(
    zalo: FakePlatform, caplog: pytest.LogCaptureFixture, error: int, retry: bool, words: str
) -> None:
    zalo.reply(ZNS_PATH, 200, {"error": error, "message": "Error from Zalo"})
    with caplog.at_level(logging.INFO), pytest.raises(otp.CodeNotSent) as caught:
        otp.send_code(phone=PHONE, code="482913", contest_title="Tìm hiểu pháp luật")
    assert caught.value.retry is retry and words in caught.value.message
    assert str(error) in caplog.text
    _no_phone(caplog)


def test_zalo_zns_down_or_garbled_is_a_try_again(zalo: FakePlatform) -> None:
    zalo.reply(ZNS_PATH, 502, {"error": -100}).reply(ZNS_PATH, 200, b"<html>busy</html>")
    for _ in range(2):
        with pytest.raises(otp.CodeNotSent) as caught:
            otp.send_code(phone=PHONE, code="482913", contest_title="Cuộc thi")
        assert caught.value.retry and "thử lại sau" in caught.value.message


def test_sms_gateway_posts_json_with_the_bearer_token(
    sms: FakePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    sms.reply(SMS_PATH, 202, {"id": "m-1"})
    with caplog.at_level(logging.INFO):
        otp.send_code(phone=PHONE, code="004417", contest_title="Tìm hiểu pháp luật")
    (call,) = sms.calls(SMS_PATH)
    assert call.headers["authorization"] == "Bearer sms-token-test"
    body = call.json()
    assert body["to"] == "84912345678" and body["sender"] == "CONGDOAN"
    assert "004417" in body["text"] and "Tìm hiểu pháp luật" in body["text"]
    _no_phone(caplog)


@pytest.mark.parametrize(
    ("status", "retry", "words"),
    [
        (400, False, "không nhận gửi tin tới số"),
        (422, False, "không nhận gửi tin tới số"),
        (401, True, "thử lại sau"),
        (503, True, "thử lại sau"),
    ],
)
def test_sms_gateway_refusals(
    sms: FakePlatform, caplog: pytest.LogCaptureFixture, status: int, retry: bool, words: str
) -> None:
    sms.reply(SMS_PATH, status, {"error": "rejected"})
    with caplog.at_level(logging.INFO), pytest.raises(otp.CodeNotSent) as caught:
        otp.send_code(phone=PHONE, code="004417", contest_title="Cuộc thi")
    assert caught.value.retry is retry and words in caught.value.message
    _no_phone(caplog)


@override_settings(LANTOA_CONTEST_OTP_BACKEND="email")
def test_email_backend_sends_to_the_address_given() -> None:
    otp.send_code(phone=PHONE, code="771203", contest_title="Cuộc thi", email="hoa@example.vn")
    (message,) = mail.outbox
    assert message.to == ["hoa@example.vn"] and "771203" in message.body
    assert "Cuộc thi" in message.subject
    with pytest.raises(otp.CodeNotSent):
        otp.send_code(phone=PHONE, code="771203", contest_title="Cuộc thi")


def _form(tree: Tree, **extra: str) -> dict[str, str]:
    return {
        "full_name": "Phạm Thị Hoa",
        "birth_date": "02/03/1994",
        "phone": PHONE,
        "unit": str(tree.a_g1.pk),
        **extra,
    }


def test_registration_shows_the_gateways_refusal(
    client: Client, tree: Tree, zalo: FakePlatform
) -> None:
    contest, _rounds = quiz(tree.pa)
    zalo.reply(ZNS_PATH, 200, {"error": -118, "message": "Zalo account not existed"})
    response = client.post(f"/thi/{contest.pk}/dang-ky/", _form(tree))
    assert response.status_code == 400
    assert "chưa có tài khoản Zalo" in response.content.decode()
    # Nothing waits for a code that never left.
    assert client.get(f"/thi/{contest.pk}/xac-minh/").status_code == 302
    zalo.reply(ZNS_PATH, 200, {"error": -124, "message": "Access token invalid"})
    zalo.routes[ZNS_PATH].pop(0)
    again = client.post(f"/thi/{contest.pk}/dang-ky/", _form(tree))
    assert again.status_code == 503 and "thử lại sau" in again.content.decode()


@override_settings(LANTOA_CONTEST_OTP_BACKEND="email")
def test_registration_by_email_asks_for_the_address_and_keeps_it_nowhere(
    client: Client, tree: Tree
) -> None:
    contest, _rounds = quiz(tree.pa)
    page = client.get(f"/thi/{contest.pk}/dang-ky/").content.decode()
    assert 'name="email"' in page
    missing = client.post(f"/thi/{contest.pk}/dang-ky/", _form(tree))
    assert missing.status_code == 400 and "Vui lòng nhập địa chỉ e-mail" in (
        missing.content.decode()
    )
    done = client.post(f"/thi/{contest.pk}/dang-ky/", _form(tree, email="hoa@example.vn"))
    assert done.status_code == 302
    (message,) = mail.outbox
    code = re.search(r"\b(\d{6})\b", message.body)
    assert code and message.to == ["hoa@example.vn"]
    verify = client.get(f"/thi/{contest.pk}/xac-minh/").content.decode()
    assert "địa chỉ e-mail" in verify
    assert client.post(f"/thi/{contest.pk}/xac-minh/", {"code": code.group(1)}).status_code == 302
    person = Entrant.objects.get()
    assert person.verified_at is not None
    assert "hoa@example.vn" not in str(Entrant.objects.values().get())
