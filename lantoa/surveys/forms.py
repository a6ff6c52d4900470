"""Forms of the officers' survey screens, and reading a filled-in questionnaire from a
POST (the public page and the paper entry form share the same fields)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantoa.core.forms import VnDateField
from lantoa.surveys.answers import other_key
from lantoa.surveys.models import Audience, Question, QuestionKind
from lantoa.surveys.services import template_choices
from lantoa.units.models import Unit
from lantoa.units.picker import UnitPickerField
from lantoa.units.selectors import units_in_subtree

K = QuestionKind


class SurveyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên cuộc khảo sát"), max_length=255)
    purpose = forms.CharField(
        label=gettext_lazy("Mục đích"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = forms.ChoiceField(label=gettext_lazy("Đối tượng"), choices=Audience.choices)
    anonymous = forms.BooleanField(
        label=gettext_lazy(
            "Ẩn danh: không lưu danh tính, địa chỉ IP hay mối liên hệ giữa mã và phiếu"
        ),
        required=False,
        initial=True,
    )
    codes_required = forms.BooleanField(
        label=gettext_lazy("Chỉ nhận phiếu có mã (mỗi mã dùng một lần)"), required=False
    )
    double_entry = forms.BooleanField(
        label=gettext_lazy(
            "Nhập phiếu giấy hai lần: hai cán bộ nhập cùng một phiếu (ghép theo mã phiếu), "
            "chỗ lệch được xem lại trước khi phiếu được tính"
        ),
        required=False,
    )
    opens_on = VnDateField(label=gettext_lazy("Mở thu phiếu từ ngày"), required=False)
    closes_on = VnDateField(label=gettext_lazy("Hết hạn thu phiếu sau ngày"), required=False)


class SurveyCreateForm(SurveyForm):
    template_key = forms.ChoiceField(label=gettext_lazy("Bắt đầu từ"), required=False)
    sample_size = forms.IntegerField(
        label=gettext_lazy("Cỡ mẫu (số phiếu cần thu)"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=gettext_lazy(
            "Khi có cỡ mẫu, các ô chỉ tiêu của mẫu được tạo sẵn theo tỷ lệ (ví dụ 70% doanh "
            "nghiệp ngoài nhà nước, 30% khu vực nhà nước)."
        ),
    )
    field_order = ["template_key", "title", "purpose", "audience", "sample_size"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Bảng hỏi trống")), *template_choices()]
        self.fields["template_key"].choices = choices  # type: ignore[attr-defined]


def _lines(text: str) -> list[dict[str, str]]:
    """ "Nhãn | English label" per line → options coded 1, 2, 3 …"""
    items: list[dict[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _sep, english = line.partition("|")
        items.append(
            {"value": str(len(items) + 1), "label": label.strip(), "label_en": english.strip()}
        )
    return items


def lines_text(items: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{i['label']} | {i['label_en']}" if i.get("label_en") else str(i["label"]) for i in items
    )


class QuestionForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã câu hỏi"), max_length=20)
    kind = forms.ChoiceField(label=gettext_lazy("Loại câu hỏi"), choices=QuestionKind.choices)
    text = forms.CharField(label=gettext_lazy("Câu hỏi"), widget=forms.Textarea(attrs={"rows": 2}))
    text_en = forms.CharField(
        label=gettext_lazy("Câu hỏi bằng tiếng Anh (không bắt buộc)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help_text = forms.CharField(label=gettext_lazy("Hướng dẫn"), required=False, max_length=255)
    required = forms.BooleanField(label=gettext_lazy("Bắt buộc trả lời"), required=False)
    options = forms.CharField(
        label=gettext_lazy("Phương án trả lời (chọn một, chọn nhiều)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Mỗi dòng một phương án; thêm bản tiếng Anh sau dấu |."),
    )
    allow_other = forms.BooleanField(
        label=gettext_lazy("Thêm phương án “Khác (ghi rõ)”"), required=False
    )
    scale = forms.CharField(
        label=gettext_lazy("Các mức của thang đánh giá (từ thấp đến cao)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Mỗi dòng một mức; thêm bản tiếng Anh sau dấu |."),
    )
    rows = forms.CharField(
        label=gettext_lazy("Các dòng của bảng"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    min_value = forms.DecimalField(label=gettext_lazy("Giá trị nhỏ nhất"), required=False)
    max_value = forms.DecimalField(label=gettext_lazy("Giá trị lớn nhất"), required=False)
    show_if_question = forms.ChoiceField(
        label=gettext_lazy("Chỉ hỏi khi câu"), required=False, choices=()
    )
    show_if_values = forms.CharField(
        label=gettext_lazy("có một trong các mã phương án"),
        required=False,
        help_text=gettext_lazy("Ví dụ: 1 hoặc 1, 2."),
    )

    def __init__(self, *args: Any, earlier: list[Question] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Luôn hỏi"))] + [
            (q.code, f"{q.code}. {q.text[:60]}") for q in earlier or []
        ]
        self.fields["show_if_question"].choices = choices  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(q: Question) -> dict[str, Any]:
        return {
            "code": q.code,
            "kind": q.kind,
            "text": q.text,
            "text_en": q.text_en,
            "help_text": q.help_text,
            "required": q.required,
            "options": lines_text(q.options),
            "allow_other": q.allow_other,
            "scale": lines_text(q.scale),
            "rows": lines_text(q.rows),
            "min_value": q.min_value,
            "max_value": q.max_value,
            "show_if_question": (q.show_if or {}).get("question", ""),
            "show_if_values": ", ".join((q.show_if or {}).get("values", [])),
        }

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        show_if: dict[str, Any] = {}
        if d.get("show_if_question"):
            values = [v.strip() for v in (d.get("show_if_values") or "").split(",") if v.strip()]
            show_if = {"question": d["show_if_question"], "values": values}
        return {
            "code": d["code"],
            "kind": d["kind"],
            "text": d["text"],
            "text_en": d.get("text_en") or "",
            "help_text": d.get("help_text") or "",
            "required": bool(d.get("required")),
            "options": _lines(d.get("options") or ""),
            "allow_other": bool(d.get("allow_other")),
            "scale": _lines(d.get("scale") or ""),
            "rows": _lines(d.get("rows") or ""),
            "min_value": d.get("min_value"),
            "max_value": d.get("max_value"),
            "show_if": show_if,
        }


class CodesForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Đơn vị nhận mã"))
    count = forms.IntegerField(
        label=gettext_lazy("Số mã cần tạo"), min_value=1, max_value=5000, initial=50
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, f"{u.code} — {u.name}") for u in units]  # type: ignore[attr-defined]


class QuotaCellForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Tên ô chỉ tiêu"), max_length=120)
    conditions = forms.CharField(
        label=gettext_lazy("Điều kiện"),
        help_text=gettext_lazy(
            "Mã câu hỏi = mã phương án, cách nhau bởi dấu phẩy; ví dụ: A3=1, A1=2."
        ),
    )
    target = forms.IntegerField(label=gettext_lazy("Số phiếu cần thu"), min_value=1)

    def clean_conditions(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in self.cleaned_data["conditions"].split(","):
            if not part.strip():
                continue
            code, sep, value = part.partition("=")
            if not sep or not code.strip() or not value.strip():
                raise forms.ValidationError(
                    _("Vui lòng ghi điều kiện theo dạng mã câu hỏi = mã phương án (A3=1).")
                )
            found[code.strip()] = value.strip()
        return found


def raw_answers(questions: list[Question], data: QueryDict | Mapping[str, Any]) -> dict[str, Any]:
    """The answers of a POSTed questionnaire as ``check_answers`` takes them: radio buttons
    named by the question's code, check boxes likewise (several values), a matrix's rows as
    ``<code>.<row>``, the words of "Khác" as ``<code>__other``."""
    raw: dict[str, Any] = {}
    getlist = getattr(data, "getlist", None)
    for q in questions:
        if q.kind == K.MULTIPLE:
            values = getlist(q.code) if getlist else data.get(q.code, [])
            if values:
                raw[q.code] = list(values)
        elif q.kind == K.MATRIX:
            rows = {r["value"]: data.get(f"{q.code}.{r['value']}", "") for r in q.rows}
            if any(str(v).strip() for v in rows.values()):
                raw[q.code] = rows
        else:
            value = str(data.get(q.code, "") or "").strip()
            if value:
                raw[q.code] = value
        other = str(data.get(other_key(q.code), "") or "").strip()
        if other and q.allow_other:
            raw[other_key(q.code)] = other
    return raw


def field_values(questions: list[Question], data: QueryDict | Mapping[str, Any]) -> dict[str, Any]:
    """What to put back into the fields after a refusal: ``{code: value or [values]}``,
    ``{"<code>.<row>": value}`` and the "Khác" words."""
    values: dict[str, Any] = {}
    getlist = getattr(data, "getlist", None)
    for q in questions:
        if q.kind == K.MULTIPLE:
            values[q.code] = list(getlist(q.code) if getlist else data.get(q.code, []))
        elif q.kind == K.MATRIX:
            for r in q.rows:
                values[f"{q.code}.{r['value']}"] = data.get(f"{q.code}.{r['value']}", "")
        else:
            values[q.code] = data.get(q.code, "")
        values[other_key(q.code)] = data.get(other_key(q.code), "")
    return values


def keyed_values(questions: list[Question], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stored raw answers (as ``raw_answers`` gives them) back into the fields' values (as
    ``field_values`` gives them): to show a keying again in the form."""
    values: dict[str, Any] = {}
    for q in questions:
        value = raw.get(q.code)
        if q.kind == K.MULTIPLE:
            values[q.code] = list(value or [])
        elif q.kind == K.MATRIX:
            rows = value if isinstance(value, Mapping) else {}
            for r in q.rows:
                values[f"{q.code}.{r['value']}"] = str(rows.get(r["value"], ""))
        else:
            values[q.code] = "" if value is None else str(value)
        values[other_key(q.code)] = str(raw.get(other_key(q.code)) or "")
    return values


def _label(item: Mapping[str, Any], english: bool) -> str:
    return str(item.get("label_en") or item["label"]) if english else str(item["label"])


def questionnaire_blocks(
    questions: list[Question],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    english: bool = False,
    units: list[tuple[str, str]] | None = None,
    pickers: UnitAnswersForm | None = None,
) -> list[dict[str, Any]]:
    """The questionnaire ready for ``surveys/_questionnaire.html``: sections, and for each
    question its wording (English when asked and given), inputs with what was entered, its
    error and its show-if rule (the script hides what is not asked; the note tells it
    without script). A unit question is a searched box when ``pickers`` has it (the public
    page), else a list of ``units``."""
    values = values or {}
    errors = errors or {}
    by_code = {q.code: q for q in questions}
    blocks: list[dict[str, Any]] = []
    current: Any = object()
    for q in questions:
        if q.section_id != getattr(current, "pk", None) or not blocks:
            current = q.section
            title = ""
            if current is not None:
                title = (current.title_en or current.title) if english else current.title
            blocks.append({"title": title, "items": []})
        value = values.get(q.code, "")
        chosen = set(value) if isinstance(value, list) else {str(value)}
        choices = [
            {"value": c["value"], "label": _label(c, english), "checked": c["value"] in chosen}
            for c in q.choices()
        ]
        rows = []
        if q.kind == K.MATRIX:
            for r in q.rows:
                picked = str(values.get(f"{q.code}.{r['value']}", ""))
                rows.append(
                    {
                        "name": f"{q.code}.{r['value']}",
                        "label": _label(r, english),
                        "choices": [
                            {
                                "value": c["value"],
                                "label": c["label"],
                                "checked": c["value"] == picked,
                            }
                            for c in choices
                        ],
                    }
                )
        rule = q.show_if or {}
        source = by_code.get(str(rule.get("question", "")))
        condition = ""
        if source is not None:
            labels = [source.label_of(v) for v in rule.get("values", [])]
            condition = _("Chỉ trả lời nếu ở câu %(code)s đã chọn: %(labels)s.") % {
                "code": source.code,
                "labels": "; ".join(f"“{x}”" for x in labels),
            }
        blocks[-1]["items"].append(
            {
                "q": q,
                "text": (q.text_en or q.text) if english else q.text,
                "choices": choices,
                "rows": rows,
                "value": "" if isinstance(value, list) else value,
                "other": values.get(other_key(q.code), ""),
                "other_name": other_key(q.code),
                "errors": errors.get(q.code, []),
                "condition": condition,
                "units": (units or []) if q.kind == K.UNIT else [],
                "picker": (
                    pickers[q.code]
                    if pickers is not None and q.kind == K.UNIT and q.code in pickers.fields
                    else None
                ),
                "show_question": rule.get("question", "") if source is not None else "",
                "show_values": ",".join(rule.get("values", [])) if source is not None else "",
            }
        )
    return blocks


class UnitAnswersForm(forms.Form):
    """The unit questions of a questionnaire as searched boxes (``lantoa.units.picker``),
    named by the question's code: the units of the survey's subtree, however many (a
    national tree has ~126.000), never listed whole. Without JavaScript the typed words are
    searched when the sheet is sent and, when several units match, offered to choose from.
    Whether an answer is required is the questionnaire's rule (``check_answers``)."""

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        units: Any,
        search_url: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "cau-%s-don-vi")
        super().__init__(*args, **kwargs)
        for q in questions:
            if q.kind == K.UNIT:
                field = UnitPickerField(label=q.text, required=False)
                field.setup(units, search_url=search_url)
                self.fields[q.code] = field

    def error_lists(self) -> dict[str, list[str]]:
        """The errors by question code, as ``questionnaire_blocks`` shows them."""
        return {code: [str(m) for m in errors] for code, errors in self.errors.items()}

    def answers(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """``raw`` (from ``raw_answers``) with each unit question answered by the code of the
        unit picked, or not answered; call after ``is_valid``."""
        out = dict(raw)
        for code in self.fields:
            unit = self.cleaned_data.get(code)
            if isinstance(unit, Unit):
                out[code] = unit.code
            else:
                out.pop(code, None)
        return out


UNIT_PICKER_MAX = 1000


def unit_choices(survey: Any, questions: list[Question]) -> list[tuple[str, str]]:
    """(code, name) of the active units of the survey's subtree, for a unit-picker question
    (none asked when the questionnaire has no such question; at most ``UNIT_PICKER_MAX``,
    past which the question takes a typed unit code)."""
    if not any(q.kind == K.UNIT for q in questions):
        return []
    found = list(
        units_in_subtree(survey.unit, active_only=True)
        .order_by("depth", "name")
        .values_list("code", "name")[: UNIT_PICKER_MAX + 1]
    )
    return found if len(found) <= UNIT_PICKER_MAX else []
