"""Writes of cascades: create and edit a draft, send it down the tree, close it, and each
receiving unit's steps (received → acknowledged → done with proof). Notices to officers
(a new cascade arrived; the due date is near) are aggregated per officer.

Every function checks its input and raises a ``ValidationError`` keyed by field with a
Vietnamese message; access is checked by the caller (views through ``lantoa.access``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa.accounts.models import Membership, User
from lantoa.audit.services import audit_record
from lantoa.campaigns.models import Campaign
from lantoa.cascades import files
from lantoa.cascades.models import (
    STATE_ORDER,
    Cascade,
    CascadeAction,
    CascadeAttachment,
    CascadeRecipient,
    CascadeStatus,
    RecipientState,
)
from lantoa.content import media
from lantoa.content.models import ContentItem
from lantoa.core.messages import Lines, Num, Phrase, Text, text_store
from lantoa.core.queueing import enqueue_on_commit
from lantoa.core.services import acting_user
from lantoa.core.text import format_int
from lantoa.core.weblinks import clean_links
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "title",
    "instructions",
    "actions",
    "due_on",
    "target_kinds",
    "target_levels",
    "links",
    "content_item",
    "campaign",
)
# Studio items in these states may be sent down; drafts and items in review may not.
SENDABLE_CONTENT = ("approved", "scheduled", "published")
MAX_LEVEL = 10
MAX_NOTE = 2000
# A reminder goes out on each of the days from this many days before the due date up to the
# due date itself, at most once a day per receiving unit.
REMIND_DAYS_BEFORE = 1

Upload = tuple[IO[bytes], str]  # an open file and the name the officer gave it


def _date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


# -- package ------------------------------------------------------------------------------


@dataclass
class _Package:
    title: str
    instructions: str
    actions: list[str]
    due_on: dt.date
    target_kinds: list[str]
    target_levels: list[int]
    links: list[str]
    content_item: ContentItem | None
    campaign: Campaign | None


def _clean_package(
    *,
    sender: Unit,
    title: str,
    instructions: str,
    actions: Iterable[str],
    due_on: dt.date | None,
    target_kinds: Iterable[str],
    target_levels: Iterable[int | str],
    links: Iterable[str],
    content_item: ContentItem | None,
    campaign: Campaign | None,
    has_files: bool,
) -> _Package:
    errors: dict[str, list[str]] = defaultdict(list)
    title = (title or "").strip()
    instructions = (instructions or "").strip()
    if not title:
        errors["title"].append(_("Vui lòng nhập tiêu đề."))
    elif len(title) > 255:
        errors["title"].append(_("Tiêu đề dài quá 255 ký tự."))
    action_list = [a for a in CascadeAction.values if a in set(actions or ())]
    unknown = set(actions or ()) - set(CascadeAction.values)
    if unknown or not action_list:
        errors["actions"].append(_("Vui lòng chọn ít nhất một việc cần làm trong danh sách."))
    if due_on is None:
        errors["due_on"].append(_("Vui lòng nhập hạn hoàn thành (dd/mm/yyyy)."))
    elif due_on < timezone.localdate():
        errors["due_on"].append(
            _("Hạn hoàn thành %(due_on)s đã qua; vui lòng chọn từ hôm nay trở đi.")
            % {"due_on": _date(due_on)}
        )
    allowed_kinds = [k for k in UnitKind.values if k != UnitKind.NATIONAL]
    kinds = [k for k in allowed_kinds if k in set(target_kinds or ())]
    if set(target_kinds or ()) - set(allowed_kinds):
        errors["target_kinds"].append(_("Loại đơn vị nhận không hợp lệ."))
    levels: list[int] = []
    for raw in target_levels or ():
        try:
            level = int(raw)
        except (TypeError, ValueError):
            level = 0
        if not 1 <= level <= MAX_LEVEL:
            errors["target_levels"].append(
                _("Cấp nhận phải là số từ 1 đến %(max_level)s (1: đơn vị trực thuộc trực tiếp).")
                % {"max_level": MAX_LEVEL}
            )
            break
        if level not in levels:
            levels.append(level)
    try:
        link_list = clean_links(links or (), limit=files.MAX_LINKS, what=_("Đường dẫn"))
    except ValidationError as exc:
        errors["links"].extend(exc.messages)
        link_list = []
    upward = set(
        UnitClosure.objects.filter(descendant_id=sender.pk).values_list("ancestor_id", flat=True)
    )
    if content_item is not None:
        if content_item.unit_id not in upward:
            errors["content_item"].append(
                _("Chỉ gửi được nội dung của chính đơn vị gửi hoặc của cấp trên.")
            )
        elif content_item.status not in SENDABLE_CONTENT:
            errors["content_item"].append(
                _("Nội dung “%(content_item_title)s” chưa được duyệt; chỉ gửi nội dung đã duyệt.")
                % {"content_item_title": content_item.title}
            )
    if campaign is not None and campaign.owner_id not in upward:
        errors["campaign"].append(
            _("Chiến dịch phải do đơn vị gửi hoặc cấp trên của đơn vị gửi chủ trì.")
        )
    if not errors.get("links") and not (
        instructions or link_list or has_files or content_item is not None
    ):
        errors["instructions"].append(
            _(
                "Đợt triển khai cần có nội dung: hướng dẫn thực hiện, tệp "
                "đính kèm, đường dẫn hoặc một nội dung trong kho."
            )
        )
    if sender.kind == UnitKind.GRASSROOTS:
        errors["__all__"].append(_("Công đoàn cơ sở không có đơn vị trực thuộc để triển khai."))
    elif sender.status != UnitStatus.ACTIVE:
        errors["__all__"].append(_("Đơn vị đã hợp nhất hoặc giải thể không gửi triển khai được."))
    if errors:
        raise ValidationError(dict(errors))
    assert due_on is not None
    return _Package(
        title,
        instructions,
        action_list,
        due_on,
        kinds,
        sorted(levels),
        link_list,
        content_item,
        campaign,
    )


def _check_uploads(uploads: Sequence[Upload], existing: int) -> list[files.CheckedUpload]:
    if existing + len(uploads) > files.MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("Mỗi đợt triển khai có tối đa %(max_attachments)s tệp đính kèm.")
                % {"max_attachments": files.MAX_ATTACHMENTS}
            }
        )
    checked = []
    messages: list[str] = []
    for fileobj, name in uploads:
        try:
            checked.append(files.check_attachment(fileobj, name))
        except ValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        raise ValidationError({"attachments": messages})
    return checked


def _store_attachments(
    cascade: Cascade, checked: Sequence[files.CheckedUpload], actor: Any, saved: list[str]
) -> None:
    """Write the files (their names go to ``saved`` so that a failed transaction can remove
    them) and their rows."""
    for item in checked:
        name, thumb = item.store(cascade.sender_id)
        saved += [n for n in (name, thumb) if n]
        CascadeAttachment.objects.create(
            cascade=cascade,
            kind=item.kind,
            file=name,
            thumbnail=thumb,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            uploaded_by=acting_user(actor),
        )


def cascade_create(
    *,
    sender: Unit,
    actor: Any,
    title: str,
    instructions: str = "",
    actions: Iterable[str],
    due_on: dt.date | None,
    target_kinds: Iterable[str] = (),
    target_levels: Iterable[int | str] = (),
    links: Iterable[str] = (),
    content_item: ContentItem | None = None,
    campaign: Campaign | None = None,
    attachments: Sequence[Upload] = (),
) -> Cascade:
    """A draft cascade of ``sender``: its own package (instructions, attachments, links)
    and/or a studio item, optionally within a campaign. Send it with ``cascade_send``."""
    package = _clean_package(
        sender=sender,
        title=title,
        instructions=instructions,
        actions=actions,
        due_on=due_on,
        target_kinds=target_kinds,
        target_levels=target_levels,
        links=links,
        content_item=content_item,
        campaign=campaign,
        has_files=bool(attachments),
    )
    checked = _check_uploads(attachments, 0)
    saved: list[str] = []
    try:
        with transaction.atomic():
            cascade = Cascade.objects.create(
                sender=sender,
                created_by=acting_user(actor),
                **package.__dict__,
            )
            _store_attachments(cascade, checked, actor, saved)
            audit_record(
                action="cascade.create",
                actor=actor,
                unit=sender,
                target=f"cascade:{cascade.pk}",
                data={"title": cascade.title, "attachments": len(checked)},
            )
    except BaseException:
        media.discard(saved)
        raise
    return cascade


def _require_draft(cascade: Cascade) -> None:
    if cascade.status != CascadeStatus.DRAFT:
        raise ValidationError(
            _(
                "Đợt triển khai đã gửi đi thì không sửa được nữa; vui lòng tạo đợt mới "
                "nếu cần bổ sung."
            )
        )


def cascade_update(
    *,
    cascade: Cascade,
    actor: Any,
    remove_attachment_ids: Iterable[int] = (),
    attachments: Sequence[Upload] = (),
    **fields: Any,
) -> Cascade:
    """Edit a draft: any of ``EDITABLE_FIELDS``, remove attachments by id, add new ones."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"cascade_update() does not change {sorted(unknown)}")
    _require_draft(cascade)
    remove = set(remove_attachment_ids)
    kept = [a for a in cascade.attachments.all() if a.pk not in remove]
    values = {name: fields.get(name, getattr(cascade, name)) for name in EDITABLE_FIELDS}
    package = _clean_package(sender=cascade.sender, has_files=bool(kept or attachments), **values)
    checked = _check_uploads(attachments, len(kept))
    saved: list[str] = []
    removed_files: list[str] = []
    try:
        with transaction.atomic():
            locked = Cascade.objects.select_for_update().get(pk=cascade.pk)
            _require_draft(locked)
            for name, value in package.__dict__.items():
                setattr(cascade, name, value)
            cascade.save()
            for attachment in cascade.attachments.filter(pk__in=remove):
                removed_files += [n for n in (attachment.file.name, attachment.thumbnail.name) if n]
                attachment.delete()
            _store_attachments(cascade, checked, actor, saved)
            audit_record(
                action="cascade.update",
                actor=actor,
                unit=cascade.sender,
                target=f"cascade:{cascade.pk}",
                data={"added": len(checked), "removed": len(removed_files)},
            )
            transaction.on_commit(lambda: media.discard(removed_files))
    except BaseException:
        media.discard(saved)
        raise
    return cascade


def cascade_delete(*, cascade: Cascade, actor: Any) -> None:
    """Delete a draft (a sent cascade is closed, never deleted: units acted on it)."""
    _require_draft(cascade)
    names = [n for a in cascade.attachments.all() for n in (a.file.name, a.thumbnail.name) if n]
    with transaction.atomic():
        audit_record(
            action="cascade.delete",
            actor=actor,
            unit=cascade.sender,
            target=f"cascade:{cascade.pk}",
            data={"title": cascade.title},
        )
        cascade.delete()
        transaction.on_commit(lambda: media.discard(names))


# -- sending: one INSERT … SELECT over the closure table -----------------------------------

_UNITS = Unit._meta.db_table
_CLOSURE = UnitClosure._meta.db_table


def _target_where(cascade: Cascade) -> tuple[str, list[Any]]:
    """The receiving units of ``cascade``: active units strictly below the sender, of the
    chosen kinds and levels. ``c`` is the closure row (ancestor = sender), ``u`` the unit."""
    sql = "c.ancestor_id = %s AND c.depth >= 1 AND u.status = %s"
    params: list[Any] = [cascade.sender_id, UnitStatus.ACTIVE.value]
    if cascade.target_kinds:
        sql += f" AND u.kind IN ({', '.join(['%s'] * len(cascade.target_kinds))})"
        params += list(cascade.target_kinds)
    if cascade.target_levels:
        sql += f" AND c.depth IN ({', '.join(['%s'] * len(cascade.target_levels))})"
        params += [int(level) for level in cascade.target_levels]
    return sql, params


def target_count(cascade: Cascade) -> int:
    """How many units ``cascade`` reaches (or would reach, for a draft)."""
    where, params = _target_where(cascade)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {_CLOSURE} c "  # noqa: S608 - names and placeholders only
            f"JOIN {_UNITS} u ON u.id = c.descendant_id WHERE {where}",
            params,
        )
        return int(cursor.fetchone()[0])


def _insert_recipients(cascade: Cascade) -> int:
    """One statement writes every recipient row, however many (130.000 for the whole
    country): no rows travel through Python. Columns come from the model, each with its
    default; nullable ones without a default are left to NULL."""
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in CascadeRecipient._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name == "cascade":
            values.append("%s")
            params.append(cascade.pk)
        elif field.name == "unit":
            values.append("u.id")
        elif field.null and field.get_default() is None:
            continue
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        columns.append(connection.ops.quote_name(str(field.column)))
    where, where_params = _target_where(cascade)
    table = connection.ops.quote_name(CascadeRecipient._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names only
            f"SELECT {', '.join(values)} FROM {_CLOSURE} c "
            f"JOIN {_UNITS} u ON u.id = c.descendant_id WHERE {where}",
            params + where_params,
        )
        return int(cursor.rowcount)


def cascade_send(*, cascade: Cascade, actor: Any) -> int:
    """Send a draft: write a recipient row for every unit of the target, in one statement,
    and tell their officers after commit. Returns the number of receiving units."""
    if cascade.due_on < timezone.localdate():
        raise ValidationError(
            {
                "due_on": _("Hạn hoàn thành %(due_on)s đã qua; vui lòng sửa hạn trước khi gửi.")
                % {"due_on": _date(cascade.due_on)}
            }
        )
    now = timezone.now()
    with transaction.atomic():
        # Claim the draft: of two clicks on "Gửi", only one gets here.
        if not Cascade.objects.filter(pk=cascade.pk, status=CascadeStatus.DRAFT).update(
            status=CascadeStatus.SENT, sent_at=now, updated_at=now
        ):
            raise ValidationError(_("Đợt triển khai này đã được gửi rồi."))
        count = _insert_recipients(cascade)
        if count == 0:
            raise ValidationError(
                {
                    "target_kinds": _(
                        "Không có đơn vị đang hoạt động nào thuộc phạm vi đã chọn; "
                        "vui lòng chọn lại loại hoặc cấp đơn vị nhận."
                    )
                }
            )
        Cascade.objects.filter(pk=cascade.pk).update(recipient_count=count)
        audit_record(
            action="cascade.send",
            actor=actor,
            unit=cascade.sender,
            target=f"cascade:{cascade.pk}",
            data={"recipients": count},
        )
        from lantoa.cascades.tasks import announce_cascade

        enqueue_on_commit(announce_cascade, cascade.pk)
    cascade.status, cascade.sent_at, cascade.recipient_count = CascadeStatus.SENT, now, count
    return count


def cascade_close(*, cascade: Cascade, actor: Any) -> None:
    """Stop a sent cascade: units can no longer report on it; its figures stay."""
    now = timezone.now()
    with transaction.atomic():
        if not Cascade.objects.filter(pk=cascade.pk, status=CascadeStatus.SENT).update(
            status=CascadeStatus.CLOSED, closed_at=now, updated_at=now
        ):
            raise ValidationError(_("Chỉ kết thúc được đợt triển khai đang thực hiện."))
        audit_record(
            action="cascade.close",
            actor=actor,
            unit=cascade.sender,
            target=f"cascade:{cascade.pk}",
        )
    cascade.status, cascade.closed_at = CascadeStatus.CLOSED, now


# -- a receiving unit's steps ---------------------------------------------------------------

_STATE_FIELD = {
    RecipientState.RECEIVED: "received_at",
    RecipientState.ACKNOWLEDGED: "acknowledged_at",
    RecipientState.DONE: "done_at",
}


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def recipient_advance(
    *,
    recipient: CascadeRecipient,
    actor: Any,
    state: str,
    proof_links: Iterable[str] = (),
    proof_photo: Upload | None = None,
    note: str = "",
) -> CascadeRecipient:
    """Move a receiving unit forward: received → acknowledged → done. A step may be skipped
    forward (its time is then the same), never back. "Done" needs the proof the cascade's
    actions call for (see ``Cascade.proof_photo_required``)."""
    if state not in _STATE_FIELD:
        raise ValidationError({"state": _("Bước không hợp lệ.")})
    target = RecipientState(state)
    note = (note or "").strip()
    errors: dict[str, list[str]] = defaultdict(list)
    if len(note) > MAX_NOTE:
        errors["note"].append(
            _("Ghi chú dài quá %(max_note)s ký tự.") % {"max_note": format_int(MAX_NOTE)}
        )
    links: list[str] = []
    photo: files.CheckedUpload | None = None
    if target == RecipientState.DONE:
        try:
            links = clean_links(
                proof_links, limit=files.MAX_PROOF_LINKS, what=_("Đường dẫn minh chứng")
            )
        except ValidationError as exc:
            errors["proof_links"].extend(exc.messages)
        if proof_photo is not None:
            try:
                photo = files.check_photo(*proof_photo)
            except ValidationError as exc:
                errors["proof_photo"].extend(exc.messages)
    elif any((p or "").strip() for p in proof_links) or proof_photo is not None:
        errors["proof_links"].append(_("Minh chứng chỉ gửi kèm khi báo “Đã thực hiện”."))

    saved: list[str] = []
    try:
        with transaction.atomic():
            row = (
                CascadeRecipient.objects.select_for_update()
                .select_related("cascade", "unit")
                .get(pk=recipient.pk)
            )
            cascade = row.cascade
            if cascade.status == CascadeStatus.CLOSED:
                raise ValidationError(
                    _("Đợt triển khai “%(cascade_title)s” đã kết thúc; không ghi nhận thêm.")
                    % {"cascade_title": cascade.title}
                )
            if cascade.status != CascadeStatus.SENT:
                raise ValidationError(_("Đợt triển khai chưa được gửi."))
            current = RecipientState(row.state)
            if STATE_ORDER[target] == STATE_ORDER[current]:
                raise ValidationError(
                    _("Đơn vị đã báo “%(target_label)s” lúc %(when)s.")
                    % {
                        "target_label": target.label,
                        "when": _when(getattr(row, _STATE_FIELD[target])),
                    }
                )
            if STATE_ORDER[target] < STATE_ORDER[current]:
                raise ValidationError(
                    _(
                        "Đơn vị đã ở bước “%(current_label)s”; không quay lại bước "
                        "“%(target_label)s”."
                    )
                    % {"current_label": current.label, "target_label": target.label}
                )
            if target == RecipientState.DONE and not errors.get("proof_photo"):
                if cascade.proof_photo_required and photo is None:
                    errors["proof_photo"].append(
                        _(
                            "Cần ảnh chụp bảng tin hoặc lịch phát trên loa truyền thanh "
                            "làm minh chứng."
                        )
                    )
                if (
                    cascade.proof_link_required
                    and not links
                    and photo is None
                    and not errors.get("proof_links")
                ):
                    errors["proof_links"].append(
                        _(
                            "Cần đường dẫn bài đăng lại trên kênh của đơn vị (Facebook, "
                            "Zalo, website…); bài trong nhóm Zalo không có đường dẫn thì "
                            "gửi ảnh chụp màn hình."
                        )
                    )
            if errors:
                raise ValidationError(dict(errors))
            now = timezone.now()
            for step, field in _STATE_FIELD.items():
                if STATE_ORDER[current] < STATE_ORDER[step] <= STATE_ORDER[target]:
                    setattr(row, field, now)
            row.state = target
            if note:
                row.note = note
            if target == RecipientState.DONE:
                row.done_by = acting_user(actor)
                row.proof_links = links
                if photo is not None:
                    name, thumb = photo.store(row.unit_id)
                    saved += [n for n in (name, thumb) if n]
                    row.proof_photo.name, row.proof_thumbnail.name = name, thumb
            row.save()
            audit_record(
                action=f"cascade.{target.value}",
                actor=actor,
                unit=row.unit,
                target=f"cascade:{cascade.pk}",
                data={"from": current.value, "links": len(links), "photo": photo is not None},
            )
    except BaseException:
        media.discard(saved)
        raise
    return row


# -- notices to officers, aggregated per officer --------------------------------------------


def _act_roles() -> list[str]:
    from lantoa.access import PERMISSIONS

    return sorted(PERMISSIONS["cascade.act"])


# For each officer holding a "cascade.act" role at a unit strictly below the sender that is a
# recipient or has recipients below it: how many of the selected recipient rows fall in their
# scope, and whether one of them is their own unit. One statement for all officers.
_OFFICER_TOTALS_SQL = (
    "SELECT m.user_id, r.cascade_id, COUNT(DISTINCT r.id), "  # noqa: S608 - names only
    "MAX(CASE WHEN r.unit_id = m.unit_id THEN 1 ELSE 0 END) "
    f"FROM {CascadeRecipient._meta.db_table} r "
    f"JOIN {Cascade._meta.db_table} k ON k.id = r.cascade_id "
    f"JOIN {_CLOSURE} c ON c.descendant_id = r.unit_id "
    f"JOIN {_CLOSURE} s ON s.descendant_id = c.ancestor_id AND s.ancestor_id = k.sender_id "
    "AND s.depth >= 1 "
    f"JOIN {Membership._meta.db_table} m ON m.unit_id = c.ancestor_id "
    f"JOIN {User._meta.db_table} usr ON usr.id = m.user_id "
    "WHERE {where} AND m.role IN ({roles}) AND usr.is_active = %s "
    "GROUP BY m.user_id, r.cascade_id"
)


def _officer_totals(where: str, params: list[Any]) -> dict[int, list[tuple[int, int, bool]]]:
    """user id → [(cascade id, recipients in their scope, their own unit is one)]."""
    roles = _act_roles()
    sql = _OFFICER_TOTALS_SQL.format(where=where, roles=", ".join(["%s"] * len(roles)))
    found: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *roles, True])
        for user_id, cascade_id, count, own in cursor.fetchall():
            found[int(user_id)].append((int(cascade_id), int(count), bool(own)))
    return found


class _Grouped:
    """Officers by the notice they get: one ``notify`` call per distinct (title, body)."""

    def __init__(self) -> None:
        self.by_key: dict[str, tuple[Text, Text, list[int]]] = {}

    def add(self, title: Text, body: Text, user_id: int) -> None:
        key = json.dumps([text_store(title), text_store(body)], sort_keys=True)
        self.by_key.setdefault(key, (title, body, []))[2].append(user_id)


def _notify_grouped(messages: _Grouped, *, kind: str, url: str) -> int:
    """One ``notify`` call per distinct message, for all the officers who get that text."""
    from lantoa.notifications.services import notify

    sent = 0
    for title, body, user_ids in messages.by_key.values():
        for start in range(0, len(user_ids), 500):
            chunk = user_ids[start : start + 500]
            sent += len(
                notify(
                    users=User.objects.filter(pk__in=chunk).order_by("pk"),
                    kind=kind,
                    title=title,
                    body=body,
                    url=url,
                )
            )
    return sent


def _scope_phrase(count: int, own: bool, *, capital: bool = False) -> Text:
    if own and count == 1:
        if capital:
            return Text(gettext_noop("Đơn vị của anh/chị"), {})
        return Text(gettext_noop("đơn vị của anh/chị"), {})
    if own:
        if capital:
            msgid = gettext_noop("Đơn vị của anh/chị và %(count)s đơn vị trực thuộc")
        else:
            msgid = gettext_noop("đơn vị của anh/chị và %(count)s đơn vị trực thuộc")
        return Text(msgid, {"count": Num(count - 1)})
    return Text(gettext_noop("%(count)s đơn vị thuộc phạm vi phụ trách"), {"count": Num(count)})


def cascade_announce(*, cascade_id: int) -> int:
    """Tell the officers of the receiving units (and of the units between them and the
    sender) that a cascade arrived. Runs once per cascade (claimed); returns notices sent."""
    now = timezone.now()
    with transaction.atomic():
        if not Cascade.objects.filter(
            pk=cascade_id, status=CascadeStatus.SENT, announced_at__isnull=True
        ).update(announced_at=now):
            return 0
        cascade = Cascade.objects.select_related("sender").get(pk=cascade_id)
        totals = _officer_totals("r.cascade_id = %s", [cascade_id])
        messages = _Grouped()
        title = Text(gettext_noop("Văn bản triển khai mới: %(title)s"), {"title": cascade.title})
        actions = Lines.of(
            (
                Phrase.of(CascadeAction(a).label, lower=True)
                for a in cascade.actions
                if a in CascadeAction.values
            ),
            sep="; ",
        )
        for user_id, rows in totals.items():
            for _cid, count, own in rows:
                body = Text(
                    gettext_noop(
                        "%(sender)s gửi “%(title)s” tới %(scope)s. Việc cần làm: %(actions)s. "
                        "Hạn hoàn thành: %(due)s."
                    ),
                    {
                        "sender": cascade.sender.name,
                        "title": cascade.title,
                        "scope": _scope_phrase(count, own),
                        "actions": actions,
                        "due": _date(cascade.due_on),
                    },
                )
                messages.add(title, body, user_id)
        return _notify_grouped(messages, kind="cascade.sent", url=reverse("cascades:index"))


# A sender's "Nhắc ngay" reaches a unit at most once in this many hours (with the daily
# reminders before the due date), so that pressing it twice sends nothing twice.
REMIND_NOW_GAP_HOURS = 4


def cascade_remind_now(*, cascade: Cascade, actor: Any, now: dt.datetime | None = None) -> int:
    """The sender's "Nhắc ngay": remind the officers of every unit that has not reported
    "done" yet — one notice per officer, with the number of units in their scope — except
    units reminded in the last ``REMIND_NOW_GAP_HOURS`` hours. Returns the units reminded.
    The rows are claimed (``reminded_at``) by the statement that selects them, as the daily
    reminders are. The view checks that ``actor`` may send for the sender."""
    if cascade.status != CascadeStatus.SENT:
        raise ValidationError(_("Chỉ nhắc được khi đợt triển khai đang diễn ra."))
    now = now or timezone.now()
    recent = now - dt.timedelta(hours=REMIND_NOW_GAP_HOURS)
    with transaction.atomic():
        claimed = (
            CascadeRecipient.objects.filter(cascade=cascade)
            .exclude(state=RecipientState.DONE)
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=recent))
            .update(reminded_at=now)
        )
        if claimed:
            totals = _officer_totals(
                "r.cascade_id = %s AND r.reminded_at = %s",
                [cascade.pk, connection.ops.adapt_datetimefield_value(now)],
            )
            title = Text(
                gettext_noop("%(sender)s nhắc: “%(title)s”"),
                {"sender": cascade.sender.name, "title": cascade.title},
            )
            messages = _Grouped()
            for user_id, rows in totals.items():
                for _cid, count, own in rows:
                    body = Text(
                        gettext_noop(
                            "%(scope)s chưa báo cáo đã thực hiện “%(title)s” (hạn %(due)s). "
                            "Vui lòng thực hiện và báo cáo kèm minh chứng."
                        ),
                        {
                            "scope": _scope_phrase(count, own, capital=True),
                            "title": cascade.title,
                            "due": _date(cascade.due_on),
                        },
                    )
                    messages.add(title, body, user_id)
            _notify_grouped(messages, kind="cascade.due", url=reverse("cascades:index"))
        audit_record(
            action="cascade.remind",
            actor=actor,
            unit=cascade.sender,
            target=f"cascade:{cascade.pk}",
            data={"units": claimed},
        )
    return claimed


def cascades_remind(*, now: dt.datetime | None = None) -> int:
    """Remind officers of units that have not reported "done" on cascades due within
    ``REMIND_DAYS_BEFORE`` days: one notice per officer per run, listing every such cascade
    with the number of units in their scope. Each recipient row is claimed (``reminded_at``)
    by the same statement that selects it, so a second run the same day, or a second worker,
    sends nothing. Returns the number of notices."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_of_day = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    with transaction.atomic():
        due = Cascade.objects.filter(
            status=CascadeStatus.SENT,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
        )
        claimed = (
            CascadeRecipient.objects.filter(cascade__in=due)
            .exclude(state=RecipientState.DONE)
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=start_of_day))
            .update(reminded_at=now)
        )
        if not claimed:
            return 0
        totals = _officer_totals(
            "r.reminded_at = %s", [connection.ops.adapt_datetimefield_value(now)]
        )
        cascade_ids = {cid for rows in totals.values() for cid, _, _ in rows}
        cascades = {c.pk: c for c in Cascade.objects.filter(pk__in=cascade_ids)}
        messages = _Grouped()
        for user_id, rows in totals.items():
            rows.sort(key=lambda r: (cascades[r[0]].due_on, r[0]))
            lines = Lines.of(
                Text(
                    gettext_noop(
                        "• “%(title)s” (hạn %(due)s): %(scope)s chưa báo cáo đã thực hiện."
                    ),
                    {
                        "title": cascades[cid].title,
                        "due": _date(cascades[cid].due_on),
                        "scope": _scope_phrase(count, own),
                    },
                )
                for cid, count, own in rows
            )
            first = cascades[rows[0][0]]
            if len(rows) == 1:
                title = Text(
                    gettext_noop("Nhắc hạn triển khai: “%(title)s” hết hạn %(due)s"),
                    {"title": first.title, "due": _date(first.due_on)},
                )
            else:
                title = Text(
                    gettext_noop("Nhắc hạn: %(count)s đợt triển khai sắp hết hạn"),
                    {"count": Num(len(rows))},
                )
            messages.add(title, Text(gettext_noop("%(lines)s"), {"lines": lines}), user_id)
        sent = _notify_grouped(messages, kind="cascade.due", url=reverse("cascades:index"))
    logger.info("cascade reminders: %s rows claimed, %s notices", claimed, sent)
    return sent
