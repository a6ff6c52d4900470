"""Officer pages: connect a unit's Zalo OA or Facebook page, see webhook health."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.access import officer, policy
from lantoa.channels.models import Channel
from lantoa.connectors import ingest, selectors, services
from lantoa.connectors.forms import ConnectForm
from lantoa.connectors.models import ConnectorAccount, Platform
from lantoa.core.forms import add_service_errors

PERM = "channel.manage"


def _channel(request: HttpRequest, pk: int) -> Channel:
    try:
        channel = Channel.objects.select_related("unit").get(
            pk=pk, kind__in=selectors.CONNECTABLE_KINDS
        )
    except Channel.DoesNotExist as exc:
        raise Http404 from exc
    access.require(request.user, PERM, channel.unit)
    return channel


def _webhook_urls(request: HttpRequest) -> dict[str, str]:
    return {
        Platform.ZALO: request.build_absolute_uri(reverse("connectors:zalo")),
        Platform.FACEBOOK: request.build_absolute_uri(reverse("connectors:facebook")),
    }


@policy(officer(PERM))
def unit_connectors(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm=PERM, code=code)
    subtree = request.GET.get("cay") == "1"
    channels = list(selectors.connectable_channels(unit, subtree=subtree)[:500])
    backlog = selectors.event_backlog(channels)
    rows = [
        {
            "channel": c,
            "account": getattr(c, "connector", None),
            "backlog": backlog.get(c.pk),
        }
        for c in channels
    ]
    return render(
        request,
        "connectors/unit_connectors.html",
        {
            "unit": unit,
            "rows": rows,
            "subtree": subtree,
            "counters": selectors.webhook_counters(),
            "held": selectors.held_events(channels),
            "webhook_urls": _webhook_urls(request),
            # Messages acknowledged by the webhook server, not yet in the database.
            "queue_enabled": ingest.enabled(),
            "queue_backlog": ingest.backlog(),
        },
    )


@policy(officer(PERM))
def channel_connect(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk)
    account = ConnectorAccount.objects.filter(channel=channel).first()
    platform = services.platform_of(channel)
    form = ConnectForm(request.POST or None, platform=platform, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.connector_account_save(
                channel=channel,
                actor=request.user,
                external_id=form.cleaned_data["external_id"],
                app_id=form.cleaned_data.get("app_id", ""),
                secrets=form.secrets(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kết nối kênh “%(name)s”.") % {"name": channel.name})
            return redirect("connectors_web:unit", code=channel.unit.code)
    return render(
        request,
        "connectors/connect_form.html",
        {
            "unit": channel.unit,
            "channel": channel,
            "account": account,
            "form": form,
            "platform": platform,
            "webhook_url": _webhook_urls(request)[platform],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@policy(officer(PERM))
def channel_disconnect(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk)
    account = ConnectorAccount.objects.filter(channel=channel).first()
    if account is None:
        raise Http404
    if request.method == "POST":
        services.connector_account_disconnect(account=account, actor=request.user)
        messages.success(request, _("Đã ngắt kết nối kênh “%(name)s”.") % {"name": channel.name})
        return redirect("connectors_web:unit", code=channel.unit.code)
    return render(
        request,
        "connectors/confirm_disconnect.html",
        {"unit": channel.unit, "channel": channel, "account": account},
    )
