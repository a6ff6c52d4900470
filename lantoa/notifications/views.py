from __future__ import annotations

from typing import cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lantoa.access import OFFICER, policy
from lantoa.accounts.models import User
from lantoa.notifications.models import Notification
from lantoa.notifications.services import notification_mark_read


@policy(OFFICER)
def notification_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # the OFFICER policy guarantees a logged-in user
    qs = Notification.objects.filter(user=user).select_related("unit")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@policy(OFFICER)
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdecimal()] or None
    notification_mark_read(user=cast(User, request.user), ids=ids)
    target = request.POST.get("next", "")
    # "/\evil.example" passes a startswith("/") test and browsers follow it off-site.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")
