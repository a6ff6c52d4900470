"""A brand-new SQLite database built in one step: what ``lantoa demo`` does on its first start.

Applying the migrations one after the other to an empty database costs little SQL but a lot of
Python: after each operation Django re-renders the historical models related to the changed
one, and with the unit tree related to nearly everything, the ~70 migrations took 5 s of a
newcomer's first start. When the migrations hold only operations on the models' state (create,
alter, remove models, fields, indexes, constraints) and ``RunPython`` steps, their end result is
the schema of the current models, which Django can create directly; the ``RunPython`` steps
then run in the migrations' order, against the final historical models, and every migration is
recorded as applied, as ``migrate`` would. Anything else in a migration (``RunSQL``, an
operation of our own), a database that is not empty or not
SQLite, or models that differ from what the migrations build: ``None``, and the caller runs
``migrate``. ``tests/core/test_fresh_schema.py`` holds the result to the migrated database's:
same tables, columns, indexes, foreign keys and rows.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.migrations import operations as ops
from django.db.migrations.executor import MigrationExecutor

# Operations whose effect on the database is the current models' schema, whatever their order.
STATE_OPERATIONS = (
    ops.CreateModel,
    ops.DeleteModel,
    ops.RenameModel,
    ops.AlterModelTable,
    ops.AlterModelTableComment,
    ops.AlterModelOptions,
    ops.AlterModelManagers,
    ops.AlterUniqueTogether,
    ops.AlterIndexTogether,
    ops.AlterOrderWithRespectTo,
    ops.AddField,
    ops.RemoveField,
    ops.AlterField,
    ops.RenameField,
    ops.AddIndex,
    ops.RemoveIndex,
    ops.RenameIndex,
    ops.AddConstraint,
    ops.RemoveConstraint,
    ops.AlterConstraint,
)


def build_fresh_schema(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """Create the schema of an empty SQLite database from the models and record every
    migration as applied; returns how many migrations that stands for, or ``None`` when this
    database or these migrations need ``migrate`` itself."""
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.introspection.table_names():
        return None
    executor = MigrationExecutor(connection)
    loader = executor.loader
    plan = executor.migration_plan(loader.graph.leaf_nodes())
    if not plan or any(backwards for _, backwards in plan):
        return None
    for migration, _ in plan:
        for operation in migration.operations:
            if not _model_operation(operation) and type(operation) is not ops.RunPython:
                return None
    state = loader.project_state()
    models = [
        model
        for app_label in sorted(loader.migrated_apps)
        for model in router.get_migratable_models(
            global_apps.get_app_config(app_label), using, include_auto_created=False
        )
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    # The migrations must build these very models: no model or field without its migration.
    built = {
        key: set(model_state.fields)
        for key, model_state in state.models.items()
        if model_state.options.get("managed", True)
        and not model_state.options.get("proxy")
        and not global_apps.get_model(*key)._meta.swapped  # auth.User: accounts.User instead
    }
    current = {
        (m._meta.app_label, m._meta.model_name): {f.name for f in m._meta.local_fields}
        | {f.name for f in m._meta.local_many_to_many}
        for m in models
    }
    if built != current:
        return None
    emit_pre_migrate_signal(0, False, using, apps=state.apps, plan=plan)
    with connection.schema_editor() as editor:
        for model in models:
            editor.create_model(model)
    historical = None
    for migration, _ in plan:
        steps = [op for op in migration.operations if isinstance(op, ops.RunPython)]
        if steps:
            historical = historical or state.apps
            with connection.schema_editor(atomic=migration.atomic) as editor:
                for step in steps:
                    step.code(historical, editor)
        # As migrate records it: a squashed migration stands for those it replaces.
        for app_label, name in migration.replaces or [(migration.app_label, migration.name)]:
            executor.recorder.record_applied(app_label, name)
    emit_post_migrate_signal(0, False, using, apps=state.apps, plan=plan)
    return len(plan)


def _model_operation(operation: object) -> bool:
    """An operation whose effect on the database the current models' schema holds: one of
    ``STATE_OPERATIONS``, or a ``SeparateDatabaseAndState`` (a model moved to another app,
    its table kept) whose database side is made of them only."""
    if type(operation) in STATE_OPERATIONS:
        return True
    if type(operation) is ops.SeparateDatabaseAndState:
        return all(_model_operation(op) for op in operation.database_operations)
    return False
