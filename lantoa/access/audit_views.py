"""The audit log screen: what was done, by whom, limited to what the viewer may see."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantoa import access
from lantoa.access import officer, policy
from lantoa.audit import selectors
from lantoa.audit.forms import ACTION_LABELS, AuditFilterForm


@policy(officer("audit.view"))
def event_list(request: HttpRequest) -> HttpResponse:
    events = selectors.events_visible_to(
        request.user, units=access.visible_units(request.user, "audit.view")
    )
    actions = sorted(
        set(ACTION_LABELS) | set(events.order_by().values_list("action", flat=True).distinct())
    )
    form = AuditFilterForm(request.GET or None, actions=actions)
    if form.is_bound and form.is_valid():
        events = selectors.events_filter(
            events,
            action=form.cleaned_data["action"],
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    elif form.is_bound:
        events = events.none()
    else:
        events = selectors.events_filter(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page:
        event.action_label = ACTION_LABELS.get(event.action, event.action)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )
