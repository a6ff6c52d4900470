"""The public site's one row of state: the generation of its cached pages.

It lives in the database, not in the cache it versions: a publication that goes out while
Redis is down (the cache fails open, ``lantoa.core.cache``) still raises it, and a Redis that
comes back with its old pages (``appendonly yes``) cannot serve them, because their keys carry
the old generation.
"""

from __future__ import annotations

from django.db import models


class SiteGeneration(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = "thế hệ trang công khai"
        verbose_name_plural = "thế hệ trang công khai"

    def __str__(self) -> str:
        return str(self.value)
