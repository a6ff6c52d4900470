"""The "who and when" columns that many models carry, declared once.

``created_by = who()``, ``approved_by = who(_("người duyệt"))``, ``created_at = when_created()``,
``updated_at = when_updated()``. Each factory builds exactly the field the models spelled out
before, so using one changes no column and no migration. Services fill a ``who()`` column with
``lantoa.core.services.acting_user(actor)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def who(verbose_name: StrOrPromise | None = None) -> models.ForeignKey[Any, Any]:
    """The user who did something: optional (None for the system), set to None when that
    account is deleted, and without a reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
    )


def when_created(verbose_name: StrOrPromise | None = None) -> models.DateTimeField[Any, Any]:
    """When the row was created, set once on insert."""
    return models.DateTimeField(verbose_name, auto_now_add=True)


def when_updated(verbose_name: StrOrPromise | None = None) -> models.DateTimeField[Any, Any]:
    """When the row was last saved, set on every save."""
    return models.DateTimeField(verbose_name, auto_now=True)
