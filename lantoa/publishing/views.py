"""Officers' publishing screens: an item's channels and publications, a unit's list, retry,
cancel and the record of a manual post. Thin adapters over ``lantoa.publishing.services``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.content import selectors as content_selectors
from lantoa.content.forms import ScheduleForm
from lantoa.content.models import ContentItem, ContentKind, ContentStatus, MediaAsset, MediaKind
from lantoa.content.sanitize import sanitize_html
from lantoa.content.services import slugify_vi
from lantoa.core import private_files
from lantoa.core.forms import add_service_errors
from lantoa.publishing import compose, links, selectors, services
from lantoa.publishing.forms import PublishForm, RecordForm
from lantoa.publishing.models import Method, Publication, PublicationStatus
from lantoa.units.models import Unit

PAGE_SIZE = 30


def _item(request: HttpRequest, pk: int) -> tuple[ContentItem, Unit]:
    """The item and the unit that publishes it: the item's own unit, or (``?don-vi=``) a unit
    below it that republishes it. 404 outside what the officer sees.

    The parameter only chooses among what the officer may see: the content view policy
    (``content.view`` at the item's unit) applies whatever it says, and an officer below the
    item's unit sees it only once it is published — what came down the tree to republish,
    never an upper unit's draft."""
    try:
        item = ContentItem.objects.select_related("unit", "campaign").get(pk=pk)
    except ContentItem.DoesNotExist as exc:
        raise Http404 from exc
    code = request.GET.get("don-vi", "") or request.POST.get("don-vi", "")
    if code and code != item.unit.code:
        unit = access.get_unit(request.user, perm="publishing.view", code=code)
        if not services.may_publish_for(item, unit):
            raise Http404
        if item.status != ContentStatus.PUBLISHED and not access.can(
            request.user, "content.view", item.unit
        ):
            raise Http404
    else:
        access.require(request.user, "content.view", item.unit)
        unit = item.unit
    return item, unit


def _publication(request: HttpRequest, pk: int, perm: str = "publishing.view") -> Publication:
    return selectors.publication_for(request.user, pk, perm)


def _back(pub: Publication) -> str:
    url = reverse("publishing:item", kwargs={"pk": pub.item_id})
    return url if pub.unit_id == pub.item.unit_id else f"{url}?don-vi={pub.unit.code}"


@policy(officer("publishing.view"))
def item_publications(request: HttpRequest, pk: int) -> HttpResponse:
    item, unit = _item(request, pk)
    can_publish = access.can(request.user, "publishing.publish", unit)
    options = selectors.channel_options(unit, item)
    form = PublishForm(request.POST or None, options=options)
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied
        if form.is_valid():
            try:
                created = services.publication_schedule(
                    item=item,
                    unit=unit,
                    keys=form.cleaned_data["channels"],
                    at=form.chosen_time(),
                    broadcast=form.cleaned_data.get("broadcast", False),
                    actor=request.user,
                    base_url=links.site_base(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã đưa “%(t)s” lên %(n)s kênh; trạng thái từng kênh ở bảng dưới.")
                    % {"t": item.title, "n": len(created)},
                )
                return redirect(request.get_full_path())
    # Only the publications of units the officer sees: a unit republishing an item does not
    # see the upper unit's or other branches' records of it.
    publications = list(
        selectors.publications_of_item(item).filter(
            unit__in=access.visible_units(request.user, "publishing.view")
        )
    )
    return render(
        request,
        "publishing/item.html",
        {
            "item": item,
            "unit": unit,
            "form": form,
            "options": options,
            "open_options": [o for o in options if o.taken is None],
            "has_zalo": any(o.method == Method.ZALO_OA and o.taken is None for o in options),
            "publications": publications,
            "can_publish": can_publish and item.status in services.PUBLISHABLE,
            "publishable": item.status in services.PUBLISHABLE,
            "republishing": unit.pk != item.unit_id,
            "can_view_content": access.can(request.user, "content.view", item.unit),
            "now": timezone.now(),
            "previews": _previews(request, item, unit, compose.first_image(item)),
        },
    )


def _previews(
    request: HttpRequest, item: ContentItem, unit: Unit, image: MediaAsset | None
) -> list[compose.PlatformPreview]:
    return compose.previews(
        item,
        share_url=links.absolute(links.article_path(item), links.site_base(request)),
        image=image,
        image_url=reverse("content:media_thumb", kwargs={"pk": image.pk}) if image else "",
        default_cover_url=links.default_cover_path(),
        author=unit.short_name or unit.name,
    )


@policy(officer("content.edit"))
@require_POST
def compose_preview(request: HttpRequest, code: str) -> HttpResponse:
    """The content form's "on Facebook and Zalo OA" preview (HTMX, as the officer writes):
    the unsaved item as the publishing jobs would send it."""
    unit = access.get_unit(request.user, perm="content.edit", code=code)
    data = request.POST
    title = data.get("title", "")[:1000].strip()
    kind = data.get("kind", "")
    item = ContentItem(
        unit=unit,
        kind=kind if kind in ContentKind.values else ContentKind.NEWS,
        title=title,
        slug=slugify_vi(title) or "noi-dung",
        summary=data.get("summary", "")[:10_000].strip(),
        body=sanitize_html(data.get("body", "")[:200_000]),
        tags=[t.strip() for t in data.get("tags", "")[:1000].split(",") if t.strip()],
        video_url=data.get("video_url", "")[:500].strip(),
        livestream_url=(
            data.get("livestream_url", "")[:500].strip() if kind == ContentKind.LIVESTREAM else ""
        ),
    )
    ids = [int(v) for v in data.getlist("media_items") if v.isdecimal()][:50]
    image = (
        content_selectors.media_of(unit, kind=MediaKind.IMAGE)
        .filter(pk__in=ids)
        .order_by("pk")
        .first()
    )
    return render(
        request,
        "publishing/_platform_preview.html",
        {"previews": _previews(request, item, unit, image) if title else []},
    )


@policy(officer("publishing.view"))
def unit_publications(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="publishing.view", code=code)
    status = request.GET.get("trang-thai", "")
    status = status if status in PublicationStatus.values else ""
    method = request.GET.get("cach", "")
    method = method if method in Method.values else ""
    subtree = request.GET.get("cay") == "1"
    qs = selectors.publications_of_unit(unit, subtree=subtree, status=status, method=method)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    end = timezone.now()
    start = end - dt.timedelta(days=30)
    by_kind = selectors.posts_by_kind(unit, start, end)
    from lantoa.channels.models import ChannelKind

    labels = dict(ChannelKind.choices)
    return render(
        request,
        "publishing/unit.html",
        {
            "unit": unit,
            "page": page,
            "publications": page.object_list,
            "status": status,
            "method": method,
            "subtree": subtree,
            "statuses": PublicationStatus.choices,
            "methods": Method.choices,
            "by_kind": sorted(
                ((labels.get(k, k), n) for k, n in by_kind.items()), key=lambda r: -r[1]
            ),
            "posts_30d": sum(by_kind.values()),
            "subscribers": selectors.active_subscribers(unit).count(),
            "failed": selectors.publications_of_unit(
                unit, subtree=subtree, status=PublicationStatus.FAILED
            ).count(),
            "can_act": access.can(request.user, "publishing.publish", unit),
        },
    )


@policy(officer("publishing.publish"))
@require_POST
def publication_retry(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _publication(request, pk, "publishing.publish")
    try:
        services.publication_retry(publication=pub, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã đưa lại vào hàng đợi đăng."))
    return redirect(_back(pub))


@policy(officer("publishing.publish"))
@require_POST
def publication_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _publication(request, pk, "publishing.publish")
    on_facebook = pub.method == Method.FACEBOOK and pub.scheduled_on_platform
    try:
        services.publication_cancel(publication=pub, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if on_facebook:
            messages.success(request, _("Đã hủy lượt đăng và gỡ bài hẹn giờ khỏi trang Facebook."))
        else:
            messages.success(request, _("Đã hủy lượt đăng."))
    return redirect(_back(pub))


@policy(officer("publishing.publish"))
def publication_record(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _publication(request, pk, "publishing.publish")
    form = RecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("proof_photo")
        try:
            services.publication_record(
                publication=pub,
                actor=request.user,
                proof_url=form.cleaned_data.get("proof_url", ""),
                proof_photo=(photo, photo.name) if photo else None,
                posted_at=form.cleaned_data.get("posted_at"),
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Đã ghi nhận đăng trên “%(c)s”.") % {"c": pub.shown_channel_name}
            )
            return redirect(_back(pub))
    return render(request, "publishing/record.html", {"pub": pub, "unit": pub.unit, "form": form})


@policy(officer("publishing.view"))
def proof_photo(request: HttpRequest, pk: int) -> HttpResponse:
    variant = private_files.THUMBNAIL if request.GET.get("nho") else ""
    return private_files.serve(request, selectors.PROOF_FILES, pk, variant)


# The content page's buttons post here: publishing alone writes publications and moves the
# item to scheduled or published.


def _own_item(request: HttpRequest, pk: int) -> ContentItem:
    try:
        item = ContentItem.objects.select_related("unit").get(pk=pk)
    except ContentItem.DoesNotExist as exc:
        raise Http404 from exc
    access.require(request.user, "publishing.publish", item.unit)
    return item


def _refused(request: HttpRequest, item: ContentItem, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect("content:detail", pk=item.pk)


def _on_site(request: HttpRequest, item: ContentItem) -> HttpResponse:
    messages.success(
        request,
        _("Đã đưa “%(t)s” lên %(n)s kênh; trạng thái từng kênh ở bảng dưới.")
        % {"t": item.title, "n": 1},
    )
    return redirect("publishing:item", pk=item.pk)


@policy(officer("publishing.publish"))
@require_POST
def item_site_now(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_item(request, pk)
    try:
        services.publication_site_now(
            item=item, actor=request.user, base_url=links.site_base(request)
        )
    except ValidationError as exc:
        return _refused(request, item, exc)
    return _on_site(request, item)


@policy(officer("publishing.publish"))
@require_POST
def item_site_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_item(request, pk)
    form = ScheduleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["scheduled_at"][0])
        services.publication_site_schedule(
            item=item,
            actor=request.user,
            at=form.cleaned_data["scheduled_at"],
            base_url=links.site_base(request),
        )
    except ValidationError as exc:
        return _refused(request, item, exc)
    return _on_site(request, item)


@policy(officer("publishing.publish"))
@require_POST
def item_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_item(request, pk)
    try:
        services.publication_unschedule(item=item, actor=request.user)
    except ValidationError as exc:
        return _refused(request, item, exc)
    messages.success(request, _("Đã hủy hẹn giờ."))
    return redirect("content:detail", pk=item.pk)
