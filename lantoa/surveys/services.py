"""Writes of surveys. Every change goes through here with ``actor=`` and leaves an audit row
(responses excepted: a worker's answer is not an officer's act; a keyed paper sheet is
audited without its code).

Workflow (``TRANSITIONS``)::

    draft ──submit──▶ submitted ──approve──▶ approved ──open──▶ open ──close──▶ closed
      ▲                  │                                        ▲              │
      └──────return──────┘                                        └────reopen────┘

Approval publishes the questionnaire version (immutable from then on). Questions change
only in an unpublished version; ``questionnaire_revise`` starts a new version of an approved,
open or closed survey, which goes through approval again, while earlier responses keep the
version they answered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.core.services import acting_user
from lantoa.core.text import fold, format_int
from lantoa.notifications.services import Text, notify
from lantoa.surveys.answers import check_answers, given_codes
from lantoa.surveys.models import (
    ONE_CODE_KINDS,
    OTHER,
    Answer,
    Audience,
    Channel,
    Question,
    QuestionKind,
    Questionnaire,
    QuotaAllocation,
    QuotaCell,
    Response,
    Section,
    SubmissionKey,
    Survey,
    SurveyCode,
    SurveyStatus,
)
from lantoa.surveys.quotas import cell_for, count_response
from lantoa.surveys.selectors import approvers_to_notify
from lantoa.units.models import Unit, UnitClosure

S = SurveyStatus
STATUS_LABEL = dict(SurveyStatus.choices)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((S.DRAFT,), S.SUBMITTED),
    "return": ((S.SUBMITTED,), S.DRAFT),
    "approve": ((S.SUBMITTED,), S.APPROVED),
    "open": ((S.APPROVED, S.CLOSED), S.OPEN),
    "close": ((S.OPEN,), S.CLOSED),
}
ACTION_LABEL = {
    "submit": gettext_lazy("gửi duyệt"),
    "return": gettext_lazy("trả lại"),
    "approve": gettext_lazy("duyệt"),
    "open": gettext_lazy("mở thu phiếu"),
    "close": gettext_lazy("kết thúc"),
}
DATA_DIR = Path(__file__).resolve().parent / "data"
TEMPLATES = {"doi-song-y-kien": "doi_song_y_kien.json"}
# Words of the officers' addresses under /khao-sat/ that no survey may take as its slug.
RESERVED_SLUGS = frozenset({"don-vi", "phieu", "bao-mat", "da-gui"})
MAX_CODES_AT_ONCE = 5000
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 6/B, 8 look-alikes
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,19}$")


@cache
def template(key: str) -> dict[str, Any]:
    """A questionnaire template shipped in ``lantoa/surveys/data/``."""
    name = TEMPLATES.get(key)
    if name is None:
        raise ValidationError(_("Vui lòng chọn một mẫu khảo sát có trong danh sách."))
    data: dict[str, Any] = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    return data


def template_choices() -> list[tuple[str, str]]:
    return [(key, template(key)["title"]) for key in TEMPLATES]


# --- helpers ------------------------------------------------------------------------------


def _require(actor: Any, perm: str, unit: Unit) -> None:
    if actor is not None and not access.can(actor, perm, unit):
        raise ValidationError(
            _("Anh/chị không có quyền làm việc này với khảo sát của đơn vị này."),
            code="forbidden",
        )


def _audit(survey: Survey, action: str, actor: Any, **data: Any) -> None:
    audit_record(
        action=f"survey.{action}",
        actor=actor,
        unit=survey.unit,
        target=f"{survey.pk}: {survey.title}",
        data={"status": survey.status, **data},
    )


def unique_slug(title: str) -> str:
    base = _SLUG_JUNK.sub("-", fold(title)).strip("-")[:60].rstrip("-") or "khao-sat"
    taken = set(Survey.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _clean_meta(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = str(values.get("title") or "").strip()
    if not title:
        errors["title"] = _("Vui lòng nhập tên cuộc khảo sát.")
    elif len(title) > 255:
        errors["title"] = _("Vui lòng rút gọn tên cuộc khảo sát (tối đa 255 ký tự).")
    audience = values.get("audience") or Audience.SUBTREE
    if audience not in Audience.values:
        errors["audience"] = _("Vui lòng chọn đối tượng khảo sát.")
    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("Vui lòng chọn hạn thu phiếu sau thời điểm mở.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "purpose": str(values.get("purpose") or "").strip(),
        "audience": audience,
        "anonymous": bool(values.get("anonymous", True)),
        "codes_required": bool(values.get("codes_required", False)),
        "double_entry": bool(values.get("double_entry", False)),
        "opens_at": opens_at,
        "closes_at": closes_at,
    }


# --- create, copy, edit -------------------------------------------------------------------


def survey_create(
    *,
    unit: Unit,
    title: str,
    actor: Any,
    template_key: str = "",
    purpose: str = "",
    audience: str = Audience.SUBTREE,
    anonymous: bool = True,
    codes_required: bool = False,
    double_entry: bool = False,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    sample_size: int | None = None,
) -> Survey:
    """A draft survey of ``unit`` with version 1 of its questionnaire: the template's
    sections and questions (and, given ``sample_size``, its quota cells), or empty."""
    _require(actor, "survey.manage", unit)
    data = template(template_key) if template_key else None
    meta = _clean_meta(
        {
            "title": title,
            "purpose": purpose or (data["purpose"] if data else ""),
            "audience": audience,
            "anonymous": anonymous,
            "codes_required": codes_required,
            "double_entry": double_entry,
            "opens_at": opens_at,
            "closes_at": closes_at,
        }
    )
    with transaction.atomic():
        survey = Survey.objects.create(
            unit=unit,
            slug=unique_slug(meta["title"]),
            created_by=acting_user(actor),
            template_key=template_key,
            **meta,
        )
        version = Questionnaire.objects.create(survey=survey, number=1)
        if data:
            _fill_from_template(version, data)
            if sample_size:
                for i, q in enumerate(data.get("quotas", [])):
                    QuotaCell.objects.create(
                        survey=survey,
                        label=q["label"],
                        conditions=q["conditions"],
                        target=round(sample_size * float(q["share"])),
                        position=i,
                    )
        _audit(survey, "create", actor, template=template_key)
    return survey


def _fill_from_template(version: Questionnaire, data: Mapping[str, Any]) -> None:
    position = 0
    for s_pos, s in enumerate(data["sections"]):
        section = Section.objects.create(
            questionnaire=version, position=s_pos, title=s["title"], title_en=s.get("title_en", "")
        )
        for q in s["questions"]:
            position += 1
            Question.objects.create(
                questionnaire=version,
                section=section,
                position=position,
                **_question_fields(q),
            )


QUESTION_FIELDS = (
    "code",
    "kind",
    "text",
    "text_en",
    "help_text",
    "required",
    "options",
    "allow_other",
    "scale",
    "rows",
    "min_value",
    "max_value",
    "show_if",
)


def _question_fields(q: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": q["code"],
        "kind": q["kind"],
        "text": q["text"],
        "text_en": q.get("text_en", ""),
        "help_text": q.get("help_text", ""),
        "required": bool(q.get("required", False)),
        "options": q.get("options", []),
        "allow_other": bool(q.get("allow_other", False)),
        "scale": q.get("scale", []),
        "rows": q.get("rows", []),
        "min_value": q.get("min_value"),
        "max_value": q.get("max_value"),
        "show_if": q.get("show_if") or {},
    }


def _copy_version(source: Questionnaire, target: Questionnaire) -> None:
    sections = {}
    for s in source.sections.all():
        sections[s.pk] = Section.objects.create(
            questionnaire=target, position=s.position, title=s.title, title_en=s.title_en
        )
    Question.objects.bulk_create(
        Question(
            questionnaire=target,
            section=sections.get(q.section_id) if q.section_id else None,
            position=q.position,
            code=q.code,
            kind=q.kind,
            text=q.text,
            text_en=q.text_en,
            help_text=q.help_text,
            required=q.required,
            options=q.options,
            allow_other=q.allow_other,
            scale=q.scale,
            rows=q.rows,
            min_value=q.min_value,
            max_value=q.max_value,
            show_if=q.show_if,
        )
        for q in source.questions.all()
    )


def survey_copy(*, survey: Survey, actor: Any, unit: Unit | None = None, title: str = "") -> Survey:
    """A new draft with the questions of ``survey``'s newest version and its quota cells
    (targets kept, counts at zero; allocations kept for units inside the new survey's unit).
    Copied in the survey's own unit, the draft is the next wave of its series (waves are
    compared question by question, matched by code); copied to another unit, it starts a
    series of its own."""
    unit = unit or survey.unit
    _require(actor, "survey.view", survey.unit)
    _require(actor, "survey.manage", unit)
    series: Survey | None = None
    wave = 1
    if unit.pk == survey.unit_id:
        series = survey.series or survey
        wave = 1 + int(
            Survey.objects.filter(Q(pk=series.pk) | Q(series=series)).aggregate(m=Max("wave"))["m"]
            or 1
        )
    default = (
        _("%(title)s (đợt %(n)s)") % {"title": series.title, "n": wave}
        if series is not None
        else _("%(title)s (bản sao)") % {"title": survey.title}
    )
    title = title.strip() or default
    meta = _clean_meta(
        {
            "title": title,
            "purpose": survey.purpose,
            "audience": survey.audience,
            "anonymous": survey.anonymous,
            "codes_required": survey.codes_required,
            "double_entry": survey.double_entry,
        }
    )
    with transaction.atomic():
        copy = Survey.objects.create(
            unit=unit,
            slug=unique_slug(meta["title"]),
            created_by=acting_user(actor),
            copied_from=survey,
            series=series,
            wave=wave,
            template_key=survey.template_key,
            **meta,
        )
        version = Questionnaire.objects.create(survey=copy, number=1)
        _copy_version(survey.current_version(), version)
        inside = set(
            UnitClosure.objects.filter(ancestor=unit).values_list("descendant_id", flat=True)
        )
        for cell in survey.quota_cells.all():
            new_cell = QuotaCell.objects.create(
                survey=copy,
                label=cell.label,
                conditions=cell.conditions,
                target=cell.target,
                position=cell.position,
            )
            QuotaAllocation.objects.bulk_create(
                QuotaAllocation(cell=new_cell, unit_id=a.unit_id, target=a.target)
                for a in cell.allocations.all()
                if a.unit_id in inside
            )
        _audit(copy, "copy", actor, source=survey.pk, wave=wave)
    return copy


def survey_update(*, survey: Survey, actor: Any, **values: Any) -> Survey:
    """Title, purpose, audience, anonymity, codes and the window; anonymity and codes only
    before the first response."""
    _require(actor, "survey.manage", survey.unit)
    current = {
        k: getattr(survey, k)
        for k in (
            "title",
            "purpose",
            "audience",
            "anonymous",
            "codes_required",
            "double_entry",
            "opens_at",
            "closes_at",
        )
    }
    meta = _clean_meta({**current, **values})
    answered = survey.responses.exists()
    if answered and (
        meta["anonymous"] != survey.anonymous or meta["codes_required"] != survey.codes_required
    ):
        raise ValidationError(
            {
                "anonymous": _(
                    "Vui lòng giữ nguyên chế độ ẩn danh và mã phiếu: cuộc khảo sát đã có "
                    "phiếu trả lời."
                )
            }
        )
    with transaction.atomic():
        for key, value in meta.items():
            setattr(survey, key, value)
        survey.save()
        _audit(survey, "update", actor, fields=sorted(values))
    return survey


def _editable_version(survey: Survey) -> Questionnaire:
    version = survey.current_version()
    if version.is_published or survey.status not in (S.DRAFT,):
        raise ValidationError(
            _(
                "Bảng hỏi đã được duyệt nên không sửa được; vui lòng tạo phiên bản mới "
                "của bảng hỏi để sửa."
            ),
            code="published",
        )
    return version


def _parse_decimal(raw: Any, label: str, errors: dict[str, str], key: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw).replace(",", "."))
    except InvalidOperation:
        errors[key] = _("Vui lòng nhập một số ở ô “%(label)s”.") % {"label": label}
        return None


def _clean_question(
    version: Questionnaire, values: Mapping[str, Any], *, instance: Question | None
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    code = str(values.get("code") or "").strip()
    if not _CODE_RE.match(code):
        errors["code"] = _(
            "Vui lòng đặt mã câu hỏi bắt đầu bằng chữ cái, chỉ gồm chữ không dấu, số và "
            "dấu gạch dưới (tối đa 20 ký tự), ví dụ A1."
        )
    elif version.questions.filter(code=code).exclude(pk=instance.pk if instance else 0).exists():
        errors["code"] = _("Mã câu hỏi “%(code)s” đã có trong bảng hỏi; vui lòng chọn mã khác.") % {
            "code": code
        }
    kind = values.get("kind")
    if kind not in QuestionKind.values:
        errors["kind"] = _("Vui lòng chọn loại câu hỏi.")
    text = str(values.get("text") or "").strip()
    if not text:
        errors["text"] = _("Vui lòng nhập nội dung câu hỏi.")
    options = list(values.get("options") or [])
    scale = list(values.get("scale") or [])
    rows = list(values.get("rows") or [])
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
        errors["options"] = _("Vui lòng nhập ít nhất hai phương án trả lời.")
    if kind in (QuestionKind.LIKERT, QuestionKind.MATRIX) and len(scale) < 2:
        errors["scale"] = _("Vui lòng nhập ít nhất hai mức của thang đánh giá.")
    if kind == QuestionKind.MATRIX and not rows:
        errors["rows"] = _("Vui lòng nhập các dòng của bảng.")
    for key, items in (("options", options), ("scale", scale), ("rows", rows)):
        values_seen = [str(i.get("value", "")) for i in items]
        if len(set(values_seen)) != len(values_seen) or OTHER in values_seen:
            errors[key] = _("Vui lòng dùng mỗi mã phương án một lần (mã “other” dành cho “Khác”).")
    low = _parse_decimal(values.get("min_value"), _("Giá trị nhỏ nhất"), errors, "min_value")
    high = _parse_decimal(values.get("max_value"), _("Giá trị lớn nhất"), errors, "max_value")
    if low is not None and high is not None and low > high:
        errors["max_value"] = _("Vui lòng nhập giá trị lớn nhất không nhỏ hơn giá trị nhỏ nhất.")
    show_if = dict(values.get("show_if") or {})
    if show_if:
        source_code = str(show_if.get("question", ""))
        position = instance.position if instance else _next_position(version)
        source = version.questions.filter(code=source_code, position__lt=position).first()
        wanted = [str(v) for v in show_if.get("values", []) if str(v).strip()]
        if source is None:
            errors["show_if"] = _(
                "Vui lòng chọn điều kiện hiện theo một câu hỏi đứng trước câu này."
            )
        elif source.kind not in (*ONE_CODE_KINDS, QuestionKind.MULTIPLE) or not wanted:
            errors["show_if"] = _(
                "Vui lòng chọn điều kiện hiện theo phương án của một câu hỏi lựa chọn."
            )
        elif any(v not in {c["value"] for c in source.choices()} for v in wanted):
            errors["show_if"] = _("Vui lòng chọn các phương án có trong câu %(code)s.") % {
                "code": source_code
            }
        show_if = {"question": source_code, "values": wanted}
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "kind": kind,
        "text": text,
        "text_en": str(values.get("text_en") or "").strip(),
        "help_text": str(values.get("help_text") or "").strip()[:255],
        "required": bool(values.get("required")),
        "options": options if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else [],
        "allow_other": bool(values.get("allow_other"))
        and kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE),
        "scale": scale if kind in (QuestionKind.LIKERT, QuestionKind.MATRIX) else [],
        "rows": rows if kind == QuestionKind.MATRIX else [],
        "min_value": low if kind == QuestionKind.NUMBER else None,
        "max_value": high if kind == QuestionKind.NUMBER else None,
        "show_if": show_if,
    }


def _next_position(version: Questionnaire) -> int:
    return int(version.questions.aggregate(m=Max("position"))["m"] or 0) + 1


def question_add(
    *, survey: Survey, actor: Any, section: Section | None = None, **values: Any
) -> Question:
    _require(actor, "survey.manage", survey.unit)
    with transaction.atomic():
        version = _editable_version(survey)
        fields = _clean_question(version, values, instance=None)
        if section is not None and section.questionnaire_id != version.pk:
            raise ValidationError({"section": _("Vui lòng chọn một phần của bảng hỏi này.")})
        question = Question.objects.create(
            questionnaire=version, section=section, position=_next_position(version), **fields
        )
        _audit(survey, "question_add", actor, question=question.code)
    return question


def question_update(*, question: Question, actor: Any, **values: Any) -> Question:
    survey = question.questionnaire.survey
    _require(actor, "survey.manage", survey.unit)
    with transaction.atomic():
        version = _editable_version(survey)
        if question.questionnaire_id != version.pk:
            raise ValidationError(_("Câu hỏi thuộc phiên bản đã duyệt nên không sửa được."))
        current = {
            f: getattr(question, f) for f in _question_fields({"code": "", "kind": "", "text": ""})
        }
        fields = _clean_question(version, {**current, **values}, instance=question)
        old_code = question.code
        for key, value in fields.items():
            setattr(question, key, value)
        question.save()
        if old_code != question.code:  # conditions on it follow the new code
            for q in version.questions.filter(show_if__question=old_code):
                q.show_if = {**q.show_if, "question": question.code}
                q.save(update_fields=["show_if"])
        _audit(survey, "question_update", actor, question=question.code)
    return question


def question_delete(*, question: Question, actor: Any) -> None:
    survey = question.questionnaire.survey
    _require(actor, "survey.manage", survey.unit)
    with transaction.atomic():
        version = _editable_version(survey)
        dependants = [
            q.code
            for q in version.questions.all()
            if (q.show_if or {}).get("question") == question.code
        ]
        if dependants:
            raise ValidationError(
                _("Vui lòng bỏ điều kiện hiện của câu %(codes)s trước khi xóa câu %(code)s.")
                % {"codes": ", ".join(dependants), "code": question.code}
            )
        code = question.code
        question.delete()
        _audit(survey, "question_delete", actor, question=code)


def section_add(*, survey: Survey, actor: Any, title: str, title_en: str = "") -> Section:
    _require(actor, "survey.manage", survey.unit)
    if not title.strip():
        raise ValidationError({"title": _("Vui lòng nhập tên phần.")})
    with transaction.atomic():
        version = _editable_version(survey)
        position = int(version.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        section = Section.objects.create(
            questionnaire=version, position=position, title=title.strip(), title_en=title_en
        )
        _audit(survey, "section_add", actor, section=section.title)
    return section


def questionnaire_revise(*, survey: Survey, actor: Any) -> Questionnaire:
    """A new, editable version copied from the published one; the survey goes back to draft
    (and through approval again). Responses already given keep their version."""
    _require(actor, "survey.manage", survey.unit)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        current = locked.current_version()
        if not current.is_published:
            raise ValidationError(_("Phiên bản hiện tại vẫn đang sửa được."))
        version = Questionnaire.objects.create(survey=locked, number=current.number + 1)
        _copy_version(current, version)
        before = locked.status
        locked.status = S.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        survey.status = locked.status
        _audit(locked, "revise", actor, version=version.number, **{"from": before})
    return version


# --- workflow -------------------------------------------------------------------------------


def _transition(survey: Survey, action: str, actor: Any, **changes: Any) -> Survey:
    allowed, target = TRANSITIONS[action]
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _(
                "Không thể %(action)s cuộc khảo sát đang ở trạng thái “%(status)s”; chỉ "
                "%(action)s được khi ở trạng thái %(froms)s."
            )
            % {
                "action": ACTION_LABEL[action],
                "status": STATUS_LABEL[locked.status],
                "froms": ", ".join(f"“{STATUS_LABEL[s]}”" for s in allowed),
            },
            code="bad_status",
        )
    before = locked.status
    locked.status = target
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.save(update_fields=["status", "updated_at", *changes])
    _audit(locked, action, actor, **{"from": before})
    for key in ("status", *changes):
        setattr(survey, key, getattr(locked, key))
    return survey


def _notify(users: list[Any], kind: str, title: Text, survey: Survey, body: str = "") -> None:
    users = [u for u in users if u is not None]
    if users:
        notify(
            users=users,
            kind=kind,
            title=title,
            body=body,
            url=survey.get_absolute_url(),
            unit=survey.unit,
        )


def survey_submit(*, survey: Survey, actor: Any) -> Survey:
    _require(actor, "survey.manage", survey.unit)
    if not survey.current_version().questions.exists():
        raise ValidationError(_("Vui lòng thêm ít nhất một câu hỏi trước khi gửi duyệt."))
    with transaction.atomic():
        _transition(survey, "submit", actor, return_comment="")
        _notify(
            approvers_to_notify(survey),
            "survey.submitted",
            Text(gettext_noop("Khảo sát chờ duyệt: %(title)s"), {"title": survey.title}),
            survey,
        )
    return survey


def _require_approver(actor: Any, survey: Survey) -> None:
    _require(actor, "survey.approve", survey.unit)
    if actor is not None and survey.created_by_id == getattr(actor, "pk", None):
        raise ValidationError(
            _(
                "Anh/chị là người tạo cuộc khảo sát này nên không thể tự duyệt; cần một cán "
                "bộ khác duyệt."
            ),
            code="four_eyes",
        )


def survey_approve(*, survey: Survey, actor: Any) -> Survey:
    """Approve and publish the current version (immutable from now on)."""
    _require_approver(actor, survey)
    with transaction.atomic():
        _transition(survey, "approve", actor, approved_by=acting_user(actor))
        Questionnaire.objects.filter(
            pk=survey.current_version().pk, published_at__isnull=True
        ).update(published_at=timezone.now())
        _notify(
            [survey.created_by],
            "survey.approved",
            Text(gettext_noop("Khảo sát đã được duyệt: %(title)s"), {"title": survey.title}),
            survey,
        )
    return survey


def survey_return(*, survey: Survey, actor: Any, comment: str) -> Survey:
    _require(actor, "survey.approve", survey.unit)
    if not comment.strip():
        raise ValidationError({"comment": _("Vui lòng ghi lý do trả lại để người soạn sửa.")})
    with transaction.atomic():
        _transition(survey, "return", actor, return_comment=comment.strip())
        _notify(
            [survey.created_by],
            "survey.returned",
            Text(gettext_noop("Khảo sát bị trả lại để sửa: %(title)s"), {"title": survey.title}),
            survey,
            body=comment.strip(),
        )
    return survey


def survey_open(*, survey: Survey, actor: Any) -> Survey:
    _require(actor, "survey.manage", survey.unit)
    if not survey.current_version().is_published:
        raise ValidationError(_("Vui lòng gửi duyệt phiên bản mới của bảng hỏi trước khi mở."))
    with transaction.atomic():
        return _transition(survey, "open", actor)


def survey_close(*, survey: Survey, actor: Any) -> Survey:
    _require(actor, "survey.manage", survey.unit)
    with transaction.atomic():
        return _transition(survey, "close", actor)


# --- quotas ---------------------------------------------------------------------------------


def quota_cell_save(
    *,
    survey: Survey,
    actor: Any,
    label: str,
    conditions: Mapping[str, str],
    target: int,
    cell: QuotaCell | None = None,
) -> QuotaCell:
    """Add or change a cell: conditions on single-choice (or Likert) questions of the
    current version; the target may not drop below what is already counted."""
    _require(actor, "survey.manage", survey.unit)
    errors: dict[str, str] = {}
    if not label.strip():
        errors["label"] = _("Vui lòng đặt tên cho ô chỉ tiêu.")
    questions = {q.code: q for q in survey.current_version().questions.all()}
    if not conditions:
        errors["conditions"] = _("Vui lòng chọn ít nhất một điều kiện cho ô chỉ tiêu.")
    for code, value in conditions.items():
        q = questions.get(code)
        if q is None or q.kind not in ONE_CODE_KINDS:
            errors["conditions"] = _(
                "Vui lòng chọn điều kiện theo câu hỏi chọn một của bảng hỏi (câu %(code)s "
                "không dùng được)."
            ) % {"code": code}
        elif str(value) not in {c["value"] for c in q.choices()}:
            errors["conditions"] = _("Vui lòng chọn phương án có trong câu %(code)s.") % {
                "code": code
            }
    if target < 1:
        errors["target"] = _("Vui lòng nhập số phiếu cần thu lớn hơn 0.")
    elif cell is not None and target < cell.count:
        errors["target"] = _("Vui lòng nhập số phiếu không nhỏ hơn số đã thu (%(n)s).") % {
            "n": format_int(cell.count)
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if cell is None:
            position = int(survey.quota_cells.aggregate(m=Max("position"))["m"] or 0) + 1
            cell = QuotaCell.objects.create(
                survey=survey,
                label=label.strip(),
                conditions={k: str(v) for k, v in conditions.items()},
                target=target,
                position=position,
            )
        else:
            cell.label = label.strip()
            cell.conditions = {k: str(v) for k, v in conditions.items()}
            cell.target = target
            cell.save()
        _audit(survey, "quota_cell", actor, cell=cell.label, target=target)
    return cell


def quota_allocate(
    *, cell: QuotaCell, allocations: Mapping[Unit, int], actor: Any
) -> list[QuotaAllocation]:
    """Set how many of ``cell``'s questionnaires each unit's subtree collects (0 removes
    a unit's share). Units must lie strictly inside the survey's unit; the shares of units
    beside each other may not add up to more than the cell's target (nor more than their
    parent allocation's target). Whoever manages surveys at a unit's parent shares out to
    it: the province to its upper-level unions, each of these on to its grassroots unions."""
    survey = cell.survey
    errors: list[str] = []
    for unit, n in allocations.items():
        inside = UnitClosure.objects.filter(
            ancestor=survey.unit, descendant=unit, depth__gt=0
        ).exists()
        if inside and unit.parent is not None:
            _require(actor, "survey.manage", unit.parent)
        if not inside:
            errors.append(
                _("Vui lòng chỉ phân bổ cho đơn vị trực thuộc %(unit)s (%(code)s không thuộc).")
                % {"unit": survey.unit.name, "code": unit.code}
            )
        if n < 0:
            errors.append(_("Vui lòng nhập số phiếu không âm cho %(code)s.") % {"code": unit.code})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = QuotaCell.objects.select_for_update().get(pk=cell.pk)
        current = {a.unit_id: a for a in locked.allocations.select_related("unit")}
        for unit, n in allocations.items():
            existing = current.get(unit.pk)
            if n == 0:
                if existing is not None and existing.count:
                    raise ValidationError(
                        _("Vui lòng giữ phân bổ của %(code)s: đơn vị đã thu %(n)s phiếu.")
                        % {"code": unit.code, "n": format_int(existing.count)}
                    )
                if existing is not None:
                    existing.delete()
                    del current[unit.pk]
                continue
            if existing is not None and n < existing.count:
                raise ValidationError(
                    _("Vui lòng nhập cho %(code)s không ít hơn số phiếu đã thu (%(n)s).")
                    % {"code": unit.code, "n": format_int(existing.count)}
                )
            if existing is None:
                current[unit.pk] = QuotaAllocation.objects.create(cell=locked, unit=unit, target=n)
            else:
                existing.target = n
                existing.save(update_fields=["target"])
        _check_allocation_sums(locked, list(current.values()))
        _audit(
            survey,
            "quota_allocate",
            actor,
            cell=locked.label,
            allocations={u.code: n for u, n in allocations.items()},
        )
    return sorted(current.values(), key=lambda a: a.unit.code)


def _check_allocation_sums(cell: QuotaCell, allocations: list[QuotaAllocation]) -> None:
    """The shares directly under a unit (the survey's own unit: the cell's target) add up to
    at most that unit's share."""
    by_unit = {a.unit_id: a for a in allocations}
    parent_of: dict[int, int] = {}
    for a in allocations:
        holder = (
            UnitClosure.objects.filter(
                descendant_id=a.unit_id, depth__gt=0, ancestor_id__in=list(by_unit)
            )
            .order_by("depth")
            .values_list("ancestor_id", flat=True)
            .first()
        )
        parent_of[a.unit_id] = holder or 0
    sums: dict[int, int] = {}
    for unit_id, holder in parent_of.items():
        sums[holder] = sums.get(holder, 0) + by_unit[unit_id].target
    for holder, total in sums.items():
        limit = cell.target if holder == 0 else by_unit[holder].target
        if total > limit:
            name = cell.survey.unit.name if holder == 0 else by_unit[holder].unit.name
            raise ValidationError(
                _(
                    "Vui lòng giảm phân bổ: các đơn vị dưới %(unit)s được giao %(total)s phiếu "
                    "“%(cell)s”, nhiều hơn %(limit)s."
                )
                % {
                    "unit": name,
                    "total": format_int(total),
                    "cell": cell.label,
                    "limit": format_int(limit),
                }
            )


# --- codes ----------------------------------------------------------------------------------


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else cleaned


def codes_generate(*, survey: Survey, unit: Unit, count: int, actor: Any) -> list[SurveyCode]:
    """``count`` new single-use codes for ``unit`` (inside the survey's unit), numbered on
    from the unit's last one."""
    _require(actor, "survey.enter", unit)
    if not UnitClosure.objects.filter(ancestor=survey.unit, descendant=unit).exists():
        raise ValidationError(
            {"unit": _("Vui lòng chọn một đơn vị thuộc %(unit)s.") % {"unit": survey.unit.name}}
        )
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise ValidationError(
            {
                "count": _("Vui lòng tạo từ 1 đến %(n)s mã mỗi lần.")
                % {"n": format_int(MAX_CODES_AT_ONCE)}
            }
        )
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        last = survey.codes.filter(unit=unit).aggregate(m=Max("number"))["m"] or 0
        taken = set(survey.codes.values_list("code", flat=True))
        made: list[SurveyCode] = []
        for i in range(1, count + 1):
            code = _new_code()
            while code in taken:
                code = _new_code()
            taken.add(code)
            made.append(SurveyCode(survey=survey, unit=unit, code=code, number=last + i))
        SurveyCode.objects.bulk_create(made)
        _audit(survey, "codes", actor, unit=unit.code, count=count)
    return made


def _use_code(survey: Survey, unit: Unit, text: str) -> SurveyCode:
    """Mark the code used (one conditional UPDATE, so two sheets with one code cannot both
    pass); refused when unknown, of another unit's subtree, or used."""
    code = normalise_code(text)
    found = SurveyCode.objects.filter(survey=survey, code=code).first()
    if found is None:
        raise ValidationError(
            {"code": _("Vui lòng kiểm tra lại mã phiếu: mã “%(code)s” không có.") % {"code": code}}
        )
    if not UnitClosure.objects.filter(ancestor_id=found.unit_id, descendant=unit).exists():
        raise ValidationError(
            {
                "code": _("Vui lòng kiểm tra lại mã phiếu: mã “%(code)s” cấp cho đơn vị khác.")
                % {"code": code}
            }
        )
    if not SurveyCode.objects.filter(pk=found.pk, used=False).update(used=True):
        raise ValidationError(
            {
                "code": _("Mã phiếu “%(code)s” đã được dùng; mỗi mã chỉ dùng một lần.")
                % {"code": code}
            },
            code="code_used",
        )
    return found


# --- responses ------------------------------------------------------------------------------


def is_collecting(survey: Survey, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if survey.status != S.OPEN:
        return False
    if survey.opens_at and now < survey.opens_at:
        return False
    return not (survey.closes_at and now >= survey.closes_at)


def collecting_unit(survey: Survey, unit: Unit) -> bool:
    return UnitClosure.objects.filter(ancestor=survey.unit, descendant=unit).exists()


class AlreadyReceived(Exception):
    """The questionnaire with this submission key is already stored: a resend from a phone's
    queue whose first answer was lost on the way back. The original result stands (the sheet
    was accepted); nothing is written again."""


_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def submission_digest(key: str) -> str:
    """What is kept of a submission key (SHA-256, hex); ValidationError for a malformed one."""
    if not _KEY_RE.match(key or ""):
        raise ValidationError(
            _("Phiếu gửi kèm mã gửi không hợp lệ; vui lòng tải lại trang rồi gửi lại."),
            code="bad_key",
        )
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def submission_seen(survey: Survey, key: str) -> bool:
    """Has the questionnaire with this submission key arrived already?"""
    if not _KEY_RE.match(key or ""):
        return False
    return SubmissionKey.objects.filter(survey=survey, digest=submission_digest(key)).exists()


def response_submit(
    *,
    survey: Survey,
    unit: Unit,
    answers: Mapping[str, Any],
    channel: str = Channel.WEB,
    code: str = "",
    actor: Any = None,
    submitted_at: dt.datetime | None = None,
    submission_key: str = "",
) -> Response:
    """Check and store one questionnaire for ``unit``. Web answers come without ``actor``;
    paper and imported sheets with the officer who keyed them (``survey.enter``; None is
    the system). Within
    one transaction: the code is used, the quota counted, the response and its answers
    written; any refusal leaves nothing behind.

    ``submission_key``: the random key the page made for this sheet (a phone sends a queued
    sheet again until it hears back). Its digest is written in the response's transaction
    under a unique constraint, so the sheet is stored once whatever the number of sends;
    a resend raises ``AlreadyReceived``."""
    if channel not in Channel.values:
        raise ValueError(channel)
    if channel != Channel.WEB:
        _require(actor, "survey.enter", unit)  # None: the system (a command, the demo)
    digest = submission_digest(submission_key) if submission_key else ""
    if digest and SubmissionKey.objects.filter(survey=survey, digest=digest).exists():
        raise AlreadyReceived
    if not is_collecting(survey):
        raise ValidationError(_("Cuộc khảo sát hiện không nhận phiếu trả lời."), code="closed")
    if not collecting_unit(survey, unit):
        raise ValidationError(
            _("Đơn vị %(unit)s không thuộc phạm vi cuộc khảo sát.") % {"unit": unit.name}
        )
    version = survey.current_version()
    if not version.is_published:
        raise ValidationError(_("Cuộc khảo sát hiện không nhận phiếu trả lời."), code="closed")
    questions = list(version.questions.all())
    rows = check_answers(questions, answers, survey_unit=survey.unit)
    codes = {q.code: given_codes(q, answers) for q in questions}
    if survey.codes_required and not code.strip():
        raise ValidationError({"code": _("Vui lòng nhập mã phiếu.")})
    if survey.anonymous and code.strip():
        # The code is used in a transaction of its own, so that not even the database's
        # row versions (PostgreSQL's transaction ids) tie it to the response written next;
        # it is given back when the response is refused (a full quota cell).
        try:
            with transaction.atomic():
                spent = _use_code(survey, unit, code)
        except ValidationError as exc:
            # Two sends of one queued sheet at once: the first used the code and stored it.
            if digest and SubmissionKey.objects.filter(survey=survey, digest=digest).exists():
                raise AlreadyReceived from exc
            raise
        try:
            return _store_response(
                survey,
                version,
                unit,
                rows,
                codes,
                channel,
                None,
                None,
                submitted_at,
                actor,
                digest,
            )
        except BaseException:
            SurveyCode.objects.filter(pk=spent.pk).update(used=False)
            raise
    with transaction.atomic():
        used = _use_code(survey, unit, code) if code.strip() else None
        return _store_response(
            survey,
            version,
            unit,
            rows,
            codes,
            channel,
            used,
            None if survey.anonymous else acting_user(actor),
            submitted_at,
            actor,
            digest,
        )


def _store_response(
    survey: Survey,
    version: Questionnaire,
    unit: Unit,
    rows: list[Answer],
    codes: dict[str, set[str]],
    channel: str,
    used: SurveyCode | None,
    keyed_by: Any,
    submitted_at: dt.datetime | None,
    actor: Any,
    digest: str = "",
) -> Response:
    """Count the quota, write the response and its answers, in one transaction (with the
    submission key's digest first: a second send of the sheet waits on the unique index,
    then finds it taken and is told ``AlreadyReceived``)."""
    with transaction.atomic():
        if digest:
            try:
                with transaction.atomic():
                    SubmissionKey.objects.create(survey=survey, digest=digest)
            except IntegrityError as exc:
                raise AlreadyReceived from exc
        cell = cell_for(survey, codes)
        if cell is not None:
            count_response(cell, unit)
        response = Response.objects.create(
            survey=survey,
            version=version,
            unit=unit,
            channel=channel,
            submitted_at=submitted_at or timezone.now(),
            code=used,
            quota_cell=cell,
            keyed_by=keyed_by,
        )
        for row in rows:
            row.response = response
            row.unit = unit  # the response's unit, read by the cross-tabs (Answer.unit)
        Answer.objects.bulk_create(rows)
        if channel != Channel.WEB:
            _audit(survey, "response_keyed", actor, unit=unit.code, channel=channel)
    return response
