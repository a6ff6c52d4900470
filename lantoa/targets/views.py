"""Target screens: a unit's targets and its children's compliance, the rules, and numbers
assigned to the children."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.access import officer, policy
from lantoa.core.forms import add_service_errors
from lantoa.core.text import format_int
from lantoa.periods.models import ReportingPeriod
from lantoa.periods.selectors import reporting_period
from lantoa.targets import evaluation as ev
from lantoa.targets import services
from lantoa.targets.forms import ChildrenAssignForm, RuleForm
from lantoa.targets.metrics import RATIO, REGISTRY, assignable_metrics
from lantoa.targets.models import RulePer, TargetRule
from lantoa.targets.picker import PARAM, period_options, pick_period
from lantoa.units.models import Unit, UnitKind
from lantoa.units.selectors import active_children, path_to_root

PER_COUNTED = (RulePer.DAY, RulePer.MONTH, RulePer.QUARTER, RulePer.HALF, RulePer.YEAR)


@dataclass
class Row:
    unit: Unit
    cells: list[ev.Achievement | None]


@policy(officer("target.view"))
def unit_targets(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's own achievement and its children × rules, for the period picked."""
    unit = access.get_unit(request.user, perm="target.view", code=code)
    today = timezone.localdate()
    period, period_error = pick_period(request, today=today)
    children = list(active_children(unit))
    # One evaluation for the unit and its children: each metric is computed once for all.
    result = ev.evaluate([unit, *children], period, today=today)
    columns = [r for r in result.rules if any(result.cell(c.pk, r.pk) for c in children)]
    rows = [
        Row(unit=child, cells=[result.cell(child.pk, r.pk) for r in columns]) for child in children
    ]
    own = result.of_unit(unit.pk)
    own_assignments = ev.assignment_achievements(
        ev.assignments_overlapping(unit, period), today=today
    )
    # Numbers assigned to the children for exactly this period, one column per metric.
    rperiod = ReportingPeriod.objects.filter(code=period.code).first()  # a read: never made here
    by_metric = ev.children_assignments(unit, rperiod, children) if rperiod is not None else {}
    achieved = ev.assignment_achievements(
        [a for per_child in by_metric.values() for a in per_child.values()], today=today
    )
    by_assignment = {a.assignment.pk: a for a in achieved if a.assignment is not None}
    assigned_metrics = [REGISTRY[m] for m in by_metric if m in REGISTRY]
    assigned_rows = [
        (
            child,
            [
                by_assignment.get(by_metric[m.key][child.pk].pk)
                if child.pk in by_metric[m.key]
                else None
                for m in assigned_metrics
            ],
        )
        for child in children
    ]
    summary = ev.subtree_summary(unit, period, columns, today=today) if children else []
    return render(
        request,
        "targets/unit_targets.html",
        {
            "unit": unit,
            "period": period,
            "period_error": period_error,
            "options": period_options(today, period),
            "param": PARAM,
            "window": result.window,
            "rules": columns,
            "rows": rows,
            "own": own,
            "own_assignments": own_assignments,
            "assigned_metrics": assigned_metrics,
            "assigned_rows": assigned_rows,
            "summary": summary,
            "can_manage": access.can(request.user, "target.manage", unit),
        },
        status=400 if period_error else 200,
    )


@dataclass
class RuleLine:
    rule: TargetRule
    metric_label: str
    value_text: str  # "≥ 4 tin, bài/ngày", "≥ 100%"
    applies_text: str  # "LĐLĐ tỉnh, thành phố; từ 1.000 đoàn viên"


def rule_line(rule: TargetRule) -> RuleLine:
    found = REGISTRY.get(rule.metric)
    number = rule.number_text
    if found is not None and found.kind == RATIO:
        value = f"≥ {number}%"
    else:
        noun = f" {found.noun}" if found is not None else ""
        value = (
            f"≥ {number}{noun} ({RulePer(rule.per).label})"
            if rule.per in PER_COUNTED
            else (f"≥ {number}{noun}")
        )
    kinds = ", ".join(str(UnitKind(k).label) for k in rule.unit_kinds if k in UnitKind.values)
    parts = [kinds or _("mọi loại đơn vị")]
    if rule.depth_levels:
        parts.append(_("cấp %(levels)s") % {"levels": ", ".join(map(str, rule.depth_levels))})
    if rule.min_members:
        parts.append(_("từ %(n)s đoàn viên") % {"n": format_int(rule.min_members)})
    return RuleLine(
        rule=rule,
        metric_label=str(found.label) if found is not None else rule.metric,
        value_text=value,
        applies_text="; ".join(parts),
    )


@policy(officer("target.view"))
def unit_rules(request: HttpRequest, code: str) -> HttpResponse:
    """The rules that apply in the unit's subtree (set here or above), and a form to add one."""
    unit = access.get_unit(request.user, perm="target.view", code=code)
    can_manage = access.can(request.user, "target.manage", unit)
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            access.require(request.user, "target.manage", unit)
        if form.is_valid():
            try:
                services.target_rule_save(owner=unit, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã thêm chỉ tiêu “%(name)s”.") % {"name": form.cleaned_data["name"]}
                )
                return redirect("targets:rules", code=unit.code)
    owners = path_to_root(unit)
    rules = list(
        TargetRule.objects.filter(owner__in=owners)
        .select_related("owner")
        .order_by("owner__depth", "id")
    )
    # One check per level of the path, not one per rule.
    managed = {u.pk for u in owners if access.can(request.user, "target.manage", u)}
    manageable = {r.pk for r in rules if r.owner_id in managed}
    return render(
        request,
        "targets/unit_rules.html",
        {
            "unit": unit,
            "lines": [rule_line(r) for r in rules],
            "manageable": manageable,
            "can_manage": can_manage,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@policy(officer("target.manage"))
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(TargetRule.objects.select_related("owner"), pk=pk)
    access.require(request.user, "target.manage", rule.owner)
    form = RuleForm(request.POST or None, initial=RuleForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            services.target_rule_save(
                owner=rule.owner, actor=request.user, rule=rule, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu “%(name)s”.") % {"name": rule.name})
            return redirect("targets:rules", code=rule.owner.code)
    return render(
        request,
        "targets/rule_form.html",
        {"unit": rule.owner, "form": form, "rule": rule},
        status=400 if form.errors else 200,
    )


@policy(officer("target.manage"))
def unit_assign(request: HttpRequest, code: str) -> HttpResponse:
    """Numbers for the children of the unit: typed one by one, or split from the unit's own."""
    unit = access.get_unit(request.user, perm="target.manage", code=code)
    today = timezone.localdate()
    period, period_error = pick_period(request, today=today)
    metrics = assignable_metrics()
    metric_key = request.GET.get("so-do") or metrics[0].key
    found = REGISTRY.get(metric_key)
    if found is None or not found.assignable:
        found = metrics[0]
    rperiod = reporting_period(period)
    children = list(active_children(unit))
    current = ev.children_assignments(unit, rperiod, children).get(found.key, {})
    own = ev.assignment_value(unit=unit, period_code=period.code, metric=found.key)
    form = ChildrenAssignForm(
        request.POST or None,
        children=children,
        initial_values={pk: a.value for pk, a in current.items()},
    )
    back = (
        reverse("targets:assign", kwargs={"code": unit.code})
        + f"?so-do={found.key}&{PARAM}={period.code}"
    )
    if request.method == "POST":
        valid = form.is_valid()  # before any service error is added to it
        try:
            if "phan-bo" in request.POST:
                shares = services.target_distribute(
                    parent=unit, metric=found.key, period=rperiod, actor=request.user
                )
                messages.success(
                    request,
                    _("Đã phân bổ chỉ tiêu cho %(n)s đơn vị trực thuộc theo số đoàn viên.")
                    % {"n": len(shares)},
                )
                return redirect(back)
            if valid:
                services.target_assign_children(
                    parent=unit,
                    metric=found.key,
                    period=rperiod,
                    values=form.values(),
                    actor=request.user,
                )
                messages.success(request, _("Đã lưu chỉ tiêu giao cho các đơn vị trực thuộc."))
                return redirect(back)
        except ValidationError as exc:
            add_service_errors(form, exc)
    total = sum(a.value for a in current.values())
    return render(
        request,
        "targets/unit_assign.html",
        {
            "unit": unit,
            "period": period,
            "period_error": period_error,
            "options": period_options(today, period),
            "param": PARAM,
            "metrics": metrics,
            "metric": found,
            "form": form,
            "own": own,
            "total": total,
        },
        status=400 if (form.errors or period_error) else 200,
    )
