"""The public side of a video or photo contest (no login, "bạn"): the rules and the gallery
of approved works with their live vote counts, sending a work, verifying a phone number to
vote, voting, and the published results.

An entrant is who ``public_views`` says (registered and verified with the one-time code,
their id in the session); a voter is a phone number verified the same way, kept only as a
keyed hash (``lantoa.contests.media``). A work is shown to the public once approved; before
that only its entrant (and the organisers, on their screens) can open it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lantoa.access import PUBLIC, policy
from lantoa.contests import integrity, media, media_files, otp
from lantoa.contests.media_forms import EntryForm, VoterForm
from lantoa.contests.models import Contest, EntryStatus, MediaEntry, Voter
from lantoa.contests.public_common import (
    VERIFY_PER_IP,
    _contest,
    _entrant,
    _limited,
    _session_map,
)
from lantoa.contests.public_forms import CodeForm
from lantoa.core.extensions import PrivateFile
from lantoa.core.forms import add_service_errors
from lantoa.core.net import client_ip
from lantoa.core.private_files import file_response
from lantoa.inquiries import ratelimit

SESSION_VOTERS = "contests.voters"  # {contest id: verified voter id}
SESSION_VOTER_PENDING = "contests.voter_pending"  # {contest id: voter id waiting for the code}

VOTE_PER_IP = ratelimit.Limit("contest-vote-ip", 240, 600)  # factory networks are shared
VOTE_PER_VOTER = ratelimit.Limit("contest-vote-voter", 60, 600)
VOTER_PER_IP = ratelimit.Limit("contest-voter-ip", 20, 3600)
VOTER_PER_PHONE = ratelimit.Limit("contest-voter-phone", 5, 3600)
ENTRY_PER_IP = ratelimit.Limit("contest-entry-ip", 30, 3600)
COUNTS_SECONDS = 15  # how often the gallery asks for the counts


def _media(contest_id: int) -> Contest:
    contest = _contest(contest_id)
    if not media.is_media(contest):
        raise Http404
    return contest


def _voter(request: HttpRequest, contest: Contest) -> Voter | None:
    voter_id = _session_map(request, SESSION_VOTERS).get(str(contest.pk))
    if voter_id is None:
        return None
    return Voter.objects.filter(pk=voter_id, contest=contest, verified_at__isnull=False).first()


def _keep(request: HttpRequest, key: str, contest: Contest, pk: int) -> None:
    value = _session_map(request, key)
    value[str(contest.pk)] = pk
    request.session[key] = value


def _work_urls(contest: Contest, entry: MediaEntry) -> dict[str, str]:
    kwargs = {"contest_id": contest.pk, "number": entry.number}
    return {
        "work_url": reverse("contests_public:media_work", kwargs=kwargs),
        "poster_url": reverse("contests_public:media_poster", kwargs=kwargs)
        if entry.poster
        else "",
        "platform": media_files.PLATFORM_NAMES.get(entry.link_platform, ""),
    }


def gallery(request: HttpRequest, contest: Contest) -> HttpResponse:
    """The contest's public page (``public_views.rules`` hands video and photo contests
    here): rules, dates, the visitor's own works, the approved works and the vote."""
    now = timezone.now()
    current = media.settings_of(contest)
    entrant = _entrant(request, contest)
    voter = _voter(request, contest)
    works = list(
        MediaEntry.objects.filter(contest=contest, status=EntryStatus.APPROVED)
        .select_related("unit", "entrant")
        .order_by("number")
    )
    counts = media.vote_counts(contest)
    mine = list(MediaEntry.objects.filter(entrant=entrant).order_by("number")) if entrant else []
    return render(
        request,
        "contests/media/public/gallery.html",
        {
            "contest": contest,
            "settings": current,
            "formats": media_files.format_list(list(current.formats)),
            "entrant": entrant,
            "voter": voter,
            "mine": mine,
            "works": [
                {"entry": e, "votes": counts.get(e.pk, 0), **_work_urls(contest, e)} for e in works
            ],
            "entries_open": media.entries_open(current, now),
            "voting_open": media.voting_open(current, now) and contest.results_published_at is None,
            "phase": media.phase(contest, now),
            "results_public": contest.results_published_at is not None,
            "counts_url": reverse(
                "contests_public:media_counts", kwargs={"contest_id": contest.pk}
            ),
            "counts_seconds": COUNTS_SECONDS,
        },
    )


@policy(PUBLIC)
@never_cache
def entry_page(request: HttpRequest, contest_id: int, number: int) -> HttpResponse:
    contest = _media(contest_id)
    found = _visible(request, contest, number)
    current = media.settings_of(contest)
    return render(
        request,
        "contests/media/public/entry.html",
        {
            "contest": contest,
            "entry": found,
            "votes": media.vote_counts(contest).get(found.pk, 0),
            "voter": _voter(request, contest),
            "voting_open": found.status == EntryStatus.APPROVED
            and media.voting_open(current, timezone.now())
            and contest.results_published_at is None,
            "counts_url": reverse(
                "contests_public:media_counts", kwargs={"contest_id": contest.pk}
            ),
            "counts_seconds": COUNTS_SECONDS,
            **_work_urls(contest, found),
        },
    )


def _visible(request: HttpRequest, contest: Contest, number: int) -> MediaEntry:
    """An approved work, or the visitor's own whatever its status (404 otherwise)."""
    found = (
        MediaEntry.objects.select_related("unit", "entrant")
        .filter(contest=contest, number=number)
        .first()
    )
    if found is None:
        raise Http404
    if found.status != EntryStatus.APPROVED:
        entrant = _entrant(request, contest)
        if entrant is None or entrant.pk != found.entrant_id:
            raise Http404
    return found


def _serve(request: HttpRequest, contest_id: int, number: int, poster: bool) -> HttpResponse:
    contest = _media(contest_id)
    found = _visible(request, contest, number)
    if poster:
        got = PrivateFile(found.poster.name, f"tac-pham-{found.number}.jpg", "image/jpeg", True)
    else:
        if not found.file:
            raise Http404
        got = PrivateFile(
            found.file.name,
            f"tac-pham-{found.number}.{media_files.EXTENSIONS.get(found.file_format, 'bin')}",
            media_files.CONTENT_TYPES.get(found.file_format, "application/octet-stream"),
            inline=True,
        )
    # An approved work is for everyone (kept a day by caches); one waiting for moderation
    # only for its entrant, never cached.
    return file_response(got, public=found.status == EntryStatus.APPROVED, request=request)


@policy(PUBLIC)
def entry_work(request: HttpRequest, contest_id: int, number: int) -> HttpResponse:
    return _serve(request, contest_id, number, poster=False)


@policy(PUBLIC)
def entry_poster(request: HttpRequest, contest_id: int, number: int) -> HttpResponse:
    return _serve(request, contest_id, number, poster=True)


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, contest_id: int) -> HttpResponse:
    """Send a work: the entrant registered and verified first (``public_views.register``)."""
    contest = _media(contest_id)
    entrant = _entrant(request, contest)
    if entrant is None:
        return redirect("contests_public:register", contest_id=contest.pk)
    current = media.settings_of(contest)
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        formats=list(current.formats),
        limit_mb=current.max_upload_mb,
        links=current.allow_links,
    )
    context: dict[str, Any] = {"contest": contest, "form": form, "entrant": entrant}
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            ratelimit.count_event("contest.honeypot")
            return redirect("contests_public:rules", contest_id=contest.pk)
        if not ENTRY_PER_IP.hit(ratelimit.ip_key(client_ip(request))):
            return _limited(request, "contests/media/public/submit.html", context, ENTRY_PER_IP)
        upload = form.cleaned_data.get("file")
        try:
            entry = media.entry_submit(
                contest=contest,
                entrant=entrant,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                upload=upload,
                upload_size=upload.size if upload is not None else 0,
                link_url=form.cleaned_data.get("link_url", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã nhận tác phẩm số %(n)s. Tác phẩm sẽ hiển thị sau khi ban tổ chức kiểm duyệt.")
                % {"n": entry.number},
            )
            return redirect("contests_public:rules", contest_id=contest.pk)
    return render(
        request, "contests/media/public/submit.html", context, status=400 if form.errors else 200
    )


def _next(request: HttpRequest, contest: Contest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("contests_public:rules", kwargs={"contest_id": contest.pk})


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def voter_phone(request: HttpRequest, contest_id: int) -> HttpResponse:
    contest = _media(contest_id)
    form = VoterForm(request.POST or None)
    context: dict[str, Any] = {"contest": contest, "form": form, "next": _next(request, contest)}
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            ratelimit.count_event("contest.honeypot")
            return redirect("contests_public:rules", contest_id=contest.pk)
        if not VOTER_PER_IP.hit(ratelimit.ip_key(client_ip(request))):
            return _limited(request, "contests/media/public/voter.html", context, VOTER_PER_IP)
        if not VOTER_PER_PHONE.hit(form.cleaned_data["phone"]):
            return _limited(request, "contests/media/public/voter.html", context, VOTER_PER_PHONE)
        try:
            voter, code, number = media.voter_start(
                contest=contest, phone=form.cleaned_data["phone"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            otp.send_code(phone=number, code=code, contest_title=contest.title)
            _keep(request, SESSION_VOTER_PENDING, contest, voter.pk)
            request.session["contests.voter_phone_end"] = number[-3:]
            url = reverse("contests_public:media_voter_code", kwargs={"contest_id": contest.pk})
            return redirect(f"{url}?{urlencode({'next': context['next']})}")
    return render(
        request, "contests/media/public/voter.html", context, status=400 if form.errors else 200
    )


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def voter_code(request: HttpRequest, contest_id: int) -> HttpResponse:
    contest = _media(contest_id)
    pending = _session_map(request, SESSION_VOTER_PENDING).get(str(contest.pk))
    voter = Voter.objects.filter(pk=pending, contest=contest).first() if pending else None
    if voter is None:
        return redirect("contests_public:media_voter", contest_id=contest.pk)
    form = CodeForm(request.POST or None)
    context = {
        "contest": contest,
        "form": form,
        "phone_end": request.session.get("contests.voter_phone_end", ""),
        "next": _next(request, contest),
    }
    if request.method == "POST" and form.is_valid():
        if not VERIFY_PER_IP.hit(ratelimit.ip_key(client_ip(request))):
            return _limited(
                request, "contests/media/public/voter_code.html", context, VERIFY_PER_IP
            )
        try:
            media.voter_verify(voter=voter, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.cycle_key()
            _keep(request, SESSION_VOTERS, contest, voter.pk)
            messages.success(request, _("Đã xác minh số điện thoại. Mời bạn bình chọn."))
            return redirect(context["next"])
    return render(
        request,
        "contests/media/public/voter_code.html",
        context,
        status=400 if form.errors else 200,
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@policy(PUBLIC)
@require_POST
def vote(request: HttpRequest, contest_id: int, number: int) -> HttpResponse:
    """One vote (a form post, or a fetch asking for JSON). Limited per address and per voter;
    a duplicate is refused by the database."""
    contest = _media(contest_id)
    found = _visible(request, contest, number)
    back = _next(request, contest)
    voter = _voter(request, contest)
    as_json = _wants_json(request)

    def answer(message: str, *, ok: bool, status: int = 200) -> HttpResponse:
        if as_json:
            counts = media.vote_counts(contest)
            return JsonResponse(
                {"ok": ok, "message": message, "votes": counts.get(found.pk, 0)}, status=status
            )
        (messages.success if ok else messages.error)(request, message)
        return redirect(back)

    if voter is None:
        url = reverse("contests_public:media_voter", kwargs={"contest_id": contest.pk})
        if as_json:
            return JsonResponse(
                {
                    "ok": False,
                    "message": _("Vui lòng xác minh số điện thoại để bình chọn."),
                    "verify": f"{url}?{urlencode({'next': back})}",
                }
            )
        return redirect(f"{url}?{urlencode({'next': back})}")
    ip = client_ip(request)
    if not VOTE_PER_IP.hit(ratelimit.ip_key(ip)) or not VOTE_PER_VOTER.hit(str(voter.pk)):
        ratelimit.count_event("contest.rate_limited.vote")
        return answer(
            _("Bạn đã bình chọn quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau."),
            ok=False,
            status=429,
        )
    token = request.COOKIES.get(integrity.DEVICE_COOKIE, "")
    fresh = not (16 <= len(token) <= 64)
    if fresh:
        token = integrity.new_device_token()
    try:
        media.vote_cast(
            entry=found,
            voter=voter,
            ip_hash=integrity.keyed_hash("ip", ip),
            device_hash=integrity.keyed_hash("device", token),
        )
    except ValidationError as exc:
        response = answer(" ".join(exc.messages), ok=False, status=409)
    else:
        response = answer(
            _("Cảm ơn bạn đã bình chọn cho tác phẩm số %(n)s.") % {"n": found.number}, ok=True
        )
    if fresh:
        response.set_cookie(
            integrity.DEVICE_COOKIE,
            token,
            max_age=integrity.DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@policy(PUBLIC)
def counts(request: HttpRequest, contest_id: int) -> JsonResponse:
    """The approved works' vote counts, {"counts": {"<work number>": n}}, for the gallery to
    poll."""
    contest = _media(contest_id)
    by_pk = media.vote_counts(contest)
    numbers = dict(
        MediaEntry.objects.filter(contest=contest, status=EntryStatus.APPROVED).values_list(
            "pk", "number"
        )
    )
    response = JsonResponse({"counts": {str(n): by_pk.get(pk, 0) for pk, n in numbers.items()}})
    response["Cache-Control"] = "public, max-age=5"
    return response


def results(request: HttpRequest, contest: Contest) -> HttpResponse:
    """The published results (``public_views.results_page`` hands these contests here)."""
    if contest.results_published_at is None:
        raise Http404
    board = media.standings(contest)
    return render(
        request,
        "contests/media/public/results.html",
        {
            "contest": contest,
            "settings": media.settings_of(contest),
            "rows": [{"row": r, **_work_urls(contest, r.entry)} for r in board],
        },
    )
