from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.accounts.models import User
from lantoa.campaigns.selectors import campaigns_of_unit, campaigns_visible_to
from lantoa.content import selectors, services
from lantoa.content.forms import (
    ApprovalSettingForm,
    ApproveForm,
    ContentForm,
    MediaLinkForm,
    MediaUploadForm,
    ReturnForm,
    ScheduleForm,
)
from lantoa.content.models import (
    ContentItem,
    ContentKind,
    ContentStatus,
    ContentVersion,
    MediaAsset,
    MediaKind,
)
from lantoa.content.sanitize import sanitize_html
from lantoa.core import private_files
from lantoa.core.forms import add_service_errors
from lantoa.units.models import Unit, UnitClosure

PAGE_SIZE = 30


def _item(request: HttpRequest, pk: int, perm: str = "content.view") -> ContentItem:
    try:
        item = ContentItem.objects.select_related("unit", "author", "campaign", "attachment").get(
            pk=pk
        )
    except ContentItem.DoesNotExist as exc:
        raise Http404 from exc
    access.require(request.user, perm, item.unit)
    return item


def _form_for(unit: Unit, data: Any = None, initial: dict[str, Any] | None = None) -> ContentForm:
    return ContentForm(
        data,
        initial=initial,
        campaigns=campaigns_of_unit(unit).order_by("-starts_on", "name"),
        media=selectors.media_of(unit),
    )


@policy(officer("content.view"))
def unit_content(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="content.view", code=code)
    status = request.GET.get("trang-thai", "")
    status = status if status in ContentStatus.values else ""
    kind = request.GET.get("loai", "")
    kind = kind if kind in ContentKind.values else ""
    subtree = request.GET.get("cay") == "1"
    query = request.GET.get("q", "")[:100]
    qs = selectors.items_of(unit, subtree=subtree, status=status, kind=kind, query=query)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "content/unit_content.html",
        {
            "unit": unit,
            "page": page,
            "items": page.object_list,
            "status": status,
            "kind": kind,
            "subtree": subtree,
            "query": query,
            "statuses": ContentStatus.choices,
            "kinds": ContentKind.choices,
            "can_edit": access.can(request.user, "content.edit", unit),
            "can_settings": access.can(request.user, "content.approve", unit),
        },
    )


@policy(officer("content.edit"))
def content_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="content.edit", code=code)
    initial: dict[str, Any] = {}
    if request.GET.get("loai") in ContentKind.values:
        initial["kind"] = request.GET["loai"]
    campaign_id = request.GET.get("chien-dich", "")
    if campaign_id.isdecimal():
        initial["campaign"] = int(campaign_id)
    form = _form_for(unit, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.content_create(unit=unit, author=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu bản nháp “%(t)s”.") % {"t": item.title})
            return redirect("content:detail", pk=item.pk)
    return render(request, "content/content_form.html", {"unit": unit, "form": form, "item": None})


@policy(officer("content.view"))
def content_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    user = request.user
    can_edit = access.can(user, "content.edit", item.unit)
    can_review = selectors.can_approve(user, item)
    can_publish = access.can(user, "publishing.publish", item.unit)
    events = item.events.select_related("actor").order_by("-created_at", "-id")[:50]
    return render(
        request,
        "content/content_detail.html",
        {
            "item": item,
            "unit": item.unit,
            "media": list(item.media.all()),
            "events": events,
            "can_edit": can_edit and item.status in services.EDITABLE_STATUSES,
            "can_submit": can_edit and item.status in services.TRANSITIONS["submit"][0],
            "can_review": can_review and item.status in services.TRANSITIONS["approve"][0],
            "can_return": can_review and item.status in services.TRANSITIONS["return"][0],
            # Publishing on the public site (now, at a time) and cancelling the time post to
            # publishing's addresses: publishing writes the publication and moves the item.
            "can_schedule": can_publish and item.status in services.TRANSITIONS["schedule"][0],
            "can_unschedule": can_publish and item.status in services.TRANSITIONS["unschedule"][0],
            "can_publish": can_publish and item.status in services.TRANSITIONS["publish"][0],
            "is_author": item.author_id == getattr(user, "pk", None),
            "return_form": ReturnForm(),
            "approve_form": ApproveForm(),
            "schedule_form": ScheduleForm(),
            "campaign_visible": item.campaign_id is not None
            and campaigns_visible_to(user).filter(pk=item.campaign_id).exists(),
        },
    )


@policy(officer("content.edit"))
def content_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, "content.edit")
    if item.status not in services.EDITABLE_STATUSES:
        messages.error(
            request,
            _("Nội dung ở trạng thái “%(s)s” không sửa được nữa.")
            % {"s": item.get_status_display()},
        )
        return redirect("content:detail", pk=item.pk)
    initial = {f: getattr(item, f) for f in services.ITEM_FIELDS if f != "media"}
    initial["tags"] = ", ".join(item.tags)
    initial["media_items"] = list(item.media.all())
    form = _form_for(item.unit, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        before = item.status
        try:
            changed = services.content_update(
                item=item, actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not changed:
                messages.info(request, _("Không có thay đổi nào."))
            elif before in (ContentStatus.APPROVED, ContentStatus.SCHEDULED):
                messages.warning(
                    request,
                    _("Đã lưu phiên bản %(v)s. Nội dung đã sửa cần được duyệt lại.")
                    % {"v": item.version},
                )
            else:
                messages.success(request, _("Đã lưu phiên bản %(v)s.") % {"v": item.version})
            return redirect("content:detail", pk=item.pk)
    return render(
        request, "content/content_form.html", {"unit": item.unit, "form": form, "item": item}
    )


ACTION_DONE = {
    "submit": gettext_lazy("Đã gửi duyệt."),
    "approve": gettext_lazy("Đã duyệt nội dung."),
    "return": gettext_lazy("Đã trả lại cho tác giả."),
}


@policy(officer("content.view"))
@require_POST
def content_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of drafting and review; the service decides whether it is allowed.
    Scheduling and publishing are publishing's (``lantoa.publishing.views``)."""
    item = _item(request, pk)
    user = request.user
    form: ApproveForm | ReturnForm | None = None
    try:
        if action == "submit":
            services.content_submit(item=item, actor=user)
        elif action == "approve":
            form = ApproveForm(request.POST)
            form.is_valid()
            services.content_approve(
                item=item, actor=user, comment=form.cleaned_data.get("comment", "")
            )
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["comment"][0])
            services.content_return(item=item, actor=user, comment=form.cleaned_data["comment"])
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, ACTION_DONE[action])
    if request.POST.get("tu") == "hang-cho" and action in ("approve", "return"):
        return redirect("content:queue")
    return redirect("content:detail", pk=item.pk)


@policy(officer("content.view"))
def approval_queue(request: HttpRequest) -> HttpResponse:
    """The leaders' "Chờ duyệt" queue: what waits for this officer's approval, the longest
    waiting first, each approved or returned from the list (or opened)."""
    user = request.user
    queue = selectors.awaiting_approval(user)
    selectors.remember_queue_count(user, len(queue))
    return render(
        request,
        "content/approval_queue.html",
        {"queue": queue, "limit": selectors.QUEUE_LIMIT, "now": timezone.now()},
    )


@policy(officer("content.edit"))
@require_POST
def content_preview(request: HttpRequest) -> HttpResponse:
    """The sanitised rendering of the editor's HTML (HTMX, as the officer types)."""
    body = request.POST.get("body", "")[:200_000]
    return render(request, "content/_preview.html", {"html": sanitize_html(body)})


# --- versions ----------------------------------------------------------------------------


@policy(officer("content.view"))
def content_versions(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    versions = list(item.versions.select_related("author").order_by("-number"))
    numbers = {v.number: v for v in versions}
    diff = None
    old = new = None
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if a.isdecimal() and b.isdecimal() and int(a) in numbers and int(b) in numbers:
        old, new = numbers[min(int(a), int(b))], numbers[max(int(a), int(b))]
        diff = selectors.version_diff(old, new)
    elif len(versions) >= 2:
        old, new = versions[1], versions[0]
        diff = selectors.version_diff(old, new)
    return render(
        request,
        "content/versions.html",
        {
            "item": item,
            "unit": item.unit,
            "versions": versions,
            "diff": diff,
            "old": old,
            "new": new,
            "can_restore": access.can(request.user, "content.edit", item.unit)
            and item.status in services.EDITABLE_STATUSES,
        },
    )


@policy(officer("content.view"))
def content_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _item(request, pk)
    version = _version(item, number)
    return render(
        request,
        "content/version_detail.html",
        {
            "item": item,
            "unit": item.unit,
            "version": version,
            "can_restore": access.can(request.user, "content.edit", item.unit)
            and item.status in services.EDITABLE_STATUSES
            and version.number != item.version,
        },
    )


def _version(item: ContentItem, number: int) -> ContentVersion:
    try:
        return item.versions.select_related("author").get(number=number)
    except ContentVersion.DoesNotExist as exc:
        raise Http404 from exc


@policy(officer("content.edit"))
@require_POST
def content_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _item(request, pk, "content.edit")
    version = _version(item, number)
    try:
        changed = services.content_restore(item=item, version=version, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("content:versions", pk=item.pk)
    if changed:
        messages.success(
            request,
            _("Đã khôi phục phiên bản %(old)s thành phiên bản mới %(new)s.")
            % {"old": number, "new": item.version},
        )
    else:
        messages.info(request, _("Nội dung hiện tại đã giống phiên bản %(n)s.") % {"n": number})
    return redirect("content:detail", pk=item.pk)


# --- calendar ---------------------------------------------------------------------------


def _parse_day(text: str) -> dt.date:
    """The day of ?ngay=YYYY-MM-DD; today when missing, malformed or out of the calendar's
    years (whose weeks and months would run past the first or last date Python knows)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return timezone.localdate()
    return day if 2000 <= day.year <= 2100 else timezone.localdate()


@policy(officer("content.view"))
def calendar(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="content.view", code=code)
    view = "thang" if request.GET.get("xem") == "thang" else "tuan"
    day = _parse_day(request.GET.get("ngay", ""))
    if view == "tuan":
        first = day - dt.timedelta(days=day.weekday())
        last = first + dt.timedelta(days=6)
        prev_day, next_day = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
    else:
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        prev_day = (first - dt.timedelta(days=1)).replace(day=1)
        next_day = last + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    items = selectors.scheduled_between(unit, start, end)
    days: dict[dt.date, list[tuple[dt.datetime | None, ContentItem]]] = {}
    for item in items:
        when = selectors.calendar_time(item)
        local = timezone.localtime(when) if when else None
        key = local.date() if local else first
        days.setdefault(key, []).append((local, item))
    return render(
        request,
        "content/calendar.html",
        {
            "unit": unit,
            "view": view,
            "first": first,
            "last": last,
            "days": sorted(days.items()),
            "prev_day": prev_day,
            "next_day": next_day,
            "today": timezone.localdate(),
            "count": len(items),
        },
    )


# --- media library -------------------------------------------------------------------------


def _library_context(
    request: HttpRequest, unit: Unit, upload: MediaUploadForm, link: MediaLinkForm
) -> dict[str, Any]:
    kind = request.GET.get("loai", "")
    kind = kind if kind in MediaKind.values else ""
    qs = selectors.media_of(unit, kind=kind or None)
    page = Paginator(qs, 48).get_page(request.GET.get("trang"))
    return {
        "unit": unit,
        "page": page,
        "assets": page.object_list,
        "kind": kind,
        "kinds": MediaKind.choices,
        "upload_form": upload,
        "link_form": link,
        "can_edit": access.can(request.user, "content.edit", unit),
    }


@policy(officer("content.view"))
def media_library(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="content.view", code=code)
    return render(
        request,
        "content/media_library.html",
        _library_context(request, unit, MediaUploadForm(), MediaLinkForm()),
    )


@policy(officer("content.edit"))
def media_upload(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="content.edit", code=code)
    if request.method != "POST":
        return redirect("content:media", code=unit.code)
    form = MediaUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            asset = services.media_upload(
                unit=unit,
                file=upload,
                size=upload.size,
                original_name=upload.name,
                title=form.cleaned_data["title"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("Đã tải lên “%(t)s”.") % {"t": asset.title})
            return redirect("content:media", code=unit.code)
    return render(
        request,
        "content/media_library.html",
        _library_context(request, unit, form, MediaLinkForm()),
        status=400,
    )


@policy(officer("content.edit"))
def media_link(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="content.edit", code=code)
    if request.method != "POST":
        return redirect("content:media", code=unit.code)
    form = MediaLinkForm(request.POST)
    if form.is_valid():
        try:
            asset = services.media_add_link(unit=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm video “%(t)s”.") % {"t": asset.title})
            return redirect("content:media", code=unit.code)
    return render(
        request,
        "content/media_library.html",
        _library_context(request, unit, MediaUploadForm(), form),
        status=400,
    )


def _asset(request: HttpRequest, pk: int) -> MediaAsset:
    return selectors.asset_for(request.user, pk)


@policy(officer("content.edit"))
@require_POST
def media_delete(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _asset(request, pk)
    access.require(request.user, "content.edit", asset.unit)
    try:
        services.media_delete(asset=asset, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã xóa “%(t)s”.") % {"t": asset.title})
    return redirect("content:media", code=asset.unit.code)


@policy(officer("content.view"))
def media_file(request: HttpRequest, pk: int) -> HttpResponse:
    return private_files.serve(request, selectors.MEDIA_FILES, pk)


@policy(officer("content.view"))
def media_thumb(request: HttpRequest, pk: int) -> HttpResponse:
    return private_files.serve(request, selectors.MEDIA_FILES, pk, private_files.THUMBNAIL)


# --- approval settings ---------------------------------------------------------------------


@policy(officer("content.approve"))
def approval_settings(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="content.approve", code=code)
    own = unit.content_approval if hasattr(unit, "content_approval") else None
    effective = selectors.approval_setting_for(unit)
    ancestors = UnitClosure.objects.filter(descendant_id=unit.pk).values("ancestor_id")
    officers = (
        User.objects.filter(is_active=True, memberships__unit_id__in=ancestors)
        .distinct()
        .order_by("full_name", "username")
    )
    initial = (
        {"roles": own.roles, "users": list(own.users.all())}
        if own
        else {"roles": list(selectors.approver_roles(effective))}
    )
    form = ApprovalSettingForm(request.POST or None, initial=initial, officers=officers)
    if request.method == "POST":
        if request.POST.get("xoa") == "1":
            services.approval_setting_clear(unit=unit, actor=request.user)
            messages.success(
                request, _("Đã bỏ thiết lập riêng; đơn vị dùng thiết lập của cấp trên.")
            )
            return redirect("content:approvals", code=unit.code)
        if form.is_valid():
            try:
                services.approval_setting_save(
                    unit=unit,
                    roles=form.cleaned_data["roles"],
                    users=form.cleaned_data["users"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu người duyệt nội dung."))
                return redirect("content:approvals", code=unit.code)
    return render(
        request,
        "content/approvals.html",
        {
            "unit": unit,
            "form": form,
            "own": own,
            "effective": effective,
            "effective_roles": selectors.approver_roles(effective),
        },
    )
