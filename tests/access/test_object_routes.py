"""Object routes of the newer feature apps (a survey, a contest, a live game by its number):
an officer of another province gets 404 on every one of them, GET and POST, and the object's
own province reaches them.

tests/access/test_routes.py walks the routes scoped by a unit code; these are scoped by the
object's unit instead, so each app's view tests checked them one by one. This walk makes a
new route of these apps fail here when it forgets the object's scope.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.access.test_routes import ALL_ROUTES
from tests.conftest import Officers, Tree, login

# Values for the routes' other parameters: a question, a sheet, an entry number… that does not
# matter here (the object's scope is checked first), of the right shape.
OTHER = {
    "qid": "1",
    "sid": "1",
    "cid": "1",
    "question_id": "1",
    "attempt_id": "1",
    "number": "1",
    "jid": "1",
    "vote_id": "1",
    "action": "mo",
    "unit_code": "A-G1",
    "fmt": "csv",
}

PREFIXES = ("khao-sat/phieu/", "cuoc-thi/so/", "tro-choi/so/")
OBJECT_ROUTES = [
    route for route, _ in ALL_ROUTES if route.startswith(PREFIXES) and "<int:pk>" in route
]


def _url(route: str, pk: int) -> str:
    values = {**OTHER, "pk": str(pk)}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)


def test_there_are_object_routes_of_each_app() -> None:
    for prefix in PREFIXES:
        assert sum(r.startswith(prefix) for r in OBJECT_ROUTES) >= 5, prefix


@pytest.fixture
def objects(tree: Tree, officers: Officers) -> dict[str, list[int]]:
    """One object of province A per app (both kinds of contest)."""
    from tests.contests.media_support import video_contest
    from tests.contests.support import quiz
    from tests.livegame.support import make_game
    from tests.surveys.support import open_survey

    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    contest, _rounds = quiz(tree.pa)
    return {
        "khao-sat/phieu/": [survey.pk],
        "cuoc-thi/so/": [contest.pk, video_contest(tree.pa).pk],
        "tro-choi/so/": [make_game(tree.pa).pk],
    }


@pytest.mark.parametrize("route", OBJECT_ROUTES)
def test_another_province_gets_404_on_object_routes(
    route: str, client: Client, officers: Officers, objects: dict[str, list[int]]
) -> None:
    pks = next(pks for prefix, pks in objects.items() if route.startswith(prefix))
    login(client, officers.b_admin)
    for pk in pks:
        url = _url(route, pk)
        get = client.get(url)
        assert get.status_code in (404, 405), f"GET {url} → {get.status_code}"
        post = client.post(url, {})
        assert post.status_code in (404, 405), f"POST {url} → {post.status_code}"


def test_the_objects_own_province_reaches_their_pages(
    client: Client, officers: Officers, objects: dict[str, list[int]]
) -> None:
    """The 404s above are the scope, not broken addresses: the first page of each object
    answers its own province's administrator."""
    login(client, officers.a_admin)
    for prefix, pks in objects.items():
        for pk in pks:
            url = _url(prefix + "<int:pk>/", pk)
            got = client.get(url, follow=True)  # a video contest's page leads to its own
            assert got.status_code == 200, url
            assert got.request["PATH_INFO"].startswith(url), (url, got.redirect_chain)
