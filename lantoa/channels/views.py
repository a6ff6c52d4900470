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
from lantoa.audit.services import audit_record
from lantoa.channels import selectors, services
from lantoa.channels.forms import AudienceForm, ChannelForm
from lantoa.channels.models import Channel, ChannelKind
from lantoa.core import tabular
from lantoa.core.forms import add_service_errors
from lantoa.core.text import format_int

PAGE_SIZE = 50


def _channel(request: HttpRequest, pk: int, perm: str) -> Channel:
    """A channel the user may act on with ``perm`` (404 outside their subtree)."""
    try:
        channel = Channel.objects.select_related("unit").get(pk=pk)
    except Channel.DoesNotExist as exc:
        raise Http404 from exc
    access.require(request.user, perm, channel.unit)
    return channel


@policy(officer("channel.view"))
def unit_channels(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="channel.view", code=code)
    subtree = request.GET.get("cay") == "1"
    kind = request.GET.get("loai", "")
    if kind not in ChannelKind.values:
        kind = ""
    qs = selectors.channels_of(unit, subtree=subtree, kinds=[kind] if kind else None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "channels/unit_channels.html",
        {
            "unit": unit,
            "page": page,
            "channels": page.object_list,
            "subtree": subtree,
            "kind": kind,
            "kinds": ChannelKind.choices,
            "can_manage": access.can(request.user, "channel.manage", unit),
        },
    )


@policy(officer("channel.manage"))
def channel_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="channel.manage", code=code)
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_create(unit=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm kênh “%(name)s”.") % {"name": channel.name})
            return redirect("channels:detail", pk=channel.pk)
    return render(
        request, "channels/channel_form.html", {"unit": unit, "form": form, "channel": None}
    )


@policy(officer("channel.view"))
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk, "channel.view")
    stats = Paginator(channel.stats.order_by("-recorded_on"), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    can_manage = access.can(request.user, "channel.manage", channel.unit)
    return render(
        request,
        "channels/channel_detail.html",
        {
            "unit": channel.unit,
            "channel": channel,
            "stats": stats,
            "can_manage": can_manage,
            "audience_form": AudienceForm(initial={"recorded_on": timezone.localdate()}),
        },
    )


@policy(officer("channel.manage"))
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk, "channel.manage")
    initial = {f: getattr(channel, f) for f in services.CHANNEL_EDITABLE_FIELDS}
    form = ChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_update(channel=channel, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kênh “%(name)s”.") % {"name": channel.name})
            return redirect("channels:detail", pk=channel.pk)
    return render(
        request,
        "channels/channel_form.html",
        {"unit": channel.unit, "form": form, "channel": channel},
    )


@policy(officer("channel.manage"))
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk, "channel.manage")
    if request.method == "POST":
        unit = channel.unit
        name = channel.name
        services.channel_delete(channel=channel, actor=request.user)
        messages.success(request, _("Đã xóa kênh “%(name)s”.") % {"name": name})
        return redirect("channels:unit", code=unit.code)
    return render(
        request, "channels/channel_confirm_delete.html", {"unit": channel.unit, "channel": channel}
    )


@policy(officer("channel.manage"))
@require_POST
def channel_record_audience(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk, "channel.manage")
    form = AudienceForm(request.POST)
    if form.is_valid():
        try:
            services.channel_record_audience(
                channel=channel, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi nhận %(n)s người theo dõi ngày %(d)s.")
                % {
                    "n": format_int(form.cleaned_data["audience"]),
                    "d": form.cleaned_data["recorded_on"].strftime("%d/%m/%Y"),
                },
            )
            return redirect("channels:detail", pk=channel.pk)
    stats = Paginator(channel.stats.order_by("-recorded_on"), PAGE_SIZE).get_page(1)
    return render(
        request,
        "channels/channel_detail.html",
        {
            "unit": channel.unit,
            "channel": channel,
            "stats": stats,
            "can_manage": True,
            "audience_form": form,
        },
        status=400,
    )


@policy(officer("channel.view"))
def coverage(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="channel.view", code=code)
    return render(
        request,
        "channels/coverage.html",
        {
            "unit": unit,
            "coverage": selectors.coverage_summary(unit),
            "coverage_children": selectors.coverage_by_child(unit),
            "can_export": access.can(request.user, "data.export", unit),
            "big_members": selectors.BIG_UNIT_MEMBERS,
            "on_coverage_page": True,
        },
    )


@policy(officer("data.export"))
def coverage_gaps_csv(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="data.export", code=code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cdcs-chua-co-kenh-{unit.code}.csv"'
    header = [
        _("Mã đơn vị"),
        _("Tên công đoàn cơ sở"),
        _("Đơn vị cấp trên"),
        _("Số đoàn viên"),
        _("Số người lao động"),
        _("Doanh nghiệp, cơ quan"),
        _("Địa chỉ"),
    ]
    rows = [
        (
            gap.code,
            gap.name,
            gap.parent.name if gap.parent else "",
            gap.member_count,
            gap.worker_count,
            gap.employer_name,
            gap.address,
        )
        for gap in selectors.coverage_gaps(unit).iterator(chunk_size=2000)
    ]
    count = len(rows)
    response.write(tabular.csv_text(header, rows))
    audit_record(
        action="coverage.export",
        actor=request.user,
        request=request,
        unit=unit,
        target=unit.code,
        data={"rows": count},
    )
    return response
