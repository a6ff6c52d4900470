"""The period-report models moved from lantoa.targets to lantoa.periods in the migration state
only: a database migrated before the move keeps its tables and rows, and the new models read
them (targets 0002 and periods 0001 change nothing in the database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lantoa.periods.models import PeriodReport, ReportStatus
from lantoa.targets.models import TargetAssignment
from lantoa.units.models import Unit

BEFORE = [("targets", "0001_initial"), ("periods", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _sql(executor: MigrationExecutor) -> list[str]:
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    statements: list[str] = []
    for migration, backwards in plan:
        assert not backwards
        state = executor.loader.project_state((migration.app_label, migration.name), at_end=False)
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            migration.apply(state, editor, collect_sql=True)
        statements += [s for s in editor.collected_sql if not s.startswith("--")]
    return statements


@pytest.mark.django_db(transaction=True)
def test_moving_the_models_keeps_the_rows(tree: object) -> None:
    unit = Unit.objects.get(code="A-G1")
    _migrate(BEFORE)
    executor = MigrationExecutor(connection)
    assert {m.name for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())} == {
        "0001_initial",
        "0002_periods_move_out",
    }
    assert _sql(executor) == []  # nothing to run in the database
    now = "2026-03-05 10:00:00+00:00"
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO targets_reportingperiod (code, kind, start, "end", deadline) '
            "VALUES (%s, %s, %s, %s, %s)",
            ["2026-02", "month", dt.date(2026, 2, 1), dt.date(2026, 2, 28), dt.date(2026, 3, 10)],
        )
        cursor.execute("SELECT id FROM targets_reportingperiod WHERE code = %s", ["2026-02"])
        period_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO targets_periodreport (unit_id, period_id, status, note, figures, "
            "first_submitted_at, submitted_at, approved_at, return_comment, created_at, "
            "updated_at) VALUES (%s, %s, 'approved', 'ghi chú', %s, %s, %s, %s, '', %s, %s)",
            [unit.pk, period_id, '{"records": 7}', now, now, now, now, now],
        )
        cursor.execute(
            "INSERT INTO targets_targetassignment (unit_id, metric, period_id, value, "
            "created_at, updated_at) VALUES (%s, 'posts', %s, 1200, %s, %s)",
            [unit.pk, period_id, now, now],
        )
    _migrate(executor.loader.graph.leaf_nodes())
    report = PeriodReport.objects.select_related("period").get()
    assert (report.unit_id, report.status) == (unit.pk, ReportStatus.APPROVED)
    assert report.note == "ghi chú"
    assert report.figures == {"records": 7} and report.period.code == "2026-02"
    assignment = TargetAssignment.objects.get()
    assert assignment.period_id == period_id and assignment.value == 1200
    assert list(report.period.assignments.all()) == [assignment]
