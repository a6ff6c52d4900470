"""lantoa.core.fresh_schema: a brand-new SQLite database built from the models is the database
``migrate`` builds step by step — same tables, columns, foreign keys, indexes, constraints and
rows, every migration recorded. A migration it cannot stand for makes it step aside."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FRESH = (
    "import django\n"
    "django.setup()\n"
    "from lantoa.core.fresh_schema import build_fresh_schema\n"
    "print(build_fresh_schema())\n"
    "print(build_fresh_schema())\n"  # a database with tables: left to migrate
)
# Written when the row is made: differ between two builds.
CLOCK_COLUMNS = {"created_at", "updated_at", "applied"}


def _build(data_dir: Path, *args: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lantoa.settings",
        "LANTOA_ALLOW_INSECURE_KEY": "1",
        "LANTOA_DATA_DIR": str(data_dir),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _describe(path: Path) -> dict[str, Any]:
    db = sqlite3.connect(path)
    out: dict[str, Any] = {}
    names = db.execute(
        "SELECT name, type, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    for name, kind, sql in names:
        if kind != "table":
            out[f"{kind} {name}"] = re.sub(r"\s+", " ", sql or "")  # indexes, triggers, views
            continue
        columns = sorted(tuple(row[1:]) for row in db.execute(f'PRAGMA table_info("{name}")'))
        keys = sorted(tuple(row[2:]) for row in db.execute(f'PRAGMA foreign_key_list("{name}")'))
        indexes = sorted(
            (
                row[2],
                row[3],
                row[4],
                tuple(x[2] for x in db.execute(f'PRAGMA index_info("{row[1]}")')),
            )
            for row in db.execute(f'PRAGMA index_list("{name}")')
        )
        checks = sorted(
            re.findall(r'CONSTRAINT "[^"]+" (?:CHECK|UNIQUE) \((?:[^()]|\([^()]*\))*\)', sql)
        )
        kept = sorted(c[0] for c in columns if c[0] not in CLOCK_COLUMNS and c[0] != "id")
        select = ", ".join(f'"{c}"' for c in kept)
        query = f'SELECT {select} FROM "{name}"'  # noqa: S608 - names read from the schema
        rows = sorted(map(repr, db.execute(query))) if kept else []
        out[f"table {name}"] = (columns, keys, indexes, checks, rows)
    db.close()
    return out


def test_fresh_schema_is_the_migrated_database(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated", tmp_path / "fresh"
    _build(migrated, "-m", "lantoa.cli", "migrate", "-v", "0")
    counts = _build(fresh, "-c", FRESH).split()
    assert counts[1] == "None"  # not empty any more: the caller runs migrate
    a = _describe(migrated / "lantoa.sqlite3")
    b = _describe(fresh / "lantoa.sqlite3")
    assert set(a) == set(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == [], {name: (a[name], b[name]) for name in different[:2]}
    applied = a["table django_migrations"][4]
    assert int(counts[0]) > 40 and len(applied) >= int(counts[0])
    # The data migrations ran: the national root of the unit tree.
    assert any("Tổng Liên đoàn Lao động Việt Nam" in row for row in a["table units_unit"][4])


def test_fresh_schema_steps_aside_for_sql_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.migrations import RunSQL

    from lantoa.core import fresh_schema

    assert not fresh_schema._model_operation(RunSQL("SELECT 1"))
    assert fresh_schema._model_operation(
        fresh_schema.ops.SeparateDatabaseAndState(database_operations=[], state_operations=[])
    )
    assert not fresh_schema._model_operation(
        fresh_schema.ops.SeparateDatabaseAndState(database_operations=[RunSQL("SELECT 1")])
    )
