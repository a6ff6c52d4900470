"""Walks the API's operations, so tests can check every one of them declares a policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja.utils import normalize_path


def api_operations() -> list[tuple[str, str, Callable[..., Any]]]:
    """(path, HTTP method, view function) of every operation of ``/api/v1``, paths as
    ``/api/v1/units/{code}``."""
    from lantoa.api.main import api

    base = "/api/v1/"
    found: list[tuple[str, str, Callable[..., Any]]] = []
    # ``_get_bound_routers`` is how ninja itself builds the URLs: routers bound to this API,
    # nested ones included, with their prefixes.
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            full = normalize_path("/".join((base, bound.prefix, path)))
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append((full, method.upper(), operation.view_func))
    return sorted(found, key=lambda row: (row[0], row[1]))
