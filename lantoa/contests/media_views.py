"""The officers' screens of video and photo contests: create, settings, rubric and jury,
moderation of the entries, the judges' score sheets, the votes with their audit and the
results. Judges invited from a unit that cannot see the organiser's contests reach the
contest's entries through their invitation only; anyone else outside the subtree gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.contests import media, media_files, services
from lantoa.contests.forms import ReviewForm
from lantoa.contests.media_forms import (
    AnnulForm,
    CriterionForm,
    FlaggedForm,
    JudgeForm,
    MediaContestForm,
    MediaSettingsForm,
    ModerationForm,
    ScoreForm,
    WinnersForm,
)
from lantoa.contests.models import (
    Contest,
    ContestStatus,
    Criterion,
    EntryStatus,
    Judge,
    MediaEntry,
    Score,
    Vote,
    VoteFlag,
)
from lantoa.core.extensions import PrivateFile
from lantoa.core.forms import add_service_errors
from lantoa.core.private_files import file_response

PAGE_SIZE = 30


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _media_contest(request: HttpRequest, pk: int, perm: str) -> Contest:
    """The video or photo contest if the user holds ``perm`` at its unit (404 outside)."""
    contest = Contest.objects.select_related("unit").filter(pk=pk).first()
    if contest is None or not media.is_media(contest):
        raise Http404
    access.require(request.user, perm, contest.unit)
    return contest


def _seen_by(request: HttpRequest, pk: int) -> tuple[Contest, Judge | None, bool]:
    """The contest for an officer who sees it or judges it: (contest, their judge row or
    None, whether they see it as an officer of the subtree)."""
    contest = Contest.objects.select_related("unit").filter(pk=pk).first()
    if contest is None or not media.is_media(contest):
        raise Http404
    judge = media.judge_of(contest, request.user)
    sees = access.can(request.user, "contest.view", contest.unit)
    if judge is None and not sees:
        raise Http404
    return contest, judge, sees


def _entry(contest: Contest, number: int, *, approved_only: bool) -> MediaEntry:
    qs = MediaEntry.objects.select_related("entrant", "unit", "contest").filter(
        contest=contest, number=number
    )
    if approved_only:
        qs = qs.filter(status=EntryStatus.APPROVED)
    found = qs.first()
    if found is None:
        raise Http404
    return found


def _settings_initial(contest: Contest) -> dict[str, Any]:
    current = media.settings_of(contest)
    initial = {name: getattr(current, name) for name in media.SETTING_FIELDS}
    for name in ("entries_open_at", "entries_close_at", "voting_open_at", "voting_close_at"):
        initial[name] = timezone.localtime(initial[name]).strftime("%d/%m/%Y %H:%M")
    return initial


@policy(officer("contest.manage"))
def create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="contest.manage", code=code)
    asked = request.GET.get("loai", "")
    kind = asked if asked in media.MEDIA_KINDS else "video"
    initial = media.default_settings(kind)
    for name in ("entries_open_at", "entries_close_at", "voting_open_at", "voting_close_at"):
        initial[name] = initial[name].strftime("%d/%m/%Y %H:%M")
    form = MediaContestForm(request.POST or None, initial={**initial, "kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            contest = media.media_contest_create(unit=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Đã tạo cuộc thi “%(title)s”. Tiếp theo: thêm tiêu chí chấm, mời giám khảo "
                    "rồi gửi duyệt."
                )
                % {"title": contest.title},
            )
            return redirect("contests:media_detail", pk=contest.pk)
    return render(
        request,
        "contests/media/create.html",
        {"unit": unit, "form": form},
        status=400 if form.errors else 200,
    )


def _detail(request: HttpRequest, contest: Contest, **forms: Any) -> HttpResponse:
    held = access.permissions_at(request.user, contest.unit)
    can_manage = "contest.manage" in held
    current = media.settings_of(contest)
    counts = {
        row["status"]: row["n"]
        for row in MediaEntry.objects.filter(contest=contest)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    judges = list(Judge.objects.filter(contest=contest).select_related("user"))
    scored = {
        row["judge_id"]: row["n"]
        for row in Score.objects.filter(judge__contest=contest)
        .values("judge_id")
        .annotate(n=Count("entry_id", distinct=True))
        .order_by()
    }
    is_draft = contest.status == ContestStatus.DRAFT
    return render(
        request,
        "contests/media/detail.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "settings": current,
            "formats": media_files.format_list(list(current.formats)),
            "phase": media.phase(contest),
            "criteria": list(Criterion.objects.filter(contest=contest)),
            "judges": [(j, scored.get(j.pk, 0)) for j in judges],
            "counts": counts,
            "can_manage": can_manage,
            "can_approve": services.can_approve(request.user, contest),
            "is_draft": is_draft,
            "is_submitted": contest.status == ContestStatus.SUBMITTED,
            "settings_form": forms.get("settings_form")
            or MediaSettingsForm(initial=_settings_initial(contest)),
            "criterion_form": forms.get("criterion_form") or CriterionForm(),
            "judge_form": forms.get("judge_form")
            or JudgeForm(candidates=media.judge_candidates(contest)),
            "review_form": ReviewForm(),
            "is_judge": media.judge_of(contest, request.user) is not None,
            "public_url": request.build_absolute_uri(contest.get_public_url()),
        },
        status=400 if forms else 200,
    )


@policy(officer("contest.view"))
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest, _judge, sees = _seen_by(request, pk)
    if not sees:
        return redirect("contests:media_entries", pk=contest.pk)
    return _detail(request, contest)


@policy(officer("contest.manage"))
@require_POST
def settings_save(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    form = MediaSettingsForm(request.POST)
    if form.is_valid():
        try:
            media.media_settings_update(contest=contest, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thiết lập cuộc thi."))
            return redirect("contests:media_detail", pk=contest.pk)
    return _detail(request, contest, settings_form=form)


@policy(officer("contest.manage"))
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            media.criterion_add(contest=contest, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm tiêu chí chấm."))
            return redirect("contests:media_detail", pk=contest.pk)
    return _detail(request, contest, criterion_form=form)


@policy(officer("contest.manage"))
@require_POST
def criterion_remove(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    criterion = Criterion.objects.filter(contest=contest, pk=cid).select_related("contest").first()
    if criterion is None:
        raise Http404
    try:
        media.criterion_remove(criterion=criterion, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Đã bỏ tiêu chí “%(name)s”.") % {"name": criterion.name})
    return redirect("contests:media_detail", pk=contest.pk)


@policy(officer("contest.manage"))
@require_POST
def judge_invite(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    candidates = media.judge_candidates(contest)
    form = JudgeForm(request.POST, candidates=candidates)
    if form.is_valid():
        user = candidates.filter(pk=form.cleaned_data["user"]).first()
        try:
            if user is None:
                raise ValidationError({"user": _("Vui lòng chọn cán bộ trong danh sách.")})
            media.judge_invite(contest=contest, user=user, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã mời %(name)s làm giám khảo.") % {"name": user.full_name or user.username},
            )
            return redirect("contests:media_detail", pk=contest.pk)
    return _detail(request, contest, judge_form=form)


@policy(officer("contest.manage"))
@require_POST
def judge_remove(request: HttpRequest, pk: int, jid: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    judge = Judge.objects.filter(contest=contest, pk=jid).select_related("user", "contest").first()
    if judge is None:
        raise Http404
    try:
        media.judge_remove(judge=judge, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Đã rút giám khảo khỏi cuộc thi."))
    return redirect("contests:media_detail", pk=contest.pk)


@policy(officer("contest.view"))
def juries(request: HttpRequest) -> HttpResponse:
    """The contests the officer is a judge of, with what they have left to score."""
    rows = []
    for judge in (
        Judge.objects.filter(user_id=int(request.user.pk or 0))
        .select_related("contest", "contest__unit")
        .order_by("-contest__created_at")
    ):
        contest = judge.contest
        approved = MediaEntry.objects.filter(contest=contest, status=EntryStatus.APPROVED).count()
        done = (
            Score.objects.filter(judge=judge).values("entry_id").distinct().count()
            if approved
            else 0
        )
        rows.append({"contest": contest, "approved": approved, "done": done})
    return render(request, "contests/media/juries.html", {"rows": rows})


@policy(officer("contest.view"))
def entries(request: HttpRequest, pk: int) -> HttpResponse:
    """Every entry for the organisers (by status), the approved ones for a judge, with the
    judge's own scoring state and conflicts."""
    contest, judge, sees = _seen_by(request, pk)
    status = request.GET.get("trang-thai", "")
    qs = MediaEntry.objects.filter(contest=contest).select_related("entrant", "unit")
    if not sees:
        qs = qs.filter(status=EntryStatus.APPROVED)
    elif status in EntryStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("number"), PAGE_SIZE).get_page(request.GET.get("trang"))
    conflicts = media.conflicted_entries(judge) if judge else {}
    mine: set[int] = set()
    if judge is not None:
        mine = set(Score.objects.filter(judge=judge).values_list("entry_id", flat=True))
    votes = media.vote_counts(contest)
    return render(
        request,
        "contests/media/entries.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "page": page,
            "rows": [
                {
                    "entry": e,
                    "conflict": conflicts.get(e.pk),
                    "scored": e.pk in mine,
                    "votes": votes.get(e.pk, 0),
                }
                for e in page.object_list
            ],
            "status": status,
            "statuses": EntryStatus.choices,
            "judge": judge,
            "sees": sees,
        },
    )


def _entry_page(
    request: HttpRequest,
    contest: Contest,
    entry: MediaEntry,
    judge: Judge | None,
    sees: bool,
    *,
    score_form: ScoreForm | None = None,
    moderation_form: ModerationForm | None = None,
) -> HttpResponse:
    criteria = list(Criterion.objects.filter(contest=contest))
    conflict = media.conflicted_entries(judge).get(entry.pk) if judge else None
    if judge is not None and score_form is None:
        given = {
            f"c{s.criterion_id}": s.value for s in Score.objects.filter(judge=judge, entry=entry)
        }
        score_form = ScoreForm(initial=given, criteria=criteria)
    sheets = []
    if sees:
        by_judge: dict[int, dict[int, int]] = {}
        for s in Score.objects.filter(entry=entry):
            by_judge.setdefault(s.judge_id, {})[s.criterion_id] = s.value
        for j in Judge.objects.filter(contest=contest).select_related("user"):
            sheet = by_judge.get(j.pk, {})
            sheets.append({"judge": j, "values": [(c.name, sheet.get(c.pk)) for c in criteria]})
    bad = bool(score_form is not None and score_form.errors) or moderation_form is not None
    return render(
        request,
        "contests/media/entry.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "entry": entry,
            "judge": judge,
            "sees": sees,
            "can_manage": sees and access.can(request.user, "contest.manage", contest.unit),
            "conflict": conflict,
            "criteria": criteria,
            "sheets": sheets,
            "score_form": score_form if judge and entry.status == EntryStatus.APPROVED else None,
            "moderation_form": moderation_form or ModerationForm(),
            "platform": media_files.PLATFORM_NAMES.get(entry.link_platform, ""),
            "votes": media.vote_counts(contest).get(entry.pk, 0),
            "work_url": reverse(
                "contests:media_work", kwargs={"pk": contest.pk, "number": entry.number}
            ),
            "poster_url": reverse(
                "contests:media_poster", kwargs={"pk": contest.pk, "number": entry.number}
            )
            if entry.poster
            else "",
        },
        status=400 if bad else 200,
    )


@policy(officer("contest.view"))
def entry(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    contest, judge, sees = _seen_by(request, pk)
    found = _entry(contest, number, approved_only=not sees)
    return _entry_page(request, contest, found, judge, sees)


@policy(officer("contest.manage"))
@require_POST
def moderate(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    found = _entry(contest, number, approved_only=False)
    form = ModerationForm(request.POST)
    if form.is_valid():
        try:
            media.entry_moderate(
                entry=found,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            done = (
                _("Đã duyệt tác phẩm số %(n)s.")
                if found.status == EntryStatus.APPROVED
                else _("Đã ghi không duyệt tác phẩm số %(n)s.")
            )
            messages.success(request, done % {"n": found.number})
            nxt = (
                MediaEntry.objects.filter(contest=contest, status=EntryStatus.PENDING)
                .order_by("number")
                .first()
            )
            if nxt is not None:
                return redirect("contests:media_entry", pk=contest.pk, number=nxt.number)
            return redirect("contests:media_entries", pk=contest.pk)
    judge = media.judge_of(contest, request.user)
    return _entry_page(request, contest, found, judge, True, moderation_form=form)


@policy(officer("contest.view"))
@require_POST
def score(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    contest, judge, sees = _seen_by(request, pk)
    if judge is None:
        raise PermissionDenied
    found = _entry(contest, number, approved_only=True)
    form = ScoreForm(request.POST, criteria=list(Criterion.objects.filter(contest=contest)))
    if form.is_valid():
        try:
            media.score_set(entry=found, actor=request.user, values=form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu điểm tác phẩm số %(n)s.") % {"n": found.number})
            return redirect("contests:media_entries", pk=contest.pk)
    return _entry_page(request, contest, found, judge, sees, score_form=form)


def entry_file(user: Any, pk: int, variant: str) -> PrivateFile | None:
    """An entry's work (or its poster: ``variant`` "thumbnail") for an officer who sees the
    contest, or a judge of it (approved entries only)."""
    found = MediaEntry.objects.select_related("contest", "contest__unit").filter(pk=pk).first()
    if found is None:
        raise Http404
    contest = found.contest
    sees = access.can(user, "contest.view", contest.unit)
    if not sees and not (
        media.judge_of(contest, user) is not None and found.status == EntryStatus.APPROVED
    ):
        raise Http404
    if variant == "thumbnail":
        return PrivateFile(found.poster.name, f"tac-pham-{found.number}.jpg", "image/jpeg", True)
    if variant or not found.file:
        return None
    return PrivateFile(
        found.file.name,
        f"tac-pham-{found.number}.{media_files.EXTENSIONS.get(found.file_format, 'bin')}",
        media_files.CONTENT_TYPES.get(found.file_format, "application/octet-stream"),
        inline=True,
    )


def _serve(request: HttpRequest, pk: int, number: int, variant: str) -> HttpResponse:
    contest, _judge, sees = _seen_by(request, pk)
    found = _entry(contest, number, approved_only=not sees)
    got = entry_file(request.user, found.pk, variant)
    if got is None:
        raise Http404
    return file_response(got, request=request)


@policy(officer("contest.view"))
def entry_work(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _serve(request, pk, number, "")


@policy(officer("contest.view"))
def entry_poster(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _serve(request, pk, number, "thumbnail")


# --- votes ----------------------------------------------------------------------------------


@policy(officer("contest.view"))
def votes(request: HttpRequest, pk: int) -> HttpResponse:
    """Every vote with its audit (time, hashed identity, device and address hashes), the
    flagged ones first; annul one or review the flagged."""
    contest = _media_contest(request, pk, "contest.view")
    only = request.GET.get("loc", "")
    qs = Vote.objects.filter(contest=contest).select_related(
        "entry", "voter", "annulled_by", "reviewed_by"
    )
    if only == "danh-dau":
        qs = qs.exclude(flag=VoteFlag.NONE)
    elif only == "da-huy":
        qs = qs.filter(annulled_at__isnull=False)
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("trang"))
    totals = Vote.objects.filter(contest=contest).aggregate(
        all=Count("pk"),
        annulled=Count("pk", filter=Q(annulled_at__isnull=False)),
        flagged=Count("pk", filter=~Q(flag=VoteFlag.NONE)),
    )
    return render(
        request,
        "contests/media/votes.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "page": page,
            "votes": page.object_list,
            "totals": totals,
            "pending": media.pending_votes(contest),
            "shown": only,
            "can_manage": access.can(request.user, "contest.manage", contest.unit),
            "flagged_form": FlaggedForm(),
        },
    )


@policy(officer("contest.manage"))
@require_POST
def vote_annul(request: HttpRequest, pk: int, vote_id: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    vote = Vote.objects.filter(contest=contest, pk=vote_id).select_related("entry__contest").first()
    if vote is None:
        raise Http404
    form = AnnulForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Vui lòng ghi lý do hủy phiếu."))
        media.vote_annul(vote=vote, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Đã hủy phiếu bình chọn."))
    return redirect("contests:media_votes", pk=contest.pk)


@policy(officer("contest.manage"))
@require_POST
def flagged_decide(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    form = FlaggedForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Vui lòng chọn giữ hoặc hủy."))
        count = media.flagged_votes_decide(
            contest=contest,
            keep=form.cleaned_data["decision"] == "keep",
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Đã xem xét %(n)s phiếu bị đánh dấu.") % {"n": count})
    return redirect("contests:media_votes", pk=contest.pk)


# --- results --------------------------------------------------------------------------------


@policy(officer("contest.view"))
def results(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.view")
    return render(
        request,
        "contests/media/results.html",
        {
            "unit": contest.unit,
            "contest": contest,
            "settings": media.settings_of(contest),
            "rows": media.standings(contest),
            "blockers": media.results_blockers(contest)
            if contest.results_published_at is None
            else [],
            "form": WinnersForm(initial={"count": contest.prizes_individual}),
            "can_manage": access.can(request.user, "contest.manage", contest.unit),
            "public_url": request.build_absolute_uri(
                reverse("contests_public:results", kwargs={"contest_id": contest.pk})
            ),
        },
    )


@policy(officer("contest.manage"))
@require_POST
def winners_set(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    form = WinnersForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Vui lòng nhập số giải từ 0 đến 100."))
        media.winners_set(contest=contest, count=form.cleaned_data["count"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Đã lưu số giải."))
    return redirect("contests:media_results", pk=contest.pk)


@policy(officer("contest.manage"))
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    try:
        media.media_results_publish(contest=contest, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Đã công bố kết quả trên trang công khai của cuộc thi."))
    return redirect("contests:media_results", pk=contest.pk)


@policy(officer("contest.manage"))
@require_POST
def announce(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _media_contest(request, pk, "contest.manage")
    try:
        item = media.media_results_announce(contest=contest, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        text = _errors(exc) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect("contests:media_results", pk=contest.pk)
    messages.success(
        request,
        _(
            "Đã soạn tin thông báo kết quả. Anh/chị gửi duyệt, đăng và triển khai xuống cơ sở "
            "như mọi tin, bài."
        ),
    )
    return redirect(item.get_absolute_url())
