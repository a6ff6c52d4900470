"""The ``/api/v1`` API: one NinjaAPI, one router per resource, errors in Vietnamese.

Every operation is marked with ``lantoa.access.api_policy`` and checks each object through
``lantoa.access``; ``tests/test_api.py`` fails on an operation without a policy.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from lantoa import access
from lantoa.access import PUBLIC, policy
from lantoa.api import channels, communicators, kb, units
from lantoa.api.auth import API_AUTH, MSG_NOT_AUTHENTICATED, ApiAuthError
from lantoa.channels.models import Channel
from lantoa.core.extensions import api_routers
from lantoa.roster.models import Communicator
from lantoa.units.services import RestructureNotAllowed

MSG_NOT_FOUND = "Không tìm thấy, hoặc anh/chị không có quyền xem."
MSG_FORBIDDEN = "Anh/chị không có quyền thực hiện thao tác này."
MSG_INVALID = "Dữ liệu không hợp lệ."
MSG_UNPARSABLE = "Không đọc được nội dung gửi lên: cần một đối tượng JSON."


class ObjectBodyParser(Parser):
    """Request bodies are JSON objects. ninja's schemas read attributes from whatever they are
    given, so a body of ``false`` or ``[]`` would pass as an empty object (a ``PATCH`` that
    changes nothing but answers 200); refused here, for every operation, as unparsable (400,
    ``MSG_UNPARSABLE``)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the request body is not a JSON object")
        return data


api = NinjaAPI(
    title="Lan Tỏa API",
    version="1",
    description=(
        "API của Lan Tỏa. Xác thực bằng khóa API (tiêu đề `Authorization: Bearer lt_…`, "
        "tạo tại trang /khoa-api/) hoặc bằng phiên đăng nhập trên trình duyệt. "
        "Mỗi người chỉ thấy các đơn vị thuộc phạm vi được phân công; đối tượng ngoài "
        "phạm vi được trả lời 404."
    ),
    urls_namespace="api",
    auth=API_AUTH,
    # The schema and the docs page hold no data; ninja serves the Swagger UI files from its
    # own static folder (``ninja`` is in INSTALLED_APPS), so no CDN is involved.
    docs_decorator=policy(PUBLIC),
    parser=ObjectBodyParser(),
)

api.add_router("", units.router)
api.add_router("", channels.router)
api.add_router("", communicators.router)
api.add_router("", kb.router)


def add_contributed_routers(target: NinjaAPI) -> None:
    """The routers other apps register (``lantoa.core.extensions.api_routers``): a new app
    adds its API without editing this module."""
    for contributed in api_routers:
        target.add_router(contributed.prefix, contributed.router)


add_contributed_routers(api)


def _error(
    request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = exc.message if isinstance(exc, ApiAuthError) else MSG_NOT_AUTHENTICATED
    response = _error(request, 401, detail)
    response["WWW-Authenticate"] = 'Bearer realm="lantoa"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, MSG_NOT_FOUND)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, MSG_FORBIDDEN)


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 400, MSG_INVALID, _field_errors(exc))


@api.exception_handler(RestructureNotAllowed)
def _restructure_forbidden(request: HttpRequest, exc: RestructureNotAllowed) -> HttpResponse:
    # A refusal of who asks, not of what was sent: 403, with the field and the reason.
    return _error(request, 403, MSG_FORBIDDEN, _field_errors(exc))


# path parameter → (model with a ``unit``, permission that makes a row visible)
_PATH_OBJECTS: dict[str, tuple[type[Channel] | type[Communicator], str]] = {
    "channel_id": (Channel, "channel.view"),
    "communicator_id": (Communicator, "roster.view"),
}


def _outside_view(request: HttpRequest) -> bool:
    """Whether the request's path names a unit or object the caller cannot see.

    ninja parses the input before our code runs; without this check, a malformed body sent
    to another province's unit would answer 400/422 where a well-formed one answers 404.
    """
    user = getattr(request, "auth", None)
    match = request.resolver_match
    if user is None or match is None:
        return False
    try:
        if "code" in match.kwargs:
            return not access.visible_units(user).filter(code=match.kwargs["code"]).exists()
        for name, (model, perm) in _PATH_OBJECTS.items():
            if name in match.kwargs:
                return not model._default_manager.filter(
                    pk=int(match.kwargs[name]), unit__in=access.visible_units(user, perm)
                ).exists()
    except ValueError:
        return True
    return False


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and _outside_view(request):
        return _error(request, 404, MSG_NOT_FOUND)
    if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
        return _error(request, 400, MSG_UNPARSABLE)
    return _error(request, exc.status_code, exc.message)


# pydantic's error types → Vietnamese, for the input checks ninja runs before our code.
_PYDANTIC_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "date_type": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "string_type": "Phải là chuỗi ký tự.",
    "enum": "Giá trị không nằm trong danh sách cho phép: {expected}.",
    "string_too_short": "Không được để trống.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "model_attributes_type": "Nội dung phải là một đối tượng JSON.",
}


@api.exception_handler(NinjaValidationError)
def _bad_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    if _outside_view(request):
        return _error(request, 404, MSG_NOT_FOUND)
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        # loc is ("query"|"body"|"path", [payload name,] field…); keep the field part.
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path")]
        if len(loc) > 1 and loc[0] in ("payload", "filters", "paging"):
            loc = loc[1:]
        field = ".".join(loc) or "__all__"
        template = _PYDANTIC_MESSAGES.get(err.get("type", ""))
        try:
            message = template.format(**err.get("ctx", {})) if template else err["msg"]
        except (KeyError, IndexError):
            message = err.get("msg", MSG_INVALID)
        errors.setdefault(field, []).append(message)
    return _error(request, 422, MSG_INVALID, errors)
