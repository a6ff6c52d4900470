"""Unit screens: the unit page, the unit switcher, and the edit / create / move / merge forms.

Thin adapters: units come from ``lantoa.access`` (404 outside the officer's subtree), reads
from the selectors, writes from ``lantoa.units.services``. The cards other apps add to the
unit page (channels, coverage, roster …) are the ``UnitSection`` items of
``lantoa.core.extensions.unit_sections``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.access import officer, policy
from lantoa.core.extensions import UnitSection, unit_sections
from lantoa.core.forms import add_service_errors
from lantoa.core.text import fold
from lantoa.units import services
from lantoa.units.forms import UnitCreateForm, UnitForm, UnitMergeForm, UnitMoveForm
from lantoa.units.models import (
    Unit,
    UnitEvent,
    UnitKind,
    UnitStatus,
    kinds_above,
    kinds_under,
)
from lantoa.units.selectors import (
    children_figures,
    path_to_root,
    subtree_figures,
    subtree_ids,
    unit_search,
)

CHILDREN_PAGE_SIZE = 200
SWITCHER_LIMIT = 15
SEARCH_LIMIT = 50
PICK_LIMIT = 30


def _my_units(request: HttpRequest) -> list[Unit]:
    unit_ids = {u for u, _role in access.memberships(request.user)}
    return list(Unit.objects.filter(pk__in=unit_ids).order_by("depth", "name"))


def _search(request: HttpRequest, query: str, limit: int) -> list[Unit]:
    units = access.visible_units(request.user).select_related("successor", "parent")
    return list(unit_search(units, query, limit=limit))


@policy(officer("unit.view"))
def switcher(request: HttpRequest) -> HttpResponse:
    """The drop-down of the top-bar unit switcher (HTMX partial)."""
    query = request.GET.get("q", "").strip()
    context = {
        "query": query,
        "results": _search(request, query, SWITCHER_LIMIT) if query else [],
        "my_units": [] if query else _my_units(request),
    }
    return render(request, "units/_switcher_results.html", context)


@policy(officer("unit.view"))
def search(request: HttpRequest) -> HttpResponse:
    """Full results page: where the switcher's form goes without JavaScript."""
    query = request.GET.get("q", "").strip()
    context = {
        "query": query,
        "results": _search(request, query, SEARCH_LIMIT) if query else [],
        "my_units": _my_units(request),
        "limit": SEARCH_LIMIT,
    }
    return render(request, "units/search.html", context)


def _children_page(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    rows = children_figures(unit)
    query = request.GET.get("cq", "").strip()
    total = len(rows)
    if query:
        words = fold(query).split()
        rows = [r for r in rows if all(" " + w in r[0].search_text for w in words)]
    page = Paginator(rows, CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "children_page": page,
        "children_total": total,
        "children_query": query,
        "children_searchable": total > CHILDREN_PAGE_SIZE or bool(query),
    }


def _breadcrumbs(request: HttpRequest, unit: Unit) -> list[tuple[Unit, bool]]:
    path = path_to_root(unit)
    viewable = set(
        access.visible_units(request.user)
        .filter(pk__in=[u.pk for u in path])
        .values_list("pk", flat=True)
    )
    return [(u, u.pk in viewable) for u in path]


def _events(unit: Unit) -> QuerySet[UnitEvent]:
    return (
        UnitEvent.objects.filter(
            Q(unit=unit) | Q(successor=unit) | Q(new_parent=unit) | Q(old_parent=unit)
        )
        .select_related("unit", "old_parent", "new_parent", "successor", "actor")
        .order_by("-occurred_on", "-id")[:100]
    )


def _sections(request: HttpRequest, unit: Unit) -> list[tuple[UnitSection, dict[str, Any]]]:
    """The other apps' cards, each with its own context; a section may leave itself out."""
    shown = []
    for section in unit_sections:
        extra = section.context(request, unit)
        if extra is not None:
            shown.append((section, extra))
    return shown


@policy(officer("unit.view"))
def detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code=code)
    user = request.user
    context: dict[str, Any] = {
        "unit": unit,
        "breadcrumbs": _breadcrumbs(request, unit),
        "figures": subtree_figures(unit),
        "predecessors": list(unit.predecessors.order_by("-ended_on", "name")),
        "successor_visible": bool(
            unit.successor_id and access.visible_units(user).filter(pk=unit.successor_id).exists()
        ),
        "events": _events(unit),
        "can_manage": access.can(user, "unit.manage", unit),
        "can_export": access.can(user, "data.export", unit),
        "sections": _sections(request, unit),
    }
    if not unit.is_grassroots:
        context.update(_children_page(request, unit))
    return render(request, "units/detail.html", context)


@policy(officer("unit.manage"))
def edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="unit.manage", code=code)
    form = UnitForm(request.POST or None, instance=unit, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            unit.refresh_from_db()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("units:detail", code=unit.code)
    return render(request, "units/edit.html", {"unit": unit, "form": form})


@policy(officer("unit.manage"))
def create_child(request: HttpRequest, code: str) -> HttpResponse:
    parent = access.get_unit(request.user, perm="unit.manage", code=code)
    if not parent.is_active or not kinds_under(parent.kind):
        messages.error(request, _("Đơn vị này không thể có đơn vị trực thuộc."))
        return redirect("units:detail", code=parent.code)
    form = UnitCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.unit_create(
                code=form.cleaned_data["code"],
                parent=parent,
                actor=request.user,
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo đơn vị “%(name)s”.") % {"name": child.name})
            return redirect("units:detail", code=child.code)
    return render(request, "units/create.html", {"unit": parent, "form": form})


def _candidates(request: HttpRequest, units: QuerySet[Unit]) -> tuple[str, list[Unit]]:
    query = request.GET.get("q", "").strip()
    return query, list(unit_search(units.select_related("parent"), query, limit=PICK_LIMIT))


def _manageable(request: HttpRequest) -> QuerySet[Unit]:
    return access.visible_units(request.user, "unit.manage").filter(status=UnitStatus.ACTIVE)


@policy(officer("unit.manage"))
def move(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="unit.manage", code=code)
    if unit.kind == UnitKind.NATIONAL or not unit.is_active:
        messages.error(request, _("Đơn vị này không thể chuyển."))
        return redirect("units:detail", code=unit.code)
    # Any managed unit is accepted on POST, so that the service can explain a refusal
    # (a cycle, a grassroots parent); the pick list offers only sensible ones.
    form = UnitMoveForm(request.POST or None, choices=_manageable(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(
                unit=unit,
                new_parent=form.cleaned_data["parent_unit"],
                actor=request.user,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Đã chuyển “%(name)s” sang đơn vị cấp trên mới.") % {"name": unit.name}
            )
            return redirect("units:detail", code=unit.code)
    offered = (
        _manageable(request)
        .filter(kind__in=kinds_above(unit.kind))
        .exclude(pk__in=subtree_ids(unit))
        .exclude(children=unit)  # its current parent
    )
    query, candidates = _candidates(request, offered)
    context = {
        "unit": unit,
        "form": form,
        "query": query,
        "candidates": candidates,
        "picked": request.POST.get("parent", ""),
    }
    return render(request, "units/move.html", context)


@policy(officer("unit.manage"))
def merge(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="unit.manage", code=code)
    if unit.kind == UnitKind.NATIONAL or not unit.is_active:
        messages.error(request, _("Đơn vị này không thể hợp nhất."))
        return redirect("units:detail", code=unit.code)
    form = UnitMergeForm(request.POST or None, choices=_manageable(request))
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target_unit"]
        try:
            services.unit_merge(
                source=unit,
                target=target,
                actor=request.user,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã hợp nhất “%(source)s” vào “%(target)s”.")
                % {"source": unit.name, "target": target.name},
            )
            return redirect("units:detail", code=target.code)
    offered = _manageable(request).exclude(pk__in=subtree_ids(unit))
    if not unit.is_grassroots:
        offered = offered.exclude(kind=UnitKind.GRASSROOTS)
    query, candidates = _candidates(request, offered)
    context = {
        "unit": unit,
        "form": form,
        "query": query,
        "candidates": candidates,
        "picked": request.POST.get("target", ""),
        "active_children": unit.children.filter(status=UnitStatus.ACTIVE).count(),
        "figures": subtree_figures(unit),
    }
    return render(request, "units/merge.html", context)
