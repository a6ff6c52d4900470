"""Deployment checks of the connectors (``lantoa check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def webhook_queue_is_durable(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The webhook fast path acknowledges a message once it is in Redis (ingest.py): Redis
    must write it to disk, or a Redis restart loses messages the platforms will not re-send."""
    from lantoa.connectors import ingest

    if not ingest.enabled():
        return []
    try:
        info = ingest.redis_client().info("persistence")
    except Exception as exc:
        return [
            checks.Warning(
                f"Không kiểm tra được Redis ({type(exc).__name__}): hàng đợi webhook cần Redis "
                "ghi dữ liệu xuống đĩa.",
                hint="Kiểm tra REDIS_URL.",
                id="lantoa.W101",
            )
        ]
    if int(info.get("aof_enabled", 0)) != 1:
        return [
            checks.Warning(
                "Redis không bật appendonly: tin Zalo/Messenger đã xác nhận nhưng chưa ghi vào "
                "CSDL sẽ mất nếu Redis khởi động lại.",
                hint="Đặt `appendonly yes` (và `appendfsync everysec`) trong redis.conf, hoặc "
                "LANTOA_WEBHOOK_QUEUE=database để ghi thẳng vào CSDL.",
                id="lantoa.W102",
            )
        ]
    return []
