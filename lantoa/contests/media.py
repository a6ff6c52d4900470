"""Video and photo contests (``Contest.kind`` "video" or "photo"): the rules.

- **The contest** is a ``Contest`` with ``MediaSettings`` (when entries and votes are taken,
  what an upload may be, the weights of the jury and of the public). It is created, reviewed
  and approved like a quiz contest (``lantoa.contests.services``); its settings and rubric are
  fixed while it is a draft.
- **Entries** come from entrants verified by the one-time code (``lantoa.contests.entry``):
  a title, a description, the entrant's unit, and the work as an upload
  (``lantoa.contests.media_files``) or a link to the entrant's own Facebook, YouTube or
  TikTok post. The organisers approve each entry, or reject it with a reason, before it is
  shown.
- **The jury**: officers invited per contest score every approved entry on each criterion
  of the rubric. A judge may not score the entries of their own unit's subtree (conflict of
  interest): the units where they hold a role strictly below the organising unit — a judge
  of the organising unit (or above it) stands as far from every entrant and scores all.
  An entry's jury score is the mean over judges of Σ weight × score ÷ max ÷ Σ weight (0–1).
- **The public vote**: a voter verifies a phone number with a one-time code; only a keyed
  hash of it is kept. One vote per voter, entry and day (or per contest, as the organisers
  set), enforced by the unique constraint on ``Vote``. Every vote keeps the server's time and
  keyed hashes of the device and address. Many votes for one entry from voters verified just
  before, in a short window (``LANTOA_CONTEST_VOTE_BURST`` votes in
  ``LANTOA_CONTEST_VOTE_BURST_SECONDS``, voters verified within
  ``LANTOA_CONTEST_VOTE_NEW_SECONDS``), flag those votes for review: never refused. The
  organisers keep or annul flagged votes, and may annul any vote with a reason, until the
  results are out.
- **Results**: final score = (jury weight × jury score + public weight × votes ÷ the most
  votes of any entry) out of 100. They are published once voting has closed, every entry is
  moderated, every judge has scored every entry they may score and every flagged vote is
  reviewed; the winners' announcement is a content item of the organising unit, reviewed,
  published and cascaded like any other (as the quiz results, ``lantoa.contests.results``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa import access
from lantoa.accounts.models import Membership, User
from lantoa.audit.services import audit_record
from lantoa.content.models import ContentItem
from lantoa.contests import entry as entries_of_contest
from lantoa.contests import integrity, media_files, results, services
from lantoa.contests.models import (
    Contest,
    ContestAudience,
    ContestKind,
    ContestStatus,
    Criterion,
    Entrant,
    EntryStatus,
    Judge,
    MediaEntry,
    MediaSettings,
    Score,
    Vote,
    VoteFlag,
    Voter,
    VoteRule,
    WorkKind,
)
from lantoa.core.messages import Text
from lantoa.core.phone import normalise_phone
from lantoa.core.private_files import discard
from lantoa.core.services import acting_user
from lantoa.core.text import format_int
from lantoa.notifications.services import notify
from lantoa.units.models import Unit, UnitClosure

MEDIA_KINDS = (ContestKind.VIDEO, ContestKind.PHOTO)
MAX_CRITERIA = 12
MAX_ENTRIES_PER_ENTRANT = 20
MAX_WINNERS = 100
SETTING_FIELDS = (
    "entries_open_at",
    "entries_close_at",
    "voting_open_at",
    "voting_close_at",
    "max_upload_mb",
    "formats",
    "allow_links",
    "entries_per_entrant",
    "vote_rule",
    "jury_weight",
    "public_weight",
)


def is_media(contest: Contest) -> bool:
    return contest.kind in MEDIA_KINDS


def formats_for(kind: str) -> tuple[str, ...]:
    return media_files.VIDEO_FORMATS if kind == ContestKind.VIDEO else media_files.PHOTO_FORMATS


def settings_of(contest: Contest) -> MediaSettings:
    found = MediaSettings.objects.filter(contest=contest).first()
    if found is None:
        raise ValidationError(_("Cuộc thi chưa có thiết lập nhận tác phẩm."), code="no_settings")
    return found


# --- helpers ------------------------------------------------------------------------------


def _require(actor: Any, perm: str, contest: Contest) -> None:
    if actor is not None and not access.can(actor, perm, contest.unit):
        raise PermissionDenied(_("Anh/chị không có quyền với cuộc thi của đơn vị này."))


def _audit(contest: Contest, action: str, actor: Any, **data: Any) -> None:
    audit_record(
        action=f"contest.media.{action}",
        actor=actor,
        unit=contest.unit,
        target=f"{contest.pk}: {contest.title}"[:255],
        data=data,
        actor_label="" if actor is not None else "lantoa",
    )


def _not_published(contest: Contest) -> None:
    if contest.results_published_at is not None:
        raise ValidationError(
            _("Kết quả cuộc thi đã công bố nên không thay đổi được nữa."), code="published"
        )


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def _clean_settings(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {name: values.get(name) for name in SETTING_FIELDS}
    for name in ("entries_open_at", "entries_close_at", "voting_open_at", "voting_close_at"):
        if not isinstance(cleaned[name], dt.datetime):
            errors[name] = _("Vui lòng nhập thời điểm theo dạng dd/mm/yyyy hh:mm.")
    if not errors:
        if cleaned["entries_close_at"] <= cleaned["entries_open_at"]:
            errors["entries_close_at"] = _("Hạn nhận tác phẩm phải sau thời điểm bắt đầu nhận.")
        if cleaned["voting_close_at"] <= cleaned["voting_open_at"]:
            errors["voting_close_at"] = _("Hạn bình chọn phải sau thời điểm bắt đầu bình chọn.")
        elif cleaned["voting_open_at"] < cleaned["entries_open_at"]:
            errors["voting_open_at"] = _("Bình chọn không thể bắt đầu trước khi nhận tác phẩm.")
    allowed = formats_for(kind)
    formats = [f for f in allowed if f in set(cleaned["formats"] or ())]
    if not formats or len(formats) != len(set(cleaned["formats"] or ())):
        errors["formats"] = _("Vui lòng chọn định dạng tệp trong danh sách: %(formats)s.") % {
            "formats": media_files.format_list(list(allowed))
        }
    cleaned["formats"] = formats
    limit = cleaned["max_upload_mb"]
    if not isinstance(limit, int) or not 1 <= limit <= media_files.MAX_LIMIT_MB:
        errors["max_upload_mb"] = _("Dung lượng tối đa phải từ 1 đến %(max)s MB.") % {
            "max": format_int(media_files.MAX_LIMIT_MB)
        }
    per = cleaned["entries_per_entrant"]
    if not isinstance(per, int) or not 1 <= per <= MAX_ENTRIES_PER_ENTRANT:
        errors["entries_per_entrant"] = _("Số tác phẩm mỗi người phải từ 1 đến 20.")
    if cleaned["vote_rule"] not in VoteRule.values:
        errors["vote_rule"] = _("Quy tắc bình chọn không hợp lệ.")
    jury, public = cleaned["jury_weight"], cleaned["public_weight"]
    weights_ok = all(isinstance(w, int) and 0 <= w <= 100 for w in (jury, public))
    if not weights_ok or jury + public != 100:
        errors["public_weight"] = _(
            "Trọng số ban giám khảo và bình chọn là phần trăm, cộng lại đúng 100."
        )
    cleaned["allow_links"] = bool(cleaned["allow_links"])
    if errors:
        raise ValidationError(errors)
    return cleaned


def default_settings(kind: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the create form offers: entries for three weeks from tomorrow, votes for the
    last two of them and a week more."""
    now = timezone.localtime(now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    start = now + dt.timedelta(days=1)
    return {
        "entries_open_at": start,
        "entries_close_at": start + dt.timedelta(days=21),
        "voting_open_at": start + dt.timedelta(days=7),
        "voting_close_at": start + dt.timedelta(days=28),
        "max_upload_mb": media_files.DEFAULT_LIMIT_MB[kind],
        "formats": list(formats_for(kind)),
        "allow_links": True,
        "entries_per_entrant": 3,
        "vote_rule": VoteRule.DAY,
        "jury_weight": 70,
        "public_weight": 30,
    }


# --- the contest, its settings and rubric ------------------------------------------------------


def media_contest_create(
    *,
    unit: Unit,
    kind: str,
    title: str,
    rules: str,
    audience: str = ContestAudience.SUBTREE,
    actor: Any = None,
    **values: Any,
) -> Contest:
    """A draft video or photo contest of ``unit`` with its settings (``SETTING_FIELDS``)."""
    if kind not in MEDIA_KINDS:
        raise ValidationError({"kind": _("Vui lòng chọn thi video clip hoặc thi ảnh.")})
    cleaned = _clean_settings(kind, values)
    with transaction.atomic():
        contest = services.contest_create(
            unit=unit, title=title, rules=rules, audience=audience, kind=kind, actor=actor
        )
        MediaSettings.objects.create(contest=contest, **cleaned)
    return contest


def media_settings_update(*, contest: Contest, actor: Any = None, **values: Any) -> MediaSettings:
    """Change the settings of a draft contest (the fields not given stay as they are)."""
    _require(actor, "contest.manage", contest)
    services._require_draft(contest)
    current = settings_of(contest)
    merged = {name: values.get(name, getattr(current, name)) for name in SETTING_FIELDS}
    cleaned = _clean_settings(contest.kind, merged)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(current, name, value)
        current.save()
        _audit(contest, "settings", actor, fields=sorted(values))
    return current


def _rubric_open(contest: Contest) -> None:
    _not_published(contest)
    if Score.objects.filter(criterion__contest=contest).exists():
        raise ValidationError(
            _("Giám khảo đã bắt đầu chấm nên không sửa được tiêu chí chấm nữa."), code="scored"
        )


def criterion_add(
    *, contest: Contest, name: str, weight: int, max_score: int = 10, actor: Any = None
) -> Criterion:
    _require(actor, "contest.manage", contest)
    _rubric_open(contest)
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Vui lòng nhập tên tiêu chí.")
    elif len(name) > 200:
        errors["name"] = _("Tên tiêu chí dài quá 200 ký tự.")
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        errors["weight"] = _("Trọng số của tiêu chí phải từ 1 đến 100.")
    if not isinstance(max_score, int) or not 1 <= max_score <= 100:
        errors["max_score"] = _("Điểm tối đa của tiêu chí phải từ 1 đến 100.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Contest.objects.select_for_update().get(pk=contest.pk)
        existing = list(Criterion.objects.filter(contest=contest))
        if len(existing) >= MAX_CRITERIA:
            raise ValidationError(
                {"name": _("Mỗi cuộc thi có tối đa %(max)s tiêu chí.") % {"max": MAX_CRITERIA}}
            )
        if any(c.name.casefold() == name.casefold() for c in existing):
            raise ValidationError({"name": _("Đã có tiêu chí “%(name)s”.") % {"name": name}})
        criterion = Criterion.objects.create(
            contest=contest,
            position=max((c.position for c in existing), default=0) + 1,
            name=name,
            weight=weight,
            max_score=max_score,
        )
        _audit(contest, "criterion_add", actor, name=name, weight=weight, max_score=max_score)
    return criterion


def criterion_remove(*, criterion: Criterion, actor: Any = None) -> None:
    contest = criterion.contest
    _require(actor, "contest.manage", contest)
    _rubric_open(contest)
    with transaction.atomic():
        criterion.delete()
        _audit(contest, "criterion_remove", actor, name=criterion.name)


# --- the jury -------------------------------------------------------------------------------


def judge_candidates(contest: Contest) -> QuerySet[User]:
    """Active officers holding a role in the organiser's subtree or on its path to the root."""
    around = set(
        UnitClosure.objects.filter(ancestor_id=contest.unit_id).values_list(
            "descendant_id", flat=True
        )
    ) | set(
        UnitClosure.objects.filter(descendant_id=contest.unit_id).values_list(
            "ancestor_id", flat=True
        )
    )
    holders = Membership.objects.filter(unit_id__in=around).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("full_name", "username")


def judge_candidates_exist(unit: Unit) -> bool:
    """Whether a contest of ``unit`` would have officers to invite as judges."""
    around = UnitClosure.objects.filter(Q(ancestor_id=unit.pk) | Q(descendant_id=unit.pk))
    units = set(around.values_list("descendant_id", flat=True)) | set(
        around.values_list("ancestor_id", flat=True)
    )
    return Membership.objects.filter(unit_id__in=units, user__is_active=True).exists()


def judge_invite(*, contest: Contest, user: User, actor: Any = None) -> Judge:
    _require(actor, "contest.manage", contest)
    _not_published(contest)
    if not is_media(contest):
        raise ValidationError(_("Chỉ cuộc thi video clip, ảnh mới có ban giám khảo."))
    if not judge_candidates(contest).filter(pk=user.pk).exists():
        raise ValidationError(
            {
                "user": _(
                    "Chỉ mời được cán bộ đang hoạt động của đơn vị tổ chức, đơn vị cấp trên "
                    "hoặc đơn vị trực thuộc."
                )
            },
            code="not_candidate",
        )
    with transaction.atomic():
        judge, created = Judge.objects.get_or_create(
            contest=contest, user=user, defaults={"invited_by": acting_user(actor)}
        )
        if created:
            _audit(contest, "judge_invite", actor, judge=user.username)
            notify(
                users=[user],
                kind="contest.judge_invited",
                title=Text(
                    gettext_noop("Anh/chị được mời chấm giải cuộc thi: %(title)s"),
                    {"title": contest.title},
                ),
                body=Text(
                    gettext_noop(
                        "Mở mục Chấm điểm để xem tiêu chí chấm và các tác phẩm đã duyệt. "
                        "Anh/chị không chấm tác phẩm của đơn vị mình."
                    ),
                    {},
                ),
                url=reverse("contests:media_juries"),
                unit=contest.unit,
            )
    return judge


def judge_remove(*, judge: Judge, actor: Any = None) -> None:
    contest = judge.contest
    _require(actor, "contest.manage", contest)
    _not_published(contest)
    if judge.scores.exists():
        raise ValidationError(
            _("Giám khảo đã chấm điểm nên không rút khỏi ban giám khảo được."), code="scored"
        )
    with transaction.atomic():
        judge.delete()
        _audit(contest, "judge_remove", actor, judge=judge.user.username)


def judge_of(contest: Contest, user: Any) -> Judge | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Judge.objects.filter(contest=contest, user_id=user.pk).first()


def conflict_roots(judge: Judge) -> list[Unit]:
    """The units whose entries ``judge`` may not score: where they hold a role, strictly
    below the organising unit."""
    held = Membership.objects.filter(user_id=judge.user_id).values("unit_id")
    return list(
        Unit.objects.filter(
            pk__in=UnitClosure.objects.filter(
                ancestor_id=judge.contest.unit_id, depth__gt=0, descendant_id__in=held
            ).values("descendant_id")
        ).order_by("name")
    )


def conflicted_entries(judge: Judge) -> dict[int, Unit]:
    """Entry id → the judge's unit it conflicts with."""
    out: dict[int, Unit] = {}
    for root in conflict_roots(judge):
        for pk in MediaEntry.objects.filter(
            contest_id=judge.contest_id, unit__ancestor_links__ancestor_id=root.pk
        ).values_list("pk", flat=True):
            out.setdefault(pk, root)
    return out


def score_set(
    *,
    entry: MediaEntry,
    actor: Any,
    values: Mapping[int, int | None],
    now: dt.datetime | None = None,
) -> list[Score]:
    """The scores ``actor`` (an invited judge) gives ``entry`` on every criterion (criterion
    id → score); scoring again replaces them."""
    now = now or timezone.now()
    contest = entry.contest
    judge = judge_of(contest, actor)
    if judge is None:
        raise PermissionDenied(_("Anh/chị không phải giám khảo của cuộc thi này."))
    _not_published(contest)
    if entry.status != EntryStatus.APPROVED:
        raise ValidationError(_("Chỉ chấm tác phẩm đã được duyệt."), code="not_approved")
    conflict = conflicted_entries(judge).get(entry.pk)
    if conflict is not None:
        raise ValidationError(
            _(
                "Anh/chị giữ vai trò tại %(unit)s, đơn vị của tác phẩm này, nên không được chấm "
                "tác phẩm (xung đột lợi ích). Tác phẩm sẽ do các giám khảo khác chấm."
            )
            % {"unit": conflict.name},
            code="conflict",
        )
    criteria = list(Criterion.objects.filter(contest=contest))
    if not criteria:
        raise ValidationError(_("Cuộc thi chưa có tiêu chí chấm."), code="no_rubric")
    errors: dict[str, str] = {}
    given: dict[int, int] = {}
    for c in criteria:
        value = values.get(c.pk)
        if isinstance(value, int) and 0 <= value <= c.max_score:
            given[c.pk] = value
        else:
            errors[f"c{c.pk}"] = _("Điểm “%(name)s” phải từ 0 đến %(max)s.") % {
                "name": c.name,
                "max": c.max_score,
            }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        saved = [
            Score.objects.update_or_create(
                entry=entry,
                judge=judge,
                criterion=c,
                defaults={"value": given[c.pk], "scored_at": now},
            )[0]
            for c in criteria
        ]
        _audit(
            contest,
            "score",
            actor,
            entry=entry.number,
            scores={c.name: given[c.pk] for c in criteria},
        )
    return saved


def jury_scores(contest: Contest) -> dict[int, float]:
    """Entry id → its jury score (0–1): for each judge who scored every criterion,
    Σ weight × score ÷ max ÷ Σ weight; then the mean over those judges."""
    criteria = {c.pk: c for c in Criterion.objects.filter(contest=contest)}
    if not criteria:
        return {}
    total_weight = sum(c.weight for c in criteria.values())
    sheets: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for entry_id, judge_id, criterion_id, value in Score.objects.filter(
        entry__contest=contest
    ).values_list("entry_id", "judge_id", "criterion_id", "value"):
        sheets[(entry_id, judge_id)][criterion_id] = value
    per_entry: dict[int, list[float]] = defaultdict(list)
    for (entry_id, _judge_id), sheet in sheets.items():
        if set(sheet) != set(criteria):
            continue
        per_entry[entry_id].append(
            sum(criteria[c].weight * v / criteria[c].max_score for c, v in sheet.items())
            / total_weight
        )
    return {pk: sum(values) / len(values) for pk, values in per_entry.items()}


def scoring_left(contest: Contest) -> int:
    """(judge, entry) pairs still to score: approved entries, without a conflict."""
    criteria = Criterion.objects.filter(contest=contest).count()
    if not criteria:
        return 0
    approved = set(
        MediaEntry.objects.filter(contest=contest, status=EntryStatus.APPROVED).values_list(
            "pk", flat=True
        )
    )
    left = 0
    for judge in Judge.objects.filter(contest=contest).select_related("contest"):
        done = set(
            Score.objects.filter(judge=judge, entry_id__in=approved)
            .values("entry_id")
            .annotate(n=Count("pk"))
            .filter(n=criteria)
            .values_list("entry_id", flat=True)
        )
        left += len(approved - done - set(conflicted_entries(judge)))
    return left


# --- entries --------------------------------------------------------------------------------


def entries_open(current: MediaSettings, now: dt.datetime) -> bool:
    return current.entries_open_at <= now < current.entries_close_at


def voting_open(current: MediaSettings, now: dt.datetime) -> bool:
    return current.voting_open_at <= now < current.voting_close_at


def entry_submit(
    *,
    contest: Contest,
    entrant: Entrant,
    title: str,
    description: str = "",
    upload: IO[bytes] | None = None,
    upload_size: int = 0,
    link_url: str = "",
    now: dt.datetime | None = None,
) -> MediaEntry:
    """A verified entrant's work, waiting for moderation. The upload is checked and stored
    before the row is written (and removed again if the row is not)."""
    now = now or timezone.now()
    if not contest.is_approved or not is_media(contest):
        raise ValidationError(_("Cuộc thi chưa mở nhận tác phẩm."), code="not_open")
    if entrant.contest_id != contest.pk or entrant.verified_at is None:
        raise ValidationError(
            _("Vui lòng xác minh số điện thoại trước khi gửi tác phẩm."), code="not_verified"
        )
    current = settings_of(contest)
    if now < current.entries_open_at:
        raise ValidationError(
            _("Cuộc thi nhận tác phẩm từ %(when)s.") % {"when": _local(current.entries_open_at)},
            code="not_open",
        )
    if now >= current.entries_close_at:
        raise ValidationError(
            _("Cuộc thi đã hết hạn nhận tác phẩm (%(when)s).")
            % {"when": _local(current.entries_close_at)},
            code="closed",
        )
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    description = (description or "").strip()
    if not title:
        errors["title"] = _("Vui lòng nhập tên tác phẩm.")
    elif len(title) > 200:
        errors["title"] = _("Tên tác phẩm dài quá 200 ký tự.")
    if len(description) > 5000:
        errors["description"] = _("Mô tả dài quá 5.000 ký tự.")
    link_url = (link_url or "").strip()
    if upload is None and not link_url:
        errors["file"] = (
            _("Vui lòng chọn tệp tác phẩm hoặc dán đường dẫn bài đăng của bạn.")
            if current.allow_links
            else _("Vui lòng chọn tệp tác phẩm.")
        )
    elif upload is not None and link_url:
        errors["link_url"] = _("Vui lòng chọn một trong hai: tải tệp lên hoặc dán đường dẫn.")
    elif link_url and not current.allow_links:
        errors["link_url"] = _("Cuộc thi này chỉ nhận tác phẩm tải lên.")
    platform = ""
    if link_url and "link_url" not in errors:
        try:
            link_url, platform = media_files.check_link(link_url)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    taken = MediaEntry.objects.filter(entrant=entrant).exclude(status=EntryStatus.REJECTED).count()
    if taken >= current.entries_per_entrant:
        raise ValidationError(
            _("Bạn đã gửi đủ %(n)s tác phẩm, số tối đa mỗi người của cuộc thi.")
            % {"n": current.entries_per_entrant},
            code="limit",
        )
    stored: tuple[str, str] = ("", "")
    checked = None
    if upload is not None:
        checked = media_files.check_work(
            upload, upload_size, formats=list(current.formats), limit_mb=current.max_upload_mb
        )
        stored = media_files.store(checked, upload)
    try:
        with transaction.atomic():
            Contest.objects.select_for_update().get(pk=contest.pk)
            last = MediaEntry.objects.filter(contest=contest).aggregate(n=Max("number"))["n"] or 0
            entry = MediaEntry.objects.create(
                contest=contest,
                entrant=entrant,
                number=last + 1,
                unit_id=entrant.unit_id,
                title=title,
                description=description,
                work_kind=WorkKind.UPLOAD if checked else WorkKind.LINK,
                file=stored[0],
                file_format=checked.fmt if checked else "",
                file_size=checked.size if checked else 0,
                poster=stored[1],
                poster_placeholder=bool(checked and checked.placeholder),
                link_url=link_url if not checked else "",
                link_platform=platform if not checked else "",
                submitted_at=now,
            )
    except Exception:
        discard(stored)
        raise
    return entry


def entry_moderate(
    *, entry: MediaEntry, approve: bool, reason: str = "", actor: Any = None
) -> MediaEntry:
    """Approve an entry (shown from now on) or reject it with a reason (the entrant reads
    it); a decision may be changed until the results are out."""
    contest = entry.contest
    _require(actor, "contest.manage", contest)
    _not_published(contest)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(
            {"reason": _("Vui lòng ghi lý do không duyệt để người dự thi biết.")}, code="reason"
        )
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Lý do dài quá 2.000 ký tự.")})
    with transaction.atomic():
        entry.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
        entry.moderation_reason = reason
        entry.moderated_by = acting_user(actor)
        entry.moderated_at = timezone.now()
        entry.save(update_fields=["status", "moderation_reason", "moderated_by", "moderated_at"])
        _audit(contest, "moderate", actor, entry=entry.number, status=entry.status, reason=reason)
    return entry


# --- voters and votes -------------------------------------------------------------------------


def _voter_code_hash(voter: Voter, code: str) -> str:
    return salted_hmac("lantoa.contests.voter-code", f"{voter.pk}:{code}").hexdigest()


def voter_start(
    *, contest: Contest, phone: str, now: dt.datetime | None = None
) -> tuple[Voter, str, str]:
    """The voter of ``phone`` (found again by its keyed hash) with a new one-time code.
    Returns the voter, the code and the number to send it to (never stored)."""
    now = now or timezone.now()
    if not contest.is_approved or not is_media(contest):
        raise ValidationError(_("Cuộc thi chưa mở bình chọn."), code="not_open")
    current = settings_of(contest)
    if not voting_open(current, now):
        raise ValidationError(
            _("Bình chọn mở từ %(start)s đến %(end)s.")
            % {"start": _local(current.voting_open_at), "end": _local(current.voting_close_at)},
            code="not_open",
        )
    number = normalise_phone(phone)
    if not number:
        raise ValidationError(
            {
                "phone": _(
                    "Vui lòng nhập số điện thoại Việt Nam: 10 chữ số bắt đầu bằng 0 (ví dụ "
                    "0912345678)."
                )
            }
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    identity = integrity.keyed_hash("voter", number)
    with transaction.atomic():
        try:
            voter, _created = Voter.objects.select_for_update().get_or_create(
                contest=contest, identity_hash=identity
            )
        except IntegrityError:  # a simultaneous first request made it
            voter = Voter.objects.select_for_update().get(contest=contest, identity_hash=identity)
        voter.code_hash = _voter_code_hash(voter, code)
        voter.code_expires_at = now + entries_of_contest.CODE_TTL
        voter.code_tries = 0
        voter.save(update_fields=["code_hash", "code_expires_at", "code_tries"])
    return voter, code, number


def voter_verify(*, voter: Voter, code: str, now: dt.datetime | None = None) -> Voter:
    """Check the voter's one-time code; the same rules as an entrant's (``entry.code_check``)."""
    locked = entries_of_contest.code_check(
        Voter, voter.pk, code, _voter_code_hash, now or timezone.now()
    )
    voter.verified_at = locked.verified_at
    return voter


def vote_period(current: MediaSettings, now: dt.datetime) -> str:
    if current.vote_rule == VoteRule.CONTEST:
        return "contest"
    return timezone.localdate(now).isoformat()


def vote_cast(
    *,
    entry: MediaEntry,
    voter: Voter,
    now: dt.datetime | None = None,
    ip_hash: str = "",
    device_hash: str = "",
) -> Vote:
    """One vote for ``entry``. A second vote of the same voter for the same entry in the same
    period is refused by the database's unique constraint. Then look for a burst."""
    now = now or timezone.now()
    contest = entry.contest
    if entry.status != EntryStatus.APPROVED or not contest.is_approved:
        raise ValidationError(_("Tác phẩm này không nhận bình chọn."), code="not_open")
    if voter.contest_id != contest.pk or voter.verified_at is None:
        raise ValidationError(
            _("Vui lòng xác minh số điện thoại trước khi bình chọn."), code="not_verified"
        )
    if contest.results_published_at is not None:
        raise ValidationError(_("Cuộc thi đã công bố kết quả."), code="closed")
    current = settings_of(contest)
    if not voting_open(current, now):
        raise ValidationError(
            _("Bình chọn mở từ %(start)s đến %(end)s.")
            % {"start": _local(current.voting_open_at), "end": _local(current.voting_close_at)},
            code="closed",
        )
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                contest=contest,
                entry=entry,
                voter=voter,
                period=vote_period(current, now),
                created_at=now,
                ip_hash=ip_hash,
                device_hash=device_hash,
            )
    except IntegrityError as exc:
        message = (
            _("Bạn đã bình chọn cho tác phẩm này hôm nay. Mời bạn quay lại vào ngày mai.")
            if current.vote_rule == VoteRule.DAY
            else _("Bạn đã bình chọn cho tác phẩm này; mỗi người một phiếu cho mỗi tác phẩm.")
        )
        raise ValidationError(message, code="duplicate") from exc
    burst_detect(entry, now=now)
    return vote


def burst_detect(entry: MediaEntry, *, now: dt.datetime | None = None) -> int:
    """Flag the votes for ``entry`` in the window before ``now`` cast by voters verified just
    before voting, when they are ``LANTOA_CONTEST_VOTE_BURST`` or more. Returns the votes
    newly flagged."""
    now = now or timezone.now()
    window = int(settings.LANTOA_CONTEST_VOTE_BURST_SECONDS)
    threshold = int(settings.LANTOA_CONTEST_VOTE_BURST)
    fresh = int(settings.LANTOA_CONTEST_VOTE_NEW_SECONDS)
    recent = Vote.objects.filter(
        entry=entry,
        created_at__gt=now - dt.timedelta(seconds=window),
        created_at__lte=now,
        annulled_at__isnull=True,
        voter__verified_at__gte=F("created_at") - dt.timedelta(seconds=fresh),
    )
    count = recent.count()
    if count < threshold:
        return 0
    return recent.filter(flag=VoteFlag.NONE).update(
        flag=VoteFlag.PENDING,
        flag_detail={"votes": count, "seconds": window, "new_seconds": fresh},
    )


def vote_annul(*, vote: Vote, reason: str, actor: Any = None) -> Vote:
    """Annul a vote with a reason (kept, audited; it no longer counts)."""
    contest = vote.entry.contest
    _require(actor, "contest.manage", contest)
    _not_published(contest)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Vui lòng ghi lý do hủy phiếu.")}, code="reason")
    if vote.annulled_at is not None:
        return vote
    with transaction.atomic():
        vote.annulled_at = timezone.now()
        vote.annul_reason = reason[:2000]
        vote.annulled_by = acting_user(actor)
        vote.save(update_fields=["annulled_at", "annul_reason", "annulled_by"])
        _audit(contest, "vote_annul", actor, vote=vote.pk, entry=vote.entry.number, reason=reason)
    return vote


def flagged_votes_decide(
    *, contest: Contest, keep: bool, reason: str = "", actor: Any = None
) -> int:
    """Keep, or annul with a reason, every flagged vote still waiting for review."""
    _require(actor, "contest.manage", contest)
    _not_published(contest)
    reason = (reason or "").strip()
    if not keep and not reason:
        raise ValidationError({"reason": _("Vui lòng ghi lý do hủy phiếu.")}, code="reason")
    pending = Vote.objects.filter(contest=contest, flag=VoteFlag.PENDING, annulled_at__isnull=True)
    with transaction.atomic():
        if keep:
            count = pending.update(flag=VoteFlag.KEPT, reviewed_by=acting_user(actor))
        else:
            count = pending.update(
                annulled_at=timezone.now(),
                annul_reason=reason[:2000],
                annulled_by=acting_user(actor),
                reviewed_by=acting_user(actor),
            )
        _audit(contest, "votes_review", actor, keep=keep, count=count, reason=reason)
    return count


def pending_votes(contest: Contest) -> int:
    return Vote.objects.filter(
        contest=contest, flag=VoteFlag.PENDING, annulled_at__isnull=True
    ).count()


def vote_counts(contest: Contest) -> dict[int, int]:
    """Entry id → votes that count (not annulled), for the approved entries."""
    return {
        row["entry_id"]: int(row["n"])
        for row in Vote.objects.filter(
            contest=contest, annulled_at__isnull=True, entry__status=EntryStatus.APPROVED
        )
        .values("entry_id")
        .annotate(n=Count("pk"))
        .order_by()
    }


# --- standings and results ----------------------------------------------------------------------


@dataclass
class Standing:
    rank: int
    entry: MediaEntry
    jury: float | None  # 0–1, None: not scored yet
    votes: int
    votes_share: float  # votes ÷ the most votes of any entry (0–1)
    final: float  # out of 100


def standings(contest: Contest, *, limit: int | None = None) -> list[Standing]:
    """The approved entries by final score ↓, then jury score ↓, votes ↓, entry number ↑."""
    current = settings_of(contest)
    entries = list(
        MediaEntry.objects.filter(contest=contest, status=EntryStatus.APPROVED).select_related(
            "entrant", "unit"
        )
    )
    jury = jury_scores(contest)
    votes = vote_counts(contest)
    most = max(votes.values(), default=0)
    rows = []
    for entry in entries:
        j = jury.get(entry.pk)
        v = votes.get(entry.pk, 0)
        share = v / most if most else 0.0
        final = current.jury_weight * (j or 0.0) + current.public_weight * share
        rows.append(Standing(0, entry, j, v, share, round(final, 2)))
    rows.sort(key=lambda r: (-r.final, -(r.jury or 0), -r.votes, r.entry.number))
    for i, row in enumerate(rows, start=1):
        row.rank = i
    return rows[:limit] if limit is not None else rows


def winners_set(*, contest: Contest, count: int, actor: Any = None) -> Contest:
    """How many entries win prizes (the first of the standings)."""
    _require(actor, "contest.manage", contest)
    if not isinstance(count, int) or not 0 <= count <= MAX_WINNERS:
        raise ValidationError({"count": _("Vui lòng nhập số giải từ 0 đến 100.")})
    _not_published(contest)
    with transaction.atomic():
        Contest.objects.filter(pk=contest.pk).update(prizes_individual=count)
        contest.prizes_individual = count
        _audit(contest, "winners_set", actor, count=count)
    return contest


def results_blockers(contest: Contest, now: dt.datetime | None = None) -> list[str]:
    """What still stands between the contest and its results (empty: ready)."""
    now = now or timezone.now()
    current = settings_of(contest)
    found: list[str] = []
    if not contest.is_approved:
        found.append(_("Cuộc thi chưa được duyệt."))
    if now < current.voting_close_at or now < current.entries_close_at:
        found.append(
            _("Bình chọn và nhận tác phẩm kết thúc lúc %(when)s.")
            % {"when": _local(max(current.voting_close_at, current.entries_close_at))}
        )
    pending = MediaEntry.objects.filter(contest=contest, status=EntryStatus.PENDING).count()
    if pending:
        found.append(_("Còn %(n)s tác phẩm chờ kiểm duyệt.") % {"n": format_int(pending)})
    if current.jury_weight:
        if not Judge.objects.filter(contest=contest).exists():
            found.append(_("Cuộc thi chưa có giám khảo."))
        left = scoring_left(contest)
        if left:
            found.append(
                _("Giám khảo còn %(n)s lượt chấm tác phẩm chưa xong.") % {"n": format_int(left)}
            )
    flagged = pending_votes(contest)
    if flagged:
        found.append(
            _("Còn %(n)s phiếu bình chọn bị đánh dấu chờ xem xét (giữ hoặc hủy).")
            % {"n": format_int(flagged)}
        )
    return found


def media_results_publish(
    *, contest: Contest, actor: Any = None, now: dt.datetime | None = None
) -> Contest:
    _require(actor, "contest.manage", contest)
    now = now or timezone.now()
    if contest.results_published_at is not None:
        return contest
    blockers = results_blockers(contest, now)
    if blockers:
        raise ValidationError(
            _("Chưa công bố được kết quả: %(reasons)s") % {"reasons": " ".join(blockers)},
            code="not_ready",
        )
    with transaction.atomic():
        Contest.objects.filter(pk=contest.pk).update(results_published_at=now)
        contest.results_published_at = now
        _audit(contest, "results_publish", actor)
    return contest


def winners(contest: Contest) -> list[Standing]:
    return standings(contest, limit=contest.prizes_individual) if contest.prizes_individual else []


def _points(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def announcement_body(contest: Contest, board: list[Standing]) -> str:
    current = settings_of(contest)
    parts: list[str] = [
        format_html(
            "<p>{} thông báo kết quả cuộc thi “{}”. Điểm của mỗi tác phẩm gồm {}% điểm ban giám "
            "khảo và {}% điểm bình chọn của khán giả. Ban tổ chức xin chúc mừng các tác giả đạt "
            "giải và cảm ơn các đoàn viên, người lao động đã tham gia.</p>",
            contest.unit.name,
            contest.title,
            current.jury_weight,
            current.public_weight,
        )
    ]
    if board:
        parts.append("<h2>Các tác phẩm đạt giải</h2>")
        parts.append(
            "<ol>"
            + format_html_join(
                "",
                "<li>“{}” của {} ({}): {} điểm</li>",
                (
                    (r.entry.title, r.entry.entrant.full_name, r.entry.unit.name, _points(r.final))
                    for r in board
                ),
            )
            + "</ol>"
        )
    return "".join(str(p) for p in parts)


def media_results_announce(*, contest: Contest, actor: Any) -> ContentItem:
    """The announcement of the winning works (``results.announcement_draft``)."""
    _require(actor, "contest.manage", contest)
    return results.announcement_draft(
        contest=contest,
        actor=actor,
        summary=(
            f"{contest.unit.name} công bố kết quả cuộc thi “{contest.title}” và các tác "
            "phẩm đạt giải."
        ),
        body=lambda: announcement_body(contest, winners(contest)),
        audit=_audit,
    )


# --- reads ----------------------------------------------------------------------------------


def phase(contest: Contest, now: dt.datetime | None = None) -> str:
    """ "draft", "submitted", "upcoming", "open" (entries or votes taken), "judging" (both
    over, results not out) or "closed" (results published)."""
    if not contest.is_approved:
        return str(contest.status)
    if contest.results_published_at is not None:
        return "closed"
    now = now or timezone.now()
    current = settings_of(contest)
    if entries_open(current, now) or voting_open(current, now):
        return "open"
    if now < min(current.entries_open_at, current.voting_open_at):
        return "upcoming"
    return "judging"


@dataclass
class PublicMedia:
    contest: Contest
    phase: str
    settings: MediaSettings


def public_media_contests(
    site: Unit | None, now: dt.datetime | None = None, *, results_days: int = 365
) -> list[PublicMedia]:
    """The approved video and photo contests a visitor of the public site may see: run by
    the site's unit, a unit under it or above it; open, upcoming, or with results out in the
    last ``results_days``."""
    now = now or timezone.now()
    qs = Contest.objects.filter(
        status=ContestStatus.APPROVED, kind__in=MEDIA_KINDS, media__isnull=False
    ).select_related("unit", "media")
    if site is not None:
        below = UnitClosure.objects.filter(ancestor_id=site.pk).values("descendant_id")
        above = UnitClosure.objects.filter(descendant_id=site.pk).values("ancestor_id")
        qs = qs.filter(Q(unit_id__in=below) | Q(unit_id__in=above))
    qs = qs.filter(
        Q(results_published_at__gte=now - dt.timedelta(days=results_days))
        | Q(results_published_at__isnull=True, media__voting_close_at__gt=now)
        | Q(results_published_at__isnull=True, media__entries_close_at__gt=now)
    )
    found = [PublicMedia(c, phase(c, now), c.media) for c in qs.order_by("-created_at", "-pk")]
    return [p for p in found if p.phase in ("open", "upcoming", "closed")]
