"""Activity screens: the list of a unit's records and the quick entry form for phones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.activities import selectors, services
from lantoa.activities.forms import ActivityForm
from lantoa.activities.models import Activity, ActivityKind
from lantoa.core.forms import add_service_errors
from lantoa.core.net import is_htmx
from lantoa.units.models import Unit

PAGE_SIZE = 50


@policy(officer("activity.view"))
def unit_activities(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="activity.view", code=code)
    subtree = request.GET.get("cay") == "1"
    kind = request.GET.get("loai", "")
    if kind not in ActivityKind.values:
        kind = ""
    qs = selectors.activities_of(unit, subtree=subtree)
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    today = timezone.localdate()
    month = selectors.activity_rollup(unit, today.replace(day=1), today)
    return render(
        request,
        "activities/unit_activities.html",
        {
            "unit": unit,
            "page": page,
            "activities": page.object_list,
            "subtree": subtree,
            "kind": kind,
            "kinds": ActivityKind.choices,
            "month": month,
            "outreach": month.kind(ActivityKind.OUTREACH),
            "can_manage": access.can(request.user, "activity.manage", unit),
            "can_report": access.can(request.user, "report.create", unit),
        },
    )


@policy(officer("activity.manage"))
def activity_add(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="activity.manage", code=code)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(unit=unit, actor=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi “%(title)s” ngày %(day)s.")
                % {"title": activity.title, "day": activity.held_on.strftime("%d/%m/%Y")},
            )
            if "ghi-tiep" in request.POST:
                return redirect("activities:add", code=unit.code)
            return redirect("activities:unit", code=unit.code)
    more_open = bool(set(form.errors) & set(ActivityForm.MORE_FIELDS))
    return _form_page(request, unit, form, more_open=more_open)


def _form_page(
    request: HttpRequest,
    unit: Unit,
    form: ActivityForm,
    *,
    more_open: bool,
    activity: Activity | None = None,
) -> HttpResponse:
    """The quick entry form, for a new record or (``activity``) a correction."""
    return render(
        request,
        "activities/activity_form.html",
        {
            "unit": unit,
            "form": form,
            "activity": activity,
            "main_fields": [f for f in form.visible_fields() if f.name not in form.MORE_FIELDS],
            "more_fields": [f for f in form.visible_fields() if f.name in form.MORE_FIELDS],
            "more_open": more_open,
        },
        status=400 if form.errors else 200,
    )


def _activity_of(request: HttpRequest, pk: int) -> Activity:
    """The record, for an officer who may manage its unit; 404 otherwise (even when it
    exists elsewhere)."""
    try:
        activity = Activity.objects.select_related("unit").get(pk=pk)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc
    access.require(request.user, "activity.manage", activity.unit)
    return activity


@policy(officer("activity.manage"))
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_of(request, pk)
    unit = activity.unit
    form = ActivityForm(request.POST or None, initial=ActivityForm.initial_from(activity))
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(activity=activity, actor=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Đã sửa hoạt động “%(title)s”.") % {"title": activity.title}
            )
            return redirect("activities:unit", code=unit.code)
    return _form_page(request, unit, form, more_open=True, activity=activity)


@policy(officer("activity.manage"))
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_of(request, pk)
    code = activity.unit.code
    try:
        services.activity_delete(activity=activity, actor=request.user)
    except ValidationError as exc:  # the record's period is locked by an approved report
        messages.error(request, " ".join(exc.messages))
        if is_htmx(request):
            return HttpResponse("", headers={"HX-Refresh": "true"})
        return redirect("activities:unit", code=code)
    if is_htmx(request):
        return HttpResponse("")  # HTMX removes the row
    messages.success(request, _("Đã xóa hoạt động."))
    return redirect("activities:unit", code=code)
