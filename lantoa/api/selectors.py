"""Reads of API tokens."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from lantoa.accounts.models import ApiToken, User


def apitoken_find_usable(*, raw: str) -> ApiToken | None:
    """The live token whose digest matches ``raw`` (not revoked, not expired, active user)."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .first()
    )


def apitoken_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
