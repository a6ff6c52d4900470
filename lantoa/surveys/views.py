"""Officers' survey screens: a unit's list, create from a template, the survey page (status,
questionnaire, actions), question editing while draft, quotas, codes and their printable
list, progress per unit and per cell, the paper entry form, results and exports, and the QR
code of each unit's link. Thin adapters over selectors and services.

A survey is looked at from a unit (``selectors.viewing_unit``): its own unit, or, once
approved, a unit below that collects for it, whose officers then see their subtree only."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.audit.services import audit_record
from lantoa.core.forms import add_service_errors
from lantoa.core.text import format_int, mask_personal_data
from lantoa.surveys import analysis, distribution, exports, forms, paper, selectors, services
from lantoa.surveys.models import (
    Question,
    QuotaCell,
    Survey,
    SurveyAnnouncement,
    SurveyStatus,
)
from lantoa.surveys.words import frequent_words
from lantoa.units.models import Unit, UnitClosure
from lantoa.units.selectors import active_children

S = SurveyStatus


def _back(pk: int, unit: Unit, survey: Survey, name: str = "surveys:detail") -> HttpResponse:
    url = reverse(name, kwargs={"pk": pk})
    if unit.pk != survey.unit_id:
        url += f"?don-vi={unit.code}"
    return redirect(url)


def _public_url(request: HttpRequest, survey: Survey, unit: Unit) -> str:
    path = reverse("surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": unit.code})
    base = str(settings.LANTOA_PUBLIC_URL)
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _context(request: HttpRequest, survey: Survey, unit: Unit, tab: str) -> dict[str, Any]:
    held = access.permissions_at(request.user, unit)
    own = unit.pk == survey.unit_id
    return {
        "survey": survey,
        "unit": unit,
        "tab": tab,
        "own": own,
        "unit_param": "" if own else f"?don-vi={unit.code}",
        "can_manage": own and "survey.manage" in held,
        "can_approve": own and "survey.approve" in held,
        "can_enter": "survey.enter" in held,
        "can_export": "data.export" in held,
        "collecting": services.is_collecting(survey),
    }


def _load(request: HttpRequest, pk: int) -> tuple[Survey, Unit]:
    return selectors.get_survey(request.user, pk, request.GET.get("don-vi", ""))


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- list and create --------------------------------------------------------------------------


@policy(officer("survey.view"))
@require_GET
def unit_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="survey.view", code=code)
    surveys = list(selectors.surveys_of_unit(unit)[:200])
    return render(
        request,
        "surveys/unit_list.html",
        {
            "unit": unit,
            "surveys": surveys,
            "can_create": access.can(request.user, "survey.manage", unit),
        },
    )


def _day_start(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day_end(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _meta(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "purpose": data.get("purpose") or "",
        "audience": data["audience"],
        "anonymous": bool(data.get("anonymous")),
        "codes_required": bool(data.get("codes_required")),
        "double_entry": bool(data.get("double_entry")),
        "opens_at": _day_start(data.get("opens_on")),
        "closes_at": _day_end(data.get("closes_on")),
    }


@policy(officer("survey.manage"))
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="survey.manage", code=code)
    form = forms.SurveyCreateForm(request.POST or None, initial={"anonymous": True})
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(
                unit=unit,
                actor=request.user,
                template_key=form.cleaned_data.get("template_key") or "",
                sample_size=form.cleaned_data.get("sample_size"),
                **_meta(form.cleaned_data),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo bản nháp “%(t)s”.") % {"t": survey.title})
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"unit": unit, "form": form})


# --- the survey page --------------------------------------------------------------------------


@policy(officer("survey.view"))
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey, unit = _load(request, pk)
    version = survey.current_version()
    questions = list(version.questions.select_related("section"))
    links = []
    if survey.status in selectors.PUBLISHED:
        for u in [unit, *active_children(unit)[:50]]:
            links.append({"unit": u, "url": _public_url(request, survey, u)})
    ctx = _context(request, survey, unit, "detail")
    return render(
        request,
        "surveys/detail.html",
        {
            **ctx,
            "version": version,
            "blocks": forms.questionnaire_blocks(questions),
            "question_count": len(questions),
            "editable": survey.status == S.DRAFT and not version.is_published,
            "links": links,
            "response_count": selectors.responses_in(survey, unit).count(),
            "template_used": bool(survey.template_key),
            "can_copy": _copy_target(request, survey, unit) is not None,
            "can_announce": survey.status in selectors.PUBLISHED
            and access.can(request.user, "content.edit", unit),
            "announcement": SurveyAnnouncement.objects.filter(survey=survey, unit=unit)
            .select_related("content")
            .first(),
            "linked_campaigns": list(survey.campaigns.select_related("owner")),
            "campaign_choices": list(distribution.campaign_choices(survey)[:200])
            if ctx["can_manage"]
            else [],
        },
    )


@policy(officer("survey.manage"))
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "detail")
    if not ctx["can_manage"]:
        raise PermissionDenied
    initial = {
        "title": survey.title,
        "purpose": survey.purpose,
        "audience": survey.audience,
        "anonymous": survey.anonymous,
        "codes_required": survey.codes_required,
        "double_entry": survey.double_entry,
        "opens_on": timezone.localtime(survey.opens_at).date() if survey.opens_at else None,
        "closes_on": (timezone.localtime(survey.closes_at) - dt.timedelta(days=1)).date()
        if survey.closes_at
        else None,
    }
    form = forms.SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(survey=survey, actor=request.user, **_meta(form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin cuộc khảo sát."))
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {**ctx, "form": form})


def _copy_target(request: HttpRequest, survey: Survey, unit: Unit) -> Unit | None:
    """Where a copy goes: the survey's own unit, or (seen from below) the officer's unit,
    when they manage surveys there."""
    target = survey.unit if unit.pk == survey.unit_id else access.home_unit(request.user)
    if target is None or not access.can(request.user, "survey.manage", target):
        return None
    return target


@policy(officer("survey.view"))
@require_POST
def survey_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The workflow buttons: gửi duyệt, duyệt, trả lại, mở, kết thúc, phiên bản mới, sao chép."""
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "detail")
    user = request.user
    done = {
        "gui-duyet": _("Đã gửi duyệt."),
        "duyet": _("Đã duyệt; bảng hỏi không sửa được nữa."),
        "tra-lai": _("Đã trả lại để sửa."),
        "mo": _("Đã mở thu phiếu."),
        "ket-thuc": _("Đã kết thúc thu phiếu."),
        "phien-ban-moi": _("Đã tạo phiên bản mới của bảng hỏi; gửi duyệt lại sau khi sửa."),
    }
    needs = {"duyet": "can_approve", "tra-lai": "can_approve"}
    if action == "sao-chep":
        target = _copy_target(request, survey, unit)
        if target is None:
            raise PermissionDenied
        try:
            copy = services.survey_copy(survey=survey, unit=target, actor=user)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
            return _back(pk, unit, survey)
        messages.success(request, _("Đã sao chép thành bản nháp mới."))
        return redirect("surveys:detail", pk=copy.pk)
    if action not in done:
        raise Http404
    if not ctx[needs.get(action, "can_manage")]:
        raise PermissionDenied
    try:
        if action == "gui-duyet":
            services.survey_submit(survey=survey, actor=user)
        elif action == "duyet":
            services.survey_approve(survey=survey, actor=user)
        elif action == "tra-lai":
            services.survey_return(
                survey=survey, actor=user, comment=request.POST.get("comment", "")
            )
        elif action == "mo":
            services.survey_open(survey=survey, actor=user)
        elif action == "ket-thuc":
            services.survey_close(survey=survey, actor=user)
        else:
            services.questionnaire_revise(survey=survey, actor=user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, done[action])
    return _back(pk, unit, survey)


# --- questions ---------------------------------------------------------------------------------


def _manage(request: HttpRequest, pk: int) -> tuple[Survey, Unit, dict[str, Any]]:
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "detail")
    if not ctx["can_manage"]:
        raise PermissionDenied
    return survey, unit, ctx


def _question_form(
    request: HttpRequest, survey: Survey, ctx: dict[str, Any], question: Question | None
) -> HttpResponse:
    version = survey.current_version()
    earlier = list(version.questions.all())
    if question is not None:
        earlier = [q for q in earlier if q.position < question.position]
    initial = forms.QuestionForm.initial_of(question) if question else {"required": True}
    form = forms.QuestionForm(request.POST or None, initial=initial, earlier=earlier)
    sections = list(version.sections.all())
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                section = next(
                    (s for s in sections if str(s.pk) == request.POST.get("section")),
                    sections[-1] if sections else None,
                )
                services.question_add(
                    survey=survey, actor=request.user, section=section, **form.service_fields()
                )
            else:
                services.question_update(
                    question=question, actor=request.user, **form.service_fields()
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu câu hỏi."))
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/question_form.html",
        {**ctx, "form": form, "question": question, "sections": sections},
    )


@policy(officer("survey.manage"))
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    survey, _unit, ctx = _manage(request, pk)
    return _question_form(request, survey, ctx, None)


def _question(survey: Survey, qid: int) -> Question:
    question = Question.objects.filter(pk=qid, questionnaire__survey=survey).first()
    if question is None:
        raise Http404
    return question


@policy(officer("survey.manage"))
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, qid: int) -> HttpResponse:
    survey, _unit, ctx = _manage(request, pk)
    return _question_form(request, survey, ctx, _question(survey, qid))


@policy(officer("survey.manage"))
@require_POST
def question_delete(request: HttpRequest, pk: int, qid: int) -> HttpResponse:
    survey, _unit, _ctx = _manage(request, pk)
    try:
        services.question_delete(question=_question(survey, qid), actor=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Đã xóa câu hỏi."))
    return redirect("surveys:detail", pk=pk)


@policy(officer("survey.manage"))
@require_POST
def section_new(request: HttpRequest, pk: int) -> HttpResponse:
    survey, _unit, _ctx = _manage(request, pk)
    try:
        services.section_add(survey=survey, actor=request.user, title=request.POST.get("title", ""))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Đã thêm phần mới vào bảng hỏi."))
    return redirect("surveys:detail", pk=pk)


# --- quotas ------------------------------------------------------------------------------------


@policy(officer("survey.view"))
@require_http_methods(["GET", "POST"])
def quotas(request: HttpRequest, pk: int) -> HttpResponse:
    """Quota cells (own unit's managers add them) and their allocation to the units directly
    below the viewing unit (its managers share out what it was given)."""
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "quotas")
    can_allocate = access.can(request.user, "survey.manage", unit)
    children = list(active_children(unit))
    form = forms.QuotaCellForm(request.POST if "label" in request.POST else None)
    if request.method == "POST":
        if "label" in request.POST:
            if not ctx["can_manage"]:
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.quota_cell_save(
                        survey=survey,
                        actor=request.user,
                        label=form.cleaned_data["label"],
                        conditions=form.cleaned_data["conditions"],
                        target=form.cleaned_data["target"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Đã thêm ô chỉ tiêu."))
                    return _back(pk, unit, survey, "surveys:quotas")
        else:
            if not can_allocate:
                raise PermissionDenied
            cell = QuotaCell.objects.filter(pk=request.POST.get("cell") or 0, survey=survey).first()
            if cell is None:
                raise Http404
            try:
                shares = {}
                for child in children:
                    raw = (request.POST.get(f"u{child.pk}") or "0").strip().replace(".", "")
                    if not raw.isdecimal():
                        raise ValidationError(
                            _("Vui lòng nhập số phiếu là số nguyên cho %(unit)s.")
                            % {"unit": child.name}
                        )
                    shares[child] = int(raw)
                services.quota_allocate(cell=cell, allocations=shares, actor=request.user)
            except ValidationError as exc:
                _errors_to_messages(request, exc)
            else:
                messages.success(request, _("Đã lưu phân bổ của “%(c)s”.") % {"c": cell.label})
            return _back(pk, unit, survey, "surveys:quotas")
    progress = selectors.progress(survey, unit)
    cells = []
    for cp in progress.cells:
        cell = cp.cell
        cells.append(
            {
                "cell": cell,
                "counted": cp.counted,
                "target": cp.target,
                "children": [
                    {
                        "unit": row.unit,
                        "count": row.cells.get(cell.pk, (0, 0))[0],
                        "target": row.cells.get(cell.pk, (0, 0))[1],
                    }
                    for row in progress.rows
                ],
            }
        )
    return render(
        request,
        "surveys/quotas.html",
        {**ctx, "cells": cells, "form": form, "can_allocate": can_allocate},
    )


# --- codes ---------------------------------------------------------------------------------------


def _entry_units(request: HttpRequest, survey: Survey, unit: Unit) -> list[Unit]:
    """Units of the viewing unit's subtree where the officer may key sheets and make codes
    (at most 500, by code)."""
    scope = access.visible_units(request.user, "survey.enter").filter(
        ancestor_links__ancestor_id=unit.pk
    )
    return list(scope.order_by("depth", "code")[:500])


@policy(officer("survey.enter"))
@require_http_methods(["GET", "POST"])
def codes(request: HttpRequest, pk: int) -> HttpResponse:
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "codes")
    units = _entry_units(request, survey, unit)
    if not units:
        raise PermissionDenied
    form = forms.CodesForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        target = next(u for u in units if u.code == form.cleaned_data["unit"])
        try:
            made = services.codes_generate(
                survey=survey, unit=target, count=form.cleaned_data["count"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo %(n)s mã cho %(unit)s.")
                % {"n": format_int(len(made)), "unit": target.name},
            )
            return _back(pk, unit, survey, "surveys:codes")
    per_unit = selectors.code_counts(survey, unit)
    return render(request, "surveys/codes.html", {**ctx, "form": form, "per_unit": per_unit})


@policy(officer("survey.enter"))
@require_GET
def codes_print(request: HttpRequest, pk: int, unit_code: str) -> HttpResponse:
    """The printable list of a unit's codes, unused first: cut into slips or copied onto
    paper sheets."""
    survey, unit = _load(request, pk)
    target = Unit.objects.filter(code=unit_code).first()
    if target is None or not UnitClosure.objects.filter(ancestor=unit, descendant=target).exists():
        raise Http404
    access.require(request.user, "survey.enter", target)
    rows = list(survey.codes.filter(unit=target).order_by("used", "number"))
    return render(
        request,
        "surveys/codes_print.html",
        {
            **_context(request, survey, unit, "codes"),
            "target": target,
            "rows": rows,
            "url": _public_url(request, survey, target),
        },
    )


# --- progress, entry, results ---------------------------------------------------------------------


@policy(officer("survey.view"))
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    survey, unit = _load(request, pk)
    found = selectors.progress(survey, unit)
    cells = [c.cell for c in found.cells]
    rows = [
        {
            "row": row,
            "cells": [
                {"cell": c, "count": row.cells[c.pk][0], "target": row.cells[c.pk][1]}
                if c.pk in row.cells
                else {"cell": c}
                for c in cells
            ],
        }
        for row in found.rows
    ]
    return render(
        request,
        "surveys/progress.html",
        {
            **_context(request, survey, unit, "progress"),
            "p": found,
            "cell_columns": cells,
            "rows": rows,
        },
    )


@policy(officer("survey.enter"))
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """A paper sheet keyed on a form that mirrors the questionnaire (same order, same
    wording, same codes), with the sheet's unit and its code."""
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "entry")
    units = _entry_units(request, survey, unit)
    if not units:
        raise PermissionDenied
    questions = list(survey.current_version().questions.select_related("section"))
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    chosen = request.POST.get("unit") or request.GET.get("nhap-cho") or units[0].code
    code = ""
    if request.method == "POST":
        values = forms.field_values(questions, request.POST)
        code = request.POST.get("code", "")
        target = next((u for u in units if u.code == chosen), None)
        try:
            if target is None:
                raise ValidationError({"unit": _("Vui lòng chọn đơn vị của phiếu.")})
            keyed = paper.paper_sheet_key(
                survey=survey,
                unit=target,
                answers=forms.raw_answers(questions, request.POST),
                code=code,
                actor=request.user,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(request, _("Vui lòng sửa các chỗ được đánh dấu rồi lưu lại."))
        else:
            if keyed.outcome == paper.FIRST:
                messages.success(
                    request,
                    _(
                        "Đã lưu lần nhập thứ nhất của phiếu %(code)s; phiếu được tính sau khi "
                        "một cán bộ khác nhập lần hai và hai lần khớp nhau. Mời nhập phiếu tiếp "
                        "theo."
                    )
                    % {"code": services.normalise_code(code)},
                )
            elif keyed.outcome == paper.MISMATCH:
                messages.warning(
                    request,
                    _(
                        "Lần nhập thứ hai của phiếu %(code)s khác lần nhập thứ nhất; phiếu chờ "
                        "xem lại ở mục “Phiếu lệch” trước khi được tính."
                    )
                    % {"code": services.normalise_code(code)},
                )
            else:
                messages.success(request, _("Đã lưu phiếu. Mời nhập phiếu tiếp theo."))
            url = reverse("surveys:entry", kwargs={"pk": pk}) + f"?nhap-cho={chosen}"
            if not ctx["own"]:
                url += f"&don-vi={unit.code}"
            return redirect(url)
    return render(
        request,
        "surveys/entry.html",
        {
            **ctx,
            "units": units,
            "chosen": chosen,
            "code": code,
            "blocks": forms.questionnaire_blocks(
                questions, values, errors, units=forms.unit_choices(survey, questions)
            ),
            "general_errors": errors.get("__all__", []) + errors.get("unit", []),
            "code_errors": errors.get("code", []),
        },
    )


@policy(officer("survey.view"))
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Per-question figures and a cross-tab of any choice question (``cau``) by the units
    below, by sector or by a single-choice question (``theo``)."""
    survey, unit = _load(request, pk)
    row_questions = {q.code: q for q in analysis.crosstab_questions(survey)}
    column_questions = analysis.crosstab_columns(survey)
    asked = next((q for q in column_questions if q.code == request.GET.get("cau", "")), None)
    by = request.GET.get("theo", "don-vi")
    crosstab = None
    if asked is not None:
        if by == "don-vi":
            crosstab = analysis.crosstab_by_unit(survey, unit, asked)
        elif by == "nganh":
            crosstab = analysis.crosstab_by_sector(survey, unit, asked)
        elif by in row_questions and by != asked.code:
            crosstab = analysis.crosstab_by_question(survey, unit, row_questions[by], asked)
    return render(
        request,
        "surveys/results.html",
        {
            **_context(request, survey, unit, "results"),
            "results": analysis.question_results(survey, unit),
            "total": selectors.responses_in(survey, unit).count(),
            "choice_questions": column_questions,
            "row_questions": list(row_questions.values()),
            "asked": asked,
            "by": by,
            "crosstab": crosstab,
            "min_cell": analysis.MIN_CELL,
            "has_waves": len(analysis.waves_of(survey)) > 1,
            "has_texts": bool(analysis.text_questions(survey)),
        },
    )


@policy(officer("survey.view"))
@require_GET
def trends(request: HttpRequest, pk: int) -> HttpResponse:
    """A choice question across the waves of the survey's series: the share of respondents
    choosing each option in each wave, small cells suppressed."""
    survey, unit = _load(request, pk)
    questions = analysis.crosstab_columns(survey)
    asked = next((q for q in questions if q.code == request.GET.get("cau", "")), None)
    if asked is None and questions:
        asked = questions[0]
    return render(
        request,
        "surveys/trends.html",
        {
            **_context(request, survey, unit, "trends"),
            "questions": questions,
            "asked": asked,
            "trend": analysis.trend(survey, unit, asked) if asked is not None else None,
            "min_cell": analysis.MIN_CELL,
        },
    )


TEXTS_PER_PAGE = 100


@policy(officer("data.export"))
@require_GET
def texts(request: HttpRequest, pk: int) -> HttpResponse:
    """The words respondents wrote (free text, "Khác"), for officers who may take the raw
    data ("data.export"): one question at a time, 100 answers a page, phone numbers, e-mail
    addresses and ID numbers masked; and the words most of them used."""
    survey, unit = _load(request, pk)
    access.require(request.user, "data.export", unit)
    questions = analysis.text_questions(survey)
    asked = next((q for q in questions if q.code == request.GET.get("cau", "")), None)
    if asked is None and questions:
        asked = questions[0]
    page = None
    words: list[Any] = []
    if asked is not None:
        found = analysis.answer_texts(survey, unit, asked)
        page = Paginator(found, TEXTS_PER_PAGE).get_page(request.GET.get("trang"))
        words = frequent_words(found.iterator(chunk_size=2000), limit=30, min_count=2)
    return render(
        request,
        "surveys/texts.html",
        {
            **_context(request, survey, unit, "texts"),
            "questions": questions,
            "asked": asked,
            "page": page,
            "answers": [mask_personal_data(t) for t in page] if page is not None else [],
            "words": words,
        },
    )


@policy(officer("survey.view"))
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The results as a Word document in the report layout (small cells suppressed)."""
    from lantoa.surveys import summary as surveys_summary  # python-docx, Pillow: not at start-up

    survey, unit = _load(request, pk)
    content = surveys_summary.summary_docx(survey, unit)
    response = HttpResponse(content, content_type=surveys_summary.DOCX_TYPE)
    name = f"tom-tat-khao-sat-{survey.slug}-{timezone.localdate().strftime('%Y%m%d')}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@policy(officer("data.export"))
@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    survey, unit = _load(request, pk)
    access.require(request.user, "data.export", unit)
    if fmt not in ("csv", "xlsx", "sav"):
        raise Http404
    audit_record(
        action="survey.export",
        actor=request.user,
        request=request,
        unit=unit,
        target=f"survey:{survey.pk}",
        data={"format": fmt},
    )
    if fmt == "csv":
        return cast(HttpResponse, exports.csv_response(survey, unit))
    if fmt == "sav":
        from lantoa.surveys import spss  # numpy, pandas: when a file is made, not at start-up

        return cast(HttpResponse, spss.sav_response(survey, unit))
    return cast(HttpResponse, exports.xlsx_response(survey, unit))


@policy(officer("survey.view"))
@require_GET
def qr(request: HttpRequest, pk: int, unit_code: str) -> HttpResponse:
    """The QR code (SVG) of a unit's response link, to print on a poster."""
    survey, unit = _load(request, pk)
    target = Unit.objects.filter(code=unit_code).first()
    if target is None or not UnitClosure.objects.filter(ancestor=unit, descendant=target).exists():
        raise Http404
    if survey.status not in selectors.PUBLISHED:
        raise Http404
    svg = segno.make(_public_url(request, survey, target), error="m", micro=False).svg_inline(
        scale=8, border=2
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{survey.slug}-{target.code}.svg"'
    return response
