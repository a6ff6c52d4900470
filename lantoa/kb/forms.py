"""Forms of the knowledge-base screens: input only; rules live in ``lantoa.kb.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VnDateField
from lantoa.kb.categories import category_choices
from lantoa.kb.models import Article, ArticleStatus, DocumentKind, DocumentStatus
from lantoa.kb.references import reference_code, reference_label
from lantoa.units.models import Unit


def article_reference_lines(article: Article) -> list[str]:
    """The article's references as the form shows them (the compact form), then any legacy
    free-text reference not yet matched against the register, so that nothing is lost."""
    refs = list(article.references.select_related("document"))
    labels = {reference_label(r) for r in refs}
    return [reference_code(r) for r in refs] + [
        item for item in article.law_refs or [] if item not in labels
    ]


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=255)
    question = forms.CharField(
        label=_("Câu hỏi"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Câu hỏi như người lao động hay hỏi, không có thông tin cá nhân."),
    )
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 14}))
    # Built-in fields and those created by imports, read when the form is built.
    category = forms.ChoiceField(
        label=_("Lĩnh vực"), choices=lambda: [("", _("— Chọn lĩnh vực —")), *category_choices()]
    )
    law_refs = forms.CharField(
        label=_("Căn cứ pháp lý"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Mỗi dòng một căn cứ: số hiệu văn bản rồi điều, khoản, điểm — ví dụ “45/2019/QH14 "
            "Đ113” hoặc “khoản 3 Điều 168 Bộ luật Lao động 2019”. Văn bản phải có trong danh "
            "mục văn bản pháp luật."
        ),
    )
    tags = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        help_text=_("Cách nhau bằng dấu chấm phẩy (;), ví dụ: nghỉ phép; phép năm."),
    )

    def __init__(
        self,
        *args: Any,
        instance: Article | None = None,
        units: QuerySet[Unit] | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "question": instance.question,
                "answer": instance.answer,
                "category": instance.category,
                "law_refs": "\n".join(article_reference_lines(instance)),
                "tags": "; ".join(instance.tags or []),
            }
        super().__init__(*args, **kwargs)
        # A new article is filed under one of the officer's units; asked only when there is
        # a choice to make.
        if units is not None and units.count() > 1:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("Đơn vị quản lý bài"), queryset=units, empty_label=None
            )

    def service_fields(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key]
            for key in ("title", "question", "answer", "category", "law_refs", "tags")
        }


STATUS_FILTERS = [("", _("Mọi trạng thái")), *ArticleStatus.choices]


class LegalDocumentForm(forms.Form):
    """A document of the register; the status and its links in the same form, since a change
    of status is what flags the articles citing the document."""

    number = forms.CharField(
        label=_("Số hiệu"),
        max_length=60,
        help_text=_("Ví dụ: 45/2019/QH14, 293/2025/NĐ-CP, 61/QĐ-TLĐ."),
    )
    title = forms.CharField(label=_("Tên văn bản"), max_length=500)
    short_title = forms.CharField(
        label=_("Tên gọi tắt"),
        max_length=200,
        required=False,
        help_text=_("Cách bài viết gọi văn bản, ví dụ: Bộ luật Lao động 2019."),
    )
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentKind.choices)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    issued_on = VnDateField(label=_("Ngày ban hành"))
    in_force_from = VnDateField(label=_("Hiệu lực từ"), required=False)
    status = forms.ChoiceField(
        label=_("Tình trạng hiệu lực"),
        choices=DocumentStatus.choices,
        help_text=_(
            "Khi văn bản được sửa đổi, bị thay thế hoặc hết hiệu lực, mọi bài hỏi đáp dẫn văn "
            "bản này được đánh dấu cần rà soát và cán bộ quản lý bài được thông báo."
        ),
    )
    replaced_by = forms.CharField(
        label=_("Được thay thế bởi"),
        max_length=60,
        required=False,
        help_text=_("Số hiệu văn bản thay thế (phải có trong danh mục)."),
    )
    amended_by = forms.CharField(
        label=_("Được sửa đổi, bổ sung bởi"),
        required=False,
        help_text=_("Số hiệu các văn bản sửa đổi, cách nhau bằng dấu chấm phẩy (;)."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "number": instance.number,
                "title": instance.title,
                "short_title": instance.short_title,
                "kind": instance.kind,
                "issuer": instance.issuer,
                "issued_on": instance.issued_on,
                "in_force_from": instance.in_force_from,
                "status": instance.status,
                "replaced_by": instance.replaced_by.number if instance.replaced_by else "",
                "amended_by": "; ".join(d.number for d in instance.amended_by.all()),
                "note": instance.note,
            }
        super().__init__(*args, **kwargs)
