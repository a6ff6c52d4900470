"""The public response page of a survey, one address per unit
(``/khao-sat/<slug>/<unit code>/``, the link and QR poster of that unit), and its thank-you
page. No login; phone-first; our own small script only (it hides the questions that are not
asked). Sheets are limited per address like the question desk's form
(``lantoa.inquiries.ratelimit``: an HMAC of the address in the cache, never stored).

Nothing about the person is kept: no name, no address, no account; for an anonymous survey a
code typed in is marked used and forgotten (see ``lantoa.surveys.models``).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lantoa.access import PUBLIC, policy
from lantoa.core.net import client_ip
from lantoa.inquiries import ratelimit
from lantoa.surveys import forms, services
from lantoa.surveys.models import Channel, Survey
from lantoa.surveys.selectors import PUBLISHED
from lantoa.units.models import Unit
from lantoa.units.picker import picker_results
from lantoa.units.selectors import units_in_subtree

HONEYPOT = "homepage"
# The random key ``survey.js`` makes for each sheet (the server keeps its SHA-256 only, so
# that a sheet sent again from the phone's queue is stored once), and the header with which
# the queue asks for JSON instead of a page.
KEY_FIELD = "submission_key"
QUEUE_HEADER = "X-Survey-Queue"
TEMPLATE = "surveys/public/respond.html"


def submit_per_ip() -> ratelimit.Limit:
    return ratelimit.Limit(
        "survey-ip",
        int(settings.LANTOA_SURVEY_LIMIT_PER_IP),
        int(settings.LANTOA_SURVEY_LIMIT_IP_WINDOW),
    )


def searches_per_ip() -> ratelimit.Limit:
    """The unit search while typing: a few requests a sheet, a whole office on one address
    (counted like the sheets: an HMAC of the address in the cache, for two minutes at most;
    what is typed is not kept)."""
    return ratelimit.Limit("survey-units-ip", 10 * int(settings.LANTOA_SURVEY_LIMIT_PER_IP), 60)


def _find(slug: str, unit_code: str) -> tuple[Survey, Unit]:
    survey = Survey.objects.select_related("unit").filter(slug=slug, status__in=PUBLISHED).first()
    unit = Unit.objects.filter(code=unit_code).first()
    if survey is None or unit is None or not services.collecting_unit(survey, unit):
        raise Http404
    return survey, unit


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _units(survey: Survey) -> Any:
    """The units a unit question offers: the active units of the survey's subtree."""
    return units_in_subtree(survey.unit, active_only=True)


def _pickers(
    request: HttpRequest, survey: Survey, unit: Unit, questions: list[Any]
) -> forms.UnitAnswersForm:
    search_url = reverse(
        "surveys_public:units", kwargs={"slug": survey.slug, "unit_code": unit.code}
    )
    return forms.UnitAnswersForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        units=_units(survey),
        search_url=search_url,
    )


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, slug: str, unit_code: str) -> HttpResponse:
    survey, unit = _find(slug, unit_code)
    questions = list(survey.current_version().questions.select_related("section"))
    context: dict[str, Any] = {
        "survey": survey,
        "unit": unit,
        "collecting": services.is_collecting(survey),
        "english": _english(),
    }
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    pickers = _pickers(request, survey, unit, questions)
    context["has_unit_question"] = bool(pickers.fields)
    queued = request.method == "POST" and request.headers.get(QUEUE_HEADER) == "1"
    key = request.POST.get(KEY_FIELD, "") if request.method == "POST" else ""
    if queued and not context["collecting"]:
        message = _("Cuộc khảo sát hiện không nhận phiếu trả lời. Cảm ơn bạn đã quan tâm.")
        return JsonResponse({"ok": False, "final": True, "message": message}, status=409)
    if request.method == "POST" and context["collecting"]:
        if request.POST.get(HONEYPOT):
            ratelimit.count_event("survey.honeypot")
            return _received(queued, slug, unit)
        if key and services.submission_seen(survey, key):
            return _received(queued, slug, unit)  # a resend: the sheet arrived before
        values = forms.field_values(questions, request.POST)
        context["code"] = request.POST.get("code", "")
        limit = submit_per_ip()
        if not limit.hit(ratelimit.ip_key(client_ip(request))):
            ratelimit.count_event("survey.rate_limited")
            if queued:
                message = _(
                    "Bạn đã gửi quá nhiều phiếu trong thời gian ngắn; phiếu vẫn được giữ trên "
                    "máy và sẽ tự gửi lại sau."
                )
                refused = JsonResponse({"ok": False, "message": message}, status=429)
                refused["Retry-After"] = str(limit.window)
                return refused
            context["limited_minutes"] = max(1, round(limit.window / 60))
            context["blocks"] = forms.questionnaire_blocks(
                questions, values, english=context["english"], pickers=pickers
            )
            response = render(request, TEMPLATE, context, status=429)
            response["Retry-After"] = str(limit.window)
            return response
        try:
            if not pickers.is_valid():  # a unit not found, or several to choose from
                raise ValidationError(pickers.error_lists())
            services.response_submit(
                survey=survey,
                unit=unit,
                answers=pickers.answers(forms.raw_answers(questions, request.POST)),
                channel=Channel.WEB,
                code=request.POST.get("code", ""),
                submission_key=key,
            )
        except services.AlreadyReceived:
            return _received(queued, slug, unit)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            if queued:
                messages = [m for ms in errors.values() for m in ms]
                return JsonResponse(
                    {"ok": False, "final": True, "errors": errors, "message": " ".join(messages)},
                    status=400,
                )
            context["general_errors"] = errors.get("__all__", [])
            context["code_errors"] = errors.get("code", [])
        else:
            return _received(queued, slug, unit)
    context["blocks"] = forms.questionnaire_blocks(
        questions, values, errors, english=context["english"], pickers=pickers
    )
    context["has_errors"] = bool(errors)
    return render(request, TEMPLATE, context, status=400 if errors else 200)


@policy(PUBLIC)
@require_GET
def unit_search(request: HttpRequest, slug: str, unit_code: str) -> HttpResponse:
    """The unit questions' search while typing (JSON): the active units of the survey's
    subtree. Under /khao-sat/, so the access log keeps neither the address nor the words
    (``lantoa.core.accesslog``); nothing about the search is stored."""
    survey, _unit = _find(slug, unit_code)
    limit = searches_per_ip()
    if not limit.hit(ratelimit.ip_key(client_ip(request))):
        ratelimit.count_event("survey.search_limited")
        response = JsonResponse(
            {"error": _("Có quá nhiều lượt tìm từ mạng này; vui lòng đợi vài giây rồi gõ tiếp.")},
            status=429,
        )
        response["Retry-After"] = str(limit.window)
        return response
    return JsonResponse(picker_results(_units(survey), request.GET.get("q", "")))


def _received(queued: bool, slug: str, unit: Unit) -> HttpResponse:
    """The answer to a sheet stored now or before (a resend): the thank-you page, or for the
    page's queue a small JSON saying where it is."""
    url = reverse("surveys_public:thanks", kwargs={"slug": slug, "unit_code": unit.code})
    if queued:
        return JsonResponse({"ok": True, "thanks": url})
    return redirect(url)


# What the page caches for a visit without connection (``service_worker``): the stylesheet
# and scripts of ``public_base.html`` and the survey page's own script.
OFFLINE_STATIC = (
    "lantoa/app.css",
    "lantoa/htmx.min.js",
    "lantoa/app.js",
    "lantoa/survey.js",
    "lantoa/unit-picker.js",
    "lantoa/favicon.svg",
)


@policy(PUBLIC)
@require_GET
def service_worker(request: HttpRequest, slug: str, unit_code: str) -> HttpResponse:
    """The service worker of one unit's response page. Served from the page's own folder, so
    its scope is that page only (``/khao-sat/<slug>/<unit>/``): it keeps a copy of the page
    and its static files so that the form opens without connection once visited, and
    touches no other request (answers are queued by ``survey.js``, never by the worker)."""
    survey, unit = _find(slug, unit_code)
    page = reverse("surveys_public:respond", kwargs={"slug": slug, "unit_code": unit.code})
    files = [page, *(static(name) for name in OFFLINE_STATIC)]
    body = render_to_string(
        "surveys/public/sw.js",
        {
            "cache": f"lantoa-khao-sat-{survey.pk}-{unit.pk}-v1",
            "page": json.dumps(page),
            "files": json.dumps(files),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@policy(PUBLIC)
@require_GET
def thanks(request: HttpRequest, slug: str, unit_code: str) -> HttpResponse:
    survey, unit = _find(slug, unit_code)
    return render(
        request,
        "surveys/public/thanks.html",
        {"survey": survey, "unit": unit, "message": _("Cảm ơn bạn đã trả lời khảo sát!")},
    )
