"""Writes to the union tree. Every change to parents goes through here so the closure table,
the ``depth`` column and the history stay consistent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.core.services import acting_user, assign_validated
from lantoa.units.models import (
    Unit,
    UnitClosure,
    UnitEvent,
    UnitEventKind,
    UnitKind,
    UnitStatus,
)

UNIT_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "member_count",
    "worker_count",
    "employer_name",
    "address",
    "industrial_zone",
    "sector",
)


def _check_parent_kind(kind: str, parent: Unit | None) -> None:
    if kind == UnitKind.NATIONAL:
        if parent is not None:
            raise ValidationError(
                {"parent": _("Tổng Liên đoàn là gốc của cây, không có cấp trên.")}
            )
        return
    if parent is None:
        raise ValidationError({"parent": _("Đơn vị phải có đơn vị cấp trên.")})
    if parent.kind == UnitKind.GRASSROOTS:
        raise ValidationError(
            {
                "parent": _("Công đoàn cơ sở “%(parent_name)s” không thể là đơn vị cấp trên.")
                % {"parent_name": parent.name}
            }
        )
    if not parent.is_active:
        raise ValidationError(
            {
                "parent": _(
                    "Đơn vị “%(parent_name)s” đã hợp nhất hoặc giải thể, không thể nhận đơn "
                    "vị trực thuộc."
                )
                % {"parent_name": parent.name}
            }
        )


def unit_create(
    *, code: str, name: str, kind: str, parent: Unit | None, actor: Any = None, **fields: Any
) -> Unit:
    unknown = set(fields) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown unit fields: {sorted(unknown)}")
    _check_parent_kind(kind, parent)
    unit = Unit(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        **fields,
    )
    unit.refresh_search_text()
    unit.full_clean(exclude=["parent", "successor"])
    with transaction.atomic():
        unit.save()
        links = [UnitClosure(ancestor_id=unit.pk, descendant_id=unit.pk, depth=0)]
        if parent is not None:
            links += [
                UnitClosure(ancestor_id=a_id, descendant_id=unit.pk, depth=d + 1)
                for a_id, d in UnitClosure.objects.filter(descendant=parent).values_list(
                    "ancestor_id", "depth"
                )
            ]
        UnitClosure.objects.bulk_create(links)
        if actor is not None:
            audit_record(action="unit.create", actor=actor, unit=unit, target=unit.code)
    return unit


def unit_update(*, unit: Unit, actor: Any = None, **fields: Any) -> Unit:
    old_kind = unit.kind

    def clean(edited: Unit) -> None:
        if edited.kind != old_kind:
            _check_parent_kind(edited.kind, edited.parent)
            if edited.kind == UnitKind.GRASSROOTS and edited.children.exists():
                raise ValidationError(
                    {
                        "kind": _(
                            "Đơn vị đang có đơn vị trực thuộc, không thể chuyển thành công đoàn cơ "
                            "sở."
                        )
                    }
                )
        edited.refresh_search_text()
        edited.full_clean(exclude=["parent", "successor"])

    changed = assign_validated(unit, fields, allowed=UNIT_EDITABLE_FIELDS, clean=clean)
    with transaction.atomic():
        unit.save()
        if actor is not None and changed:
            audit_record(
                action="unit.update",
                actor=actor,
                unit=unit,
                target=unit.code,
                data={k: getattr(unit, k) for k in changed},
            )
    return unit


def _relink_subtree(unit: Unit, new_parent: Unit) -> None:
    """Point ``unit``'s subtree at ``new_parent`` in the closure table (set-based SQL)."""
    closure = UnitClosure._meta.db_table
    units = Unit._meta.db_table
    with connection.cursor() as cur:
        # Forget every link from outside the subtree into it.
        cur.execute(
            f"DELETE FROM {closure} WHERE descendant_id IN "  # noqa: S608 - table names only
            f"(SELECT descendant_id FROM {closure} WHERE ancestor_id = %s) "
            f"AND ancestor_id NOT IN (SELECT descendant_id FROM {closure} WHERE ancestor_id = %s)",
            [unit.pk, unit.pk],
        )
        # Link every ancestor of the new parent (itself included) to every node of the subtree.
        cur.execute(
            f"INSERT INTO {closure} (ancestor_id, descendant_id, depth) "  # noqa: S608
            f"SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1 "
            f"FROM {closure} a CROSS JOIN {closure} d "
            f"WHERE a.descendant_id = %s AND d.ancestor_id = %s",
            [new_parent.pk, unit.pk],
        )
        cur.execute(
            f"UPDATE {units} SET depth = (SELECT c.depth FROM {closure} c "  # noqa: S608
            f"WHERE c.descendant_id = {units}.id AND c.ancestor_id = %s) + %s "
            f"WHERE id IN (SELECT descendant_id FROM {closure} WHERE ancestor_id = %s)",
            [unit.pk, new_parent.depth + 1, unit.pk],
        )


def is_in_subtree(unit_id: int, root_id: int) -> bool:
    return UnitClosure.objects.filter(ancestor_id=root_id, descendant_id=unit_id).exists()


def unit_move(
    *, unit: Unit, new_parent: Unit, actor: Any = None, on: dt.date | None = None, note: str = ""
) -> Unit:
    """Move ``unit`` and its whole subtree under ``new_parent``. Refuses cycles."""
    if unit.kind == UnitKind.NATIONAL:
        raise ValidationError({"parent": _("Không thể chuyển Tổng Liên đoàn.")})
    if new_parent.pk == unit.pk or is_in_subtree(new_parent.pk, unit.pk):
        raise ValidationError(
            {
                "parent": _(
                    "Không thể chuyển “%(unit_name)s” vào “%(new_parent_name)s” vì "
                    "“%(new_parent_name)s” là đơn vị trực thuộc của nó (tạo vòng lặp)."
                )
                % {"unit_name": unit.name, "new_parent_name": new_parent.name}
            }
        )
    _check_parent_kind(unit.kind, new_parent)
    if unit.parent_id == new_parent.pk:
        return unit
    old_parent_id = unit.parent_id
    with transaction.atomic():
        Unit.objects.filter(pk=unit.pk).update(parent=new_parent, updated_at=timezone.now())
        _relink_subtree(unit, new_parent)
        UnitEvent.objects.create(
            unit=unit,
            kind=UnitEventKind.MOVED,
            occurred_on=on or timezone.localdate(),
            old_parent_id=old_parent_id,
            new_parent=new_parent,
            note=note,
            actor=acting_user(actor),
        )
        if actor is not None:
            audit_record(
                action="unit.move",
                actor=actor,
                unit=unit,
                target=unit.code,
                data={"old_parent": old_parent_id, "new_parent": new_parent.pk},
            )
    unit.refresh_from_db()
    return unit


def unit_merge(
    *, source: Unit, target: Unit, actor: Any = None, on: dt.date | None = None, note: str = ""
) -> Unit:
    """Merge ``source`` into ``target`` (e.g. Bắc Kạn into Thái Nguyên, or a district union
    dissolved into its province).

    The source's active children move under the target; the source itself becomes an ended
    unit *under* the target, so everything recorded against it — and against its former
    children — counts in the target's subtree, while it stays findable by its code and name.
    ``UnitEvent`` rows keep the dates, so reports for periods before the merge can still be
    made for the old unit.
    """
    on = on or timezone.localdate()
    if source.pk == target.pk:
        raise ValidationError({"target": _("Không thể hợp nhất một đơn vị vào chính nó.")})
    if not source.is_active:
        raise ValidationError(
            {
                "source": _("“%(source_name)s” đã hợp nhất hoặc giải thể rồi.")
                % {"source_name": source.name}
            }
        )
    if is_in_subtree(target.pk, source.pk):
        raise ValidationError(
            {
                "target": _(
                    "“%(target_name)s” là đơn vị trực thuộc của “%(source_name)s”, không thể "
                    "hợp nhất vào nó."
                )
                % {"target_name": target.name, "source_name": source.name}
            }
        )
    if source.kind == UnitKind.NATIONAL:
        raise ValidationError({"source": _("Không thể hợp nhất Tổng Liên đoàn.")})
    if target.kind == UnitKind.GRASSROOTS and source.kind != UnitKind.GRASSROOTS:
        raise ValidationError(
            {"target": _("Chỉ công đoàn cơ sở mới có thể hợp nhất vào công đoàn cơ sở.")}
        )
    with transaction.atomic():
        for child in list(source.children.filter(status=UnitStatus.ACTIVE)):
            unit_move(
                unit=child,
                new_parent=target,
                actor=None,
                on=on,
                note=f"Chuyển khi hợp nhất {source.code} vào {target.code}",
            )
        if target.kind == UnitKind.GRASSROOTS:
            # A grassroots unit takes no children: keep the ended source where it was and
            # let ``successor`` carry its history to the target.
            pass
        elif source.parent_id != target.pk:
            unit_move(
                unit=source,
                new_parent=target,
                actor=None,
                on=on,
                note=f"Hợp nhất vào {target.code}",
            )
        Unit.objects.filter(pk=source.pk).update(
            status=UnitStatus.MERGED, successor=target, ended_on=on, updated_at=timezone.now()
        )
        Unit.objects.filter(successor=source).update(successor=target)
        UnitEvent.objects.create(
            unit=source,
            kind=UnitEventKind.MERGED,
            occurred_on=on,
            successor=target,
            note=note,
            actor=acting_user(actor),
        )
        if actor is not None:
            audit_record(
                action="unit.merge",
                actor=actor,
                unit=target,
                target=source.code,
                data={"source": source.pk, "target": target.pk},
            )
    source.refresh_from_db()
    return source


def closure_rebuild(unit_ids: Iterable[int] | None = None) -> int:
    """Recompute the closure table and depths from ``parent`` links, level by level in SQL.

    Used after bulk loads (seed, import) that insert units without going through
    ``unit_create``. Returns the number of closure rows written.
    """
    del unit_ids  # the whole table is rebuilt; kept for a future incremental variant
    closure = UnitClosure._meta.db_table
    units = Unit._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {closure}")  # noqa: S608
        cur.execute(
            f"INSERT INTO {closure} (ancestor_id, descendant_id, depth) "  # noqa: S608
            f"SELECT id, id, 0 FROM {units}"
        )
        level = 0
        while True:
            cur.execute(
                f"INSERT INTO {closure} (ancestor_id, descendant_id, depth) "  # noqa: S608
                f"SELECT c.ancestor_id, u.id, c.depth + 1 FROM {units} u "
                f"JOIN {closure} c ON c.descendant_id = u.parent_id "
                f"WHERE c.depth = %s",
                [level],
            )
            if cur.rowcount == 0:
                break
            level += 1
        Unit.objects.update(
            depth=Subquery(
                UnitClosure.objects.filter(descendant=OuterRef("pk"))
                .order_by("-depth")
                .values("depth")[:1]
            )
        )
        rows = UnitClosure.objects.count()
        # Fresh planner statistics for the roll-up joins after a bulk load: PostgreSQL would
        # otherwise plan with stale ones until autovacuum passes, SQLite never gathers any.
        for table in (units, closure):
            cur.execute(f"ANALYZE {table}")
        return rows


def refresh_search_texts() -> None:
    """Recompute ``search_text`` for all units (after bulk loads)."""
    batch: list[Unit] = []
    for unit in Unit.objects.only("id", "code", "name", "short_name", "employer_name").iterator(
        chunk_size=5000
    ):
        unit.refresh_search_text()
        batch.append(unit)
        if len(batch) >= 5000:
            Unit.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Unit.objects.bulk_update(batch, ["search_text"])


__all__ = [
    "closure_rebuild",
    "is_in_subtree",
    "refresh_search_texts",
    "unit_create",
    "unit_merge",
    "unit_move",
    "unit_update",
]
