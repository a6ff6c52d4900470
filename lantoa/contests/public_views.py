"""The public side of a quiz contest (no login): the rules, registration with a one-time code,
the attempt page with autosave, submission and the result with explanations.

Who the visitor is comes from the session: after the code is checked, the session holds the
entrant's id for that contest; an attempt of anyone else answers 404. The attempt page and
the autosave answers never carry which options are correct: those are shown on the result
page, once the attempt is closed.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lantoa.access import PUBLIC, policy
from lantoa.contests import entry, integrity, otp, results, selectors
from lantoa.contests.models import (
    Answer,
    Attempt,
    Contest,
    ContestKind,
    ContestStatus,
    Entrant,
    Option,
)
from lantoa.contests.public_common import (
    SESSION_ENTRANTS,
    SESSION_PENDING,
    VERIFY_PER_IP,
    _contest,
    _contest_rounds,
    _entrant,
    _limited,
    _session_map,
)
from lantoa.contests.public_forms import CodeForm, RegisterForm
from lantoa.core.forms import add_service_errors
from lantoa.core.net import client_ip
from lantoa.inquiries import ratelimit
from lantoa.units.picker import picker_results
from lantoa.units.selectors import site_unit

REGISTER_PER_IP = ratelimit.Limit("contest-register-ip", 20, 3600)
REGISTER_PER_PHONE = ratelimit.Limit("contest-register-phone", 5, 3600)
# The unit search while typing: a few requests a registration, a whole office on one address.
SEARCH_PER_IP = ratelimit.Limit("contest-units-ip", 200, 60)


def _remember(request: HttpRequest, key: str, contest: Contest, entrant: Entrant) -> None:
    value = _session_map(request, key)
    value[str(contest.pk)] = entrant.pk
    request.session[key] = value


@policy(PUBLIC)
def contest_list(request: HttpRequest) -> HttpResponse:
    """The contests open to the public site's visitors, those about to open, and the results
    of the finished ones."""
    from lantoa.contests.media import public_media_contests

    site = site_unit()
    listed = selectors.public_contests(site)
    works = public_media_contests(site)  # video and photo contests
    return render(
        request,
        "contests/public/list.html",
        {
            "open": [c for c in listed if c.phase == "open"],
            "upcoming": [c for c in listed if c.phase == "upcoming"],
            "finished": [c for c in listed if c.phase == "closed"],
            "media_live": [c for c in works if c.phase in ("open", "upcoming")],
            "media_finished": [c for c in works if c.phase == "closed"],
        },
    )


@policy(PUBLIC)
@never_cache
def rules(request: HttpRequest, contest_id: int) -> HttpResponse:
    contest, rounds = _contest_rounds(contest_id)
    if contest.kind != ContestKind.QUIZ:
        from lantoa.contests.media_public_views import gallery

        return gallery(request, contest)
    entrant = _entrant(request, contest)
    now = timezone.now()
    used: dict[int, int] = {}
    open_attempts: dict[int, int] = {}
    done: dict[int, list[Attempt]] = {}
    if entrant is not None:
        for attempt in entry.entrant_attempts(entrant):
            used[attempt.round_id] = used.get(attempt.round_id, 0) + 1
            if attempt.submitted_at is None:
                open_attempts[attempt.round_id] = attempt.pk
            else:
                done.setdefault(attempt.round_id, []).append(attempt)
    startable = entrant is not None and any(
        r.opens_at <= now < r.closes_at
        and r.pk not in open_attempts
        and used.get(r.pk, 0) < r.attempts_allowed
        for r in rounds
    )
    # The proof-of-work the start form carries (solved by contest-pow.js).
    challenge = (
        integrity.challenge_issue(entrant=entrant, now=now)
        if entrant is not None and startable
        else None
    )
    return render(
        request,
        "contests/public/rules.html",
        {
            "contest": contest,
            "entrant": entrant,
            "challenge": challenge,
            "results_public": contest.results_published_at is not None,
            "rounds": [
                {
                    "round": r,
                    "open": r.opens_at <= now < r.closes_at,
                    "upcoming": now < r.opens_at,
                    "used": used.get(r.pk, 0),
                    "left": max(0, r.attempts_allowed - used.get(r.pk, 0)),
                    "resume": open_attempts.get(r.pk),
                    "done": done.get(r.pk, []),
                }
                for r in rounds
            ],
            "phase": selectors.phase(contest, now, rounds=rounds),
        },
    )


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, contest_id: int) -> HttpResponse:
    contest = _contest(contest_id)
    form = RegisterForm(
        request.POST or None,
        units=entry.entrant_units(contest),
        search_url=reverse("contests_public:units", kwargs={"contest_id": contest.pk}),
        national_id=contest.requires_national_id,
        email=otp.needs_email(),
    )
    context: dict[str, Any] = {"contest": contest, "form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            ratelimit.count_event("contest.honeypot")
            return redirect("contests_public:verify", contest_id=contest.pk)
        if not REGISTER_PER_IP.hit(ratelimit.ip_key(client_ip(request))):
            return _limited(request, "contests/public/register.html", context, REGISTER_PER_IP)
        if not REGISTER_PER_PHONE.hit(form.cleaned_data["phone"]):
            return _limited(request, "contests/public/register.html", context, REGISTER_PER_PHONE)
        unit = form.cleaned_data["unit"]  # one of entrant_units(contest): the picker's scope
        try:
            entrant, code = entry.entrant_register(
                contest=contest,
                full_name=form.cleaned_data["full_name"],
                birth_date=form.cleaned_data["birth_date"],
                phone=form.cleaned_data["phone"],
                unit=unit,
                workplace=form.cleaned_data["workplace"],
                national_id=form.cleaned_data.get("national_id", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            try:
                otp.send_code(
                    phone=entrant.phone,
                    code=code,
                    contest_title=contest.title,
                    email=form.cleaned_data.get("email", ""),
                )
            except otp.CodeNotSent as exc:
                form.add_error(None, exc.message)
                status = 503 if exc.retry else 400
            else:
                _remember(request, SESSION_PENDING, contest, entrant)
                return redirect("contests_public:verify", contest_id=contest.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "contests/public/register.html", context, status=status)


@policy(PUBLIC)
@require_GET
def unit_search(request: HttpRequest, contest_id: int) -> HttpResponse:
    """The registration form's unit search while typing (JSON): the units an entrant of this
    contest may pick (``entry.entrant_units``), limited per network address."""
    contest = _contest(contest_id)
    if not SEARCH_PER_IP.hit(ratelimit.ip_key(client_ip(request))):
        ratelimit.count_event("contest.rate_limited.search")
        response = JsonResponse(
            {"error": _("Có quá nhiều lượt tìm từ mạng này; vui lòng đợi vài giây rồi gõ tiếp.")},
            status=429,
        )
        response["Retry-After"] = str(SEARCH_PER_IP.window)
        return response
    return JsonResponse(picker_results(entry.entrant_units(contest), request.GET.get("q", "")))


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, contest_id: int) -> HttpResponse:
    contest = _contest(contest_id)
    pending_id = _session_map(request, SESSION_PENDING).get(str(contest.pk))
    entrant = Entrant.objects.filter(pk=pending_id, contest=contest).first() if pending_id else None
    if entrant is None:
        return redirect("contests_public:register", contest_id=contest.pk)
    form = CodeForm(request.POST or None)
    context = {
        "contest": contest,
        "form": form,
        "phone_end": entrant.phone[-3:],
        "by_email": otp.needs_email(),
    }
    if request.method == "POST" and form.is_valid():
        if not VERIFY_PER_IP.hit(ratelimit.ip_key(client_ip(request))):
            return _limited(request, "contests/public/verify.html", context, VERIFY_PER_IP)
        try:
            entry.entrant_verify(entrant=entrant, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.cycle_key()
            _remember(request, SESSION_ENTRANTS, contest, entrant)
            return redirect("contests_public:rules", contest_id=contest.pk)
    return render(
        request, "contests/public/verify.html", context, status=400 if form.errors else 200
    )


@policy(PUBLIC)
@require_POST
def start(request: HttpRequest, contest_id: int, number: int) -> HttpResponse:
    contest, rounds = _contest_rounds(contest_id)
    entrant = _entrant(request, contest)
    if entrant is None:
        return redirect("contests_public:register", contest_id=contest.pk)
    rnd = next((r for r in rounds if r.number == number), None)
    if rnd is None:
        raise Http404
    token = request.COOKIES.get(integrity.DEVICE_COOKIE, "")
    fresh = not (16 <= len(token) <= 64)
    if fresh:
        token = integrity.new_device_token()
    resumed = entry.attempt_open_in_time(entrant=entrant, round=rnd)
    if resumed is not None and not fresh:
        # A second tap, or "Bắt đầu" again with an attempt open and in time: back to it.
        return redirect("contests_public:attempt", attempt_id=resumed.pk)
    try:
        if resumed is None:
            # A new attempt needs the page's proof-of-work, solved by the browser.
            integrity.challenge_redeem(
                entrant=entrant,
                nonce=request.POST.get("pow_nonce", ""),
                suffix=request.POST.get("pow_suffix", ""),
            )
        attempt = entry.attempt_start(
            entrant=entrant,
            round=rnd,
            device_hash=integrity.keyed_hash("device", token),
            ip_hash=integrity.keyed_hash("ip", client_ip(request)),
        )
    except ValidationError as exc:
        response: HttpResponse = render(
            request,
            "contests/public/refused.html",
            {"contest": contest, "message": " ".join(exc.messages)},
            status=409,
        )
    else:
        response = redirect("contests_public:attempt", attempt_id=attempt.pk)
    if fresh:
        # A random token standing for this browser (kept by us only as a keyed hash): many
        # entrants from one device flag their attempts for the organisers.
        response.set_cookie(
            integrity.DEVICE_COOKIE,
            token,
            max_age=integrity.DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _entrant_ids(mine: dict[str, int]) -> list[int]:
    """The verified entrants the session knows (its map of contest id → entrant id)."""
    return [v for v in mine.values() if isinstance(v, int)]


def _attempt(request: HttpRequest, attempt_id: int, *, light: bool = False) -> Attempt:
    """The attempt ``attempt_id`` of the entrant the session knows, in an approved contest;
    404 otherwise. One query, with the entrant, the round and the contest; ``light``: the
    attempt alone, as an autosave or a submission needs it (``entry.entrants_attempt``, SQL
    written once: those come by the thousand at the evening's rush)."""
    mine = _session_map(request, SESSION_ENTRANTS)
    entrant_ids = _entrant_ids(mine)
    if not entrant_ids or not _fits_id(attempt_id):
        raise Http404
    if light:
        found = entry.entrants_attempt(attempt_id=attempt_id, entrant_ids=entrant_ids)
        if found is None or mine.get(str(found[1])) != found[0].entrant_id:
            raise Http404
        return found[0]
    # No ordering: the model's default one joins the round, contest and entrant again.
    attempt = (
        Attempt.objects.select_related("round", "round__contest", "entrant")
        .filter(
            pk=attempt_id,
            entrant_id__in=entrant_ids,
            entrant__verified_at__isnull=False,
            round__contest__status=ContestStatus.APPROVED,
        )
        .order_by()
        .first()
    )
    if (
        attempt is None
        or attempt.entrant.contest_id != attempt.round.contest_id
        or mine.get(str(attempt.round.contest_id)) != attempt.entrant_id
    ):
        raise Http404
    return attempt


def _questions(attempt: Attempt) -> list[dict[str, Any]]:
    """The attempt's questions in order, each option as (id, text) in the shuffled order:
    nothing about which is correct."""
    answers = list(Answer.objects.filter(attempt=attempt).select_related("question"))
    texts = dict(
        Option.objects.filter(question_id__in=[a.question_id for a in answers]).values_list(
            "pk", "text"
        )
    )
    return [
        {
            "number": a.position,
            "id": a.question_id,
            "text": a.question.text,
            "multiple": a.question.kind == "multiple",
            "options": [
                {"id": o, "text": texts[o], "chosen": o in a.chosen} for o in a.option_order
            ],
        }
        for a in answers
    ]


@policy(PUBLIC)
@never_cache
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt(request, attempt_id)
    now = timezone.now()
    if attempt.submitted_at is None and now > attempt.deadline + entry.GRACE:
        entry.attempts_expire(now=now, entrant=attempt.entrant, round=attempt.round)
        attempt.refresh_from_db()
    if attempt.submitted_at is not None:
        return redirect("contests_public:result", attempt_id=attempt.pk)
    return render(
        request,
        "contests/public/attempt.html",
        {
            "contest": attempt.round.contest,
            "attempt": attempt,
            "round": attempt.round,
            "questions": _questions(attempt),
            "seconds_left": max(0, int((attempt.deadline - now).total_seconds())),
            "asks_prediction": attempt.round.tie_break != "none",
        },
    )


def _fits_id(value: int) -> bool:
    """An id a database column can hold (a larger one is an error there, not a refusal)."""
    return 0 < value < 2**31


def _json_error(message: str, *, status: int, closed: bool = False) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message, "closed": closed}, status=status)


@policy(PUBLIC)
@require_POST
def autosave(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """One answer, or the prediction, as JSON: {"question": id, "chosen": [option ids]} or
    {"prediction": n}. Saving the same thing twice is harmless."""
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if isinstance(data, dict) and "prediction" not in data:
        # The common case, a choice for a question: the answer with its attempt in one query,
        # then one write. Anything that does not fit takes the long way below, which says why.
        saved = _autosave_choice(request, attempt_id, data)
        if saved is not None:
            return saved
    attempt = _attempt(request, attempt_id, light=True)
    if not isinstance(data, dict):
        return _json_error(_("Dữ liệu gửi lên không đọc được."), status=400)
    try:
        if "prediction" in data:
            raw = data["prediction"]
            value = None if raw in (None, "") else int(raw)
            entry.attempt_predict(attempt=attempt, prediction=value)
        else:
            chosen = data.get("chosen")
            question_id = int(data["question"])
            picked = [int(c) for c in chosen] if isinstance(chosen, list) else None
            if picked is None or not all(_fits_id(i) for i in (question_id, *picked)):
                return _json_error(_("Dữ liệu gửi lên không đọc được."), status=400)
            entry.answer_save(attempt=attempt, question_id=question_id, chosen=picked)
    except (KeyError, TypeError, ValueError):
        return _json_error(_("Dữ liệu gửi lên không đọc được."), status=400)
    except ValidationError as exc:
        attempt.refresh_from_db(fields=["submitted_at"])
        closed = attempt.submitted_at is not None
        return _json_error(" ".join(exc.messages), status=409 if closed else 400, closed=closed)
    return JsonResponse({"ok": True})


def _autosave_choice(
    request: HttpRequest, attempt_id: int, data: dict[str, Any]
) -> JsonResponse | None:
    """Save ``{"question", "chosen"}`` through ``entry.answer_target`` (one query) and
    ``entry.answer_write``; None when the attempt, the answer or the data are not what a
    phone in time sends (the caller's long way gives the answer)."""
    chosen = data.get("chosen")
    question = data.get("question")
    if not isinstance(chosen, list) or type(question) is not int:
        return None
    if not _fits_id(question) or len(chosen) > 10 or not all(type(c) is int for c in chosen):
        return None
    mine = _session_map(request, SESSION_ENTRANTS)
    entrant_ids = _entrant_ids(mine)
    if not entrant_ids:
        return None
    target = entry.answer_target(
        attempt_id=attempt_id, entrant_ids=entrant_ids, question_id=question
    )
    if (
        target is None
        or target.submitted_at is not None
        or mine.get(str(target.contest_id)) != target.entrant_id
    ):
        return None
    now = timezone.now()
    if now > target.deadline + entry.GRACE:
        return None  # the long way closes the attempt as timed out
    try:
        entry.answer_write(target, chosen, now=now)
    except ValidationError:
        return None
    return JsonResponse({"ok": True})


@policy(PUBLIC)
@require_POST
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Submit the attempt. The form carries every answer too (a page without JavaScript, or
    answers whose autosave did not reach us): saved with the submission while the time
    allows. A prediction that is not a number in range keeps the one autosaved."""
    attempt = _attempt(request, attempt_id, light=True)
    answers: dict[int, list[int]] = {}
    for key, values in request.POST.lists():
        if key.startswith("q") and key[1:].isdecimal():
            picked = [int(v) for v in values if v.isdecimal() and len(v) < 12]
            if picked:
                answers[int(key[1:])] = picked
    raw = request.POST.get("prediction", "").strip().replace(".", "")
    prediction = int(raw) if raw.isdecimal() and len(raw) < 12 else None
    if prediction is not None and prediction > entry.PREDICTION_MAX:
        prediction = None
    entry.attempt_submit(attempt=attempt, prediction=prediction, answers=answers)
    return redirect("contests_public:result", attempt_id=attempt.pk)


@policy(PUBLIC)
@never_cache
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt(request, attempt_id)
    if attempt.submitted_at is None:
        return redirect("contests_public:attempt", attempt_id=attempt.pk)
    answers = list(
        Answer.objects.filter(attempt=attempt).select_related("question", "question__article")
    )
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question_id__in=[a.question_id for a in answers]):
        options.setdefault(option.question_id, []).append(option)
    rows = []
    for a in answers:
        by_id = {o.pk: o for o in options.get(a.question_id, [])}
        rows.append(
            {
                "number": a.position,
                "question": a.question,
                "correct": a.correct,
                "options": [
                    {"text": by_id[o].text, "chosen": o in a.chosen, "right": by_id[o].correct}
                    for o in a.option_order
                    if o in by_id
                ],
            }
        )
    return render(
        request,
        "contests/public/result.html",
        {"contest": attempt.round.contest, "attempt": attempt, "rows": rows},
    )


@policy(PUBLIC)
def results_page(request: HttpRequest, contest_id: int) -> HttpResponse:
    """The published results: prize lists with name, unit and score (the phone masked)."""
    contest = _contest(contest_id)
    if contest.kind != ContestKind.QUIZ:
        from lantoa.contests.media_public_views import results as media_results

        return media_results(request, contest)
    if contest.results_published_at is None:
        raise Http404
    return render(
        request,
        "contests/public/results.html",
        {"contest": contest, "prizes": results.prizes(contest)},
    )
