"""Officers' screens of the legal register and of article reviews (/tri-thuc/van-ban/,
/tri-thuc/ra-soat/): the register (read by every officer; written by knowledge-base editors
of the national level), the review queue and the "đã rà soát" action, the file downloads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.audit.services import audit_record
from lantoa.core import tabular
from lantoa.core.forms import add_service_errors
from lantoa.core.text import fold, format_int
from lantoa.kb import exporting, laws, selectors
from lantoa.kb.categories import category_choices, category_codes
from lantoa.kb.forms import LegalDocumentForm
from lantoa.kb.models import (
    ArticleStatus,
    DocumentKind,
    DocumentStatus,
    LegalDocument,
)
from lantoa.kb.references import number_key
from lantoa.kb.register import (
    article_record_review,
    can_edit_register,
    document_save,
    review_due_on,
)
from lantoa.kb.services import split_list
from lantoa.kb.views import _article

PAGE_SIZE = 50


# --- the register ---------------------------------------------------------------------------


@policy(officer("unit.view"))
def law_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("tinh_trang", "")
    kind = request.GET.get("loai", "")
    documents = selectors.documents_with_counts()
    if status in DocumentStatus.values:
        documents = documents.filter(status=status)
    else:
        status = ""
    if kind in DocumentKind.values:
        documents = documents.filter(kind=kind)
    else:
        kind = ""
    rows: Any = documents
    if q:
        words = fold(q).split()
        key = number_key(q)
        rows = [
            d
            for d in documents
            if key in number_key(d.number)
            or all(w in fold(f"{d.title} {d.short_title} {d.issuer}") for w in words)
        ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "kb/law_list.html",
        {
            "page": page,
            "documents": page.object_list,
            "q": q,
            "status": status,
            "kind": kind,
            "statuses": DocumentStatus.choices,
            "kinds": DocumentKind.choices,
            "can_edit": can_edit_register(request.user),
        },
    )


def _document(pk: int) -> LegalDocument:
    document = LegalDocument.objects.select_related("replaced_by").filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


@policy(officer("unit.view"))
def law_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(pk)
    articles = selectors.citing_articles(document, request.user)
    return render(
        request,
        "kb/law_detail.html",
        {
            "document": document,
            "amended_by": document.amended_by.order_by("issued_on", "number"),
            "amends": document.amends.order_by("issued_on", "number"),
            "replaces": document.replaces.order_by("issued_on", "number"),
            "articles": articles[:200],
            "article_count": articles.count(),
            "can_edit": can_edit_register(request.user),
        },
    )


def _links(form: LegalDocumentForm) -> tuple[Any, list[LegalDocument], dict[str, str]]:
    """The replacing and amending documents typed as numbers; errors for unknown ones."""
    errors: dict[str, str] = {}
    by_key = {number_key(d.number): d for d in LegalDocument.objects.all()}
    replaced_by = None
    raw = form.cleaned_data.get("replaced_by") or ""
    if raw.strip():
        replaced_by = by_key.get(number_key(raw))
        if replaced_by is None:
            errors["replaced_by"] = _(
                "Văn bản số “%(number)s” chưa có trong danh mục; vui lòng thêm văn bản đó trước."
            ) % {"number": raw.strip()}
    amended: list[LegalDocument] = []
    for item in split_list(form.cleaned_data.get("amended_by") or ""):
        found = by_key.get(number_key(item))
        if found is None:
            errors["amended_by"] = _(
                "Văn bản số “%(number)s” chưa có trong danh mục; vui lòng thêm văn bản đó trước."
            ) % {"number": item}
        else:
            amended.append(found)
    return replaced_by, amended, errors


def _law_form(request: HttpRequest, document: LegalDocument | None) -> HttpResponse:
    if not can_edit_register(request.user):
        raise PermissionDenied
    form = LegalDocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        replaced_by, amended, errors = _links(form)
        for field, message in errors.items():
            form.add_error(field, message)
        if not errors:
            fields = {
                k: form.cleaned_data[k]
                for k in (
                    "number",
                    "title",
                    "short_title",
                    "kind",
                    "issuer",
                    "issued_on",
                    "in_force_from",
                    "status",
                    "note",
                )
            }
            try:
                saved = document_save(
                    document=document,
                    actor=request.user,
                    replaced_by=replaced_by,
                    amended_by=amended,
                    **fields,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã lưu văn bản %(number)s.") % {"number": saved.number}
                )
                if saved.flagged_count:
                    messages.warning(
                        request,
                        _(
                            "%(count)s bài hỏi đáp dẫn văn bản này được đánh dấu cần rà soát; "
                            "cán bộ quản lý các bài đã được thông báo."
                        )
                        % {"count": format_int(saved.flagged_count)},
                    )
                return redirect("kb:law_detail", pk=saved.pk)
    return render(request, "kb/law_form.html", {"form": form, "document": document})


@policy(officer("kb.manage"))
def law_create(request: HttpRequest) -> HttpResponse:
    return _law_form(request, None)


@policy(officer("kb.manage"))
def law_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _law_form(request, _document(pk))


def _download(request: HttpRequest, name: str, header: list[str], rows: Any, title: str) -> Any:
    if request.GET.get("dinh_dang") == "xlsx":
        spool = tabular.xlsx_spool(title, header, rows)
        return FileResponse(
            spool, as_attachment=True, filename=f"{name}.xlsx", content_type=tabular.XLSX_TYPE
        )
    response = StreamingHttpResponse(
        tabular.csv_chunks(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@policy(officer("unit.view"))
def law_export(request: HttpRequest) -> Any:
    with translation.override("vi"):
        rows = list(laws.laws_export_rows())
    audit_record(
        action="kb.laws_export", actor=request.user, request=request, data={"rows": len(rows)}
    )
    return _download(request, "danh-muc-van-ban", laws.laws_export_header(), rows, "Văn bản")


@policy(officer("unit.view"))
def article_export(request: HttpRequest) -> Any:
    """The articles the officer may read (drafts excepted), in the importer's columns."""
    rows = list(exporting.export_rows(selectors.articles_visible_to(request.user)))
    audit_record(action="kb.export", actor=request.user, request=request, data={"rows": len(rows)})
    return _download(
        request, "hoi-dap-phap-luat", exporting.export_header(), rows, exporting.SHEET_TITLE
    )


# --- reviews --------------------------------------------------------------------------------


@policy(officer("kb.manage"))
def review_queue(request: HttpRequest, code: str | None = None) -> HttpResponse:
    unit = access.get_unit(request.user, perm="kb.manage", code=code) if code else None
    reason = request.GET.get("ly_do", "")
    if reason not in (selectors.REVIEW_FLAGGED, selectors.REVIEW_OVERDUE):
        reason = ""
    category = request.GET.get("linh_vuc", "")
    if category not in category_codes():
        category = ""
    document = None
    raw = request.GET.get("van_ban", "")
    if raw.isdigit():
        document = LegalDocument.objects.filter(pk=int(raw)).first()
    rows = selectors.review_queue(
        user=request.user, unit=unit, reason=reason, document=document, category=category
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    today = timezone.localdate()
    for article in page.object_list:
        due = review_due_on(article)
        article.review_due = due  # type: ignore[attr-defined]
        article.review_overdue = (  # type: ignore[attr-defined]
            due <= today if due is not None else article.status != ArticleStatus.DRAFT
        )
    counts = {
        "flagged": selectors.review_queue(
            user=request.user, unit=unit, reason=selectors.REVIEW_FLAGGED
        ).count(),
        "overdue": selectors.review_queue(
            user=request.user, unit=unit, reason=selectors.REVIEW_OVERDUE
        ).count(),
    }
    return render(
        request,
        "kb/review_queue.html",
        {
            "unit": unit,
            "page": page,
            "articles": page.object_list,
            "reason": reason,
            "category": category,
            "document": document,
            "categories": category_choices(),
            "counts": counts,
            "flagged_key": selectors.REVIEW_FLAGGED,
            "overdue_key": selectors.REVIEW_OVERDUE,
            "here": request.get_full_path(),
            "review_months": settings.LANTOA_KB_REVIEW_MONTHS,
        },
    )


@policy(officer("kb.manage"))
@require_POST
def article_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk, manage=True)
    try:
        article_record_review(article=article, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã ghi nhận bài “%(title)s” được rà soát hôm nay.") % {"title": article.title},
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("kb:detail", kwargs={"pk": article.pk}))
