"""Forms of the knowledge-base screens: input only; rules live in ``lantoa.kb.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lantoa.kb.models import Article, ArticleStatus, Category
from lantoa.units.models import Unit


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=255)
    question = forms.CharField(
        label=_("Câu hỏi"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Câu hỏi như người lao động hay hỏi, không có thông tin cá nhân."),
    )
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 14}))
    category = forms.ChoiceField(
        label=_("Lĩnh vực"), choices=[("", _("— Chọn lĩnh vực —")), *Category.choices]
    )
    law_refs = forms.CharField(
        label=_("Căn cứ pháp lý"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một căn cứ, ví dụ: Điều 113 Bộ luật Lao động 2019."),
    )
    tags = forms.CharField(
        label=_("Từ khoá"),
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
                "law_refs": "\n".join(instance.law_refs or []),
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
