"""The officers' screens of the contests: a unit's list, create and edit, the question bank
(import, export, template), rounds, review, rankings with the participation table and
their XLSX export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import OFFICER, officer, policy
from lantoa.contests import integrity, results, selectors, services
from lantoa.contests.forms import (
    BankUploadForm,
    ContestForm,
    FlagDecisionForm,
    PrizesForm,
    QuestionForm,
    ReviewForm,
    RoundForm,
)
from lantoa.contests.importing import bank_header, bank_import, bank_rows, template
from lantoa.contests.models import (
    Answer,
    Attempt,
    Contest,
    ContestKind,
    ContestStatus,
    FlagDecision,
    Question,
    Round,
)
from lantoa.contests.results import mask_phone
from lantoa.core import tabular
from lantoa.core.forms import add_service_errors
from lantoa.core.text import format_int

PAGE_SIZE = 30
FROZEN = ("submitted", "published", "drawn")  # services.question_frozen's refusals
RANKING_SHOWN = 200


def _contest(request: HttpRequest, pk: int, perm: str) -> Contest:
    """The contest if the user holds ``perm`` at its unit (404 outside their subtree)."""
    contest = Contest.objects.select_related("unit").filter(pk=pk).first()
    if contest is None:
        raise Http404
    access.require(request.user, perm, contest.unit)
    return contest


@policy(officer("contest.view"))
def unit_contests(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="contest.view", code=code)
    subtree = request.GET.get("cay") == "1"
    page = Paginator(selectors.contests_of(unit, subtree=subtree), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "contests/unit_contests.html",
        {
            "unit": unit,
            "page": page,
            "contests": page.object_list,
            "subtree": subtree,
            "can_manage": access.can(request.user, "contest.manage", unit) and unit.is_active,
        },
    )


@policy(officer("contest.manage"))
def contest_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="contest.manage", code=code)
    form = ContestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_create(unit=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo cuộc thi “%(title)s”. Tiếp theo: nhập kho câu hỏi và tạo đợt thi.")
                % {"title": contest.title},
            )
            return redirect("contests:detail", pk=contest.pk)
    return render(
        request, "contests/contest_form.html", {"unit": unit, "form": form, "contest": None}
    )


@policy(officer("contest.manage"))
def contest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    initial = {
        "title": contest.title,
        "rules": contest.rules,
        "audience": contest.audience,
        "requires_national_id": contest.requires_national_id,
    }
    form = ContestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contest_update(contest=contest, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu cuộc thi “%(title)s”.") % {"title": contest.title})
            return redirect("contests:detail", pk=contest.pk)
    return render(
        request,
        "contests/contest_form.html",
        {"unit": contest.unit, "form": form, "contest": contest},
    )


def _detail(
    request: HttpRequest, contest: Contest, *, round_form: RoundForm | None = None, status=200
) -> HttpResponse:
    held = access.permissions_at(request.user, contest.unit)
    questions = Question.objects.filter(contest=contest)
    return render(
        request,
        "contests/detail.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "rounds": list(contest.rounds.all()),
            "question_count": questions.count(),
            "topics": list(questions.order_by("topic").values_list("topic", flat=True).distinct()),
            "phase": selectors.phase(contest),
            "can_manage": "contest.manage" in held,
            "can_approve": services.can_approve(request.user, contest),
            "is_draft": contest.status == ContestStatus.DRAFT,
            "is_submitted": contest.status == ContestStatus.SUBMITTED,
            "round_form": round_form or RoundForm(),
            "review_form": ReviewForm(),
            "upload_form": BankUploadForm(),
            "public_url": request.build_absolute_uri(contest.get_public_url()),
        },
        status=status,
    )


@policy(officer("contest.view"))
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = Contest.objects.filter(pk=pk).only("kind").first()
    if contest is not None and contest.kind != ContestKind.QUIZ:
        # A video or photo contest has its own screens (lantoa.contests.media_views), which
        # let its judges in too (and answer 404 to anyone else outside the subtree).
        from lantoa.contests.media_views import _seen_by

        _seen_by(request, pk)
        return redirect("contests:media_detail", pk=pk)
    return _detail(request, _contest(request, pk, "contest.view"))


@policy(officer("contest.manage"))
@require_POST
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            rnd = services.round_create(contest=contest, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo đợt thi “%(title)s”.") % {"title": rnd.title})
            return redirect("contests:detail", pk=contest.pk)
    return _detail(request, contest, round_form=form, status=400)


@policy(officer("contest.manage"))
@require_POST
def bank_upload(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    form = BankUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        result = bank_import(
            contest=contest,
            fileobj=upload,
            filename=upload.name,
            size=upload.size,
            actor=request.user,
        )
        if result.ok:
            messages.success(request, result.summary_text())
            return redirect("contests:detail", pk=contest.pk)
        errors = [str(e) for e in result.errors[: tabular.ERRORS_SHOWN]]
    else:
        errors = [str(m) for ms in form.errors.values() for m in ms]
    return render(
        request,
        "contests/bank_errors.html",
        {"unit": contest.unit, "contest": contest, "errors": errors},
        status=400,
    )


@policy(officer("contest.view"))
def bank_export(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.view")
    if not access.can(request.user, "contest.manage", contest.unit):
        # The correct answers are for the organisers only.
        raise PermissionDenied
    spool = tabular.xlsx_spool("Câu hỏi", bank_header(), bank_rows(contest))
    response = HttpResponse(spool.read(), content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kho-cau-hoi-{contest.pk}.xlsx"'
    return response


@policy(officer("contest.manage"))
def questions(request: HttpRequest, pk: int) -> HttpResponse:
    """The bank, question by question (with the correct answers: organisers only), each with
    a link to change it unless an attempt has drawn it."""
    contest = _contest(request, pk, "contest.manage")
    bank = (
        Question.objects.filter(contest=contest)
        .annotate(drawn=Exists(Answer.objects.filter(question=OuterRef("pk"))))
        .prefetch_related("options")
        .order_by("position")
    )
    page = Paginator(bank, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "contests/questions.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "page": page,
            "questions": page.object_list,
            "frozen": services.bank_frozen(contest),
        },
    )


def _question_initial(question: Question) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "text": question.text,
        "kind": question.kind,
        "topic": question.topic,
        "difficulty": question.difficulty,
        "explanation": question.explanation,
        "legal_reference": question.legal_reference,
        "article": question.article.slug if question.article else "",
    }
    for i, option in enumerate(question.options.all(), start=1):
        initial[f"option_{i}"] = option.text
        initial[f"correct_{i}"] = option.correct
    return initial


@policy(officer("contest.manage"))
def question_edit(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    question = (
        Question.objects.select_related("article", "contest", "contest__unit")
        .filter(pk=question_id, contest=contest)
        .first()
    )
    if question is None:
        raise Http404
    refusal = services.question_frozen(question, contest)
    form = QuestionForm(request.POST or None, initial=_question_initial(question))
    status = 200
    if request.method == "POST" and refusal is None:
        if form.is_valid():
            data = form.cleaned_data
            slug = (data["article"] or "").strip()
            article = services.articles_by_slug([slug]).get(slug.lower()) if slug else None
            if slug and article is None:
                form.add_error("article", _capital(services.article_unknown(slug)))
            else:
                try:
                    services.question_update(
                        question=question,
                        text=data["text"],
                        kind=data["kind"],
                        options=form.options(),
                        topic=data["topic"],
                        difficulty=data["difficulty"],
                        explanation=data["explanation"],
                        legal_reference=data["legal_reference"],
                        article=article,
                        actor=request.user,
                    )
                except ValidationError as exc:
                    if getattr(exc, "code", None) in FROZEN:
                        refusal = exc  # an attempt drew it meanwhile, or the status changed
                    else:  # question_check's (options, correct: on the form) or the quotas'
                        add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Đã lưu câu hỏi số %(position)s.") % {"position": question.position},
                    )
                    return redirect("contests:questions", pk=contest.pk)
        status = 400
    if request.method == "POST" and refusal is not None:
        status = 409
    return render(
        request,
        "contests/question_form.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "question": question,
            "form": form,
            "refusal": " ".join(refusal.messages) if refusal is not None else "",
        },
        status=status,
    )


def _capital(message: str) -> str:
    return message[:1].upper() + message[1:]


@policy(OFFICER)
def bank_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(tabular.xlsx_template(template()), content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-kho-cau-hoi.xlsx"'
    return response


def _review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    perm = "contest.manage" if action == "submit" else "contest.approve"
    contest = _contest(request, pk, "contest.view")
    access.require(request.user, perm, contest.unit)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if action == "submit":
            services.contest_submit(contest=contest, actor=request.user)
            messages.success(request, _("Đã gửi duyệt cuộc thi."))
        elif action == "approve":
            services.contest_approve(contest=contest, actor=request.user, comment=comment)
            messages.success(request, _("Đã duyệt cuộc thi; người dự thi đăng ký được từ nay."))
        else:
            services.contest_return(contest=contest, actor=request.user, comment=comment)
            messages.success(request, _("Đã trả lại cuộc thi để sửa."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("contests:detail", pk=contest.pk)


@policy(officer("contest.manage"))
@require_POST
def contest_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "submit")


@policy(officer("contest.approve"))
@require_POST
def contest_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "approve")


@policy(officer("contest.approve"))
@require_POST
def contest_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "return")


def _round_of(contest: Contest, request: HttpRequest) -> Round | None:
    raw = request.GET.get("dot", "")
    if not raw.isdecimal():
        return None
    return contest.rounds.filter(number=int(raw)).first()


@policy(officer("contest.view"))
def rankings(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.view")
    rnd = _round_of(contest, request)
    context = {
        "unit": contest.unit,
        "contest": contest,
        "rounds": list(contest.rounds.all()),
        "round": rnd,
        "participation": selectors.participation(contest, rnd),
        "shown": RANKING_SHOWN,
    }
    if rnd is not None:
        context["round_rows"] = selectors.round_ranking(rnd, limit=RANKING_SHOWN)
        context["actual"] = selectors.round_actuals(contest).get(rnd.pk, 0)
    else:
        context["overall_rows"] = selectors.overall_ranking(contest, limit=RANKING_SHOWN)
    return render(request, "contests/rankings.html", context)


@policy(officer("contest.view"))
def rankings_export(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.view")
    if not access.can(request.user, "data.export", contest.unit):
        raise PermissionDenied
    rnd = _round_of(contest, request)
    rows: list[list[object]] = []
    if rnd is not None:
        header = [
            _("Hạng"),
            _("Họ và tên"),
            _("Đơn vị"),
            _("Số câu đúng"),
            _("Số câu hỏi"),
            _("Dự đoán"),
            _("Chênh lệch dự đoán"),
            _("Thời gian làm bài (giây)"),
            _("Nộp lúc"),
        ]
        for r in selectors.round_ranking(rnd):
            rows.append(
                [
                    r.rank,
                    r.full_name,
                    r.unit_name,
                    r.score,
                    r.total,
                    r.prediction if r.prediction is not None else "",
                    r.gap if r.gap is not None else "",
                    (r.duration_ms or 0) / 1000,
                    _local(r.submitted_at),
                ]
            )
        name = f"xep-hang-{contest.pk}-dot-{rnd.number}"
    else:
        header = [
            _("Hạng"),
            _("Họ và tên"),
            _("Đơn vị"),
            _("Tổng số câu đúng"),
            _("Tổng chênh lệch dự đoán"),
            _("Tổng thời gian (giây)"),
            _("Số đợt đã thi"),
        ]
        for o in selectors.overall_ranking(contest):
            rows.append(
                [
                    o.rank,
                    o.full_name,
                    o.unit_name,
                    o.score,
                    o.gap if o.gap < selectors.NO_PREDICTION else "",
                    o.duration_ms / 1000,
                    o.rounds,
                ]
            )
        name = f"xep-hang-{contest.pk}-toan-cuoc"
        response = HttpResponse(
            _overall_workbook(contest, header, rows), content_type=tabular.XLSX_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    spool = tabular.xlsx_spool(_("Xếp hạng"), header, rows)
    response = HttpResponse(spool.read(), content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _overall_workbook(contest: Contest, header: list[Any], rows: list[list[Any]]) -> bytes:
    """The overall ranking and, on their own sheets, the prize lists (``results.prizes``)."""
    book = tabular.xlsx_workbook()
    ranking = book.active
    ranking.title = str(_("Xếp hạng"))[:31]
    for row in [header, *rows]:
        ranking.append([str(v) if isinstance(v, Promise) else v for v in row])
    board = results.prizes(contest)
    lists: list[tuple[str, list[Any], list[list[Any]]]] = [
        (
            _("Giải cá nhân"),
            [_("Hạng"), _("Họ và tên"), _("Đơn vị"), _("Số điện thoại"), _("Số câu đúng")],
            [[r.rank, r.full_name, r.unit_name, r.phone, r.score] for r in board.individuals],
        ),
        (
            _("Giải đơn vị - số người"),
            [_("Hạng"), _("Công đoàn cơ sở"), _("Người dự thi"), _("Đoàn viên")],
            [[r.rank, r.unit.name, r.entrants, r.members] for r in board.by_entrants],
        ),
        (
            _("Giải đơn vị - tỷ lệ"),
            [_("Hạng"), _("Công đoàn cơ sở"), _("Tỷ lệ trên đoàn viên (%)"), _("Người dự thi")],
            [
                [r.rank, r.unit.name, round((r.rate or 0) * 100, 2), r.entrants]
                for r in board.by_rate
            ],
        ),
    ]
    for title, head, body in lists:
        sheet = book.create_sheet(str(title)[:31])
        for row in [head, *body]:
            sheet.append([str(v) if isinstance(v, Promise) else v for v in row])
    return tabular.xlsx_bytes(book)


def _local(value: object) -> str:
    from django.utils import timezone

    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S")  # type: ignore[arg-type]


# --- integrity flags and results -------------------------------------------------------------


@policy(officer("contest.view"))
def flags(request: HttpRequest, pk: int) -> HttpResponse:
    """The flagged attempts with their reasons, to keep or exclude before the results."""
    contest = _contest(request, pk, "contest.view")
    rows = []
    flagged = (
        Attempt.objects.filter(round__contest=contest, flags__isnull=False)
        .distinct()
        .select_related("entrant", "entrant__unit", "round")
        .prefetch_related("flags", "flags__decided_by")
        .order_by("round__number", "entrant__full_name", "pk")
    )
    page = Paginator(flagged, PAGE_SIZE).get_page(request.GET.get("trang"))
    for attempt in page.object_list:
        marks = list(attempt.flags.all())
        decided = next((f for f in marks if f.decision != FlagDecision.PENDING), None)
        rows.append(
            {
                "attempt": attempt,
                "phone": mask_phone(attempt.entrant.phone),
                "reasons": [(f.get_kind_display(), integrity.flag_text(f)) for f in marks],
                "pending": any(f.decision == FlagDecision.PENDING for f in marks),
                "decided": decided,
            }
        )
    return render(
        request,
        "contests/flags.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "rows": rows,
            "page": page,
            "pending": integrity.pending_flags(contest),
            "can_manage": access.can(request.user, "contest.manage", contest.unit),
            "form": FlagDecisionForm(),
        },
    )


@policy(officer("contest.manage"))
@require_POST
def flags_scan(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    added = integrity.flags_detect(contest)
    messages.success(
        request,
        _("Đã kiểm tra lại các bài thi: %(count)s dấu hiệu mới.") % {"count": format_int(added)},
    )
    return redirect("contests:flags", pk=contest.pk)


@policy(officer("contest.manage"))
@require_POST
def flag_decide(request: HttpRequest, pk: int, attempt_id: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    attempt = (
        Attempt.objects.select_related("round", "round__contest")
        .filter(pk=attempt_id, round__contest=contest)
        .first()
    )
    if attempt is None:
        raise Http404
    form = FlagDecisionForm(request.POST)
    if form.is_valid():
        try:
            integrity.flag_decide(
                attempt=attempt,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã ghi quyết định về bài thi."))
    else:
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect("contests:flags", pk=contest.pk)


@policy(officer("contest.view"))
def results_page(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.view")
    if contest.kind != ContestKind.QUIZ:
        return redirect("contests:media_results", pk=contest.pk)
    form = PrizesForm(
        initial={
            "individual": contest.prizes_individual,
            "units_entrants": contest.prizes_units_entrants,
            "units_rate": contest.prizes_units_rate,
        }
    )
    return render(
        request,
        "contests/results.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "form": form,
            "prizes": results.prizes(contest),
            "pending": integrity.pending_flags(contest),
            "can_manage": access.can(request.user, "contest.manage", contest.unit),
            "public_url": request.build_absolute_uri(
                reverse("contests_public:results", kwargs={"contest_id": contest.pk})
            ),
        },
    )


@policy(officer("contest.manage"))
@require_POST
def prizes_set(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    form = PrizesForm(request.POST)
    if form.is_valid():
        try:
            results.prizes_set(contest=contest, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu số giải."))
    else:
        messages.error(request, _("Vui lòng nhập số giải từ 0 đến 1.000."))
    return redirect("contests:results", pk=contest.pk)


@policy(officer("contest.manage"))
@require_POST
def results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    try:
        results.results_publish(contest=contest, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã công bố kết quả trên trang công khai của cuộc thi."))
    return redirect("contests:results", pk=contest.pk)


@policy(officer("contest.manage"))
@require_POST
def results_announce(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contest.manage")
    try:
        item = results.results_announce(contest=contest, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect("contests:results", pk=contest.pk)
    messages.success(
        request,
        _(
            "Đã soạn tin thông báo kết quả. Anh/chị gửi duyệt, đăng và triển khai xuống cơ sở "
            "như mọi tin, bài."
        ),
    )
    return redirect(item.get_absolute_url())
