"""Writes of notices. Callers pick the people; this module stores and e-mails."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lantoa.accounts.models import Membership, User
from lantoa.core.messages import Text, text_in_site_language, text_store
from lantoa.notifications.models import Notification
from lantoa.units.models import Unit


def officers_of(unit: Unit, roles: Iterable[str]) -> QuerySet[User]:
    """Active users holding one of ``roles`` at ``unit`` itself (not at its ancestors)."""
    return User.objects.filter(
        is_active=True,
        id__in=Membership.objects.filter(unit=unit, role__in=list(roles)).values("user_id"),
    )


def _text(text: str | Text) -> tuple[str, str, dict[str, Any]]:
    """(the text in the site's language, its msgid or "", its stored parameters)."""
    if isinstance(text, str):
        return text, "", {}
    stored = text_store(text)
    return text_in_site_language(text), text.msgid, stored["params"]


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str | Text,
    body: str | Text = "",
    url: str = "",
    unit: Unit | None = None,
) -> list[Notification]:
    """Store one notice per user (deduplicated) and e-mail copies after commit. A ``Text``
    title or body is shown in each reader's language (its parameters may be phrases, lines,
    numbers and periods: ``lantoa.core.messages``).

    The texts must not contain workers' personal data: they are e-mailed in clear.
    """
    title, title_msgid, title_params = _text(title)
    body, body_msgid, body_params = _text(body)
    texts: dict[str, Any] = {}
    if title_msgid or body_msgid:
        texts = {"params": {**title_params, **body_params}}
        texts.update({k: v for k, v in (("title", title_msgid), ("body", body_msgid)) if v})
    seen: set[int] = set()
    rows = []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user,
                kind=kind,
                title=title[:255],
                body=body,
                url=url,
                unit=unit,
                texts=texts,
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None and n.user.email]
    if ids:
        from lantoa.core.queueing import enqueue_on_commit
        from lantoa.notifications.tasks import email_notifications

        enqueue_on_commit(email_notifications, ids)
    return created


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return qs.update(read_at=timezone.now())


__all__ = ["Text", "notification_mark_read", "notify", "officers_of"]
