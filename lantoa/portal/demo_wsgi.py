"""The WSGI application of ``lantoa demo``'s web server: the product's own, holding requests
while the demo still loads its data.

``lantoa demo`` starts the web server while it migrates and loads the demo data, so that the
server has loaded the product by the time the data is there. Until then the file named by
``LANTOA_DEMO_LOADING`` exists, and a request waits for it to go (it is answered late, never
from a half-filled database); afterwards requests go straight through.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
product = get_wsgi_application()  # the product's application, as lantoa.wsgi makes it

_gate = os.environ.get("LANTOA_DEMO_LOADING", "")
_loading = bool(_gate)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    global _loading
    while _loading:
        if not os.path.exists(_gate):
            _loading = False
            break
        time.sleep(0.05)
    return product(environ, start_response)
