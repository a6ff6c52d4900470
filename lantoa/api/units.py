"""/units: the union tree, limited to the caller's visible subtree."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from lantoa import access
from lantoa.api.auth import caller
from lantoa.api.schemas import (
    BODY_ERRORS,
    ERRORS,
    Paging,
    UnitChildrenPage,
    UnitCreateIn,
    UnitDetailOut,
    UnitFilters,
    UnitMergeIn,
    UnitMoveIn,
    UnitOut,
    UnitPage,
    UnitUpdateIn,
)
from lantoa.units.models import Unit, UnitStatus
from lantoa.units.selectors import children_figures, path_to_root, subtree_figures, unit_search
from lantoa.units.services import unit_create, unit_merge, unit_move, unit_update

router = Router(tags=["Đơn vị"])

# Search answers at most this many matches; ``count`` is then capped to it.
SEARCH_MAX = 1000


def _with_refs(qs: QuerySet[Unit]) -> QuerySet[Unit]:
    return qs.select_related("parent", "successor")


def _get(request: HttpRequest, code: str, perm: str = "unit.view") -> Unit:
    return access.get_unit(caller(request), perm=perm, code=code)


def _fresh(unit: Unit) -> Unit:
    return _with_refs(Unit.objects.all()).get(pk=unit.pk)


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="Danh sách đơn vị")
@access.api_policy("unit.view")
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, object]:
    user = caller(request)
    qs = access.visible_units(user, "unit.view")
    if filters.parent:
        qs = qs.filter(parent=access.get_unit(user, code=filters.parent))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if not filters.include_ended:
        qs = qs.filter(status=UnitStatus.ACTIVE)
    if filters.q:
        qs = unit_search(qs, filters.q, limit=SEARCH_MAX)
    else:
        qs = qs.order_by("depth", "name", "pk")
    return filters.page(_with_refs(qs))


@router.get(
    "/units/{code}",
    response={200: UnitDetailOut, **ERRORS},
    summary="Chi tiết đơn vị, đường lên gốc và số liệu toàn nhánh",
)
@access.api_policy("unit.view")
def get_unit(request: HttpRequest, code: str) -> dict[str, object]:
    unit = _fresh(_get(request, code))
    path = path_to_root(unit)
    # The path stops at what the caller may see: a commune officer does not learn the
    # province's code through it.
    visible = set(
        access.visible_units(caller(request))
        .filter(pk__in=[u.pk for u in path])
        .values_list("pk", flat=True)
    )
    return {
        "unit": unit,
        "path": [u for u in path if u.pk in visible],
        "figures": subtree_figures(unit),
    }


@router.get(
    "/units/{code}/children",
    response={200: UnitChildrenPage, **ERRORS},
    summary="Đơn vị trực thuộc kèm số liệu từng nhánh",
)
@access.api_policy("unit.view")
def list_children(request: HttpRequest, code: str, paging: Query[Paging]) -> dict[str, object]:
    unit = _get(request, code)
    return paging.page(
        [{"unit": child, "figures": figures} for child, figures in children_figures(unit)]
    )


@router.post("/units", response={201: UnitOut, **BODY_ERRORS}, summary="Tạo đơn vị")
@access.api_policy("unit.manage")
def create_unit(request: HttpRequest, payload: UnitCreateIn) -> tuple[int, Unit]:
    user = caller(request)
    parent = access.get_unit(user, perm="unit.manage", code=payload.parent_code)
    fields = payload.dict(exclude={"code", "name", "kind", "parent_code"})
    unit = unit_create(
        code=payload.code, name=payload.name, kind=payload.kind, parent=parent, actor=user, **fields
    )
    return 201, _fresh(unit)


@router.patch("/units/{code}", response={200: UnitOut, **BODY_ERRORS}, summary="Sửa đơn vị")
@access.api_policy("unit.manage")
def update_unit(request: HttpRequest, code: str, payload: UnitUpdateIn) -> Unit:
    unit = _get(request, code, "unit.manage")
    unit_update(
        unit=unit, actor=caller(request), **payload.dict(exclude_unset=True, exclude_none=True)
    )
    return _fresh(unit)


@router.post(
    "/units/{code}/move",
    response={200: UnitOut, **BODY_ERRORS},
    summary="Chuyển đơn vị (cả nhánh) sang đơn vị cấp trên khác",
)
@access.api_policy("unit.manage")
def move_unit(request: HttpRequest, code: str, payload: UnitMoveIn) -> Unit:
    unit = _get(request, code, "unit.manage")
    new_parent = _get(request, payload.new_parent_code, "unit.manage")
    unit_move(
        unit=unit, new_parent=new_parent, actor=caller(request), on=payload.on, note=payload.note
    )
    return _fresh(unit)


@router.post(
    "/units/{code}/merge",
    response={200: UnitOut, **BODY_ERRORS},
    summary="Hợp nhất đơn vị vào đơn vị khác",
)
@access.api_policy("unit.manage")
def merge_unit(request: HttpRequest, code: str, payload: UnitMergeIn) -> Unit:
    source = _get(request, code, "unit.manage")
    target = _get(request, payload.target_code, "unit.manage")
    unit_merge(
        source=source, target=target, actor=caller(request), on=payload.on, note=payload.note
    )
    return _fresh(source)
