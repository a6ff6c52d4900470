"""The ASGI application: Django's, behind the webhook fast path and the live game's answers'
fast path where they are configured (``REDIS_URL`` set; see lantoa/connectors/ingest.py and
lantoa/livegame/fastpath.py). ``lantoa serve-webhooks`` runs it."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
# Django runs each request's synchronous code in a new thread here: connections come from a
# small pool per process (PostgreSQL), not one kept per thread (see lantoa/settings.py).
os.environ.setdefault("LANTOA_DB_POOL", "4")


def build_application() -> Any:
    django_application = get_asgi_application()
    from lantoa.connectors.ingest import wrap
    from lantoa.livegame.fastpath import wrap as wrap_live_answers

    return wrap_live_answers(wrap(django_application))


application = build_application()
