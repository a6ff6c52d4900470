"""Input and output models of the API. Inputs are explicit (nothing is read from the request
that is not declared here); outputs name units by ``code``, never by database id."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from annotated_types import Ge, Le
from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import BeforeValidator, Strict
from pydantic_core import PydanticCustomError

from lantoa.channels.models import Channel, ChannelKind, ChannelStatus
from lantoa.roster.models import Communicator, RosterRole
from lantoa.units.models import Unit, UnitKind, UnitStatus


def _json_integer(value: Any) -> Any:
    # 12 and 12.0 are the same JSON integer; true, "12" and 12.5 are not integers.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise PydanticCustomError("int_type", "integer expected")


def _date_as_text(value: Any) -> Any:
    if isinstance(value, str | dt.date):
        return value
    raise PydanticCustomError("date_type", "date expected as text (YYYY-MM-DD)")


# Body fields take JSON's own types, as the schema says: pydantic would otherwise read ``false``
# as 0, ``"12"`` as 12, ``1`` as true and a number as a date (a Unix time). Query parameters,
# text by nature, keep the usual conversions.
BodyBool = Annotated[bool, Strict()]
BodyDate = Annotated[dt.date, BeforeValidator(_date_as_text)]

# A count in a body (members, workers, audience). Stored as a 32-bit integer (PostgreSQL's
# ``integer``): larger ones are refused as input, the same on every database. The bounds come
# before the validator so that the OpenAPI schema shows them as minimum and maximum.
MAX_COUNT = 2_147_483_647
BodyCount = Annotated[int, Ge(0), Le(MAX_COUNT), BeforeValidator(_json_integer)]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


# The error answers ``lantoa.api.main``'s handlers give, declared on every operation so the
# OpenAPI schema says what a client really gets (``tests/api/test_openapi.py`` fails on an
# undeclared one). 401: no or bad credentials; 403: not allowed (or, for a browser session, no
# CSRF token); 404: an object or a filter's unit that does not exist or is outside the caller's
# view; 422: a query or body that does not match the schema.
ERRORS: dict[int, type[ErrorOut]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
# Operations with a body also answer 400: a body that is not a JSON object, or one the service
# refuses (a duplicate code, a kind that does not fit the tree …), with the reason per field.
BODY_ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, **ERRORS}


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Số dòng tối đa")
    offset: int = Field(0, ge=0, description="Bỏ qua bao nhiêu dòng đầu")

    def page(self, rows: QuerySet[Any] | list[Any]) -> dict[str, Any]:
        """The body of a list response: total ``count`` and the requested slice."""
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)
        return {
            "count": count,
            "limit": self.limit,
            "offset": self.offset,
            "items": list(rows[self.offset : self.offset + self.limit]),
        }


# --- units ------------------------------------------------------------------------------


class UnitRef(Schema):
    code: str
    name: str
    kind: UnitKind


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: UnitKind
    kind_label: str
    status: UnitStatus
    depth: int
    parent_code: str | None
    successor_code: str | None
    ended_on: dt.date | None
    member_count: int
    worker_count: int
    employer_name: str
    address: str
    industrial_zone: str
    sector: str

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent_code(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent_id and obj.parent else None

    @staticmethod
    def resolve_successor_code(obj: Unit) -> str | None:
        return obj.successor.code if obj.successor_id and obj.successor else None


class FiguresOut(Schema):
    units: int
    grassroots: int
    upper_level: int
    provinces: int
    members: int
    workers: int


class UnitDetailOut(Schema):
    unit: UnitOut
    path: list[UnitRef]
    figures: FiguresOut


class UnitChildOut(Schema):
    unit: UnitOut
    figures: FiguresOut


class UnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UnitOut]


class UnitChildrenPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UnitChildOut]


class UnitFilters(Paging):
    parent: str | None = Field(None, description="Mã đơn vị cấp trên trực tiếp")
    kind: UnitKind | None = None
    q: str | None = Field(
        None, max_length=200, description="Tìm theo mã, tên (không dấu cũng được)"
    )
    include_ended: bool = Field(False, description="Gồm cả đơn vị đã hợp nhất, giải thể")


class UnitCreateIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=255)
    kind: UnitKind
    parent_code: str = Field(..., min_length=1, max_length=32)
    short_name: str = Field("", max_length=100)
    member_count: BodyCount = 0
    worker_count: BodyCount = 0
    employer_name: str = Field("", max_length=255)
    address: str = Field("", max_length=255)
    industrial_zone: str = Field("", max_length=255)
    sector: str = Field("", max_length=255)


class UnitUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=100)
    kind: UnitKind | None = None
    member_count: BodyCount | None = None
    worker_count: BodyCount | None = None
    employer_name: str | None = Field(None, max_length=255)
    address: str | None = Field(None, max_length=255)
    industrial_zone: str | None = Field(None, max_length=255)
    sector: str | None = Field(None, max_length=255)


class UnitMoveIn(Schema):
    new_parent_code: str = Field(..., min_length=1, max_length=32)
    on: BodyDate | None = Field(None, description="Ngày hiệu lực (mặc định: hôm nay)")
    note: str = Field("", max_length=500)


class UnitMergeIn(Schema):
    target_code: str = Field(..., min_length=1, max_length=32)
    on: BodyDate | None = Field(None, description="Ngày hiệu lực (mặc định: hôm nay)")
    note: str = Field("", max_length=500)


# --- channels ---------------------------------------------------------------------------


class ChannelOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    kind: ChannelKind
    kind_label: str
    name: str
    url: str
    identifier: str
    owner: str
    status: ChannelStatus
    audience: int
    audience_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_unit_code(obj: Channel) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Channel) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_kind_label(obj: Channel) -> str:
        return str(obj.get_kind_display())


class ChannelPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ChannelOut]


class ChannelFilters(Paging):
    unit: str | None = Field(None, description="Mã đơn vị")
    subtree: bool = Field(True, description="Gồm cả các đơn vị trực thuộc")
    kind: ChannelKind | None = None
    status: ChannelStatus | None = None


class ChannelCreateIn(Schema):
    unit_code: str = Field(..., min_length=1, max_length=32)
    kind: ChannelKind
    name: str = Field(..., min_length=1, max_length=255)
    url: str = Field("", max_length=500)
    identifier: str = Field("", max_length=255)
    owner: str = Field("", max_length=150)
    status: ChannelStatus = ChannelStatus.ACTIVE


class ChannelUpdateIn(Schema):
    kind: ChannelKind | None = None
    name: str | None = Field(None, min_length=1, max_length=255)
    url: str | None = Field(None, max_length=500)
    identifier: str | None = Field(None, max_length=255)
    owner: str | None = Field(None, max_length=150)
    status: ChannelStatus | None = None


class ChannelStatIn(Schema):
    recorded_on: BodyDate
    audience: BodyCount


class ChannelStatOut(Schema):
    recorded_on: dt.date
    audience: int


class ChannelStatResult(Schema):
    stat: ChannelStatOut
    channel: ChannelOut


# --- communicators ----------------------------------------------------------------------


class CommunicatorOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    full_name: str
    role: RosterRole
    role_label: str
    position: str
    phone: str
    email: str
    trained: bool
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_unit_code(obj: Communicator) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Communicator) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_role_label(obj: Communicator) -> str:
        return str(obj.get_role_display())


class CommunicatorPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CommunicatorOut]


class CommunicatorFilters(Paging):
    unit: str | None = Field(None, description="Mã đơn vị")
    subtree: bool = Field(True, description="Gồm cả các đơn vị trực thuộc")
    role: RosterRole | None = None
    trained: bool | None = None


class CommunicatorCreateIn(Schema):
    unit_code: str = Field(..., min_length=1, max_length=32)
    full_name: str = Field(..., min_length=1, max_length=150)
    role: RosterRole
    position: str = Field("", max_length=150)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    trained: BodyBool = False


class CommunicatorUpdateIn(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=150)
    role: RosterRole | None = None
    position: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    trained: BodyBool | None = None
    active: BodyBool | None = None
