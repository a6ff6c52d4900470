"""The published OpenAPI schema says what the API really answers.

Schemathesis generates requests from ``/api/v1/openapi.json`` (valid and invalid, bounded
examples) and sends them to the Django application in-process with a national admin's token,
with every check it has: no 5xx, every status and body declared, invalid input refused, valid
input accepted, no answer without credentials … An operation that starts answering a status
its schema does not declare fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from lantoa.api.introspection import api_operations
from lantoa.api.main import MSG_UNPARSABLE
from lantoa.api.services import apitoken_create
from lantoa.channels.models import ChannelKind
from lantoa.channels.services import channel_create
from lantoa.roster.models import RosterRole
from lantoa.roster.services import communicator_create
from lantoa.units.models import Unit
from tests.conftest import Officers, Tree

SCHEMA_PATH = "/api/v1/openapi.json"
# Small enough that the whole run stays well under a minute on a loaded CI machine, large
# enough to reach the refusals (bad types, out-of-range numbers, non-object bodies …).
MAX_EXAMPLES = 8


CONFIG = SchemathesisConfig.from_dict(
    {
        # Credentials come from the test (a real token), not from the generator.
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "with-security-parameters": False,
        },
        "checks": {
            # Every check, with one adjustment: a request the schema allows may still be
            # refused by the rules of the tree (a duplicate code, a kind that does not fit its
            # parent): a 400 with the reason per field, declared on each such operation. A 422
            # (the schema itself refused it) stays a failure.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
            },
            # In-process answers take milliseconds, even on a loaded machine; ten seconds mean a
            # runaway query.
            "max_response_time": 10.0,
        },
    }
)
# The schema as the running application serves it (no database involved).
schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, WSGIHandler(), config=CONFIG)


@dataclass
class Targets:
    token: str
    codes: list[str]  # units, for ``{code}`` and the ``…_code`` fields of bodies
    ids: dict[str, list[int]]  # path parameter → ids of existing rows


@pytest.fixture
def targets(tree: Tree, officers: Officers) -> Iterator[Targets]:
    _, token = apitoken_create(user=officers.national_admin, name="schemathesis")
    channel = channel_create(
        unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm", identifier="n"
    )
    person = communicator_create(
        unit=tree.a_kcn, full_name="Lê Thị Hà", role=RosterRole.COMMUNICATOR
    )
    found = Targets(
        token=token,
        codes=sorted(Unit.objects.values_list("code", flat=True)),
        ids={"channel_id": [channel.pk], "communicator_id": [person.pk]},
    )
    # The requests go through the real WSGI handler, in this thread: keep the test's database
    # connection (and its transaction) open across them, as Django's own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield found
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _aim(case: Any, targets: Targets) -> None:
    """Point most generated codes and ids at rows that exist, so that the operations get past
    "not found" to their validation and their success answers; the rest stay as generated
    (unknown: 404). A part generated to be invalid is left alone. Deterministic in the
    generated value, so Hypothesis can still shrink."""

    def pick(value: Any, choices: list[Any]) -> Any:
        index = sum(map(ord, str(value))) % (len(choices) + 1)
        return choices[index] if index < len(choices) else value

    def negative(location: ParameterLocation) -> bool:
        return case.meta is not None and case.meta.is_negative_at(location)

    if case.path_parameters and not negative(ParameterLocation.PATH):
        params = case.path_parameters
        for name, value in list(params.items()):
            if name == "code" and isinstance(value, str):
                params[name] = pick(value, targets.codes)
            elif name in targets.ids and isinstance(value, int) and not isinstance(value, bool):
                params[name] = pick(value, targets.ids[name])
    if isinstance(case.body, dict) and not negative(ParameterLocation.BODY):
        for name, value in list(case.body.items()):
            if name.endswith("_code") and isinstance(value, str):
                case.body[name] = pick(value, targets.codes)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,  # deterministic runs; nothing written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_its_schema_says(case: Any, targets: Targets) -> None:
    _aim(case, targets)
    case.call_and_validate(headers={"Authorization": f"Bearer {targets.token}"})


# --- what the run above relies on, checked directly ----------------------------------------


def test_every_operation_declares_the_errors_it_can_answer(client: Client) -> None:
    spec = json.loads(client.get(SCHEMA_PATH).content)
    paths = {(path, method.lower()) for path, method, _view in api_operations()}
    assert paths, "no operations found"
    for path, method in paths:
        operation = spec["paths"][path][method]
        declared = set(operation["responses"])
        public = not operation.get("security")
        expected = {"401", "422"} if public else {"401", "403", "404", "422"}
        if "requestBody" in operation:
            expected.add("400")
        assert expected <= declared, (method, path, sorted(expected - declared))


@pytest.mark.parametrize("body", ["false", "true", "[]", '["kind"]', "null", "0", '"province"'])
def test_a_body_that_is_not_a_json_object_is_refused(
    tree: Tree, officers: Officers, body: str
) -> None:
    _, token = apitoken_create(user=officers.a_admin, name="kiểm thử")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    before = Unit.objects.get(code="A-G1").updated_at
    response = api.patch("/api/v1/units/A-G1", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": MSG_UNPARSABLE}
    assert Unit.objects.get(code="A-G1").updated_at == before
    response = api.post("/api/v1/channels", data=body, content_type="application/json")
    assert response.status_code == 400
