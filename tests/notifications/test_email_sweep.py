"""E-mail copies of notices whose queueing failed (Redis down) are queued again by the sweep,
each sent once (lantoa.notifications.tasks.email_sweep)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from lantoa.accounts.models import User
from lantoa.notifications.models import Notification
from lantoa.notifications.tasks import email_sweep

pytestmark = pytest.mark.django_db


def _notice(user: User, *, age: dt.timedelta, title: str) -> Notification:
    note = Notification.objects.create(user=user, kind="test", title=title, body="Nội dung")
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - age)
    return note


def test_copies_never_queued_are_sent_once() -> None:
    with_mail = User.objects.create_user("co_thu", email="co.thu@example.vn", password="x")
    without = User.objects.create_user("khong_thu", email="", password="x")
    lost = _notice(with_mail, age=dt.timedelta(minutes=10), title="Chưa gửi thư")
    _notice(with_mail, age=dt.timedelta(seconds=10), title="Vừa tạo")  # its own queueing runs
    _notice(with_mail, age=dt.timedelta(days=2), title="Quá cũ")
    _notice(without, age=dt.timedelta(minutes=10), title="Không có địa chỉ")
    mail.outbox.clear()
    assert email_sweep() == 1
    assert [m.subject for m in mail.outbox] == ["[Lan Tỏa] Chưa gửi thư"]
    lost.refresh_from_db()
    assert lost.emailed_at is not None
    assert email_sweep() == 0 and len(mail.outbox) == 1
