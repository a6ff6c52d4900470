"""Routers of other apps reach /api/v1 through lantoa.core.extensions.api_routers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ninja import NinjaAPI, Router

from lantoa.access import PUBLIC, api_policy
from lantoa.api.main import add_contributed_routers
from lantoa.core.extensions import ApiRouter, api_routers


@pytest.fixture
def surveys_router() -> Iterator[Router]:
    router = Router(tags=["surveys"])

    @router.get("/surveys/ping", auth=None)
    @api_policy(PUBLIC)
    def ping(request: object) -> dict[str, str]:
        return {"ok": "yes"}

    api_routers.register(ApiRouter(key="test.surveys", router=router))
    yield router
    api_routers.unregister("test.surveys")


def test_a_registered_router_is_added_to_the_api(surveys_router: Router) -> None:
    api = NinjaAPI(urls_namespace="test-contributed-routers")
    add_contributed_routers(api)
    assert "/api/surveys/ping" in api.get_openapi_schema(path_prefix="/api")["paths"]


def test_without_registrations_nothing_is_added() -> None:
    api = NinjaAPI(urls_namespace="test-no-contributed-routers")
    add_contributed_routers(api)
    assert not api.get_openapi_schema(path_prefix="/api")["paths"]
