"""Reads of cascades: who sees which cascade and which of its rows, the completion roll-up
by child unit, the laggards, and a unit's inbox.

Visibility: the officers of the sender (a "cascade.view" role at the sender or above) see the
whole cascade; the officers of a receiving unit, or of a unit between it and the sender, see
the cascade's content and the rows of their own subtree only; everyone else gets 404.

``completion_by_child`` is the roll-up the detail page and the campaign scoreboard share: one
SQL aggregate joining the recipient rows with ``UnitClosure``, grouped by the child of the
viewed unit. Like ``lantoa.units.selectors`` it sends SQL written once per process through
Django's cursor (query logging, error wrapping and the test database still apply);
bench/cascade_bench.py keeps it within 1,5× of hand-written SQL on the national seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from lantoa import access
from lantoa.cascades.models import (
    AttachmentKind,
    Cascade,
    CascadeAttachment,
    CascadeRecipient,
    CascadeStatus,
    RecipientState,
    deadline_of,
)
from lantoa.core.extensions import PrivateFile
from lantoa.core.private_files import THUMBNAIL
from lantoa.units.models import Unit, UnitClosure
from lantoa.units.selectors import subtree_ids

_UNITS = Unit._meta.db_table
_CLOSURE = UnitClosure._meta.db_table
_RECIPIENTS = CascadeRecipient._meta.db_table
# The child's columns the roll-up returns (enough to name it and link to it); the other
# fields of the Unit instances built from them are loaded on access.
# (``Model.from_db`` takes a subset of columns in the model's field order.)
_CHILD_FIELDS = tuple(
    f.attname
    for f in Unit._meta.concrete_fields
    if f.attname in {"id", "code", "name", "short_name", "kind", "parent_id", "depth", "status"}
)


# -- access ----------------------------------------------------------------------------------


@dataclass
class CascadeView:
    """A cascade as ``user`` may see it. ``full``: an officer of the sender; otherwise
    ``roots`` are the units whose subtrees' rows they may see (their own units with a
    "cascade.view" role, inside the cascade's reach)."""

    cascade: Cascade
    full: bool
    roots: list[Unit] = field(default_factory=list)
    can_send: bool = False

    @property
    def home(self) -> Unit:
        """The unit the roll-up opens on."""
        return self.cascade.sender if self.full else self.roots[0]


def _view_roots(user: access.AnyUser) -> list[int]:
    roles = access.PERMISSIONS["cascade.view"]
    return [unit_id for unit_id, role in access.memberships(user) if role in roles]


def cascade_view(user: access.AnyUser, cascade: Cascade) -> CascadeView:
    """What ``user`` sees of ``cascade``; 404 when nothing."""
    if access.can(user, "cascade.view", cascade.sender):
        return CascadeView(
            cascade, full=True, can_send=access.can(user, "cascade.send", cascade.sender)
        )
    if cascade.status == CascadeStatus.DRAFT:
        raise Http404
    # The user's units strictly below the sender with at least one recipient in their subtree.
    reached = Exists(
        CascadeRecipient.objects.filter(
            cascade_id=cascade.pk, unit__ancestor_links__ancestor_id=OuterRef("pk")
        )
    )
    roots = list(
        Unit.objects.filter(
            reached,
            pk__in=_view_roots(user),
            ancestor_links__ancestor_id=cascade.sender_id,
            ancestor_links__depth__gte=1,
        ).order_by("depth", "name", "pk")
    )
    if not roots:
        raise Http404
    return CascadeView(cascade, full=False, roots=roots)


def get_cascade(user: access.AnyUser, pk: int) -> CascadeView:
    try:
        cascade = Cascade.objects.select_related(
            "sender", "created_by", "content_item", "campaign"
        ).get(pk=pk)
    except Cascade.DoesNotExist as exc:
        raise Http404 from exc
    return cascade_view(user, cascade)


def scope_unit(view: CascadeView, user: access.AnyUser, code: str | None) -> Unit:
    """The unit the roll-up looks at: ``code`` (?don-vi=) if ``user`` may see it within the
    cascade's reach, else 404; no code: the view's home unit."""
    if not code:
        return view.home
    try:
        unit = Unit.objects.get(code=code)
    except Unit.DoesNotExist as exc:
        raise Http404 from exc
    in_reach = UnitClosure.objects.filter(
        ancestor_id=view.cascade.sender_id, descendant_id=unit.pk
    ).exists()
    if not in_reach:
        raise Http404
    if view.full:
        return unit
    root_ids = [r.pk for r in view.roots]
    if not UnitClosure.objects.filter(ancestor_id__in=root_ids, descendant_id=unit.pk).exists():
        raise Http404
    return unit


ATTACHMENT_FILES = "cascades.attachment"  # keys in lantoa.core.extensions.private_files
PROOF_FILES = "cascades.proof"


def attachment_file(user: access.AnyUser, pk: int, variant: str) -> PrivateFile | None:
    """A file of a cascade's package (or its thumbnail) for whoever sees the cascade: the
    sender's officers and the receiving units' (the rule of the cascade page)."""
    attachment = CascadeAttachment.objects.select_related("cascade__sender").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    cascade_view(user, attachment.cascade)  # 404 when not visible
    if variant not in ("", THUMBNAIL):
        return None
    if variant and attachment.thumbnail.name:
        return PrivateFile(attachment.thumbnail.name, "nho.jpg", "image/jpeg", inline=True)
    return PrivateFile(
        attachment.file.name,
        attachment.original_name,
        attachment.content_type,
        inline=attachment.kind == AttachmentKind.IMAGE,  # re-encoded by Pillow on upload
    )


def proof_file(user: access.AnyUser, pk: int, variant: str) -> PrivateFile | None:
    """A receiving unit's proof photo (or its thumbnail) for whoever sees that unit's row of
    the cascade: the sender's officers, that unit's and those above it within the reach."""
    row = CascadeRecipient.objects.select_related("cascade__sender", "unit").filter(pk=pk).first()
    if row is None:
        raise Http404
    view = cascade_view(user, row.cascade)
    scope_unit(view, user, row.unit.code)  # 404 outside the viewer's rows
    if variant not in ("", THUMBNAIL):
        return None
    name = (row.proof_thumbnail if variant else row.proof_photo).name
    return PrivateFile(name, f"minh-chung-{row.unit.code}.jpg", "image/jpeg", inline=True)


def visible_cascades(user: access.AnyUser) -> QuerySet[Cascade]:
    """Cascades sent by units the user sees with "cascade.view" (drafts included)."""
    return Cascade.objects.filter(sender__in=access.visible_units(user, "cascade.view"))


def cascades_sent_by(unit: Unit) -> QuerySet[Cascade]:
    return Cascade.objects.filter(sender=unit).order_by(
        Case(
            When(status=CascadeStatus.DRAFT, then=Value(0)),
            When(status=CascadeStatus.SENT, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        "-due_on",
        "-pk",
    )


def campaign_cascade_ids(campaign_id: int) -> list[int]:
    """The sent (or closed) cascades of a campaign: what its scoreboard passes to
    ``completion_by_child``."""
    return list(
        Cascade.objects.filter(
            campaign_id=campaign_id, status__in=[CascadeStatus.SENT, CascadeStatus.CLOSED]
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def done_counts(cascade_ids: Sequence[int]) -> dict[int, int]:
    """cascade id → recipients done, for a page of cascades."""
    rows = (
        CascadeRecipient.objects.filter(cascade_id__in=list(cascade_ids), state=RecipientState.DONE)
        .values("cascade_id")
        .annotate(n=Count("id"))
    )
    return {r["cascade_id"]: r["n"] for r in rows}


# -- roll-up -----------------------------------------------------------------------------


@dataclass
class Completion:
    recipients: int = 0
    received: int = 0  # received, acknowledged or done
    acknowledged: int = 0  # acknowledged or done
    done: int = 0
    done_on_time: int = 0

    @property
    def done_share(self) -> float | None:
        return self.done / self.recipients if self.recipients else None

    @property
    def received_share(self) -> float | None:
        return self.received / self.recipients if self.recipients else None

    @property
    def on_time_share(self) -> float | None:
        return self.done_on_time / self.recipients if self.recipients else None

    @property
    def not_done(self) -> int:
        return self.recipients - self.done

    def add(self, other: Completion) -> None:
        self.recipients += other.recipients
        self.received += other.received
        self.acknowledged += other.acknowledged
        self.done += other.done
        self.done_on_time += other.done_on_time

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return (self.recipients, self.received, self.acknowledged, self.done, self.done_on_time)


@dataclass
class ChildCompletion(Completion):
    unit: Unit = field(default_factory=Unit)


_S = RecipientState
# Same order as Completion's fields. Filtered SUMs: the one spelling both databases run well.
_FIGURES = (
    "COUNT(*), "
    f"SUM(CASE WHEN r.state <> '{_S.PENDING}' THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN r.state IN ('{_S.ACKNOWLEDGED}', '{_S.DONE}') THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN r.state = '{_S.DONE}' THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN r.state = '{_S.DONE}' AND r.done_at < {{deadline}} THEN 1 ELSE 0 END)"
)
_BY_CHILD_SQL = (
    f"SELECT {', '.join('ch.' + f for f in _CHILD_FIELDS)}, {_FIGURES} "  # noqa: S608
    f"FROM {_UNITS} ch "
    f"JOIN {_CLOSURE} c ON c.ancestor_id = ch.id "
    f"JOIN {_RECIPIENTS} r ON r.unit_id = c.descendant_id "
    "WHERE ch.parent_id = %s AND r.cascade_id IN ({ids}) "
    "GROUP BY ch.id ORDER BY ch.kind, ch.name, ch.id"
)


def _deadline_sql(deadlines: dict[int, dt.datetime]) -> tuple[str, list[Any]]:
    """SQL for "the deadline of r's cascade" with its parameters: a single value for one
    cascade, a CASE over the cascade ids for several (the due dates stay live: extending a
    due date re-rates every row)."""
    adapt = connection.ops.adapt_datetimefield_value
    if len(deadlines) == 1:
        return "%s", [adapt(next(iter(deadlines.values())))]
    parts: list[str] = []
    params: list[Any] = []
    for cascade_id, deadline in deadlines.items():
        parts.append("WHEN %s THEN %s")
        params += [cascade_id, adapt(deadline)]
    return f"CASE r.cascade_id {' '.join(parts)} END", params


_DUE_SQL = (
    f"SELECT id, due_on FROM {Cascade._meta.db_table} "  # noqa: S608 - names only
    "WHERE id IN ({ids}) ORDER BY id"
)


def _deadlines(cascade_ids: Sequence[int]) -> dict[int, dt.datetime]:
    ids = [int(pk) for pk in cascade_ids]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_DUE_SQL.format(ids=", ".join(["%s"] * len(ids))), ids)
        return {pk: deadline_of(due_on) for pk, due_on in cursor.fetchall()}


def completion_by_child(
    cascade_ids: Sequence[int], parent_unit: Unit | int
) -> list[ChildCompletion]:
    """For each child of ``parent_unit`` with receiving units of ``cascade_ids`` in its
    subtree (itself included): how many received, acknowledged, did it, did it on time.
    Children by kind, then name. One aggregate query (plus one for the due dates).

    Callers check access: the figures cover the whole subtree of ``parent_unit``."""
    parent_id = parent_unit if isinstance(parent_unit, int) else parent_unit.pk
    deadlines = _deadlines(cascade_ids)
    if not deadlines:
        return []
    deadline_sql, deadline_params = _deadline_sql(deadlines)
    ids = list(deadlines)
    sql = _BY_CHILD_SQL.format(ids=", ".join(["%s"] * len(ids)), deadline=deadline_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*deadline_params, parent_id, *ids])
        rows = cursor.fetchall()
    n = len(_CHILD_FIELDS)
    alias = connection.alias
    result = []
    for row in rows:
        recipients, received, acknowledged, done, on_time = (int(v or 0) for v in row[n:])
        result.append(
            ChildCompletion(
                recipients=recipients,
                received=received,
                acknowledged=acknowledged,
                done=done,
                done_on_time=on_time,
                unit=Unit.from_db(alias, list(_CHILD_FIELDS), list(row[:n])),
            )
        )
    return result


def own_completion(cascade_ids: Sequence[int], unit: Unit) -> Completion:
    """The figures of ``unit``'s own recipient rows (not its subtree's)."""
    result = Completion()
    deadlines = _deadlines(cascade_ids)
    for row in CascadeRecipient.objects.filter(cascade_id__in=list(deadlines), unit=unit).only(
        "cascade_id", "state", "done_at"
    ):
        rank = row.rank
        result.add(
            Completion(
                recipients=1,
                received=int(rank >= 1),
                acknowledged=int(rank >= 2),
                done=int(rank >= 3),
                done_on_time=int(
                    row.done_at is not None and row.done_at < deadlines[row.cascade_id]
                ),
            )
        )
    return result


@dataclass
class Rollup:
    unit: Unit
    own: Completion
    children: list[ChildCompletion]
    total: Completion


def rollup(cascade_ids: Sequence[int], unit: Unit) -> Rollup:
    """The unit's own rows, its children's subtrees, and their sum (the whole subtree)."""
    children = completion_by_child(cascade_ids, unit)
    own = own_completion(cascade_ids, unit)
    total = Completion()
    total.add(own)
    for child in children:
        total.add(child)
    return Rollup(unit=unit, own=own, children=children, total=total)


# -- laggards -----------------------------------------------------------------------------

STATE_RANK = Case(
    When(state=RecipientState.PENDING, then=Value(0)),
    When(state=RecipientState.RECEIVED, then=Value(1)),
    When(state=RecipientState.ACKNOWLEDGED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


LAGGARD_FIELDS = (
    "state",
    "received_at",
    "acknowledged_at",
    "cascade__title",
    "cascade__due_on",
    "cascade__status",
    "unit__code",
    "unit__name",
    "unit__kind",
    "unit__depth",
    "unit__parent__name",
)


def laggards(cascade_ids: Sequence[int], unit: Unit) -> QuerySet[CascadeRecipient]:
    """Receiving units in ``unit``'s subtree (itself included) that have not reported done:
    the earliest due date first (the most overdue), then those that have not even opened
    it, then by level and name."""
    return (
        CascadeRecipient.objects.filter(
            cascade_id__in=list(cascade_ids), unit_id__in=subtree_ids(unit)
        )
        .exclude(state=RecipientState.DONE)
        .select_related("unit", "unit__parent", "cascade")
        # Only what the list and the export show: the rows are sorted whole, and the units'
        # addresses and search text would make that sort several times slower.
        .only(*LAGGARD_FIELDS)
        .order_by("cascade__due_on", STATE_RANK, "unit__depth", "unit__name", "pk")
    )


# -- inbox ----------------------------------------------------------------------------------


@dataclass
class InboxEntry:
    cascade: Cascade
    own: CascadeRecipient | None  # the unit's own row, when the unit itself received it
    recipients: int  # receiving units in the unit's subtree (itself included)
    done: int

    @property
    def done_share(self) -> float | None:
        return self.done / self.recipients if self.recipients else None

    @property
    def finished(self) -> bool:
        return self.done >= self.recipients


def inbox(unit: Unit, *, open_only: bool = True) -> list[InboxEntry]:
    """Cascades sent from above ``unit`` that reach it or its subtree: the unit's own row and
    how far its subtree has got. Open ones (still running, not all done) first, by due date."""
    ancestors = UnitClosure.objects.filter(descendant_id=unit.pk, depth__gte=1).values(
        "ancestor_id"
    )
    statuses = [CascadeStatus.SENT] if open_only else [CascadeStatus.SENT, CascadeStatus.CLOSED]
    cascades = {
        c.pk: c
        for c in Cascade.objects.filter(sender_id__in=ancestors, status__in=statuses)
        .select_related("sender")
        .order_by("due_on", "pk")
    }
    if not cascades:
        return []
    counts = (
        CascadeRecipient.objects.filter(
            cascade_id__in=list(cascades), unit_id__in=subtree_ids(unit)
        )
        .values("cascade_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(state=RecipientState.DONE)))
    )
    own = {
        r.cascade_id: r
        for r in CascadeRecipient.objects.filter(cascade_id__in=list(cascades), unit=unit)
    }
    entries = [
        InboxEntry(cascades[r["cascade_id"]], own.get(r["cascade_id"]), r["total"], r["done"])
        for r in counts
    ]
    if open_only:
        entries = [e for e in entries if not e.finished]
    entries.sort(
        key=lambda e: (
            e.cascade.status != CascadeStatus.SENT,
            e.own is not None and e.own.is_done,
            e.cascade.due_on,
            e.cascade.pk,
        )
    )
    return entries


def has_open_inbox(unit: Unit) -> bool:
    """Whether ``inbox(unit)`` lists anything, in one existence query: a running cascade
    from above with a unit of this subtree not done."""
    ancestors = UnitClosure.objects.filter(descendant_id=unit.pk, depth__gte=1).values(
        "ancestor_id"
    )
    return (
        CascadeRecipient.objects.filter(
            cascade__sender_id__in=ancestors,
            cascade__status=CascadeStatus.SENT,
            unit_id__in=subtree_ids(unit),
        )
        .exclude(state=RecipientState.DONE)
        .exists()
    )


def recipient_for(cascade: Cascade, unit: Unit) -> CascadeRecipient | None:
    return (
        CascadeRecipient.objects.filter(cascade=cascade, unit=unit)
        .select_related("done_by")
        .first()
    )
