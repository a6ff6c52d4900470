"""``lantoa.core.rawsql``: a hand-written statement read as the ORM would read it, and on
PostgreSQL prepared once per connection when asked (Django hands psycopg
``prepare_threshold=None``, which turns every prepared statement off unless settings say
otherwise — the autosave's join was then planned on every click)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

from lantoa.core import rawsql

pytestmark = pytest.mark.django_db

SQL = "SELECT session_key, expire_date FROM django_session WHERE session_key = %s"


def _session() -> str:
    session = SessionStore()
    session["x"] = 1
    session.create()
    return str(session.session_key)


def test_values_converted_as_the_orm_does() -> None:
    from django.contrib.sessions.models import Session

    key = _session()
    row = rawsql.fetch_one(SQL, [key], [(Session, "session_key"), (Session, "expire_date")])
    assert row is not None and row[0] == key
    assert isinstance(row[1], dt.datetime) and row[1].tzinfo is not None
    assert row[1] > timezone.now()
    assert rawsql.fetch_one(SQL, ["none"], [(Session, "session_key")]) is None
    assert rawsql.execute("DELETE FROM django_session WHERE session_key = %s", [key]) == 1


def test_asked_statements_are_prepared_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL only (this file runs there in CI)")
    from django.contrib.sessions.models import Session

    key = _session()
    fields = [(Session, "session_key"), (Session, "expire_date")]
    for _ in range(2):
        assert rawsql.fetch_one(SQL, [key], fields, prepare=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("FROM django_session WHERE session_key = $1" in s for s in prepared), prepared
    # What Django's cursors run is not prepared (they bind on the client).
    assert not any("SELECT statement FROM pg_prepared_statements" in s for s in prepared)


def test_whole_instances_as_the_orm_loads_them(django_assert_num_queries) -> None:
    from django.contrib.sessions.models import Session

    keys = sorted(_session() for _ in range(3))
    sql = (
        f"SELECT {rawsql.model_columns(Session, 's')} FROM django_session s "  # noqa: S608
        "WHERE s.session_key IN (%s, %s, %s) ORDER BY s.session_key"
    )
    # Counted as Django's own queries are, prepared or not (the tests' query counts, DEBUG).
    with django_assert_num_queries(1):
        rows = rawsql.fetch_all(sql, keys, rawsql.model_fields(Session), prepare=True)
    loaded = [rawsql.instance(Session, row) for row in rows]
    expected = list(Session.objects.filter(pk__in=keys).order_by("pk"))
    assert [(s.pk, s.session_data, s.expire_date) for s in loaded] == [
        (s.pk, s.session_data, s.expire_date) for s in expected
    ]
    assert all(not s._state.adding and s._state.db == "default" for s in loaded)
    assert loaded[0].get_decoded() == {"x": 1}
    assert rawsql.fetch_one("SELECT COUNT(*) FROM django_session", [], None) == (3,)


@pytest.mark.django_db(transaction=True)
def test_a_connection_a_database_restart_killed_is_replaced() -> None:
    """As Django's cursors do (CONN_HEALTH_CHECKS): at a request's first query, a connection
    kept from an earlier request that a restart closed is replaced, not used (a 503)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL only (this file runs there in CI)")
    connection.ensure_connection()
    connection.connection.close()  # what a restart leaves in a kept connection
    connection.health_check_done = False  # a new request
    assert rawsql.fetch_one("SELECT 1", [], None, prepare=True) == (1,)
