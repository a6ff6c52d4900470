"""Officers' screens of the knowledge base (/tri-thuc/): list and search including internal
articles and drafts, create, edit, publish, unpublish, review drafts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.core.forms import add_service_errors
from lantoa.core.net import is_htmx
from lantoa.kb import selectors, semantic, services
from lantoa.kb.categories import category_choices, category_codes
from lantoa.kb.forms import STATUS_FILTERS, ArticleForm
from lantoa.kb.importing import format_similarity
from lantoa.kb.models import Article, ArticleStatus
from lantoa.kb.register import review_due_on

PAGE_SIZE = 30
MAX_QUERY = 200


def list_filters(request: HttpRequest) -> tuple[str, str]:
    """The search text and category of a list request (invalid values ignored)."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    category = request.GET.get("linh_vuc", "")
    return q, category if category in category_codes() else ""


def _article(request: HttpRequest, pk: int, *, manage: bool = False) -> Article:
    """An article the user may read (404 otherwise); with ``manage``, 403 unless they hold
    ``kb.manage`` at the article's unit."""
    article = (
        selectors.articles_visible_to(request.user)
        .select_related("unit", "source_inquiry", "created_by", "updated_by", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404
    if manage and not access.can(request.user, "kb.manage", article.unit):
        raise PermissionDenied
    return article


@policy(officer("unit.view"))
def article_list(request: HttpRequest) -> HttpResponse:
    q, category = list_filters(request)
    status = request.GET.get("trang_thai", "")
    statuses = [status] if status in ArticleStatus.values else None
    rows: Any
    if q:
        found = selectors.article_search(
            text=q,
            user=request.user,
            category=category,
            statuses=statuses,
            limit=selectors.MAX_RESULTS,
        )
        rows = [r.article for r in found]
    else:
        rows = selectors.article_list(user=request.user, category=category, statuses=statuses)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    can_create = access.visible_units(request.user, "kb.manage").exists()
    context = {
        "page": page,
        "articles": page.object_list,
        "q": q,
        "category": category,
        "status": status if statuses else "",
        "categories": category_choices(),
        "statuses": STATUS_FILTERS,
        "can_create": can_create,
        "review_count": (
            selectors.review_queue(user=request.user).count()
            if can_create and not is_htmx(request)
            else 0
        ),
    }
    template = "kb/_results.html" if is_htmx(request) else "kb/article_list.html"
    return render(request, template, context)


@policy(officer("kb.manage"))
def article_create(request: HttpRequest) -> HttpResponse:
    units = selectors.manageable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    form = ArticleForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data.get("unit") or units.first()
        assert unit is not None
        try:
            article = services.article_create(
                unit=unit, actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã thêm bài “%(title)s” (nội bộ). Kiểm tra lại rồi bấm “Công khai” để đăng.")
                % {"title": article.title},
            )
            return redirect("kb:detail", pk=article.pk)
    return render(request, "kb/article_form.html", {"form": form, "article": None})


@policy(officer("unit.view"))
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    inquiry_url = None
    if article.source_inquiry is not None:
        inquiry_url = reverse("inquiries:detail", args=[article.source_inquiry.code])
    references = list(article.references.select_related("document"))
    labels = {str(r) for r in references}
    can_manage = access.can(request.user, "kb.manage", article.unit)
    return render(
        request,
        "kb/article_detail.html",
        {
            "article": article,
            "can_manage": can_manage,
            # For editors: articles they can see that probably ask the same question.
            "duplicates": _duplicates(request, article) if can_manage else [],
            "inquiry_url": inquiry_url,
            "references": references,
            # Free-text references of an article written before the register, not matched.
            "unmatched_refs": [r for r in article.law_refs or [] if r not in labels],
            "review_due": review_due_on(article),
        },
    )


def _duplicates(request: HttpRequest, article: Article) -> list[tuple[Article, str]]:
    matches = semantic.near_duplicates(article, selectors.articles_visible_to(request.user))
    found = Article.objects.select_related("unit").in_bulk([m.article_id for m in matches])
    return [
        (found[m.article_id], format_similarity(m.similarity))
        for m in matches
        if m.article_id in found
    ]


@policy(officer("kb.manage"))
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk, manage=True)
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(article=article, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu bài “%(title)s”.") % {"title": article.title})
            return redirect("kb:detail", pk=article.pk)
    return render(request, "kb/article_form.html", {"form": form, "article": article})


def _change_status(
    request: HttpRequest, pk: int, change: Callable[..., Article], message: str
) -> HttpResponse:
    article = _article(request, pk, manage=True)
    change(article=article, actor=request.user)
    messages.success(request, message % {"title": article.title})
    return redirect("kb:detail", pk=article.pk)


@policy(officer("kb.manage"))
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(
        request,
        pk,
        services.article_publish,
        _("Đã công khai bài “%(title)s” trên trang Hỏi đáp pháp luật."),
    )


@policy(officer("kb.manage"))
@require_POST
def article_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(
        request,
        pk,
        services.article_unpublish,
        _("Đã thôi công khai bài “%(title)s”; bài vẫn dùng được trong nội bộ."),
    )


@policy(officer("kb.manage"))
@require_POST
def article_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(
        request,
        pk,
        services.article_mark_reviewed,
        _("Đã duyệt bài “%(title)s”: bài được dùng trong gợi ý trả lời (nội bộ)."),
    )
