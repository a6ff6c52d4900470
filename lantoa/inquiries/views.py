"""The officers' inquiry desk: inbox, case page and its actions, hotline/walk-in logging,
canned answers, desk settings, report. Thin adapters over ``selectors``, ``services`` and
``reports``; a case outside the officer's subtrees is a 404 (``selectors.inquiry_for``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.accounts.models import User
from lantoa.audit.services import audit_record
from lantoa.core import tabular
from lantoa.core.forms import add_service_errors
from lantoa.core.net import is_htmx
from lantoa.core.text import mask_personal_data, visible_text
from lantoa.inquiries import counts as new_counts
from lantoa.inquiries import privacy, reports, selectors, services, similar
from lantoa.inquiries.forms import (
    ArticleFromInquiryForm,
    AssignForm,
    CannedAnswerForm,
    CategoriseForm,
    InboxFilterForm,
    LogCallForm,
    NoteForm,
    ReassignForm,
    ReplyForm,
    ReportPeriodForm,
    SettingsForm,
)
from lantoa.inquiries.intake import response_hours_for
from lantoa.inquiries.models import (
    CannedAnswer,
    Inquiry,
    InquiryContact,
    OutboundReply,
    UnitInquirySettings,
)
from lantoa.inquiries.outbox import PUSHED_SOURCES
from lantoa.kb.selectors import articles_visible_to, kb_suggest
from lantoa.kb.services import anonymise_for_inquiry, article_create_from_inquiry
from lantoa.units.models import UnitStatus
from lantoa.units.selectors import unit_search

PAGE_SIZE = 30
PICK_LIMIT = 30
EXPORT_LIMIT = 50_000


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here runs behind an officer policy


def _to_detail(inquiry: Inquiry, anchor: str = "") -> HttpResponse:
    return redirect(reverse("inquiries:detail", args=[inquiry.code]) + anchor)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---------------------------------------------------------------------------------------------
# Inbox


def _filters(
    request: HttpRequest, form: InboxFilterForm, near: similar.Neighbours | None = None
) -> selectors.InboxFilters:
    """The chips from the query string; a bad field is reported on the form and ignored,
    the others still apply. ``near``: the similar questions of the viewer's scope, for the
    "có câu hỏi giống nhau" chip."""
    filters = selectors.InboxFilters()
    form.is_valid()
    data = form.cleaned_data
    filters.source = data.get("kenh") or ""
    filters.category = data.get("linh_vuc") or ""
    filters.text = data.get("q") or ""
    filters.start = form.day_start(data.get("tu"))
    end = data.get("den")
    filters.end = form.day_start(end + dt.timedelta(days=1) if end else None)
    if data.get("giong") and near is not None:
        filters.with_similar = near.with_similar()
    code = (data.get("don_vi") or "").strip()
    if code:
        filters.unit = access.visible_units(request.user, "inquiry.view").filter(code=code).first()
        if filters.unit is None:
            form.add_error(
                "don_vi",
                _("Không tìm thấy đơn vị có mã “%(code)s” trong phạm vi anh/chị phụ trách.")
                % {"code": code},
            )
    return filters


def _tab(params: Any) -> str:
    """The ``xem`` tab of a query string or form (the default one when unknown)."""
    tab = params.get("xem", selectors.DEFAULT_TAB)
    return tab if tab in dict(selectors.TABS) else selectors.DEFAULT_TAB


@policy(officer("inquiry.view"))
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = InboxFilterForm(request.GET)
    now = timezone.now()
    visible = selectors.inquiries_visible_to(user)
    # Similar recent questions: every vector of the scope's last days in one query, compared
    # in memory (for the chip: all of them; else only the page's rows).
    near = similar.neighbours(visible, now=now) if request.GET.get("giong") else None
    filters = _filters(request, form, near)
    tab = _tab(request.GET)
    page = Paginator(selectors.inbox(user, filters, tab=tab, now=now), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    counts = selectors.inbox_counts(user, filters, now=now)
    if near is None:
        near = similar.neighbours(visible, now=now, rows=[i.pk for i in page.object_list])
    sees_contact = privacy.contact_checker(user)
    for row in page.object_list:
        # What the worker typed is masked on the rows whose contact the officer may not see.
        setattr(row, "sees_contact", sees_contact(row))  # noqa: B010
        setattr(row, "similar_count", len(near.of(row.pk)))  # noqa: B010
    handles = access.visible_units(user, "inquiry.handle").exists()
    context = {
        "form": form,
        "filters": filters,
        "tab": tab,
        # The bulk bar: the officers who may be given at least one case of the page.
        "bulk_officers": selectors.bulk_assignees(list(page.object_list)) if handles else [],
        "searches_sender": privacy.contact_unit_ids(user) != set(),
        "tabs": [(slug, str(label), counts[slug]) for slug, label in selectors.TABS],
        "page": page,
        "now": now,
        "my_units": selectors.inbox_units(user),
        "can_handle": handles,
        "query_without_tab": _query_without(request, "xem", "trang"),
        "htmx": is_htmx(request),
    }
    template = "inquiries/_inbox_results.html" if is_htmx(request) else "inquiries/inbox.html"
    return render(request, template, context)


@policy(officer("inquiry.handle"))
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """The bulk bar: give the ticked cases to one officer, or close them. Each case goes through
    the one-case service, so the same rules and audit apply; the cases that could not be done
    are listed by code with why, the others are done."""
    user = _user(request)
    codes = request.POST.getlist("ma")
    back = reverse("inquiries:inbox")
    # Back to the same tab and filters: the query string re-encoded, under the inbox's path.
    query = QueryDict(request.POST.get("quay_lai", "")).urlencode()
    if query:
        back += "?" + query
    action = request.POST.get("thao_tac", "")
    if not codes:
        messages.error(request, _("Vui lòng chọn ít nhất một câu hỏi."))
        return redirect(back)
    try:
        if action == "giao":
            picked = request.POST.get("nguoi_xu_ly", "")
            if picked == "me":
                picked = str(user.pk)
            assignee = (
                User.objects.filter(pk=int(picked), is_active=True).first()
                if picked.isdecimal()
                else None
            )
            if assignee is None:
                messages.error(request, _("Vui lòng chọn cán bộ được giao xử lý."))
                return redirect(back)
            outcome = services.inquiries_bulk_assign(actor=user, codes=codes, assignee=assignee)
            done = _("Đã giao %(n)s câu hỏi cho %(name)s xử lý.") % {
                "n": len(outcome.done),
                "name": assignee.get_full_name(),
            }
        elif action == "dong":
            outcome = services.inquiries_bulk_close(actor=user, codes=codes)
            done = _("Đã đóng %(n)s câu hỏi.") % {"n": len(outcome.done)}
        else:
            messages.error(request, _("Vui lòng chọn việc cần làm với các câu hỏi đã chọn."))
            return redirect(back)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    if outcome.done:
        messages.success(request, done)
    if outcome.refused:
        messages.error(
            request,
            _("Không thực hiện được với %(n)s câu hỏi: %(list)s")
            % {
                "n": len(outcome.refused),
                "list": "; ".join(f"{code} ({why})" for code, why in outcome.refused),
            },
        )
    return redirect(back)


@policy(officer("inquiry.view"))
def new_count(request: HttpRequest) -> HttpResponse:
    """How many new questions nobody has been given yet, for the page to show without a
    reload (``static/lantoa/header-counts.js``)."""
    response = JsonResponse({"count": new_counts.new_unassigned(_user(request))})
    response["Cache-Control"] = "private, no-store"
    return response


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@policy(officer("inquiry.view"))
@require_POST
def inbox_export(request: HttpRequest) -> HttpResponse:
    """CSV of the cases under the current filters. Contact details only when the officer
    ticks "kèm thông tin liên hệ", and then only for the cases whose contacts they may see;
    such an export is audited. On the other rows the phone numbers, e-mail addresses and ID
    numbers typed in the summary are masked, as on the screen."""
    user = _user(request)
    form = InboxFilterForm(request.POST)
    filters = _filters(request, form)
    tab = _tab(request.POST)
    with_contact = request.POST.get("lien_he") == "1"
    now = timezone.now()
    rows = selectors.inbox(user, filters, tab=tab, now=now)[:EXPORT_LIMIT]
    header = [
        _("Mã"),
        _("Ngày tiếp nhận"),
        _("Đơn vị xử lý"),
        _("Kênh"),
        _("Loại"),
        _("Lĩnh vực"),
        _("Tóm tắt"),
        _("Trạng thái"),
        _("Khẩn"),
        _("Người xử lý"),
        _("Trả lời lần đầu"),
        _("Chuyển lên"),
    ]
    if with_contact:
        header += [_("Họ tên"), _("Số điện thoại"), _("Thư điện tử")]
    lines: list[list[Any]] = []
    count = shown = 0
    if with_contact:
        rows = rows.select_related("contact")
    sees_contact = privacy.contact_checker(user)
    for inquiry in rows:
        visible = sees_contact(inquiry)
        line: list[Any] = [
            inquiry.code,
            timezone.localtime(inquiry.received_at).strftime("%d/%m/%Y %H:%M"),
            inquiry.unit.name,
            inquiry.get_source_display(),
            inquiry.get_kind_display(),
            inquiry.get_category_display() if inquiry.category else "",
            visible_text(inquiry.subject) if visible else mask_personal_data(inquiry.subject),
            inquiry.get_status_display(),
            _("Có") if inquiry.urgent else "",
            inquiry.assignee.get_full_name() if inquiry.assignee else "",
            timezone.localtime(inquiry.first_responded_at).strftime("%d/%m/%Y %H:%M")
            if inquiry.first_responded_at
            else "",
            inquiry.escalated_to.name if inquiry.escalated_to else "",
        ]
        if with_contact:
            contact = getattr(inquiry, "contact", None) if not inquiry.anonymous else None
            if contact is not None and visible:
                line += [contact.name, contact.phone, contact.email]
                shown += 1
            else:
                line += ["", "", ""]
        lines.append(line)
        count += 1
    audit_record(
        action="inquiry.export_contacts" if with_contact else "inquiry.export",
        actor=user,
        request=request,
        data={"rows": count, "contacts": shown, "tab": tab},
    )
    response = HttpResponse(tabular.csv_text(header, lines), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="hop-thu-{stamp}.csv"'
    return response


# ---------------------------------------------------------------------------------------------
# One case


def _prefill(request: HttpRequest, inquiry: Inquiry) -> str | None:
    """Reply text with a canned answer (``?mau=``) or a knowledge-base answer (``?bai=``)
    appended to what the officer has typed (``body``, sent along by HTMX)."""
    typed = request.GET.get("body", "").rstrip()
    insert = ""
    canned = request.GET.get("mau", "")
    article = request.GET.get("bai", "")
    if canned.isdecimal():
        found = selectors.canned_answers_for(inquiry.unit).filter(pk=int(canned)).first()
        insert = found.body if found else ""
    elif article.isdecimal():
        found_article = articles_visible_to(request.user).filter(pk=int(article)).first()
        insert = found_article.answer if found_article else ""
    else:
        return None
    return f"{typed}\n\n{insert}".strip() if typed else insert


def can_handle(user: Any, inquiry: Inquiry) -> bool:
    return any(
        access.can(user, "inquiry.handle", u)
        for u in (inquiry.unit, inquiry.escalated_to)
        if u is not None
    )


def _similar_rows(user: User, inquiry: Inquiry) -> list[Inquiry]:
    rows = similar.similar_to(inquiry, selectors.inquiries_visible_to(user))
    sees_contact = privacy.contact_checker(user)
    for row in rows:
        setattr(row, "sees_contact", sees_contact(row))  # noqa: B010
    return rows


def _detail_context(request: HttpRequest, inquiry: Inquiry, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    handle = can_handle(user, inquiry)
    question = selectors.first_question(inquiry)
    has_contact = InquiryContact.objects.filter(inquiry=inquiry).exists()
    sees_contact = privacy.contact_visible_to(user, inquiry)
    context: dict[str, Any] = {
        "inquiry": inquiry,
        "unit": inquiry.unit,
        "now": timezone.now(),
        "timeline": selectors.inquiry_timeline(inquiry),
        "can_handle": handle,
        "can_make_article": access.can(user, "kb.manage", inquiry.unit)
        and bool(inquiry.first_responded_at),
        "has_contact": has_contact,
        "contact_allowed": has_contact and sees_contact,
        # Off: the phone numbers, e-mails and ID numbers in the worker's text are masked.
        "sees_contact": sees_contact,
        "contact": None,
        "pushed": inquiry.source in PUSHED_SOURCES,
        # Empty unless the officer may see this contact (and then only cases whose contact
        # they may see): nothing, not even a count, tells others the worker wrote before.
        "from_sender": selectors.other_inquiries_from_sender(user, inquiry),
        # Codes and subjects only (masked as the officer's contact rights say), no contact.
        "similar": _similar_rows(user, inquiry),
        "suggestions": kb_suggest(
            text=f"{inquiry.subject} {question}", category=inquiry.category, limit=5, user=user
        ),
    }
    if handle:
        context.update(
            canned=list(selectors.canned_answers_for(inquiry.unit, inquiry.category)[:30]),
            reply_form=forms.get("reply_form") or ReplyForm(),
            note_form=forms.get("note_form") or NoteForm(),
            categorise_form=CategoriseForm(
                initial={"category": inquiry.category, "kind": inquiry.kind}
            ),
            assign_form=AssignForm(
                initial={"assignee": inquiry.assignee_id or ""},
                officers=list(selectors.assignable_officers(inquiry)),
            ),
        )
    context.update(forms)
    return context


@policy(officer("inquiry.view"))
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = selectors.inquiry_for(request.user, ref)
    prefill = _prefill(request, inquiry) if can_handle(request.user, inquiry) else None
    if prefill is not None:
        form = ReplyForm(initial={"body": prefill})
        if is_htmx(request):
            return render(request, "inquiries/_reply_body.html", {"reply_form": form})
        return render(
            request, "inquiries/detail.html", _detail_context(request, inquiry, reply_form=form)
        )
    return render(request, "inquiries/detail.html", _detail_context(request, inquiry))


def _handled(request: HttpRequest, ref: str) -> Inquiry:
    return selectors.inquiry_for(request.user, ref, "inquiry.handle")


@policy(officer("inquiry.view"))
@require_POST
def contact(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = selectors.inquiry_for(request.user, ref)
    try:
        found = services.inquiry_contact_reveal(
            inquiry=inquiry, actor=_user(request), request=request
        )
    except PermissionError:
        return HttpResponseForbidden(
            _("Chỉ cán bộ của đơn vị đang xử lý câu hỏi mới được xem thông tin liên hệ.")
        )
    if is_htmx(request):
        return render(
            request,
            "inquiries/_contact.html",
            {"inquiry": inquiry, "contact": found, "has_contact": True, "contact_allowed": True},
        )
    context = _detail_context(request, inquiry)
    context["contact"] = found
    return render(request, "inquiries/detail.html", context)


@policy(officer("inquiry.handle"))
@require_POST
def reply(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = _handled(request, ref)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_reply(
                inquiry=inquiry,
                body=form.cleaned_data["body"],
                actor=_user(request),
                close=form.cleaned_data["close"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if inquiry.source in PUSHED_SOURCES:
                messages.success(request, _("Đã lưu câu trả lời và đang gửi cho người lao động."))
            else:
                messages.success(request, _("Đã lưu câu trả lời."))
            return _to_detail(inquiry)
    return render(
        request,
        "inquiries/detail.html",
        _detail_context(request, inquiry, reply_form=form),
        status=400,
    )


@policy(officer("inquiry.handle"))
@require_POST
def note(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = _handled(request, ref)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_note(
                inquiry=inquiry, body=form.cleaned_data["body"], actor=_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm ghi chú nội bộ."))
            return _to_detail(inquiry, "#ghi-chu")
    return render(
        request,
        "inquiries/detail.html",
        _detail_context(request, inquiry, note_form=form),
        status=400,
    )


@policy(officer("inquiry.handle"))
@require_POST
def assign(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = _handled(request, ref)
    user = _user(request)
    if request.POST.get("assignee") == "me":
        assignee: User | None = user
    else:
        form = AssignForm(request.POST, officers=list(selectors.assignable_officers(inquiry)))
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.get("assignee") or []))
            return _to_detail(inquiry)
        assignee = form.cleaned_data["assignee"]
    try:
        services.inquiry_assign(inquiry=inquiry, assignee=assignee, actor=user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if assignee is None:
            messages.success(request, _("Đã bỏ phân công."))
        else:
            messages.success(
                request, _("Đã giao cho %(name)s xử lý.") % {"name": assignee.get_full_name()}
            )
    return _to_detail(inquiry)


@policy(officer("inquiry.handle"))
@require_POST
def categorise(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = _handled(request, ref)
    form = CategoriseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Lĩnh vực hoặc loại câu hỏi không hợp lệ."))
        return _to_detail(inquiry)
    return _act(
        request,
        inquiry,
        lambda: services.inquiry_categorise(
            inquiry=inquiry,
            category=form.cleaned_data["category"],
            kind=form.cleaned_data["kind"],
            actor=_user(request),
        ),
        _("Đã lưu phân loại."),
    )


def _act(request: HttpRequest, inquiry: Inquiry, action: Any, done: str) -> HttpResponse:
    """Run one service call; its refusal or ``done`` as a message, back to the case."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return _to_detail(inquiry)


@policy(officer("inquiry.handle"))
@require_POST
def close(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = _handled(request, ref)
    by = _user(request)
    return _act(
        request,
        inquiry,
        lambda: services.inquiry_close(inquiry=inquiry, actor=by),
        _("Đã đóng câu hỏi."),
    )


@policy(officer("inquiry.handle"))
@require_POST
def reopen(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = _handled(request, ref)
    by = _user(request)
    return _act(
        request,
        inquiry,
        lambda: services.inquiry_reopen(inquiry=inquiry, actor=by),
        _("Đã mở lại câu hỏi."),
    )


@policy(officer("inquiry.handle"))
@require_POST
def retry(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    inquiry = _handled(request, ref)
    outbound = OutboundReply.objects.filter(pk=pk, message__inquiry=inquiry).first()
    if outbound is None:
        raise Http404
    if services.inquiry_reply_retry(outbound=outbound, inquiry=inquiry, actor=_user(request)):
        messages.success(request, _("Đang gửi lại câu trả lời."))
    else:
        messages.error(request, _("Câu trả lời này không ở trạng thái gửi lỗi."))
    return _to_detail(inquiry, "#dong-thoi-gian")


@policy(officer("inquiry.handle"))
def reassign(request: HttpRequest, ref: str) -> HttpResponse:
    inquiry = _handled(request, ref)
    user = _user(request)
    offered = access.visible_units(user, "inquiry.handle").filter(status=UnitStatus.ACTIVE)
    form = ReassignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = offered.filter(code=form.cleaned_data["unit"].strip()).first()
        if target is None:
            form.add_error(
                "unit",
                _("Không tìm thấy đơn vị có mã “%(code)s” trong phạm vi anh/chị phụ trách.")
                % {"code": form.cleaned_data["unit"]},
            )
        else:
            try:
                services.inquiry_reassign(
                    inquiry=inquiry, unit=target, actor=user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã chuyển câu hỏi cho %(unit)s xử lý.") % {"unit": target.name},
                )
                if selectors.inquiries_visible_to(user).filter(pk=inquiry.pk).exists():
                    return _to_detail(inquiry)
                return redirect("inquiries:inbox")
    query = request.GET.get("q", "").strip()
    candidates = list(
        unit_search(
            offered.exclude(pk=inquiry.unit_id).select_related("parent"), query, limit=PICK_LIMIT
        )
    )
    context = {
        "inquiry": inquiry,
        "unit": inquiry.unit,
        "form": form,
        "query": query,
        "candidates": candidates,
        "picked": request.POST.get("unit", ""),
    }
    return render(request, "inquiries/reassign.html", context)


@policy(officer("inquiry.handle"))
def erase_contact(request: HttpRequest, ref: str) -> HttpResponse:
    """Delete the worker's personal data on request (the case and its figures stay)."""
    inquiry = _handled(request, ref)
    if not privacy.contact_visible_to(request.user, inquiry):
        return HttpResponseForbidden(
            _("Chỉ cán bộ của đơn vị đang xử lý câu hỏi mới được xóa thông tin cá nhân.")
        )
    if request.method == "POST":
        privacy.inquiry_erase_contact(inquiry=inquiry, actor=_user(request))
        messages.success(request, _("Đã xóa thông tin cá nhân của người lao động."))
        return _to_detail(inquiry)
    return render(
        request, "inquiries/erase_confirm.html", {"inquiry": inquiry, "unit": inquiry.unit}
    )


@policy(officer("kb.manage"))
def make_article(request: HttpRequest, ref: str) -> HttpResponse:
    """Turn an answered case into a draft knowledge-base article, anonymised."""
    inquiry = selectors.inquiry_for(request.user, ref)
    access.require(request.user, "kb.manage", inquiry.unit)
    if not inquiry.first_responded_at:
        messages.error(request, _("Chỉ tạo được bài từ câu hỏi đã có câu trả lời."))
        return _to_detail(inquiry)
    initial = {
        "title": anonymise_for_inquiry(visible_text(inquiry.subject), inquiry),
        "question": anonymise_for_inquiry(visible_text(selectors.first_question(inquiry)), inquiry),
        "answer": anonymise_for_inquiry(visible_text(selectors.last_answer(inquiry)), inquiry),
    }
    form = ArticleFromInquiryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            article = article_create_from_inquiry(
                inquiry=inquiry, actor=_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo bài nháp “%(title)s” (đã lược bỏ thông tin cá nhân), chờ duyệt.")
                % {"title": article.title},
            )
            return redirect("kb:detail", pk=article.pk)
    return render(
        request,
        "inquiries/article_form.html",
        {"inquiry": inquiry, "unit": inquiry.unit, "form": form},
    )


# ---------------------------------------------------------------------------------------------
# Unit-scoped screens


def _parse_when(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


@policy(officer("inquiry.handle"))
def log_call(request: HttpRequest, code: str) -> HttpResponse:
    """Ghi nhận cuộc gọi, buổi tiếp người lao động."""
    unit = access.get_unit(request.user, perm="inquiry.handle", code=code)
    form = LogCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inquiry = services.inquiry_log_call(
                unit=unit,
                actor=_user(request),
                source=data["source"],
                body=data["body"],
                name=data["name"],
                phone=data["phone"],
                anonymous=data["anonymous"],
                workplace=data["workplace"],
                category=data["category"],
                kind=data["kind"],
                answered_body=data["answered_body"],
                consent=data["consent"],
                at=_parse_when(data["received_at"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Đã ghi nhận, mã tra cứu %(code)s.") % {"code": inquiry.code}
            )
            return _to_detail(inquiry)
    return render(request, "inquiries/log_call.html", {"unit": unit, "form": form})


@policy(officer("inquiry.handle"))
def canned_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="inquiry.handle", code=code)
    form = CannedAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.canned_answer_create(
                unit=unit, actor=_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm câu trả lời mẫu “%(t)s”.") % {"t": answer.title})
            return redirect("inquiries:canned", code=unit.code)
    context = {
        "unit": unit,
        "form": form,
        "own": selectors.canned_answers_of(unit),
        "inherited": selectors.canned_answers_for(unit).exclude(unit=unit).select_related("unit"),
    }
    return render(request, "inquiries/canned_list.html", context)


def _canned(request: HttpRequest, pk: int) -> CannedAnswer:
    answer = CannedAnswer.objects.select_related("unit").filter(pk=pk).first()
    if answer is None:
        raise Http404
    access.require(request.user, "inquiry.handle", answer.unit)
    return answer


@policy(officer("inquiry.handle"))
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _canned(request, pk)
    initial = {"title": answer.title, "category": answer.category, "body": answer.body}
    form = CannedAnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_answer_update(answer=answer, actor=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu câu trả lời mẫu."))
            return redirect("inquiries:canned", code=answer.unit.code)
    return render(
        request, "inquiries/canned_form.html", {"unit": answer.unit, "answer": answer, "form": form}
    )


@policy(officer("inquiry.handle"))
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _canned(request, pk)
    if request.method == "POST":
        unit = answer.unit
        services.canned_answer_delete(answer=answer, actor=_user(request))
        messages.success(request, _("Đã xóa câu trả lời mẫu."))
        return redirect("inquiries:canned", code=unit.code)
    return render(
        request, "inquiries/canned_confirm_delete.html", {"unit": answer.unit, "answer": answer}
    )


@policy(officer("inquiry.settings"))
def desk_settings(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="inquiry.settings", code=code)
    own = UnitInquirySettings.objects.filter(unit=unit).first()
    initial = {
        "response_hours": own.response_hours if own else response_hours_for(unit),
        "retention_days": own.retention_days if own else privacy.retention_days_for(unit),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.inquiry_settings_update(unit=unit, actor=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thiết lập hộp thư của đơn vị."))
            return redirect("inquiries:settings", code=unit.code)
    return render(request, "inquiries/settings.html", {"unit": unit, "form": form, "own": own})


def _period(request: HttpRequest) -> tuple[ReportPeriodForm, reports.Period]:
    now = timezone.localtime()
    form = ReportPeriodForm(request.GET or None)
    period = reports.current_year(now)
    if form.is_valid():
        kind = form.cleaned_data["ky"]
        year = form.cleaned_data["nam"] or now.year
        number = form.cleaned_data["so"] or 1
        try:
            period = reports.make_period(kind, year, number)
        except ValueError as exc:
            form.add_error("so", str(exc))
    return form, period


@policy(officer("inquiry.report"))
def report(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="inquiry.report", code=code)
    form, period = _period(request)
    context = {
        "unit": unit,
        "form": form,
        "report": reports.inquiry_report(unit, period),
        "query": request.GET.urlencode(),
    }
    return render(request, "inquiries/report.html", context)


def _vn_number(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return value


@policy(officer("inquiry.report"))
def report_export(request: HttpRequest, code: str) -> HttpResponse:
    """The report's figures as CSV (Vietnamese decimal comma) or XLSX (real numbers)."""
    unit = access.get_unit(request.user, perm="inquiry.report", code=code)
    _form, period = _period(request)
    data = reports.export_rows(reports.inquiry_report(unit, period))
    name = f"bao-cao-hop-thu-{unit.code}-{period.kind}-{period.year}-{period.number}"
    if request.GET.get("dinh_dang") == "xlsx":
        title = f"{unit.name} — {period.label}"
        spool = tabular.xlsx_spool("Hỏi đáp", [title], [reports.EXPORT_HEADER, *data])
        response = HttpResponse(spool.read(), content_type=tabular.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    rows = [[_vn_number(v) if v is not None else "" for v in row] for row in data]
    response = HttpResponse(
        tabular.csv_text(reports.EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
