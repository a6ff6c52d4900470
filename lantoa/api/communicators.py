"""/communicators: the roster of communicators and briefers of the caller's units."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from lantoa import access
from lantoa.api.auth import caller, fetch_checked
from lantoa.api.schemas import (
    BODY_ERRORS,
    ERRORS,
    CommunicatorCreateIn,
    CommunicatorFilters,
    CommunicatorOut,
    CommunicatorPage,
    CommunicatorUpdateIn,
)
from lantoa.roster.models import Communicator
from lantoa.roster.selectors import communicators_of
from lantoa.roster.services import (
    communicator_create,
    communicator_delete,
    communicator_update,
)

router = Router(tags=["Cán bộ truyền thông, báo cáo viên"])


@router.get(
    "/communicators",
    response={200: CommunicatorPage, **ERRORS},
    summary="Danh sách cán bộ truyền thông, báo cáo viên",
)
@access.api_policy("roster.view")
def list_communicators(
    request: HttpRequest, filters: Query[CommunicatorFilters]
) -> dict[str, object]:
    user = caller(request)
    if filters.unit:
        unit = access.get_unit(user, perm="roster.view", code=filters.unit)
        qs = communicators_of(
            unit, subtree=filters.subtree, role=filters.role, trained=filters.trained
        )
    else:
        qs = Communicator.objects.filter(unit__in=access.visible_units(user, "roster.view"))
        if filters.role:
            qs = qs.filter(role=filters.role)
        if filters.trained is not None:
            qs = qs.filter(trained=filters.trained)
        qs = qs.select_related("unit").order_by("full_name", "pk")
    return filters.page(qs)


@router.get(
    "/communicators/{communicator_id}",
    response={200: CommunicatorOut, **ERRORS},
    summary="Chi tiết cán bộ truyền thông, báo cáo viên",
)
@access.api_policy("roster.view")
def get_communicator(request: HttpRequest, communicator_id: int) -> Communicator:
    return fetch_checked(request, Communicator, communicator_id, "roster.view")


@router.post(
    "/communicators",
    response={201: CommunicatorOut, **BODY_ERRORS},
    summary="Thêm cán bộ truyền thông, báo cáo viên",
)
@access.api_policy("roster.manage")
def create_communicator(
    request: HttpRequest, payload: CommunicatorCreateIn
) -> tuple[int, Communicator]:
    user = caller(request)
    unit = access.get_unit(user, perm="roster.manage", code=payload.unit_code)
    found = communicator_create(unit=unit, actor=user, **payload.dict(exclude={"unit_code"}))
    return 201, found


@router.patch(
    "/communicators/{communicator_id}",
    response={200: CommunicatorOut, **BODY_ERRORS},
    summary="Sửa thông tin cán bộ truyền thông, báo cáo viên",
)
@access.api_policy("roster.manage")
def update_communicator(
    request: HttpRequest, communicator_id: int, payload: CommunicatorUpdateIn
) -> Communicator:
    found = fetch_checked(request, Communicator, communicator_id, "roster.manage")
    return communicator_update(
        communicator=found,
        actor=caller(request),
        **payload.dict(exclude_unset=True, exclude_none=True),
    )


@router.delete(
    "/communicators/{communicator_id}", response={204: None, **ERRORS}, summary="Xóa khỏi danh sách"
)
@access.api_policy("roster.manage")
def delete_communicator(request: HttpRequest, communicator_id: int) -> tuple[int, None]:
    found = fetch_checked(request, Communicator, communicator_id, "roster.manage")
    communicator_delete(communicator=found, actor=caller(request))
    return 204, None
