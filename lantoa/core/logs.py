"""Logging filters: what an operator reads in the console should be worth reading."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """``django.request`` logs every 403 and 404 with the exception's traceback, which a
    newcomer takes for a crash: keep the one-line warning, drop the traceback. Server errors
    (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
