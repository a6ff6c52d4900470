"""Reads over the audit log, limited to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from lantoa.audit.models import AuditEvent


def events_visible_to(user: Any, *, units: QuerySet[Any]) -> QuerySet[AuditEvent]:
    """Events of ``units`` (the viewer's ``audit.view`` subtree:
    ``lantoa.access.visible_units(user, "audit.view")``) plus events by or about the viewer;
    national viewers (and superusers) also see events tied to no unit."""
    if not user.is_authenticated:
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.select_related("unit", "actor")
    if user.is_superuser or units.filter(parent__isnull=True).exists():
        return qs
    return qs.filter(Q(unit__in=units) | Q(actor_id=user.pk) | Q(data__subject_id=user.pk))


def events_filter(
    events: QuerySet[AuditEvent],
    *,
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Dates are whole local days (Asia/Ho_Chi_Minh), both ends included."""
    tz = timezone.get_current_timezone()
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        events = events.filter(at__lt=end)
    return events.order_by("-at", "-id")
