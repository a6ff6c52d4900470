from __future__ import annotations

from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.core.forms import add_service_errors
from lantoa.roster import selectors, services
from lantoa.roster.forms import CommunicatorForm, TrainingForm
from lantoa.roster.models import Communicator, RosterRole, Training

PAGE_SIZE = 50
ATTENDANCE_CHOICES = 100
M = TypeVar("M", bound=Model)


def _in_subtree(request: HttpRequest, model: type[M], pk: int, perm: str, unit_field: str) -> M:
    """The object if the user holds ``perm`` at its unit (404 outside their subtree)."""
    try:
        obj = model._default_manager.select_related(unit_field).get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    access.require(request.user, perm, getattr(obj, unit_field))
    return obj


def _communicator(request: HttpRequest, pk: int, perm: str) -> Communicator:
    return _in_subtree(request, Communicator, pk, perm, "unit")


def _training(request: HttpRequest, pk: int, perm: str) -> Training:
    return _in_subtree(request, Training, pk, perm, "organizer")


@policy(officer("roster.view"))
def unit_roster(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="roster.view", code=code)
    subtree = request.GET.get("cay") == "1"
    role = request.GET.get("vai_tro", "")
    if role not in RosterRole.values:
        role = ""
    trained_param = request.GET.get("tap_huan", "")
    trained = {"1": True, "0": False}.get(trained_param)
    query = request.GET.get("q", "").strip()[:100]
    qs = selectors.communicators_of(
        unit, subtree=subtree, role=role or None, trained=trained, query=query
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "roster/unit_roster.html",
        {
            "unit": unit,
            "page": page,
            "communicators": page.object_list,
            "subtree": subtree,
            "role": role,
            "roles": RosterRole.choices,
            "trained": trained_param if trained is not None else "",
            "q": query,
            "can_manage": access.can(request.user, "roster.manage", unit),
        },
    )


@policy(officer("roster.manage"))
def communicator_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="roster.manage", code=code)
    form = CommunicatorForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("active")
        try:
            c = services.communicator_create(unit=unit, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm “%(name)s” vào đội ngũ.") % {"name": c.full_name})
            return redirect("roster:unit", code=unit.code)
    return render(
        request, "roster/communicator_form.html", {"unit": unit, "form": form, "communicator": None}
    )


@policy(officer("roster.manage"))
def communicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _communicator(request, pk, "roster.manage")
    initial = {f: getattr(c, f) for f in CommunicatorForm.base_fields}
    form = CommunicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.communicator_update(communicator=c, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu “%(name)s”.") % {"name": c.full_name})
            return redirect("roster:unit", code=c.unit.code)
    return render(
        request, "roster/communicator_form.html", {"unit": c.unit, "form": form, "communicator": c}
    )


@policy(officer("roster.manage"))
def communicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    c = _communicator(request, pk, "roster.manage")
    if request.method == "POST":
        unit = c.unit
        name = c.full_name
        services.communicator_delete(communicator=c, actor=request.user)
        messages.success(request, _("Đã xóa “%(name)s” khỏi đội ngũ.") % {"name": name})
        return redirect("roster:unit", code=unit.code)
    return render(
        request, "roster/communicator_confirm_delete.html", {"unit": c.unit, "communicator": c}
    )


@policy(officer("roster.view"))
def trainings(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="roster.view", code=code)
    subtree = request.GET.get("cay") == "1"
    page = Paginator(selectors.trainings_of(unit, subtree=subtree), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "roster/trainings.html",
        {
            "unit": unit,
            "page": page,
            "trainings": page.object_list,
            "subtree": subtree,
            "can_manage": access.can(request.user, "roster.manage", unit),
        },
    )


@policy(officer("roster.manage"))
def training_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="roster.manage", code=code)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            t = services.training_create(organizer=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo lớp tập huấn “%(title)s”.") % {"title": t.title})
            return redirect("roster:training", pk=t.pk)
    return render(request, "roster/training_form.html", {"unit": unit, "form": form})


def _training_page(
    request: HttpRequest, t: Training, *, error: str = "", status: int = 200
) -> HttpResponse:
    can_manage = access.can(request.user, "roster.manage", t.organizer)
    attendees = list(t.attendees.select_related("unit").order_by("full_name"))
    query = request.GET.get("q", "").strip()[:100]
    candidates: list[Communicator] = []
    if can_manage:
        candidates = list(
            selectors.communicators_of(
                t.organizer, subtree=True, query=query, active_only=True
            ).exclude(pk__in=[a.pk for a in attendees])[:ATTENDANCE_CHOICES]
        )
    return render(
        request,
        "roster/training_detail.html",
        {
            "unit": t.organizer,
            "training": t,
            "attendees": attendees,
            "candidates": candidates,
            "can_manage": can_manage,
            "q": query,
            "error": error,
            "candidate_limit": ATTENDANCE_CHOICES,
        },
        status=status,
    )


@policy(officer("roster.view"))
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _training_page(request, _training(request, pk, "roster.view"))


@policy(officer("roster.manage"))
@require_POST
def training_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    t = _training(request, pk, "roster.manage")
    ids = [int(i) for i in request.POST.getlist("communicators") if i.isdecimal()]
    # Ids from outside the organizer's subtree reach the service, which refuses them.
    people = list(Communicator.objects.filter(pk__in=ids))
    if len(people) != len(set(ids)):
        return _training_page(
            request, t, status=400, error=_("Có người được chọn không còn trong đội ngũ.")
        )
    try:
        added = services.training_record_attendance(
            training=t, communicators=people, actor=request.user
        )
    except ValidationError as exc:
        return _training_page(request, t, status=400, error=" ".join(exc.messages))
    messages.success(request, _("Đã ghi nhận %(n)d người tham dự.") % {"n": added})
    return redirect("roster:training", pk=t.pk)
