"""The production servers' guard on the secret key (see ``lantoa.settings``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


def require_production_key() -> None:
    """Refuse to start a production server on the key a local install makes for itself: that
    key sits in the data directory, readable by anyone who can read the backups."""
    if getattr(settings, "LANTOA_SECRET_KEY_SOURCE", "environment") == "data-dir":
        raise CommandError(
            "Chưa đặt LANTOA_SECRET_KEY: máy chủ thật không chạy bằng khóa tự sinh trong thư mục "
            "dữ liệu. Vui lòng đặt biến môi trường LANTOA_SECRET_KEY (chuỗi ngẫu nhiên ≥ 50 ký "
            "tự, xem README), hoặc chạy thử trên máy này bằng `lantoa demo`."
        )
