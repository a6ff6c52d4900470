"""The access log of ``lantoa serve`` (gunicorn's ``--logger-class``), without the traces of
workers who write to the public inquiry desk or answer a survey.

The privacy page promises that a question is not tied to the address it came from. gunicorn's
access log would tie them anyway: every ``POST /cau-hoi/`` with the client's IP, the time, the
browser and the page it came from. For the desk's paths (form, unit forms, sent page, lookup,
follow-up, erase, privacy page) the line keeps only what an operator needs — time, method,
status, size, duration — with the address, user agent, referer, query string and the rest of
the path replaced by "-" or "…". Every other path is logged as gunicorn always does.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

# First path segments of the public inquiry desk and of the surveys, whose anonymous response
# pages promise to keep no address (lantoa/urls.py: "cau-hoi/", "khao-sat/").
PRIVATE_SEGMENTS = frozenset({"cau-hoi", "khao-sat"})


def is_private(path: str) -> bool:
    first = next((part for part in path.split("/") if part), "")
    return first.lower() in PRIVATE_SEGMENTS


class PrivacyAccessLogger(Logger):
    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        path = str(environ.get("PATH_INFO") or "")
        if not is_private(path):
            return atoms
        first = next(part for part in path.split("/") if part)
        masked_path = f"/{first}/…"
        method = environ.get("REQUEST_METHOD", "-")
        kept = {k: v for k, v in atoms.items() if not k.startswith("{")}
        kept.update(
            h="-",
            u="-",
            r=f"{method} {masked_path} {environ.get('SERVER_PROTOCOL', '-')}",
            U=masked_path,
            q="",
            f="-",
            a="-",
        )
        return kept
