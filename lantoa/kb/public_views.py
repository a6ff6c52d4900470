"""The public legal Q&A (/hoi-dap/): search and read published articles, without login."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lantoa.access import PUBLIC, policy
from lantoa.core.net import is_htmx
from lantoa.kb import selectors
from lantoa.kb.categories import category_choices
from lantoa.kb.views import list_filters

PAGE_SIZE = 20
RELATED = 5


@policy(PUBLIC)
def article_list(request: HttpRequest) -> HttpResponse:
    q, category = list_filters(request)
    rows: Any
    if q:
        found = selectors.article_search(text=q, category=category, limit=selectors.MAX_RESULTS)
        rows = [r.article for r in found]
    else:
        rows = selectors.article_list(user=None, category=category)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    context = {
        "page": page,
        "articles": page.object_list,
        "q": q,
        "category": category,
        "categories": category_choices(),
        "public": True,
    }
    template = "kb/_results.html" if is_htmx(request) else "kb/public_list.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@policy(PUBLIC)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.published_articles().filter(slug=slug).first()
    if article is None:
        raise Http404
    related = [
        a
        for a in selectors.kb_suggest(
            text=f"{article.title} {article.question}",
            category=article.category,
            limit=RELATED + 1,
        )
        if a.pk != article.pk
    ][:RELATED]
    return render(request, "kb/public_detail.html", {"article": article, "related": related})
