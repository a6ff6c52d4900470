from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from lantoa import access
from lantoa.access import OFFICER, PUBLIC, policy
from lantoa.core.health import run_checks


@policy(OFFICER)
def workspace(request: HttpRequest) -> HttpResponse:
    unit = access.home_unit(request.user)
    if unit is None:
        return render(request, "core/no_unit.html", status=200)
    return redirect("units:detail", code=unit.code)


@policy(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    """ "/": the federation's public home for visitors; a signed-in officer goes on to their
    workspace (their unit's page, after two-factor where required)."""
    if request.user.is_authenticated:
        return workspace(request)
    from lantoa.publicsite.views import home as public_home

    return public_home(request)


@policy(PUBLIC)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon."""
    return HttpResponsePermanentRedirect(static("lantoa/favicon.svg"))


@policy(PUBLIC)
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Each dependency's state (lantoa/core/health.py): 200 when all that this deployment
    needs work, 503 naming the failing ones otherwise. No personal data."""
    healthy, report = run_checks()
    return JsonResponse(report, status=200 if healthy else 503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (a page left open too long, cookies blocked):
    a Vietnamese page in the site's layout with a way back, not Django's English one."""
    return render(request, "403_csrf.html", status=403)
