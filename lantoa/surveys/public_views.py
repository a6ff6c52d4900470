"""The public response page of a survey, one address per unit
(``/khao-sat/<slug>/<unit code>/``, the link and QR poster of that unit), and its thank-you
page. No login; phone-first; our own small script only (it hides the questions that are not
asked). Sheets are limited per address like the question desk's form
(``lantoa.inquiries.ratelimit``: an HMAC of the address in the cache, never stored).

Nothing about the person is kept: no name, no address, no account; for an anonymous survey a
code typed in is marked used and forgotten (see ``lantoa.surveys.models``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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

HONEYPOT = "homepage"
TEMPLATE = "surveys/public/respond.html"


def submit_per_ip() -> ratelimit.Limit:
    return ratelimit.Limit(
        "survey-ip",
        int(getattr(settings, "LANTOA_SURVEY_LIMIT_PER_IP", 30)),
        int(getattr(settings, "LANTOA_SURVEY_LIMIT_IP_WINDOW", 3600)),
    )


def _find(slug: str, unit_code: str) -> tuple[Survey, Unit]:
    survey = Survey.objects.select_related("unit").filter(slug=slug, status__in=PUBLISHED).first()
    unit = Unit.objects.filter(code=unit_code).first()
    if survey is None or unit is None or not services.collecting_unit(survey, unit):
        raise Http404
    return survey, unit


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


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
    if request.method == "POST" and context["collecting"]:
        if request.POST.get(HONEYPOT):
            ratelimit.count_event("survey.honeypot")
            return redirect("surveys_public:thanks", slug=slug, unit_code=unit.code)
        values = forms.field_values(questions, request.POST)
        context["code"] = request.POST.get("code", "")
        limit = submit_per_ip()
        if not limit.hit(ratelimit.ip_key(client_ip(request))):
            ratelimit.count_event("survey.rate_limited")
            context["limited_minutes"] = max(1, round(limit.window / 60))
            context["blocks"] = forms.questionnaire_blocks(
                questions,
                values,
                english=context["english"],
                units=forms.unit_choices(survey, questions),
            )
            response = render(request, TEMPLATE, context, status=429)
            response["Retry-After"] = str(limit.window)
            return response
        try:
            services.response_submit(
                survey=survey,
                unit=unit,
                answers=forms.raw_answers(questions, request.POST),
                channel=Channel.WEB,
                code=request.POST.get("code", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            context["general_errors"] = errors.get("__all__", [])
            context["code_errors"] = errors.get("code", [])
        else:
            return redirect("surveys_public:thanks", slug=slug, unit_code=unit.code)
    context["blocks"] = forms.questionnaire_blocks(
        questions,
        values,
        errors,
        english=context["english"],
        units=forms.unit_choices(survey, questions),
    )
    context["has_errors"] = bool(errors)
    return render(request, TEMPLATE, context, status=400 if errors else 200)


@policy(PUBLIC)
@require_GET
def thanks(request: HttpRequest, slug: str, unit_code: str) -> HttpResponse:
    survey, unit = _find(slug, unit_code)
    return render(
        request,
        "surveys/public/thanks.html",
        {"survey": survey, "unit": unit, "message": _("Cảm ơn bạn đã trả lời khảo sát!")},
    )
