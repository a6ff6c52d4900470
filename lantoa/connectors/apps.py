from typing import Any

from django.apps import AppConfig


def _accounts_changed(**kwargs: Any) -> None:
    """A connection saved or removed (by the services, a token refresh or the admin): the web
    processes' account caches must not accept events with what they remember."""
    from django.db import transaction

    from lantoa.connectors.ingest import accounts_changed

    transaction.on_commit(accounts_changed)


class ConnectorsConfig(AppConfig):
    name = "lantoa.connectors"
    label = "connectors"
    verbose_name = "Kết nối nền tảng"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lantoa.connectors import checks  # noqa: F401 - registers the deploy check
        from lantoa.connectors.models import ConnectorAccount

        post_save.connect(_accounts_changed, sender=ConnectorAccount, dispatch_uid="ingest-save")
        post_delete.connect(
            _accounts_changed, sender=ConnectorAccount, dispatch_uid="ingest-delete"
        )
