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
from lantoa.core.extensions import unit_scopes
from lantoa.core.services import acting_user, assign_validated
from lantoa.units.models import (
    ROOT_CODE,
    ROOT_NAME,
    ROOT_SHORT_NAME,
    Unit,
    UnitClosure,
    UnitEvent,
    UnitEventKind,
    UnitKind,
    UnitStatus,
    kinds_under,
)
from lantoa.units.selectors import site_unit_forget

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


class RestructureNotAllowed(ValidationError):
    """A change to the shape of the tree (a unit's kind, its parent, its level) that the actor
    may not make: it needs the rights of the level above, "unit.manage" at the unit's parent.

    A ValidationError keyed by the field, so the unit forms and the import show it on that field
    like any refusal; the API answers it 403."""


def _kind_label(kind: str) -> str:
    try:
        return str(UnitKind(kind).label)
    except ValueError:
        return kind


def _kind_list(kinds: Iterable[str]) -> str:
    # Quoted: some labels hold a comma themselves ("Công đoàn xã, phường").
    return ", ".join(f"“{_kind_label(k)}”" for k in kinds)


def check_placement(*, kind: str, parent: Unit | None, field: str = "parent") -> None:
    """Refuse an active unit of ``kind`` directly under ``parent`` unless ``CHILD_KINDS``
    allows it: the one rule for creating, re-kinding, moving and importing units.

    ``field`` is what the caller changed, so the error names it: "kind" when the unit keeps
    its parent and takes a new kind, "parent" when it keeps its kind and takes a new parent.
    """
    if kind == UnitKind.NATIONAL:
        if parent is not None:
            if field == "kind":
                raise ValidationError(
                    {
                        "kind": _(
                            "Loại đơn vị: chỉ gốc của cây là Tổng Liên đoàn; đơn vị có đơn vị "
                            "cấp trên không thể đổi thành Tổng Liên đoàn."
                        )
                    }
                )
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
    allowed = kinds_under(parent.kind)
    if kind in allowed:
        return
    params = {
        "kind": _kind_label(kind),
        "parent_name": parent.name,
        "parent_kind": _kind_label(parent.kind),
        "allowed": _kind_list(allowed),
    }
    if field == "kind":
        raise ValidationError(
            {
                "kind": _(
                    "Loại đơn vị “%(kind)s” không hợp với vị trí của đơn vị: trực thuộc "
                    "“%(parent_name)s” (%(parent_kind)s) chỉ có thể là %(allowed)s."
                )
                % params
            }
        )
    raise ValidationError(
        {
            "parent": _(
                "Đơn vị cấp trên: “%(parent_name)s” (%(parent_kind)s) không thể nhận đơn vị "
                "loại “%(kind)s”; trực thuộc nó chỉ có thể là %(allowed)s."
            )
            % params
        }
    )


def _check_children_fit(unit: Unit, kind: str) -> None:
    """Refuse ``kind`` for ``unit`` when one of its active children could not stand under a
    unit of that kind (an industrial-zone union with grassroots below it is no grassroots
    union)."""
    if kind == UnitKind.GRASSROOTS and unit.children.exists():
        # Not even ended units: a grassroots union holds nothing, history included.
        raise ValidationError(
            {"kind": _("Đơn vị đang có đơn vị trực thuộc, không thể chuyển thành công đoàn cơ sở.")}
        )
    misfit = (
        unit.children.filter(status=UnitStatus.ACTIVE)
        .exclude(kind__in=kinds_under(kind))
        .order_by("name", "pk")
        .first()
    )
    if misfit is None:
        return
    raise ValidationError(
        {
            "kind": _(
                "Loại đơn vị “%(kind)s” không nhận được đơn vị trực thuộc hiện có: "
                "“%(child_name)s” (%(child_kind)s)."
            )
            % {
                "kind": _kind_label(kind),
                "child_name": misfit.name,
                "child_kind": _kind_label(misfit.kind),
            }
        }
    )


def _manages(actor: Any, unit_id: int | None) -> bool:
    """Whether ``actor`` holds "unit.manage" at unit ``unit_id`` (as ``lantoa.access`` answers
    it, through the ``unit_scopes`` registry); ``None`` is the top of the tree, above the root,
    which only a superuser holds. The system (no signed-in actor: commands, seed, tasks) may
    do anything."""
    user = acting_user(actor)
    if user is None:
        return True
    if unit_id is None:
        return bool(getattr(user, "is_superuser", False))
    return bool(unit_scopes.get("unit.manage").units(user).filter(pk=unit_id).exists())


def may_restructure(actor: Any, unit: Unit) -> bool:
    """Whether ``actor`` may change ``unit``'s kind, parent or level: that needs the rights of
    the level above, "unit.manage" at its parent. An officer who manages only the unit itself
    (a grassroots admin at their own union) may edit its name and figures, not its place."""
    return _manages(actor, unit.parent_id)


def unit_create(
    *, code: str, name: str, kind: str, parent: Unit | None, actor: Any = None, **fields: Any
) -> Unit:
    unknown = set(fields) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown unit fields: {sorted(unknown)}")
    check_placement(kind=kind, parent=parent)
    if kind == UnitKind.NATIONAL and Unit.objects.filter(kind=UnitKind.NATIONAL).exists():
        raise ValidationError(
            {"kind": _("Loại đơn vị: cây tổ chức đã có Tổng Liên đoàn, chỉ có một gốc.")}
        )
    if not _manages(actor, parent.pk if parent is not None else None):
        raise RestructureNotAllowed(
            {"parent": _("Đơn vị cấp trên: anh/chị không có quyền quản trị đơn vị này.")}
        )
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


def unit_root_ensure(
    *,
    code: str = ROOT_CODE,
    name: str = ROOT_NAME,
    short_name: str = ROOT_SHORT_NAME,
    **fields: Any,
) -> Unit:
    """The national root: the one already there (a fresh install has it from its first
    migration; its code and name are left as they are, empty descriptive fields are filled
    from ``fields``), or a new one when the database has none (a test database just flushed,
    a database from before the migration). Never a second root."""
    with transaction.atomic():
        root = (
            Unit.objects.select_for_update()
            .filter(kind=UnitKind.NATIONAL, parent=None)
            .order_by("pk")
            .first()
        )
        if root is None:
            return unit_create(
                code=code,
                name=name,
                kind=UnitKind.NATIONAL,
                parent=None,
                short_name=short_name,
                **fields,
            )
        wanted = {"short_name": short_name, **fields}
        blank = {k: v for k, v in wanted.items() if v and not getattr(root, k)}
        if blank:
            unit_update(unit=root, **blank)
        return root


def unit_update(*, unit: Unit, actor: Any = None, **fields: Any) -> Unit:
    """Change a unit's descriptive fields and, for an officer with the rights of the level
    above (``may_restructure``), its kind, within what its place in the tree allows."""
    old_kind = unit.kind

    def clean(edited: Unit) -> None:
        # An unknown kind is left to ``full_clean``, which names the valid choices.
        if edited.kind != old_kind and edited.kind in UnitKind.values:
            # Rights first: a refusal must not describe the tree above an officer who may
            # not see it.
            if not may_restructure(actor, edited):
                raise RestructureNotAllowed(
                    {
                        "kind": _(
                            "Loại đơn vị: chỉ quản trị viên của đơn vị cấp trên mới được đổi "
                            "loại của đơn vị này."
                        )
                    }
                )
            check_placement(kind=edited.kind, parent=edited.parent, field="kind")
            _check_children_fit(edited, edited.kind)
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
    if not may_restructure(actor, unit) or not _manages(actor, new_parent.pk):
        raise RestructureNotAllowed(
            {
                "parent": _(
                    "Đơn vị cấp trên: chỉ quản trị viên của cả đơn vị cấp trên hiện tại và đơn "
                    "vị cấp trên mới mới được chuyển đơn vị này."
                )
            }
        )
    check_placement(kind=unit.kind, parent=new_parent)
    return _move(unit=unit, new_parent=new_parent, actor=actor, on=on, note=note)


def _move(*, unit: Unit, new_parent: Unit, actor: Any, on: dt.date | None, note: str) -> Unit:
    """The move itself, once the caller has checked it (``unit_move``; ``unit_merge``, which
    puts an ended unit under its successor whatever the kinds)."""
    if unit.parent_id == new_parent.pk:
        return unit
    old_parent_id = unit.parent_id
    with transaction.atomic():
        Unit.objects.filter(pk=unit.pk).update(parent=new_parent, updated_at=timezone.now())
        site_unit_forget()  # an update() sends no post_save
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
    if not target.is_active:
        raise ValidationError(
            {
                "target": _("“%(target_name)s” đã hợp nhất hoặc giải thể, không thể tiếp nhận.")
                % {"target_name": target.name}
            }
        )
    if not may_restructure(actor, source) or not _manages(actor, target.pk):
        raise RestructureNotAllowed(
            {
                "target": _(
                    "Hợp nhất vào đơn vị: chỉ quản trị viên của cả đơn vị cấp trên của đơn vị "
                    "bị hợp nhất và đơn vị tiếp nhận mới được hợp nhất."
                )
            }
        )
    children = list(source.children.filter(status=UnitStatus.ACTIVE).order_by("name", "pk"))
    for child in children:
        if child.kind not in kinds_under(target.kind):
            raise ValidationError(
                {
                    "target": _(
                        "Hợp nhất vào đơn vị: “%(target_name)s” (%(target_kind)s) không thể nhận "
                        "đơn vị trực thuộc “%(child_name)s” (%(child_kind)s) của "
                        "“%(source_name)s”."
                    )
                    % {
                        "target_name": target.name,
                        "target_kind": _kind_label(target.kind),
                        "child_name": child.name,
                        "child_kind": _kind_label(child.kind),
                        "source_name": source.name,
                    }
                }
            )
    with transaction.atomic():
        # Each child fits under the target (checked above); the ended source stands under its
        # successor whatever the kinds.
        for child in children:
            _move(
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
            _move(
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
        site_unit_forget()  # an update() sends no post_save
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
    "RestructureNotAllowed",
    "check_placement",
    "closure_rebuild",
    "is_in_subtree",
    "may_restructure",
    "refresh_search_texts",
    "unit_create",
    "unit_merge",
    "unit_move",
    "unit_update",
]
