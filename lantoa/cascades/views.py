"""Screens of cascades: a unit's sent list and inbox, the create/edit form, the detail page
with the roll-up, drill-down and laggards, the receiving unit's page with its big buttons,
exports and access-checked file downloads. Thin adapters over selectors and services."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.audit.services import audit_record
from lantoa.cascades import exports, selectors, services
from lantoa.cascades.forms import CascadeForm, ReceiveForm
from lantoa.cascades.models import (
    STATE_ORDER,
    Cascade,
    CascadeStatus,
    RecipientState,
)
from lantoa.core import private_files
from lantoa.core.forms import add_service_errors
from lantoa.core.text import format_int
from lantoa.units.models import Unit, UnitKind
from lantoa.units.selectors import path_to_root

PAGE_SIZE = 25


def _package(cascade: Cascade) -> dict[str, object]:
    """What the package panel shows besides the cascade: files and the pages of the linked
    studio item and campaign (when those apps have one)."""
    urls: dict[str, object] = {"attachments": list(cascade.attachments.all())}
    for key, obj in (("content_url", cascade.content_item), ("campaign_url", cascade.campaign)):
        try:
            urls[key] = obj.get_absolute_url() if obj is not None else ""
        except NoReverseMatch:
            urls[key] = ""
    return urls


def _nav(request: HttpRequest, unit: Unit) -> dict[str, object]:
    return {
        "unit": unit,
        "can_send": unit.kind != UnitKind.GRASSROOTS
        and access.can(request.user, "cascade.send", unit),
    }


@policy(officer("cascade.view"))
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Where notices point: the inbox of the officer's own unit, or what it sent."""
    unit = access.home_unit(request.user)
    if unit is None:
        return render(request, "core/no_unit.html")
    if (
        unit.kind != UnitKind.GRASSROOTS
        and access.can(request.user, "cascade.send", unit)
        and not selectors.has_open_inbox(unit)
    ):
        return redirect("cascades:unit", code=unit.code)
    return redirect("cascades:inbox", code=unit.code)


@policy(officer("cascade.view"))
@require_GET
def unit_sent(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="cascade.view", code=code)
    page = Paginator(selectors.cascades_sent_by(unit), PAGE_SIZE).get_page(request.GET.get("trang"))
    done = selectors.done_counts([c.pk for c in page.object_list])
    rows = [
        (c, done.get(c.pk, 0) / c.recipient_count if c.recipient_count else None)
        for c in page.object_list
    ]
    return render(
        request,
        "cascades/unit_sent.html",
        {**_nav(request, unit), "page": page, "rows": rows, "tab": "sent"},
    )


@policy(officer("cascade.view"))
@require_GET
def unit_inbox(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="cascade.view", code=code)
    show_all = request.GET.get("tat-ca") == "1"
    entries = selectors.inbox(unit, open_only=not show_all)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "cascades/inbox.html",
        {
            **_nav(request, unit),
            "page": page,
            "entries": page.object_list,
            "show_all": show_all,
            "tab": "inbox",
            "can_act": access.can(request.user, "cascade.act", unit),
        },
    )


@policy(officer("cascade.send"))
def cascade_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="cascade.send", code=code)
    if unit.kind == UnitKind.GRASSROOTS:
        raise Http404
    return _cascade_form(request, unit, None)


def _cascade_form(request: HttpRequest, sender: Unit, cascade: Cascade | None) -> HttpResponse:
    """The create form (``cascade`` None) or the edit form of a draft; "Gửi ngay" sends."""
    form = CascadeForm(request.POST or None, request.FILES or None, sender=sender, cascade=cascade)
    if request.method == "GET" and cascade is None:
        _prefill(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            if cascade is None:
                cascade = services.cascade_create(
                    sender=sender,
                    actor=request.user,
                    attachments=form.uploads(),
                    **form.service_fields(),
                )
            else:
                services.cascade_update(
                    cascade=cascade,
                    actor=request.user,
                    attachments=form.uploads(),
                    remove_attachment_ids=form.cleaned_data.get("remove_attachments") or [],
                    **form.service_fields(),
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if "gui" in request.POST:
                return _send(request, cascade.pk)
            messages.success(request, _("Đã lưu bản nháp “%(t)s”.") % {"t": cascade.title})
            return redirect("cascades:detail", pk=cascade.pk)
    return render(
        request,
        "cascades/form.html",
        {**_nav(request, sender), "form": form, "cascade": cascade, "tab": "new"},
    )


def _prefill(request: HttpRequest, form: CascadeForm) -> None:
    """?noi-dung=<id> and ?chien-dich=<id> (links from a content item or a campaign) choose
    them in the form when the sender may send them."""
    for param, name in (("noi-dung", "content_item"), ("chien-dich", "campaign")):
        value = request.GET.get(param, "")
        field = form.fields[name]
        if not value.isdecimal() or not isinstance(field, ModelChoiceField):
            continue
        chosen = field.queryset.filter(pk=int(value)).first()  # type: ignore[union-attr]
        if chosen is not None:
            form.initial[name] = chosen.pk
            if name == "content_item":
                form.initial.setdefault("title", chosen.title)


def _editable(request: HttpRequest, pk: int) -> selectors.CascadeView:
    view = selectors.get_cascade(request.user, pk)
    if not view.can_send:
        raise PermissionDenied
    return view


@policy(officer("cascade.send"))
def cascade_edit(request: HttpRequest, pk: int) -> HttpResponse:
    view = _editable(request, pk)
    cascade = view.cascade
    if cascade.status != CascadeStatus.DRAFT:
        messages.error(request, _("Đợt triển khai đã gửi đi thì không sửa được nữa."))
        return redirect("cascades:detail", pk=cascade.pk)
    return _cascade_form(request, cascade.sender, cascade)


def _send(request: HttpRequest, pk: int) -> HttpResponse:
    view = _editable(request, pk)
    try:
        count = services.cascade_send(cascade=view.cascade, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã gửi “%(t)s” tới %(n)s đơn vị.")
            % {"t": view.cascade.title, "n": format_int(count)},
        )
    return redirect("cascades:detail", pk=pk)


@policy(officer("cascade.send"))
@require_POST
def cascade_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _send(request, pk)


@policy(officer("cascade.send"))
@require_POST
def cascade_close(request: HttpRequest, pk: int) -> HttpResponse:
    view = _editable(request, pk)
    try:
        services.cascade_close(cascade=view.cascade, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã kết thúc đợt triển khai; các đơn vị không báo cáo thêm."))
    return redirect("cascades:detail", pk=pk)


@policy(officer("cascade.send"))
@require_POST
def cascade_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Nhắc ngay": the sender reminds every unit that has not reported "done"."""
    view = selectors.get_cascade(request.user, pk)
    if not view.can_send:
        raise PermissionDenied
    try:
        count = services.cascade_remind_now(cascade=view.cascade, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if count:
            messages.success(
                request,
                _("Đã nhắc %(count)s đơn vị chưa thực hiện.") % {"count": format_int(count)},
            )
        else:
            messages.info(
                request,
                _(
                    "Không có đơn vị nào cần nhắc: các đơn vị chưa thực hiện đều vừa được nhắc "
                    "trong %(hours)s giờ qua."
                )
                % {"hours": services.REMIND_NOW_GAP_HOURS},
            )
    return redirect(reverse("cascades:detail", args=[pk]) + "#cham-tre")


@policy(officer("cascade.send"))
@require_POST
def cascade_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = _editable(request, pk)
    sender = view.cascade.sender
    try:
        services.cascade_delete(cascade=view.cascade, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cascades:detail", pk=pk)
    messages.success(request, _("Đã xóa bản nháp."))
    return redirect("cascades:unit", code=sender.code)


@policy(officer("cascade.view"))
@require_GET
def cascade_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.get_cascade(request.user, pk)
    cascade = view.cascade
    unit = selectors.scope_unit(view, request.user, request.GET.get("don-vi"))
    context: dict[str, object] = {
        "view": view,
        "cascade": cascade,
        "unit": unit,
        **_package(cascade),
        "can_export": access.can(request.user, "data.export", unit),
    }
    if cascade.status == CascadeStatus.DRAFT:
        context["target_count"] = services.target_count(cascade)
    else:
        home = view.home
        context["path"] = [u for u in path_to_root(unit) if u.depth >= home.depth]
        rollup = selectors.rollup([cascade.pk], unit)
        paginator = Paginator(selectors.laggards([cascade.pk], unit), PAGE_SIZE)
        # The roll-up has just counted the units of this subtree not done: the paginator
        # need not count them again (a second pass over up to 130.000 rows).
        paginator.__dict__["count"] = rollup.total.not_done
        context["rollup"] = rollup
        context["laggards"] = paginator.get_page(request.GET.get("trang"))
    return render(request, "cascades/detail.html", context)


@policy(officer("cascade.view"))
@require_GET
def cascade_export(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.get_cascade(request.user, pk)
    unit = selectors.scope_unit(view, request.user, request.GET.get("don-vi"))
    access.require(request.user, "data.export", unit)
    table = request.GET.get("bang")
    fmt = request.GET.get("dinh-dang")
    if table not in ("tong-hop", "cham-tre") or fmt not in ("csv", "xlsx"):
        raise Http404
    cascade = view.cascade
    if table == "tong-hop":
        header, rows = exports.rollup_table(selectors.rollup([cascade.pk], unit))
        sheet = _("Tổng hợp")
    else:
        header, rows = exports.laggard_table(selectors.laggards([cascade.pk], unit))  # type: ignore[assignment]
        sheet = _("Chưa thực hiện")
    filename = f"trien-khai-{cascade.pk}-{table}-{unit.code}"
    audit_record(
        action="cascade.export",
        actor=request.user,
        request=request,
        unit=unit,
        target=f"cascade:{cascade.pk}",
        data={"table": table, "format": fmt},
    )
    if fmt == "csv":
        return cast(HttpResponse, exports.csv_response(filename, header, rows))
    return cast(HttpResponse, exports.xlsx_response(filename, sheet, header, rows))


@policy(officer("cascade.view"))
@require_GET
def attachment_file(request: HttpRequest, pk: int) -> HttpResponse:
    variant = private_files.THUMBNAIL if request.GET.get("nho") == "1" else ""
    return private_files.serve(request, selectors.ATTACHMENT_FILES, pk, variant)


@policy(officer("cascade.view"))
@require_GET
def proof_file(request: HttpRequest, pk: int) -> HttpResponse:
    variant = private_files.THUMBNAIL if request.GET.get("nho") == "1" else ""
    return private_files.serve(request, selectors.PROOF_FILES, pk, variant)


@policy(officer("cascade.view"))
def receive(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A receiving unit's page for one cascade: the content and the three big buttons."""
    unit = access.get_unit(request.user, perm="cascade.view", code=code)
    view = selectors.get_cascade(request.user, pk)
    recipient = selectors.recipient_for(view.cascade, unit)
    if recipient is None:
        raise Http404
    recipient.cascade = view.cascade
    can_act = access.can(request.user, "cascade.act", unit)
    form = ReceiveForm()
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        form = ReceiveForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            photo = data.get("proof_photo")
            try:
                recipient = services.recipient_advance(
                    recipient=recipient,
                    actor=request.user,
                    state=data["buoc"],
                    proof_links=(data.get("proof_links") or "").splitlines(),
                    proof_photo=(photo, photo.name or "") if photo else None,
                    note=data.get("note") or "",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận: %(step)s.") % {"step": RecipientState(recipient.state).label},
                )
                return redirect("cascades:receive", code=unit.code, pk=pk)
    has_subtree = unit.kind != UnitKind.GRASSROOTS
    return render(
        request,
        "cascades/receive.html",
        {
            **_nav(request, unit),
            "cascade": view.cascade,
            "recipient": recipient,
            "rank": STATE_ORDER[RecipientState(recipient.state)],
            **_package(view.cascade),
            "form": form,
            "can_act": can_act and view.cascade.status == CascadeStatus.SENT,
            "has_subtree": has_subtree,
            "tab": "inbox",
        },
        status=400 if request.method == "POST" else 200,
    )
