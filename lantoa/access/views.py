"""Who you are and what you may do: sign-in, the two-factor code, the officer's own password
(URL namespace ``accounts``), and the officers of the units one manages with their roles."""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa import access
from lantoa.access import LOGIN_FLOW, OFFICER, officer, policy
from lantoa.access import services as access_services
from lantoa.accounts import devices, selectors, services, useragent
from lantoa.accounts.forms import (
    LoginForm,
    MembershipAddForm,
    OfficerCreateForm,
    OtpForm,
    PasswordChangeForm,
)
from lantoa.accounts.models import ApiToken, SessionRecord, User
from lantoa.audit.services import client_ip
from lantoa.core.forms import add_service_errors


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _is_verified(user: Any) -> bool:
    # OTPMiddleware adds is_verified to request.user; a user fresh from authenticate() has
    # none, and has not passed a code either.
    return bool(getattr(user, "is_verified", lambda: False)())


def _after_password(request: HttpRequest, user: Any) -> HttpResponse:
    """Where a user goes once the password is accepted: the code page when two-factor is due."""
    nxt = _next_url(request)
    if access.requires_two_factor(user) and not _is_verified(user):
        return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': nxt})}")
    return redirect(nxt)


# --- login / logout -----------------------------------------------------------------------


@policy(LOGIN_FLOW)
@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return _after_password(request, request.user)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        device = devices.known_device(request, selectors.user_by_login(username))
        throttle = selectors.login_throttle(
            username=username, ip=client_ip(request) or None, device=device
        )
        if throttle.wait:
            # Refused before the password is looked at, so a locked account is no oracle.
            if throttle.slowdown:
                message = _(
                    "Tài khoản này vừa bị nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau "
                    "%(s)s giây, hoặc đăng nhập từ trình duyệt anh/chị vẫn dùng."
                ) % {"s": throttle.wait}
            else:
                message = _(
                    "Anh/chị đã nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)s phút."
                ) % {"n": max(1, math.ceil(throttle.wait / 60))}
            form.add_error(None, message)
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                # Same words whether or not the username exists.
                form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
            else:
                auth_login(request, user)
                response = _after_password(request, user)
                if not access.requires_two_factor(user):
                    devices.remember(response, request, user)
                return response
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


@policy(LOGIN_FLOW)
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    was_in = request.user.is_authenticated
    auth_logout(request)
    if was_in:
        messages.info(request, _("Anh/chị đã đăng xuất."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- two-factor ---------------------------------------------------------------------------


def _qr_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, micro=False).svg_inline(scale=5, border=2))


def _throttle_message(device: TOTPDevice) -> str | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    seconds = 1
    if info and info.get("locked_until"):
        seconds = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
    return _(
        "Anh/chị đã nhập sai mã %(count)s lần liên tiếp. Vui lòng chờ %(s)s giây rồi thử lại."
    ) % {
        "count": (info or {}).get("failure_count", 1),
        "s": seconds,
    }


@policy(LOGIN_FLOW)
@never_cache
def otp_view(request: HttpRequest) -> HttpResponse:
    """Second step of login: the TOTP code, or enrolment of an authenticator app the first
    time a user who needs two-factor logs in."""
    user = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': _next_url(request)})}")
    assert isinstance(user, User)
    if not access.requires_two_factor(user) or _is_verified(user):
        return redirect(_next_url(request))
    device = services.otp_confirmed_device(user)
    enrolling = device is None
    if device is None:
        device = services.otp_pending_device(user=user)
    form = OtpForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        refused = _throttle_message(device)
        if refused:
            form.add_error(None, refused)
            status = 429
        elif services.otp_verify(device=device, token=form.cleaned_data["token"], request=request):
            # Raising the session's privilege: give it a new key, as login does.
            request.session.cycle_key()
            otp_login(request, device)
            if enrolling:
                messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản của anh/chị."))
            response = redirect(_next_url(request))
            # Signed in completely: this browser is now one of the officer's own.
            devices.remember(response, request, user)
            return response
        else:
            form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    context: dict[str, Any] = {
        "form": form,
        "next": _next_url(request),
        "enrolling": enrolling,
    }
    if enrolling:
        context["qr_svg"] = _qr_svg(device)
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        # Grouped by four, the way authenticator apps ask for it to be typed.
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "accounts/otp.html", context, status=status)


# --- officers -----------------------------------------------------------------------------

MANAGE = "officer.manage"


def _manage_units(request: HttpRequest) -> Any:
    return access.visible_units(request.user, MANAGE)


@policy(officer(MANAGE))
def officer_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.officer_list(_manage_units(request)), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/officer_list.html", {"page": page})


@policy(officer(MANAGE))
@never_cache
def officer_create(request: HttpRequest) -> HttpResponse:
    units = selectors.manageable_units(_manage_units(request))
    form = OfficerCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = access_services.officer_create(
                username=data["username"],
                full_name=data["full_name"],
                actor=request.user,  # type: ignore[arg-type]  # OFFICER policy: logged in
                unit=data["unit"],
                role=data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Rendered, not redirected: the password exists only in this response.
            return render(
                request, "accounts/officer_created.html", {"officer": user, "password": password}
            )
    return render(request, "accounts/officer_form.html", {"form": form})


@policy(officer(MANAGE))
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    units = _manage_units(request)
    target = selectors.officer_get(units, pk)
    form = MembershipAddForm(units=selectors.manageable_units(units))
    return _detail(request, target, form)


def _detail(request: HttpRequest, target: User, form: Any, status: int = 200) -> HttpResponse:
    return render(
        request,
        "accounts/officer_detail.html",
        {"officer": target, "form": form, "is_self": target.pk == request.user.pk},
        status=status,
    )


@policy(officer(MANAGE))
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    units = _manage_units(request)
    target = selectors.officer_get(units, pk)
    form = MembershipAddForm(request.POST, units=selectors.manageable_units(units))
    if form.is_valid():
        try:
            access_services.membership_add(
                user=target,
                unit=form.cleaned_data["unit"],
                role=form.cleaned_data["role"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm vai trò."))
            return redirect("accounts:officer_detail", pk=target.pk)
    return _detail(request, selectors.officer_get(units, pk), form, status=400)


@policy(officer(MANAGE))
@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    units = _manage_units(request)
    target = selectors.officer_get(units, pk)
    membership = selectors.membership_get(units, user=target, pk=membership_pk)
    try:
        access_services.membership_remove(membership=membership, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Đã gỡ vai trò."))
    if not selectors.officer_list(_manage_units(request)).filter(pk=target.pk).exists():
        return redirect("accounts:officer_list")
    return redirect("accounts:officer_detail", pk=target.pk)


@policy(officer(MANAGE))
@require_POST
def officer_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.officer_get(_manage_units(request), pk)
    try:
        access_services.officer_deactivate(user=target, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    except PermissionDenied:
        messages.error(
            request,
            _(
                "Cán bộ này còn giữ vai trò ở đơn vị ngoài phạm vi anh/chị quản lý; "
                "vui lòng nhờ quản trị viên cấp trên ngừng tài khoản."
            ),
        )
    else:
        messages.success(request, _("Đã ngừng tài khoản %(name)s.") % {"name": target})
    return redirect("accounts:officer_detail", pk=target.pk)


@policy(officer(MANAGE))
@require_POST
@never_cache
def officer_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.officer_get(_manage_units(request), pk)
    try:
        raw = access_services.officer_reset_password(user=target, actor=request.user)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _manage_error(exc))
        return redirect("accounts:officer_detail", pk=target.pk)
    return render(
        request,
        "accounts/officer_created.html",
        {"officer": target, "password": raw, "reset": True},
    )


@policy(officer(MANAGE))
@require_POST
def officer_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.officer_get(_manage_units(request), pk)
    try:
        access_services.officer_reset_two_factor(user=target, actor=request.user)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _manage_error(exc))
    else:
        messages.success(
            request,
            _("Đã đặt lại xác thực hai lớp; %(name)s sẽ cài lại ứng dụng xác thực khi đăng nhập.")
            % {"name": target},
        )
    return redirect("accounts:officer_detail", pk=target.pk)


def _manage_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(
        _(
            "Cán bộ này còn giữ vai trò ở đơn vị ngoài phạm vi anh/chị quản lý; "
            "vui lòng nhờ quản trị viên cấp trên thực hiện."
        )
    )


@policy(LOGIN_FLOW)
@sensitive_post_parameters("old_password", "new_password", "new_password2")
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """The officer's own password. Reachable while ``must_change_password`` blocks every other
    officer page, so it checks the login itself."""
    user = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
    if access.requires_two_factor(user) and not _is_verified(user):
        return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.path})}")
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Every other browser signed in as this officer is signed out (API tokens went
            # with the save, lantoa.accounts.signals); this one stays, under a new key.
            services.sessions_end_all(
                user=user,
                reason="password_change",
                actor=user,
                request=request,
                keep=request.session.session_key,
            )
            update_session_auth_hash(request, user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password, "next": _next_url(request)},
        status=400 if request.method == "POST" else 200,
    )


# --- the officer's own sessions and API tokens --------------------------------------------


@dataclass(frozen=True)
class _SessionRow:
    record: SessionRecord
    device: str
    current: bool


@policy(OFFICER)
@never_cache
def security(request: HttpRequest) -> HttpResponse:
    """Where the officer sees, and ends, every way into their account: signed-in browsers
    and live API tokens."""
    user = request.user
    assert isinstance(user, User)
    current = request.session.session_key
    rows = [
        _SessionRow(
            record=r, device=useragent.describe(r.user_agent), current=r.session_key == current
        )
        for r in selectors.session_list(user=user)
    ]
    return render(
        request,
        "accounts/security.html",
        {
            "sessions": rows,
            "others": sum(1 for r in rows if not r.current),
            "tokens": selectors.apitoken_live_list(user=user),
        },
    )


@policy(OFFICER)
@require_POST
def security_session_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    record = get_object_or_404(SessionRecord, pk=pk, user=user)
    if record.session_key == request.session.session_key:
        messages.error(
            request, _("Đây là phiên anh/chị đang dùng; vui lòng bấm “Đăng xuất” để kết thúc nó.")
        )
    else:
        services.session_end(record=record, actor=user, request=request)
        messages.success(
            request,
            _("Đã đăng xuất phiên trên %(device)s.")
            % {"device": useragent.describe(record.user_agent)},
        )
    return redirect("accounts:security")


@policy(OFFICER)
@require_POST
def security_sessions_end_others(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    n = services.sessions_end_all(
        user=user, reason="requested", actor=user, request=request, keep=request.session.session_key
    )
    messages.success(request, _("Đã đăng xuất %(n)s phiên khác.") % {"n": n})
    return redirect("accounts:security")


@policy(OFFICER)
@require_POST
def security_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.apitoken_revoke(token=token, actor=request.user, request=request)
    messages.success(request, _("Đã thu hồi khóa “%(name)s”.") % {"name": token.name})
    return redirect("accounts:security")


@policy(OFFICER)
@require_POST
def security_tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    n = services.apitokens_revoke_all(user=user, reason="requested", actor=user, request=request)
    messages.success(request, _("Đã thu hồi %(n)s khóa API.") % {"n": n})
    return redirect("accounts:security")
