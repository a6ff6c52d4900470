"""/channels: communication channels of the units the caller can see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from lantoa import access
from lantoa.api.auth import caller, fetch_checked
from lantoa.api.schemas import (
    BODY_ERRORS,
    ERRORS,
    ChannelCreateIn,
    ChannelFilters,
    ChannelOut,
    ChannelPage,
    ChannelStatIn,
    ChannelStatResult,
    ChannelUpdateIn,
)
from lantoa.channels.models import Channel
from lantoa.channels.selectors import channels_of
from lantoa.channels.services import (
    channel_create,
    channel_delete,
    channel_record_audience,
    channel_update,
)

router = Router(tags=["Kênh truyền thông"])


@router.get(
    "/channels", response={200: ChannelPage, **ERRORS}, summary="Danh sách kênh truyền thông"
)
@access.api_policy("channel.view")
def list_channels(request: HttpRequest, filters: Query[ChannelFilters]) -> dict[str, object]:
    user = caller(request)
    if filters.unit:
        unit = access.get_unit(user, perm="channel.view", code=filters.unit)
        qs = channels_of(
            unit,
            subtree=filters.subtree,
            kinds=[filters.kind] if filters.kind else None,
            status=filters.status,
        )
    else:
        qs = Channel.objects.filter(unit__in=access.visible_units(user, "channel.view"))
        if filters.kind:
            qs = qs.filter(kind=filters.kind)
        if filters.status:
            qs = qs.filter(status=filters.status)
        qs = qs.select_related("unit").order_by("unit__depth", "unit__name", "kind", "name")
    qs = qs.order_by(*qs.query.order_by, "pk")
    return filters.page(qs)


@router.get("/channels/{channel_id}", response={200: ChannelOut, **ERRORS}, summary="Chi tiết kênh")
@access.api_policy("channel.view")
def get_channel(request: HttpRequest, channel_id: int) -> Channel:
    return fetch_checked(request, Channel, channel_id, "channel.view")


@router.post("/channels", response={201: ChannelOut, **BODY_ERRORS}, summary="Thêm kênh")
@access.api_policy("channel.manage")
def create_channel(request: HttpRequest, payload: ChannelCreateIn) -> tuple[int, Channel]:
    user = caller(request)
    unit = access.get_unit(user, perm="channel.manage", code=payload.unit_code)
    channel = channel_create(unit=unit, actor=user, **payload.dict(exclude={"unit_code"}))
    return 201, channel


@router.patch(
    "/channels/{channel_id}", response={200: ChannelOut, **BODY_ERRORS}, summary="Sửa kênh"
)
@access.api_policy("channel.manage")
def update_channel(request: HttpRequest, channel_id: int, payload: ChannelUpdateIn) -> Channel:
    channel = fetch_checked(request, Channel, channel_id, "channel.manage")
    return channel_update(
        channel=channel,
        actor=caller(request),
        **payload.dict(exclude_unset=True, exclude_none=True),
    )


@router.delete("/channels/{channel_id}", response={204: None, **ERRORS}, summary="Xóa kênh")
@access.api_policy("channel.manage")
def delete_channel(request: HttpRequest, channel_id: int) -> tuple[int, None]:
    channel = fetch_checked(request, Channel, channel_id, "channel.manage")
    channel_delete(channel=channel, actor=caller(request))
    return 204, None


@router.post(
    "/channels/{channel_id}/stats",
    response={200: ChannelStatResult, **BODY_ERRORS},
    summary="Ghi nhận số người theo dõi/thành viên vào một ngày",
)
@access.api_policy("channel.manage")
def record_stat(request: HttpRequest, channel_id: int, payload: ChannelStatIn) -> dict[str, object]:
    channel = fetch_checked(request, Channel, channel_id, "channel.manage")
    stat = channel_record_audience(
        channel=channel,
        recorded_on=payload.recorded_on,
        audience=payload.audience,
        actor=caller(request),
    )
    channel.refresh_from_db()
    return {"stat": stat, "channel": channel}
