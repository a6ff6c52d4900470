"""Forms of the cascade screens. They only shape input; the rules live in
``lantoa.cascades.services``, whose errors the views put back with ``add_service_errors``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.campaigns.models import Campaign
from lantoa.cascades.models import Cascade, CascadeAction
from lantoa.cascades.services import SENDABLE_CONTENT
from lantoa.content.models import ContentItem
from lantoa.core.forms import VnDateField
from lantoa.core.text import format_int
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus

# Content offered for a cascade: items changed in this many days (the select would otherwise
# list every news post of the year).
CONTENT_CHOICE_AGE = dt.timedelta(days=90)
TARGET_ALL = "all"
TARGET_CHOSEN = "chosen"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service, not here."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def target_choices(sender: Unit) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """Kinds and levels present below ``sender`` (active units), labelled with their counts:
    the sender sees how far each choice reaches. One grouped query."""
    rows = (
        UnitClosure.objects.filter(
            ancestor=sender, depth__gte=1, descendant__status=UnitStatus.ACTIVE
        )
        .values("depth", "descendant__kind")
        .annotate(n=Count("id"))
    )
    by_kind: dict[str, int] = {}
    by_level: dict[int, int] = {}
    for row in rows:
        by_kind[row["descendant__kind"]] = by_kind.get(row["descendant__kind"], 0) + row["n"]
        by_level[row["depth"]] = by_level.get(row["depth"], 0) + row["n"]
    kinds = [
        (value, f"{label} ({format_int(by_kind[value])})")
        for value, label in UnitKind.choices
        if value in by_kind
    ]
    levels = []
    for level in sorted(by_level):
        name = (
            _("Bậc 1 — đơn vị trực thuộc trực tiếp")
            if level == 1
            else _("Bậc %(n)s — dưới %(m)s bậc") % {"n": level, "m": level - 1}
        )
        levels.append((level, f"{name} ({format_int(by_level[level])})"))
    return kinds, levels


class ContentChoiceField(forms.ModelChoiceField):
    """Items told apart where titles repeat: "Title — kind · unit · dd/mm/yyyy"."""

    def label_from_instance(self, obj: Any) -> str:
        day = obj.updated_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y")
        unit = obj.unit.short_name or obj.unit.name
        return f"{obj.title} — {obj.get_kind_display()} · {unit} · {day}"


class CascadeForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=255)
    instructions = forms.CharField(
        label=_("Hướng dẫn thực hiện"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Nội dung cần tuyên truyền, cách làm, lưu ý cho đơn vị nhận."),
    )
    content_item = ContentChoiceField(
        label=_("Nội dung trong kho"),
        queryset=ContentItem.objects.none(),
        required=False,
        empty_label=_("— Không gắn nội dung trong kho —"),
        widget=forms.Select(attrs={"data-searchable": _("Tìm theo tên, loại, đơn vị…")}),
        help_text=_(
            "Tài liệu định hướng, infographic… đã duyệt của đơn vị hoặc cấp trên; có thể để "
            "trống nếu gửi hướng dẫn và tệp riêng."
        ),
    )
    campaign = forms.ModelChoiceField(
        label=_("Thuộc chiến dịch"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("— Không thuộc chiến dịch nào —"),
    )
    actions = forms.MultipleChoiceField(
        label=_("Việc đơn vị nhận cần làm"),
        choices=CascadeAction.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vui lòng chọn ít nhất một việc cần làm.")},
    )
    due_on = VnDateField(label=_("Hạn hoàn thành"))
    target = forms.ChoiceField(
        label=_("Gửi tới"),
        choices=[
            (TARGET_ALL, _("Toàn bộ đơn vị trực thuộc (mọi cấp)")),
            (TARGET_CHOSEN, _("Chọn theo loại và/hoặc cấp đơn vị")),
        ],
        initial=TARGET_ALL,
        widget=forms.RadioSelect,
    )
    target_kinds = forms.MultipleChoiceField(
        label=_("Loại đơn vị nhận"), required=False, widget=forms.CheckboxSelectMultiple
    )
    target_levels = forms.TypedMultipleChoiceField(
        label=_("Cấp nhận (tính từ đơn vị gửi)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chọn cả loại và cấp: chỉ đơn vị thỏa cả hai mới nhận."),
    )
    links = forms.CharField(
        label=_("Đường dẫn kèm theo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://…"}),
        help_text=_("Mỗi dòng một đường dẫn (bài gốc, video…), tối đa 10."),
    )
    attachments = MultipleFileField(
        label=_("Tệp đính kèm"),
        required=False,
        help_text=_("PDF hoặc Word (.docx) đến 20 MB, ảnh JPG/PNG/WebP đến 10 MB; tối đa 10 tệp."),
    )
    remove_attachments = forms.TypedMultipleChoiceField(
        label=_("Bỏ tệp đã đính kèm"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, sender: Unit, cascade: Cascade | None = None, **kw: Any):
        if cascade is not None and "initial" not in kw:
            kw["initial"] = {
                "title": cascade.title,
                "instructions": cascade.instructions,
                "actions": cascade.actions,
                "due_on": cascade.due_on,
                "target": (
                    TARGET_CHOSEN if cascade.target_kinds or cascade.target_levels else TARGET_ALL
                ),
                "target_kinds": cascade.target_kinds,
                "target_levels": cascade.target_levels,
                "links": "\n".join(cascade.links),
                "content_item": cascade.content_item_id,
                "campaign": cascade.campaign_id,
            }
        super().__init__(*args, **kw)
        upward = UnitClosure.objects.filter(descendant=sender).values("ancestor_id")
        content_field = self.fields["content_item"]
        campaign_field = self.fields["campaign"]
        assert isinstance(content_field, forms.ModelChoiceField)
        assert isinstance(campaign_field, forms.ModelChoiceField)
        # Recent items only (a province posts thousands a year), plus the one already chosen.
        recent = Q(updated_at__gte=timezone.now() - CONTENT_CHOICE_AGE)
        if cascade is not None and cascade.content_item_id:
            recent |= Q(pk=cascade.content_item_id)
        content_field.queryset = (
            ContentItem.objects.filter(recent, unit_id__in=upward, status__in=SENDABLE_CONTENT)
            .select_related("unit")
            .order_by("-updated_at", "-pk")
        )
        campaign_field.queryset = Campaign.objects.filter(owner_id__in=upward).order_by(
            "-starts_on", "name"
        )
        kinds, levels = target_choices(sender)
        kind_field = self.fields["target_kinds"]
        level_field = self.fields["target_levels"]
        remove_field = self.fields["remove_attachments"]
        assert isinstance(kind_field, forms.MultipleChoiceField)
        assert isinstance(level_field, forms.MultipleChoiceField)
        assert isinstance(remove_field, forms.MultipleChoiceField)
        kind_field.choices = kinds
        level_field.choices = levels
        attachments = list(cascade.attachments.all()) if cascade is not None else []
        if attachments:
            remove_field.choices = [(a.pk, a.original_name) for a in attachments]
        else:
            del self.fields["remove_attachments"]
        self.fields["attachments"].widget.attrs["accept"] = (
            ".pdf,.docx,image/jpeg,image/png,image/webp"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == TARGET_CHOSEN:
            if not data.get("target_kinds") and not data.get("target_levels"):
                self.add_error(
                    "target_kinds", _("Vui lòng chọn ít nhất một loại hoặc một cấp đơn vị nhận.")
                )
        else:
            data["target_kinds"] = []
            data["target_levels"] = []
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "instructions": data.get("instructions", ""),
            "actions": data["actions"],
            "due_on": data["due_on"],
            "target_kinds": data.get("target_kinds") or [],
            "target_levels": data.get("target_levels") or [],
            "links": (data.get("links") or "").splitlines(),
            "content_item": data.get("content_item"),
            "campaign": data.get("campaign"),
        }

    def uploads(self) -> list[tuple[Any, str]]:
        return [(f, f.name or "") for f in self.cleaned_data.get("attachments") or []]


class ReceiveForm(forms.Form):
    """A receiving unit's step. Proof fields matter only for "done"."""

    STEPS = [("received", _("Đã nhận")), ("acknowledged", _("Đã nắm")), ("done", _("Đã thực hiện"))]

    buoc = forms.ChoiceField(choices=STEPS)
    proof_links = forms.CharField(
        label=_("Đường dẫn bài đăng của đơn vị"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "placeholder": "https://www.facebook.com/…/posts/…",
                "inputmode": "url",
            }
        ),
        help_text=_("Mỗi dòng một đường dẫn, tối đa 5."),
    )
    proof_photo = forms.FileField(
        label=_("Ảnh minh chứng"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Ảnh JPG, PNG hoặc WebP, tối đa 10 MB."),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: đăng lúc nào, trên kênh nào, bao nhiêu người dự buổi tuyên truyền."),
    )
