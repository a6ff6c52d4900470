"""Writes of targets. Every function writes its audit row; the checks and messages (Vietnamese)
are here, so the screens and the command line behave the same. (Period reports are written by
``lantoa.periods.services``.)

``target_rule_save``, ``target_rules_load_defaults``; numbers top-down with
``target_assign`` / ``target_assign_children`` and ``target_distribute`` (a parent's own
number split over its children by members, exactly, largest remainders first); alerts to unit
leaders with ``target_alerts_send``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa import access
from lantoa.accounts.models import Role
from lantoa.audit.services import audit_record
from lantoa.core.messages import Dec, Lines, Num, Phrase, Text
from lantoa.core.periods import Period
from lantoa.core.services import acting_user
from lantoa.core.tabular import parse_count
from lantoa.core.text import format_int
from lantoa.notifications.services import notify, officers_of
from lantoa.periods.models import ReportingPeriod
from lantoa.targets import evaluation as ev
from lantoa.targets.defaults import DEFAULT_RULES
from lantoa.targets.metrics import COUNT, RATE, RATIO, REGISTRY, Metric
from lantoa.targets.models import (
    RulePer,
    TargetAlert,
    TargetAssignment,
    TargetRule,
)
from lantoa.units.models import Unit, UnitKind, UnitStatus
from lantoa.units.selectors import active_children

MAX_VALUE = 1_000_000_000


# --- target rules ----------------------------------------------------------------------------

_PER_FOR_KIND = {
    RATE: (RulePer.DAY,),
    RATIO: (RulePer.NONE,),
    "state": (RulePer.NONE,),
    COUNT: (RulePer.MONTH, RulePer.QUARTER, RulePer.HALF, RulePer.YEAR),
}


def _clean_rule(
    *,
    name: str,
    metric: str,
    value: Any,
    per: str,
    unit_kinds: Iterable[str],
    depth_levels: Iterable[int],
    min_members: int | None,
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Chưa nhập tên chỉ tiêu.")
    elif len(name) > 255:
        errors["name"] = _("Tên chỉ tiêu dài quá 255 ký tự.")
    found = REGISTRY.get(metric)
    if found is None:
        errors["metric"] = _("Số đo không hợp lệ.")
    elif per not in _PER_FOR_KIND[found.kind]:
        allowed = ", ".join(str(RulePer(p).label) for p in _PER_FOR_KIND[found.kind])
        errors["per"] = _("Số đo “%(found_label)s” chỉ tính theo: %(allowed)s.") % {
            "found_label": found.label,
            "allowed": allowed,
        }
    try:
        number = Decimal(str(value).replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number <= 0:
        errors["value"] = _("Mức chỉ tiêu phải là số lớn hơn 0.")
    elif number > MAX_VALUE:
        errors["value"] = _("Mức chỉ tiêu quá lớn (tối đa %(max_value)s).") % {
            "max_value": format_int(MAX_VALUE)
        }
    kinds = [str(k) for k in unit_kinds]
    bad = [k for k in kinds if k not in UnitKind.values]
    if bad:
        errors["unit_kinds"] = _("Loại đơn vị không hợp lệ: %(items)s.") % {"items": ", ".join(bad)}
    levels = sorted({int(d) for d in depth_levels})
    if any(not 0 <= d <= 20 for d in levels):
        errors["depth_levels"] = _("Cấp áp dụng phải từ 0 (toàn quốc) đến 20.")
    if min_members is not None and min_members < 0:
        errors["min_members"] = _("Số đoàn viên tối thiểu không được âm.")
    values = {
        "name": name,
        "metric": metric,
        "value": number,
        "per": per,
        "unit_kinds": kinds,
        "depth_levels": levels,
        "min_members": min_members or 0,
    }
    return values, errors


def target_rule_save(
    *,
    owner: Unit,
    actor: Any,
    name: str,
    metric: str,
    value: Any,
    per: str,
    unit_kinds: Iterable[str] = (),
    depth_levels: Iterable[int] = (),
    min_members: int | None = 0,
    active: bool = True,
    rule: TargetRule | None = None,
) -> TargetRule:
    """Create a rule owned by ``owner`` (applying within its subtree) or update ``rule``."""
    values, errors = _clean_rule(
        name=name,
        metric=metric,
        value=value,
        per=per,
        unit_kinds=unit_kinds,
        depth_levels=depth_levels,
        min_members=min_members,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if rule is None:
            rule = TargetRule(owner=owner, created_by=actor if getattr(actor, "pk", None) else None)
        for key, val in values.items():
            setattr(rule, key, val)
        rule.active = active
        creating = rule.pk is None
        rule.save()
        audit_record(
            action="target_rule.create" if creating else "target_rule.update",
            actor=actor,
            unit=owner,
            target=str(rule.pk),
            data={"metric": rule.metric, "value": str(rule.value), "active": rule.active},
        )
    return rule


def target_rules_load_defaults(*, owner: Unit | None = None, actor: Any = None) -> tuple[int, int]:
    """Write the default programme (``lantoa.targets.defaults``) owned by ``owner`` (default:
    the national root). Returns (created, updated); rules are matched by key."""
    if owner is None:
        owner = (
            Unit.objects.filter(parent__isnull=True, status=UnitStatus.ACTIVE)
            .order_by("pk")
            .first()
        )
        if owner is None:
            raise ValidationError(
                _("Chưa có đơn vị gốc (Tổng Liên đoàn) để gắn chỉ tiêu mặc định.")
            )
    created = updated = 0
    with transaction.atomic():
        for spec in DEFAULT_RULES:
            _rule, made = TargetRule.objects.update_or_create(
                owner=owner,
                key=spec.key,
                defaults={
                    "name": spec.name,
                    "metric": spec.metric,
                    "value": spec.value,
                    "per": spec.per,
                    "unit_kinds": list(spec.unit_kinds),
                    "depth_levels": [],
                    "min_members": spec.min_members,
                    "active": True,
                },
            )
            created += int(made)
            updated += int(not made)
        audit_record(
            action="target_rule.load_defaults",
            actor=actor,
            unit=owner,
            data={"created": created, "updated": updated},
            actor_label="" if actor is not None else "lantoa targets load-defaults",
        )
    return created, updated


# --- numbers assigned top-down ---------------------------------------------------------------


def _check_assigner(actor: Any, unit: Unit) -> None:
    """Only officers of a unit above ``unit`` give it a number (None: the command line)."""
    if actor is not None and not access.can_from_above(actor, "target.manage", unit):
        raise PermissionDenied(_("Chỉ tiêu do đơn vị cấp trên giao."))


def _check_assigner_of_children(actor: Any, parent: Unit) -> None:
    """``_check_assigner`` for every child of ``parent`` at once: the units strictly above a
    child are ``parent`` and its ancestors."""
    if actor is not None and not access.can(actor, "target.manage", parent):
        raise PermissionDenied(_("Chỉ tiêu do đơn vị cấp trên giao."))


def _clean_number(value: Any, field: str = "value") -> int:
    """A whole number as typed ("1200", "1.200"): "12.5" or "1,2" is refused, not read as 125
    or 12."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValidationError({field: _("Chỉ tiêu phải là số nguyên không âm.")})
    try:
        number = parse_count(text)
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from exc
    if number > MAX_VALUE:
        raise ValidationError(
            {
                field: _("Chỉ tiêu quá lớn (tối đa %(max_value)s).")
                % {"max_value": format_int(MAX_VALUE)}
            }
        )
    return number


def target_assign(
    *,
    unit: Unit,
    metric: str,
    period: ReportingPeriod,
    value: Any,
    actor: Any,
    distributed_from: TargetAssignment | None = None,
) -> TargetAssignment:
    """Give ``unit`` the number ``value`` of ``metric`` for ``period`` (replacing any)."""
    found = REGISTRY.get(metric)
    if found is None or not found.assignable:
        raise ValidationError({"metric": _("Số đo này không giao chỉ tiêu bằng số được.")})
    if not unit.is_active:
        raise ValidationError(
            _("“%(unit_name)s” không còn hoạt động; không giao chỉ tiêu được.")
            % {"unit_name": unit.name}
        )
    _check_assigner(actor, unit)
    number = _clean_number(value)
    by = acting_user(actor)
    with transaction.atomic():
        assignment, created = TargetAssignment.objects.update_or_create(
            unit=unit,
            metric=metric,
            period=period,
            defaults={"value": number, "assigned_by": by, "distributed_from": distributed_from},
        )
        audit_record(
            action="target.assign",
            actor=actor,
            unit=unit,
            target=f"{metric}:{period.code}",
            data={"value": number, "created": created},
        )
    return assignment


def target_assign_children(
    *,
    parent: Unit,
    metric: str,
    period: ReportingPeriod,
    values: Mapping[int, Any],
    actor: Any,
) -> int:
    """Set the numbers of several children of ``parent`` at once (child id → number; empty
    removes the child's number). All or nothing: one bad number and nothing is written."""
    found = REGISTRY.get(metric)
    if found is None or not found.assignable:
        raise ValidationError({"metric": _("Số đo này không giao chỉ tiêu bằng số được.")})
    children = {c.pk: c for c in active_children(parent)}
    errors: dict[str, str] = {}
    clean: dict[int, int | None] = {}
    for child_id, raw in values.items():
        child = children.get(child_id)
        if child is None:
            raise ValidationError(_("Đơn vị nhận chỉ tiêu không trực thuộc đơn vị này."))
        if raw in (None, ""):
            clean[child_id] = None
            continue
        try:
            clean[child_id] = _clean_number(raw)
        except ValidationError as exc:
            errors[f"unit_{child_id}"] = f"{child.name}: {exc.messages[0]}"
    if errors:
        raise ValidationError(errors)
    _check_assigner_of_children(actor, parent)
    written = 0
    by = acting_user(actor)
    with transaction.atomic():
        for child_id, number in clean.items():
            if number is None:
                TargetAssignment.objects.filter(
                    unit_id=child_id, metric=metric, period=period
                ).delete()
                continue
            TargetAssignment.objects.update_or_create(
                unit_id=child_id,
                metric=metric,
                period=period,
                defaults={"value": number, "assigned_by": by},
            )
            written += 1
        audit_record(
            action="target.assign_children",
            actor=actor,
            unit=parent,
            target=f"{metric}:{period.code}",
            data={"written": written, "cleared": sum(1 for v in clean.values() if v is None)},
        )
    return written


def split_by_weights(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (equally when all are 0), in whole numbers
    that add up to ``total`` exactly: floors first, then one more to the largest remainders."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def target_distribute(
    *, parent: Unit, metric: str, period: ReportingPeriod, actor: Any
) -> list[TargetAssignment]:
    """Split ``parent``'s own number for (metric, period) over its active children by their
    members (equally where no members are recorded), replacing their numbers."""
    source = TargetAssignment.objects.filter(unit=parent, metric=metric, period=period).first()
    found = REGISTRY.get(metric)
    label = found.label if found is not None else metric
    if source is None:
        raise ValidationError(
            _(
                "“%(parent_name)s” chưa được giao chỉ tiêu “%(label)s” cho "
                "%(period_label)s; vui lòng nhập chỉ tiêu cho từng đơn vị trực "
                "thuộc."
            )
            % {"parent_name": parent.name, "label": label, "period_label": period.name}
        )
    children = list(active_children(parent))
    if not children:
        raise ValidationError(
            _("“%(parent_name)s” không có đơn vị trực thuộc để phân bổ.")
            % {"parent_name": parent.name}
        )
    _check_assigner_of_children(actor, parent)
    shares = split_by_weights(source.value, [c.member_count for c in children])
    by = acting_user(actor)
    out = []
    with transaction.atomic():
        for child, share in zip(children, shares, strict=True):
            assignment, _created = TargetAssignment.objects.update_or_create(
                unit=child,
                metric=metric,
                period=period,
                defaults={"value": share, "assigned_by": by, "distributed_from": source},
            )
            out.append(assignment)
        audit_record(
            action="target.distribute",
            actor=actor,
            unit=parent,
            target=f"{metric}:{period.code}",
            data={"total": source.value, "children": len(children)},
        )
    return out


# --- alerts to unit leaders ----------------------------------------------------------------


def _ended_yesterday(today: dt.date) -> list[Period]:
    """Periods (month, quarter, half, year) whose last day was yesterday."""
    day = today - dt.timedelta(days=1)
    if today.day != 1:
        return []
    out = [Period(day.year, "month", day.month)]
    if day.month % 3 == 0:
        out.append(Period(day.year, "quarter", day.month // 3))
    if day.month % 6 == 0:
        out.append(Period(day.year, "half", day.month // 6))
    if day.month == 12:
        out.append(Period(day.year, "year"))
    return out


def _shown_value(metric: Metric, value: float | None) -> Any:
    """A value of ``metric`` as ``ev.format_value`` writes it, in the reader's notation."""
    if value is None:
        return "—"
    if metric.kind == RATIO:
        return Dec(value, 1, percent=True)
    if metric.kind != RATE and float(value).is_integer():
        return Num(int(value))
    return Dec(value, 1)


def _alert_text(problems: list[ev.Achievement]) -> Lines:
    """One line per target needing attention, each shown in the reader's language."""
    return Lines.of(
        Text(
            gettext_noop(
                "- %(name)s: %(value)s/%(target)s %(noun)s (%(percent)s, %(status)s, %(period)s)"
            ),
            {
                "name": a.rule.name if a.rule is not None else Phrase.of(a.metric.label),
                "value": _shown_value(a.metric, a.value),
                "target": _shown_value(a.metric, a.target),
                "noun": Phrase.of(a.metric.noun),
                "percent": Dec(a.ratio, 1, percent=True) if a.ratio is not None else "—",
                "status": Phrase.of(ev.STATUS_LABELS[a.status], lower=True),
                "period": a.window.period,
            },
        )
        for a in problems
    )


def _send_round(
    units: list[Unit], round_key: str, achievements: dict[int, list[ev.Achievement]]
) -> int:
    sent = 0
    for unit in units:
        problems = [a for a in achievements.get(unit.pk, []) if a.is_problem]
        if not problems:
            continue
        leaders = list(officers_of(unit, (Role.LEADER,)))
        if not leaders:
            continue
        with transaction.atomic():
            _, created = TargetAlert.objects.get_or_create(
                unit=unit, round=round_key, defaults={"problems": len(problems)}
            )
            if not created:
                continue  # this round already went out (a re-delivered task)
            notify(
                users=leaders,
                kind="target.alert",
                title=Text(
                    gettext_noop("%(unit)s: %(count)s chỉ tiêu cần chú ý"),
                    {"unit": unit.short_name or unit.name, "count": Num(len(problems))},
                ),
                body=Text(gettext_noop("%(lines)s"), {"lines": _alert_text(problems)}),
                url=reverse("targets:unit", kwargs={"code": unit.code}),
                unit=unit,
            )
            sent += 1
    return sent


def _natural_on(day: dt.date, rule: TargetRule) -> Period:
    return ev.natural_period(rule, day)


def target_alerts_send(*, today: dt.date | None = None) -> int:
    """Alert the leaders of units whose targets are at risk (Mondays: the running periods) or
    were missed (the day after a period ends). One notice per unit and round, never twice;
    the units with leaders are evaluated together, one aggregate per metric. Returns how
    many units were alerted."""
    today = today or timezone.localdate()
    leader_units = list(
        Unit.objects.filter(
            status=UnitStatus.ACTIVE,
            memberships__role=Role.LEADER,
            memberships__user__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )
    if not leader_units:
        return 0
    sent = 0
    if today.weekday() == 0:
        iso = today.isocalendar()
        result = ev.evaluate(
            leader_units,
            Period(today.year, "year"),
            today=today,
            period_for=lambda rule: ev.natural_period(rule, today),
        )
        grouped: dict[int, list[ev.Achievement]] = {}
        for (unit_id, _rule_id), achievement in result.cells.items():
            grouped.setdefault(unit_id, []).append(achievement)
        sent += _send_round(leader_units, f"tuan-{iso.year}-W{iso.week:02d}", grouped)
    for ended in _ended_yesterday(today):
        day = ended.end
        result = ev.evaluate(
            leader_units,
            ended,
            today=today,
            period_for=functools.partial(_natural_on, day),
        )
        grouped = {}
        for (unit_id, _rule_id), achievement in result.cells.items():
            if achievement.window.period == ended and achievement.status == ev.MISSED:
                grouped.setdefault(unit_id, []).append(achievement)
        sent += _send_round(leader_units, f"ket-thuc-{ended.code}", grouped)
    return sent


__all__ = [
    "split_by_weights",
    "target_alerts_send",
    "target_assign",
    "target_assign_children",
    "target_distribute",
    "target_rule_save",
    "target_rules_load_defaults",
]
