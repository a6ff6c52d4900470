"""The public side of the inquiry desk (no login): the question form, the confirmation with
the tracking code and secret, the lookup page with the conversation, follow-ups and erasure
of the worker's contact details, the privacy notice — and, for officers, the unit's QR poster.

The lookup secret never travels in a URL: the form posts, the confirmation is shown once from
the session (post-redirect-get), and a successful lookup is remembered in the session for
``LOOKUP_SECONDS``.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lantoa import access
from lantoa.access import PUBLIC, officer, policy
from lantoa.core.net import client_ip
from lantoa.inquiries import public_services as svc
from lantoa.inquiries import ratelimit
from lantoa.inquiries.intake import new_lookup_secret, new_tracking_code, response_hours_for
from lantoa.inquiries.models import Direction, Inquiry, InquiryContact
from lantoa.inquiries.poster import PosterFontMissing, poster_pdf
from lantoa.inquiries.privacy import REASON_WORKER, inquiry_erase_contact
from lantoa.inquiries.public_forms import (
    HONEYPOT,
    IDENTITY_ANONYMOUS,
    FollowUpForm,
    InquiryForm,
    LookupForm,
)
from lantoa.inquiries.services import RETENTION_DAYS_RANGE
from lantoa.units.models import Unit

logger = logging.getLogger(__name__)

SESSION_RECEIPT = "inquiries.receipt"
SESSION_LOOKUP = "inquiries.lookup"
LOOKUP_SECONDS = 30 * 60


def _public_url(request: HttpRequest, path: str) -> str:
    base = str(settings.LANTOA_PUBLIC_URL)
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _limited(
    request: HttpRequest, template: str, context: dict[str, Any], limit: ratelimit.Limit
) -> HttpResponse:
    """The page the worker was on, data kept, with a "too many tries" notice: HTTP 429."""
    ratelimit.count_event(f"inquiry.rate_limited.{limit.scope}")
    minutes = max(1, round(limit.window / 60))
    response = render(request, template, {**context, "limited_minutes": minutes}, status=429)
    response["Retry-After"] = str(limit.window)
    return response


# --- the question form ------------------------------------------------------------------


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def inquiry_form(request: HttpRequest) -> HttpResponse:
    return _form(request, unit=None)


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def unit_form(request: HttpRequest, unit_code: str) -> HttpResponse:
    """The form pre-set to a unit (the QR poster's address). A merged unit's old posters
    lead to its successor; a dissolved one's to the general form."""
    unit = Unit.objects.filter(code=unit_code).select_related("successor").first()
    if unit is None:
        raise Http404
    current = svc.active_unit(unit)
    if current is not None and current.pk != unit.pk:
        return redirect("inquiries_public:unit_form", unit_code=current.code)
    return _form(request, unit=current)


def _form(request: HttpRequest, *, unit: Unit | None) -> HttpResponse:
    template = "inquiries/public/form.html"
    hours = response_hours_for(unit) if unit else int(settings.LANTOA_INQUIRY_RESPONSE_HOURS)
    if request.method != "POST":
        return render(request, template, {"form": InquiryForm(), "unit": unit, "hours": hours})
    if request.POST.get(HONEYPOT):
        # A script filled the field no person sees: it gets what looks like success and
        # nothing is stored.
        ratelimit.count_event("inquiry.honeypot")
        request.session[SESSION_RECEIPT] = {
            "code": new_tracking_code(),
            "secret": new_lookup_secret(),
            "hours": int(settings.LANTOA_INQUIRY_RESPONSE_HOURS),
            "anonymous": request.POST.get("identity") == IDENTITY_ANONYMOUS,
        }
        return redirect("inquiries_public:sent")
    form = InquiryForm(request.POST)
    context: dict[str, Any] = {"form": form, "unit": unit, "hours": hours}
    if not form.is_valid():
        if form.has_error(NON_FIELD_ERRORS, "too_fast"):
            ratelimit.count_event("inquiry.too_fast")
        return render(request, template, context)

    ip_limit = ratelimit.submit_per_ip()
    if not ip_limit.hit(ratelimit.ip_key(client_ip(request))):
        return _limited(request, template, context, ip_limit)
    contact_limit = ratelimit.submit_per_contact()
    for contact in form.contacts():
        if not contact_limit.hit(contact):
            return _limited(request, template, context, contact_limit)

    data = form.cleaned_data
    try:
        _inquiry, receipt = svc.inquiry_submit_web(
            question=data["question"],
            kind=data.get("kind") or "",
            category=data.get("category") or "",
            workplace=data.get("workplace") or "",
            unit_hint=unit,
            anonymous=data["identity"] == IDENTITY_ANONYMOUS,
            name=data.get("name") or "",
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            consent=bool(data.get("consent")),
            email_updates=bool(data.get("email_updates")),
        )
    except ValueError as exc:  # no unit to receive it (an empty installation)
        form.add_error(None, str(exc))
        return render(request, template, context)
    request.session[SESSION_RECEIPT] = {
        "code": receipt.code,
        "secret": receipt.secret,
        "hours": receipt.response_hours,
        "anonymous": data["identity"] == IDENTITY_ANONYMOUS,
        "emailed": bool(data.get("email_updates")),
    }
    return redirect("inquiries_public:sent")


@policy(PUBLIC)
@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """The tracking code and secret, shown once."""
    receipt = request.session.pop(SESSION_RECEIPT, None)
    if not isinstance(receipt, dict):
        return redirect("inquiries_public:lookup")
    return render(request, "inquiries/public/sent.html", {"receipt": receipt})


# --- lookup ------------------------------------------------------------------------------


def _fingerprint(inquiry: Inquiry) -> str:
    # Ties the session to the current secret: a purged or replaced secret ends the session.
    return salted_hmac("lantoa.inquiries.lookup", inquiry.lookup_secret_hash).hexdigest()[:20]


def _looked_up(request: HttpRequest) -> Inquiry | None:
    """The inquiry this browser proved it may read, within the last ``LOOKUP_SECONDS``."""
    held = request.session.get(SESSION_LOOKUP)
    if not isinstance(held, dict):
        return None
    inquiry = None
    if float(held.get("until", 0)) > time.time():
        inquiry = Inquiry.objects.select_related("unit").filter(pk=int(held.get("id") or 0)).first()
    if inquiry is None or not inquiry.lookup_secret_hash or held.get("fp") != _fingerprint(inquiry):
        request.session.pop(SESSION_LOOKUP, None)
        return None
    return inquiry


def _conversation(
    request: HttpRequest,
    inquiry: Inquiry,
    *,
    follow_up: FollowUpForm | None = None,
    status: int = 200,
    limit: ratelimit.Limit | None = None,
) -> HttpResponse:
    thread = list(svc.public_messages(inquiry))
    context: dict[str, Any] = {
        "inquiry": inquiry,
        "status_label": svc.public_status(inquiry),
        "thread": thread,
        # The worker spoke last and the case is open: the reply is still to come.
        "awaiting": inquiry.is_open and bool(thread) and thread[-1].direction == Direction.IN,
        "has_contact": InquiryContact.objects.filter(inquiry=inquiry).exists(),
        "can_follow_up": svc.can_follow_up(inquiry),
        "follow_up": follow_up or FollowUpForm(),
        "lookup_minutes": LOOKUP_SECONDS // 60,
    }
    template = "inquiries/public/conversation.html"
    if limit is not None:
        return _limited(request, template, context, limit)
    return render(request, template, context, status=status)


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    template = "inquiries/public/lookup.html"
    if request.method == "POST":
        form = LookupForm(request.POST)
        if not form.is_valid():
            return render(request, template, {"form": form})
        ip = ratelimit.ip_key(client_ip(request))
        failures = ratelimit.lookup_failures_per_ip()
        if failures.exceeded(ip):
            return _limited(request, template, {"form": form}, failures)
        inquiry = svc.inquiry_lookup(
            code=form.cleaned_data["code"], secret=form.cleaned_data["secret"]
        )
        if inquiry is None:
            failures.hit(ip)
            # One message whichever was wrong, so the page does not confirm that a code exists.
            form.add_error(
                None,
                _(
                    "Mã tra cứu hoặc mã bí mật không đúng. Vui lòng kiểm tra lại từng ký tự "
                    "(mã chỉ gồm chữ in hoa và chữ số)."
                ),
            )
            return render(request, template, {"form": form})
        request.session.cycle_key()
        request.session[SESSION_LOOKUP] = {
            "id": inquiry.pk,
            "fp": _fingerprint(inquiry),
            "until": time.time() + LOOKUP_SECONDS,
        }
        return redirect("inquiries_public:lookup")
    inquiry = _looked_up(request)
    if inquiry is None:
        return render(request, template, {"form": LookupForm()})
    return _conversation(request, inquiry)


@policy(PUBLIC)
@require_POST
def follow_up(request: HttpRequest) -> HttpResponse:
    inquiry = _looked_up(request)
    if inquiry is None:
        messages.warning(request, _("Phiên tra cứu đã hết. Vui lòng nhập lại mã tra cứu."))
        return redirect("inquiries_public:lookup")
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _conversation(request, inquiry, follow_up=form)
    ip_limit = ratelimit.submit_per_ip()
    if not ip_limit.hit(ratelimit.ip_key(client_ip(request))):
        return _conversation(request, inquiry, follow_up=form, limit=ip_limit)
    try:
        svc.inquiry_follow_up_web(inquiry=inquiry, body=form.cleaned_data["body"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return _conversation(request, inquiry, follow_up=form)
    messages.success(request, _("Đã gửi tin nhắn. Công đoàn sẽ trả lời tại trang này."))
    return redirect("inquiries_public:lookup")


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    """The worker deletes their own contact details (the case stays)."""
    inquiry = _looked_up(request)
    if inquiry is None:
        messages.warning(request, _("Phiên tra cứu đã hết. Vui lòng nhập lại mã tra cứu."))
        return redirect("inquiries_public:lookup")
    has_contact = InquiryContact.objects.filter(inquiry=inquiry).exists()
    if request.method == "POST":
        if has_contact:
            inquiry_erase_contact(inquiry=inquiry, actor=None, reason=REASON_WORKER)
            messages.success(
                request,
                _(
                    "Đã xóa họ tên, số điện thoại và thư điện tử của bạn khỏi câu hỏi này. "
                    "Câu trả lời vẫn xem được tại trang này."
                ),
            )
        return redirect("inquiries_public:lookup")
    return render(
        request,
        "inquiries/public/erase_confirm.html",
        {"inquiry": inquiry, "has_contact": has_contact},
    )


@policy(PUBLIC)
@require_POST
def lookup_end(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_LOOKUP, None)
    messages.info(request, _("Đã thoát khỏi trang tra cứu."))
    return redirect("inquiries_public:lookup")


@policy(PUBLIC)
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inquiries/public/privacy.html",
        {
            "retention_days": int(settings.LANTOA_INQUIRY_RETENTION_DAYS),
            "retention_range": RETENTION_DAYS_RANGE,
            "lookup_minutes": LOOKUP_SECONDS // 60,
        },
    )


# --- the unit's QR poster (officers) -----------------------------------------------------


@policy(officer("unit.view"))
@require_GET
def poster(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code=code)
    form_url = _public_url(
        request, reverse("inquiries_public:unit_form", kwargs={"unit_code": unit.code})
    )
    lookup_url = _public_url(request, reverse("inquiries_public:lookup"))
    try:
        pdf = poster_pdf(
            unit=unit,
            form_url=form_url,
            lookup_url=lookup_url,
            response_hours=response_hours_for(unit),
        )
    except PosterFontMissing as exc:
        logger.error("QR poster: %s", exc)
        return render(
            request,
            "inquiries/public/poster_unavailable.html",
            {"unit": unit, "reason": str(exc)},
            status=503,
        )
    filename = "ap-phich-hoi-dap-" + re.sub(r"[^A-Za-z0-9_-]+", "-", unit.code) + ".pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
