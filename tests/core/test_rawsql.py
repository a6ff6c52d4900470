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
