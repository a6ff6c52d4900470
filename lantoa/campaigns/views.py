from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.campaigns import selectors, services
from lantoa.campaigns.forms import CampaignForm, MomentForm
from lantoa.campaigns.models import Campaign
from lantoa.campaigns.moments import CALENDAR_YEARS, occurrence, tet_date
from lantoa.core.extensions import campaign_panels
from lantoa.core.forms import add_service_errors
from lantoa.units.models import Unit
from lantoa.units.selectors import path_to_root


def _campaign(request: HttpRequest, pk: int, perm: str = "campaign.view") -> Campaign:
    """A campaign the user may see (404 otherwise); with "campaign.manage", 403 when seen
    but not the owner unit's editor."""
    try:
        campaign = selectors.campaigns_visible_to(request.user).select_related("owner").get(pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc
    if perm != "campaign.view" and not access.can(request.user, perm, campaign.owner):
        raise PermissionDenied
    return campaign


@policy(officer("campaign.view"))
def unit_campaigns(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="campaign.view", code=code)
    own_and_above = list(selectors.campaigns_of_unit(unit).order_by("-starts_on", "name"))
    below = list(selectors.campaigns_in_subtree(unit).exclude(owner=unit)[:50])
    return render(
        request,
        "campaigns/unit_campaigns.html",
        {
            "unit": unit,
            "campaigns": own_and_above,
            "below": below,
            "year": timezone.localdate().year,
            "can_manage": access.can(request.user, "campaign.manage", unit),
        },
    )


def _initial_from_moment(unit: Unit, key: str, year_text: str) -> dict[str, Any]:
    moment = selectors.moment_for_key(unit, key)
    if moment is None:
        return {}
    year = int(year_text) if year_text.isdecimal() else 0
    if not 2000 <= year <= 2100:  # the calendar's years (calendar_year)
        year = timezone.localdate().year
    occ = occurrence(moment, year)
    initial: dict[str, Any] = {"name": f"{moment.name} {year}", "moment_key": moment.key}
    if occ is not None:
        initial.update(starts_on=occ.start, ends_on=occ.end)
        if occ.anniversary:
            initial["name"] = f"{moment.name} — kỷ niệm {occ.anniversary} năm ({year})"
    return initial


def _campaign_form(
    request: HttpRequest, unit: Unit, campaign: Campaign | None, initial: dict[str, Any]
) -> HttpResponse:
    """The create form (``campaign`` None) or the edit form of a campaign owned by ``unit``."""
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                campaign = services.campaign_create(
                    owner=unit, actor=request.user, **form.service_fields()
                )
                done = _("Đã tạo chiến dịch “%(name)s”.")
            else:
                services.campaign_update(
                    campaign=campaign, actor=request.user, **form.service_fields()
                )
                done = _("Đã lưu chiến dịch “%(name)s”.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done % {"name": campaign.name})
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request, "campaigns/campaign_form.html", {"unit": unit, "form": form, "campaign": campaign}
    )


@policy(officer("campaign.manage"))
def campaign_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="campaign.manage", code=code)
    initial = _initial_from_moment(unit, request.GET.get("dip", ""), request.GET.get("nam", ""))
    return _campaign_form(request, unit, None, initial)


def _scoreboard_parent(request: HttpRequest, campaign: Campaign) -> Unit | None:
    """The unit whose children the scoreboard lists: ?don-vi=CODE inside the campaign's
    subtree and visible to the user; else the owner when visible; else the user's highest
    unit inside the campaign."""
    code = request.GET.get("don-vi", "").strip()
    in_campaign = Unit.objects.filter(ancestor_links__ancestor_id=campaign.owner_id)
    visible = access.visible_units(request.user, "campaign.view")
    if code:
        unit = in_campaign.filter(code=code).filter(pk__in=visible.values("pk")).first()
        if unit is not None:
            return unit
    if access.can(request.user, "campaign.view", campaign.owner):
        return campaign.owner
    member_units = [u for u, _ in access.memberships(request.user)]
    return in_campaign.filter(pk__in=member_units).order_by("depth", "name").first()


def _write_unit(request: HttpRequest, campaign: Campaign) -> Unit | None:
    """Where the user would write content for the campaign: the owner unit, else their own
    highest unit taking part in it."""
    user = request.user
    if access.can(user, "content.edit", campaign.owner):
        return campaign.owner
    member_units = [u for u, _role in access.memberships(user)]
    for unit in Unit.objects.filter(pk__in=member_units).order_by("depth", "name"):
        if access.can(user, "content.edit", unit) and selectors.campaign_includes(campaign, unit):
            return unit
    return None


@policy(officer("campaign.view"))
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    panels = [(p.template, p.context(request, campaign)) for p in campaign_panels]
    parent = _scoreboard_parent(request, campaign)
    board = selectors.campaign_scoreboard(campaign, parent) if parent is not None else None
    # From the owner down to the parent's parent: the scoreboard's way back up.
    path: list[Unit] = []
    if parent is not None and parent.pk != campaign.owner_id:
        path = [u for u in path_to_root(parent)[:-1] if u.depth >= campaign.owner.depth]
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "unit": campaign.owner,
            "panels": panels,
            "board": board,
            "board_path": path,
            "can_manage": access.can(request.user, "campaign.manage", campaign.owner),
            "write_unit": _write_unit(request, campaign),
        },
    )


@policy(officer("campaign.manage"))
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign.manage")
    initial = {f: getattr(campaign, f) for f in services.CAMPAIGN_FIELDS}
    return _campaign_form(request, campaign.owner, campaign, initial)


@policy(officer("campaign.manage"))
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign.manage")
    if request.method == "POST":
        owner, name = campaign.owner, campaign.name
        services.campaign_delete(campaign=campaign, actor=request.user)
        messages.success(request, _("Đã xóa chiến dịch “%(name)s”.") % {"name": name})
        return redirect("campaigns:unit", code=owner.code)
    return render(
        request,
        "campaigns/campaign_confirm_delete.html",
        {"unit": campaign.owner, "campaign": campaign},
    )


# --- calendar and moments ------------------------------------------------------------------


@policy(officer("campaign.view"))
def calendar_current(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="campaign.view", code=code)
    return redirect("campaigns:calendar", code=unit.code, year=timezone.localdate().year)


@policy(officer("campaign.view"))
def calendar_year(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit = access.get_unit(request.user, perm="campaign.view", code=code)
    if not 2000 <= year <= 2100:
        raise Http404
    months = selectors.calendar_year(unit, year)
    moments = selectors.moments_for(unit)
    return render(
        request,
        "campaigns/calendar.html",
        {
            "unit": unit,
            "year": year,
            "months": months,
            "occurrences": selectors.occurrences_in_year(moments, year),
            "undated": selectors.undated_moments(moments),
            "tet": tet_date(year),
            "tet_known": year in CALENDAR_YEARS,
            "today": timezone.localdate(),
            "can_manage": access.can(request.user, "campaign.manage", unit),
            "weekdays": ["T2", "T3", "T4", "T5", "T6", "T7", "CN"],
        },
    )


@policy(officer("campaign.view"))
def moments(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="campaign.view", code=code)
    rows = selectors.moments_for(unit, include_hidden=True)
    owners = {u.pk: u for u in Unit.objects.filter(pk__in={m.unit_id for m in rows if m.unit_id})}
    year = timezone.localdate().year
    return render(
        request,
        "campaigns/moments.html",
        {
            "unit": unit,
            "rows": [
                (m, owners.get(m.unit_id) if m.unit_id else None, occurrence(m, year)) for m in rows
            ],
            "year": year,
            "can_manage": access.can(request.user, "campaign.manage", unit),
        },
    )


def _moment_initial(unit: Unit, key: str) -> dict[str, Any]:
    moment = selectors.moment_for_key(unit, key)
    if moment is None:
        raise Http404
    return {f: getattr(moment, f) for f in services.MOMENT_FIELDS}


@policy(officer("campaign.manage"))
def moment_edit(request: HttpRequest, code: str, key: str = "") -> HttpResponse:
    unit = access.get_unit(request.user, perm="campaign.manage", code=code)
    initial = _moment_initial(unit, key) if key else {"rule": "fixed"}
    form = MomentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            moment = services.moment_save(
                unit=unit, actor=request.user, key=key, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu dịp “%(name)s”.") % {"name": moment.name})
            return redirect("campaigns:moments", code=unit.code)
    return render(request, "campaigns/moment_form.html", {"unit": unit, "form": form, "key": key})


@policy(officer("campaign.manage"))
@require_POST
def moment_hide(request: HttpRequest, code: str, key: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="campaign.manage", code=code)
    initial = _moment_initial(unit, key)
    services.moment_hide(unit=unit, key=key, name=initial["name"], actor=request.user)
    messages.success(request, _("Đã ẩn dịp “%(name)s” ở đơn vị này.") % {"name": initial["name"]})
    return redirect("campaigns:moments", code=unit.code)


@policy(officer("campaign.manage"))
@require_POST
def moment_reset(request: HttpRequest, code: str, key: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="campaign.manage", code=code)
    if services.moment_reset(unit=unit, key=key, actor=request.user):
        messages.success(request, _("Đã dùng lại thiết lập của cấp trên."))
    return redirect("campaigns:moments", code=unit.code)
