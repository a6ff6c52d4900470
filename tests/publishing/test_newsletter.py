"""The newsletter: double opt-in and one-click unsubscribe on the public site, sending to confirmed
subscribers once (local SMTP server), retries."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from lantoa.publishing import runner
from lantoa.publishing.models import Delivery, DeliveryStatus, Subscriber
from tests.conftest import Officers, Tree
from tests.fixtures.connectors.mailservers import FakeSmtp
from tests.fixtures.publishing import (
    PUBLIC_URL,
    fake_fixture,  # noqa: F401  (fixture "fake")
    media_root_fixture,  # noqa: F401  (autouse fixture)
    subscriber,
)
from tests.publishing.support import S, item_approved, run_job, schedule


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp().start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        DEFAULT_FROM_EMAIL="Công đoàn An Giang <bantin@congdoan.example.vn>",
        LANTOA_PUBLIC_URL=PUBLIC_URL,
    ):
        yield server
    server.stop()


def test_double_opt_in_then_one_click_unsubscribe(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("publicsite:subscribe", args=["P-A"]),
            {"email": "Lan.Nguyen@Example.COM", "website": ""},
        )
    assert response.status_code == 302
    sub = Subscriber.objects.get()
    assert sub.email == "lan.nguyen@example.com" and sub.confirmed_at is None
    (confirm,) = mail.outbox
    assert confirm.to == ["lan.nguyen@example.com"]
    assert reverse("publicsite:confirm", args=[sub.token]) in confirm.body
    # Asking again within 10 minutes sends no second mail, and says the same.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("publicsite:subscribe", args=["P-A"]), {"email": "LAN.NGUYEN@example.com"}
        )
    assert again.status_code == 302 and len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1
    # Opening the link does not confirm (mail scanners open links); the button does.
    assert client.get(reverse("publicsite:confirm", args=[sub.token])).status_code == 200
    sub.refresh_from_db()
    assert sub.confirmed_at is None
    assert client.post(reverse("publicsite:confirm", args=[sub.token])).status_code == 200
    sub.refresh_from_db()
    assert sub.active
    assert client.post(reverse("publicsite:confirm", args=["khong-co"])).status_code == 404
    # RFC 8058 one-click, without a CSRF cookie.
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("publicsite:unsubscribe", args=[sub.token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.unsubscribed_at is not None and not sub.active


def test_subscribe_refuses_bad_addresses_in_vietnamese(client: Client, tree: Tree) -> None:
    response = client.post(
        reverse("publicsite:subscribe", args=["P-A"]), {"email": "khong-phai-email"}
    )
    assert response.status_code == 400
    assert "“khong-phai-email” không phải địa chỉ thư điện tử hợp lệ" in response.content.decode()
    assert Subscriber.objects.count() == 0
    assert client.get(reverse("publicsite:subscribe", args=["KHONG-CO"])).status_code == 404


def test_newsletter_goes_to_confirmed_subscribers_once(
    tree: Tree, officers: Officers, smtp: FakeSmtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscriber(tree.pa, "a@example.com")
    subscriber(tree.pa, "b@example.com")
    subscriber(tree.pa, "c@example.com", confirmed=False)
    gone = subscriber(tree.pa, "d@example.com")
    gone.unsubscribed_at = timezone.now()
    gone.save()
    subscriber(tree.pb, "e@example.com")  # another unit's reader
    item = item_approved(tree, officers)
    (pub,) = schedule(item, tree.pa, ["newsletter"], officers.a_propaganda)

    # The server refuses for a while after the first mail: it goes out once, b waits.
    real = runner._delivery

    def flaky(delivery: Any, status: str, error: str) -> None:
        real(delivery, status, error)
        if status == DeliveryStatus.SENT:
            smtp.rcpt_reply = "451 4.3.0 Try again later"

    monkeypatch.setattr(runner, "_delivery", flaky)
    now = timezone.now()
    assert run_job(pub, now) == S.PENDING
    assert [r for _s, r, _d in smtp.messages] == [["a@example.com"]]
    pub.refresh_from_db()
    assert "tạm thời" in pub.last_error
    smtp.rcpt_reply = "250 OK"
    monkeypatch.undo()
    assert run_job(pub, pub.next_attempt_at) == S.PUBLISHED
    assert [r for _s, r, _d in smtp.messages] == [["a@example.com"], ["b@example.com"]]
    pub.refresh_from_db()
    assert pub.external_id == "2 thư"
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    received = message_from_bytes(smtp.messages[0][2], policy=policy.default)
    assert str(received["Subject"]).strip() == "[LĐLĐ An Giang] Hội nghị người lao động năm 2026"
    token = Subscriber.objects.get(email="a@example.com").token
    assert received["List-Unsubscribe"] == f"<{PUBLIC_URL}/ban-tin/huy/{token}/>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = received.get_body(preferencelist=("plain",))
    assert (
        body is not None and reverse("publicsite:unsubscribe", args=[token]) in body.get_content()
    )


def test_newsletter_mail_in_flight_at_a_crash_is_not_sent_again(
    tree: Tree, officers: Officers, smtp: FakeSmtp
) -> None:
    a = subscriber(tree.pa, "a@example.com")
    b = subscriber(tree.pa, "b@example.com")
    item = item_approved(tree, officers)
    (pub,) = schedule(item, tree.pa, ["newsletter"], officers.a_propaganda)
    # The worker died while handing a's mail to the server (after the rows were made).
    Delivery.objects.create(publication=pub, subscriber=a, status=DeliveryStatus.SENDING)
    Delivery.objects.create(publication=pub, subscriber=b)
    assert run_job(pub) == S.PUBLISHED
    assert [r for _s, r, _d in smtp.messages] == [["b@example.com"]]
    assert Delivery.objects.get(subscriber=a).status == DeliveryStatus.UNCERTAIN


def test_newsletter_needs_confirmed_subscribers(tree: Tree, officers: Officers) -> None:
    subscriber(tree.pa, "c@example.com", confirmed=False)
    item = item_approved(tree, officers)
    with pytest.raises(ValidationError) as info:
        schedule(item, tree.pa, ["newsletter"], officers.a_propaganda)
    assert "chưa có người nhận nào đã xác nhận" in info.value.message_dict["channels"][0]


def test_smtp_server_down_is_retried(tree: Tree, officers: Officers, smtp: FakeSmtp) -> None:
    subscriber(tree.pa, "a@example.com")
    item = item_approved(tree, officers)
    (pub,) = schedule(item, tree.pa, ["newsletter"], officers.a_propaganda)
    smtp.stop()
    assert run_job(pub) == S.PENDING
    pub.refresh_from_db()
    assert "Không kết nối được máy chủ thư" in pub.last_error
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
