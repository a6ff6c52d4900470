from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lantoa.audit.models import AuditEvent
from lantoa.core.net import client_ip as trusted_client_ip
from lantoa.core.services import acting_user


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the trusted proxies saw it (``LANTOA_TRUSTED_PROXY_COUNT``);
    a header the client sets itself is never believed."""
    if request is None:
        return None
    return trusted_client_ip(request) or None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    unit: Any = None,
    target: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    actor = acting_user(actor)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor is not None else ""),
        unit=unit,
        target=target[:255],
        ip=client_ip(request),
        data=data or {},
    )
