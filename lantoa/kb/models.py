"""The legal knowledge base (kho hỏi đáp pháp luật): questions workers ask and their answers,
citing the law by article, searchable without diacritics.

Ownership and visibility (kept simple on purpose):

* every article belongs to a unit (its owner, usually the unit of the officer who wrote it;
  shipped articles belong to the root of the tree);
* a **published** article is visible to everyone, on the public site /hoi-dap/ too;
* an **internal** article or a **draft** is visible to officers of the owner unit, of its
  subtree and of its ancestors (a province's internal notes are seen by its grassroots
  officers and by the national level, not by another province);
* officers holding ``kb.manage`` at the owner unit (or above it) edit, publish, unpublish.

Drafts are articles made from an inquiry (``article_create_from_inquiry``) that an officer
has not reviewed yet: they are never suggested and never published without a review.

Search uses ``ArticleTerm``, an inverted index maintained by ``lantoa.kb.services``: one row
per (article, folded term) with a weight summed over the fields the term occurs in, and
``TermStat``, the number of articles holding each term.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who

__all__ = ["Article", "ArticleStatus", "ArticleTerm", "Category", "TermStat"]


class Category(models.TextChoices):
    """Topics of the law workers ask about: an article's field, and an inquiry's (the inquiry
    desk files each inquiry under one, so a matching answer is found in the knowledge base)."""

    CONTRACT = "contract", _("Hợp đồng lao động, thử việc")
    WAGES = "wages", _("Tiền lương, lương tối thiểu, chậm trả lương")
    HOURS = "hours", _("Thời giờ làm việc, làm thêm giờ, nghỉ phép")
    DISCIPLINE = "discipline", _("Kỷ luật lao động, sa thải")
    TERMINATION = "termination", _("Chấm dứt hợp đồng, trợ cấp thôi việc")
    INSURANCE = "insurance", _("Bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp")
    MATERNITY = "maternity", _("Thai sản, lao động nữ")
    SAFETY = "safety", _("An toàn, vệ sinh lao động, tai nạn lao động")
    MEMBERSHIP = "membership", _("Đoàn viên, đoàn phí công đoàn")
    BARGAINING = "bargaining", _("Thương lượng tập thể, đình công")
    OTHER = "other", _("Khác")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp, chờ duyệt")
    INTERNAL = "internal", _("Nội bộ")
    PUBLISHED = "published", _("Công khai")


class Article(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="kb_articles",
        verbose_name=_("đơn vị quản lý"),
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    # Folded title, hyphenated: the public address and the key an import updates by.
    slug = models.SlugField(_("đường dẫn"), max_length=255, unique=True)
    question = models.TextField(_("câu hỏi"))
    answer = models.TextField(_("trả lời"))
    category = models.CharField(_("lĩnh vực"), max_length=15, choices=Category.choices, blank=True)
    # ["Điều 113 Bộ luật Lao động 2019", …] and ["nghỉ phép", …]: short lists, read whole.
    law_refs = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    tags = models.JSONField(_("từ khoá"), default=list, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ArticleStatus.choices,
        default=ArticleStatus.INTERNAL,
    )
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    source_inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tạo từ câu hỏi"),
    )
    created_by = who()
    updated_by = who()
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("bài hỏi đáp")
        verbose_name_plural = _("bài hỏi đáp")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "category", "title"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class ArticleTerm(models.Model):
    """One posting of the inverted index: ``term`` (folded word, or two adjacent words)
    occurs in ``article`` with ``weight`` (title > question > tags and law references >
    answer). Written only by ``lantoa.kb.services``; never edited by hand."""

    # No index of its own: the unique (article, term) constraint below leads with article.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="terms", db_index=False
    )
    term = models.CharField(max_length=64)
    weight = models.PositiveIntegerField()
    # A copy of "the article is published", so that public searches (the busiest) read the
    # index alone, without joining the articles.
    published = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["term", "published", "article", "weight"], name="kb_posting")
        ]
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="kb_posting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.article_id} ({self.weight})"


class TermStat(models.Model):
    """The dictionary of the index: how many articles hold ``term`` (its document frequency).

    Kept in step by ``lantoa.kb.services.article_index`` with ``df = df + delta`` upserts, so
    that a query reads the frequencies of its words with a few primary-key lookups instead of
    counting their postings, and the word being typed is expanded over distinct words only.
    """

    # A primary key is unique, so PostgreSQL also gets the varchar_pattern_ops index that
    # LIKE 'prefix%' uses.
    term = models.CharField(max_length=64, primary_key=True)
    df = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.term}: {self.df}"
