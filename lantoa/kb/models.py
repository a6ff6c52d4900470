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

The legal basis of an article is a list of ``ArticleReference`` rows (document, điều, khoản,
điểm) pointing into ``LegalDocument``, the register of the legal documents the knowledge base
cites (``lantoa.kb.register``). ``Article.law_refs`` keeps the same references written out for
people ("khoản 3 Điều 168 Bộ luật Lao động 2019") — for the search index and the screens — and
is rewritten whenever the references change. When a document of the register is marked
amended, replaced or expired, every article citing it is flagged "cần rà soát"
(``review_reason``); an article whose basis is no longer in force also shows a notice to the
public (``basis_outdated``) until an editor records the review (``reviewed_on``). Articles
whose last review is older than ``LANTOA_KB_REVIEW_MONTHS`` are due for review as well.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who

__all__ = [
    "Article",
    "ArticleCategory",
    "ArticleReference",
    "ArticleStatus",
    "ArticleTerm",
    "ArticleVector",
    "Category",
    "DocumentKind",
    "DocumentStatus",
    "LegalDocument",
    "TermStat",
]


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


class ArticleCategory(models.Model):
    """A field of law beyond the built-in ``Category`` ones, created when an imported file
    names one that matches none (``lantoa.kb.categories``). Articles store its ``code`` in
    ``Article.category`` as they store a built-in code; inquiries keep the built-in ones."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=100)
    # The name folded, without spaces or punctuation: what a file's text is matched by.
    key = models.CharField(max_length=100, unique=True, editable=False)
    created_at = when_created()

    class Meta:
        verbose_name = _("lĩnh vực bổ sung")
        verbose_name_plural = _("lĩnh vực bổ sung")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    # A built-in ``Category`` code or the code of an ``ArticleCategory``; its label comes from
    # ``category_label`` (lantoa.kb.categories).
    category = models.CharField(_("lĩnh vực"), max_length=60, blank=True)
    # ["Điều 113 Bộ luật Lao động 2019", …] and ["nghỉ phép", …]: short lists, read whole.
    law_refs = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    tags = models.JSONField(_("từ khóa"), default=list, blank=True)
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
    # The last time an editor checked the article against the law in force (new articles: the
    # day they are written); due again LANTOA_KB_REVIEW_MONTHS later.
    reviewed_on = models.DateField(_("rà soát lần cuối"), null=True, blank=True)
    reviewed_by = who(_("người rà soát"))
    # "Cần rà soát": why (one line per event), since when, and whether a document it cites is
    # no longer in force (then the public page shows a notice until the review is recorded).
    review_reason = models.TextField(_("lý do cần rà soát"), blank=True)
    review_flagged_at = models.DateTimeField(_("cần rà soát từ"), null=True, blank=True)
    basis_outdated = models.BooleanField(_("căn cứ không còn hiệu lực"), default=False)
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
            models.Index(fields=["review_flagged_at"], name="kb_article_flagged"),
            models.Index(fields=["reviewed_on"], name="kb_article_reviewed"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    @property
    def category_label(self) -> str:
        """The label of the article's field of law, built-in or created by an import."""
        from lantoa.kb.categories import category_label

        return category_label(self.category)

    @property
    def needs_review(self) -> bool:
        """Flagged "cần rà soát" because a document it cites changed."""
        return self.review_flagged_at is not None

    @property
    def review_reasons(self) -> list[str]:
        return [line for line in self.review_reason.splitlines() if line.strip()]


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


class ArticleVector(models.Model):
    """The meaning of an article for semantic search: the embedding of its title and
    question (``lantoa.kb.semantic``), float16 bytes. Written by a background job after the
    article is saved; ``model`` and ``digest`` (of the model and the text embedded) tell
    whether it is still current. ``published`` copies the article's status, as the
    postings do, so that the public search reads the vectors alone."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    vector = models.BinaryField()
    model = models.CharField(max_length=64)
    digest = models.CharField(max_length=40)
    published = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Every search asks "how many vectors of this model, the latest written when?"
            # (``semantic.snapshot``): both answered from this index, not the 20.000 blobs.
            models.Index(fields=["model", "updated_at"], name="kb_vector_model_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ({self.model})"


class DocumentKind(models.TextChoices):
    """The kind of a legal document, as its number and title call it."""

    CONSTITUTION = "constitution", _("Hiến pháp")
    CODE = "code", _("Bộ luật")
    LAW = "law", _("Luật")
    RESOLUTION = "resolution", _("Nghị quyết")
    ORDINANCE = "ordinance", _("Pháp lệnh")
    DECREE = "decree", _("Nghị định")
    DECISION = "decision", _("Quyết định")
    CIRCULAR = "circular", _("Thông tư")
    DIRECTIVE = "directive", _("Chỉ thị")
    GUIDANCE = "guidance", _("Hướng dẫn")
    CHARTER = "charter", _("Điều lệ")
    OTHER = "other", _("Văn bản khác")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Chưa có hiệu lực")
    IN_FORCE = "in_force", _("Còn hiệu lực")
    AMENDED = "amended", _("Còn hiệu lực, đã được sửa đổi, bổ sung")
    REPLACED = "replaced", _("Đã bị thay thế")
    EXPIRED = "expired", _("Hết hiệu lực")


# A document in one of these no longer governs: a public article resting on it shows a notice.
NOT_IN_FORCE = frozenset({DocumentStatus.REPLACED, DocumentStatus.EXPIRED})


class LegalDocument(models.Model):
    """One legal document the knowledge base cites: a law, a decree, a decision of the
    Confederation… Identified by its number ("45/2019/QH14", "61/QĐ-TLĐ"), which is how
    references, imports and exports name it."""

    number = models.CharField(_("số hiệu"), max_length=60, unique=True)
    title = models.CharField(_("tên văn bản"), max_length=500)
    # How articles name it in a sentence: "Bộ luật Lao động 2019", "Nghị định 293/2025/NĐ-CP".
    short_title = models.CharField(_("tên gọi tắt"), max_length=200, blank=True)
    kind = models.CharField(_("loại văn bản"), max_length=15, choices=DocumentKind.choices)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    issued_on = models.DateField(_("ngày ban hành"))
    in_force_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng hiệu lực"),
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.IN_FORCE,
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("được thay thế bởi"),
    )
    amended_by = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="amends",
        verbose_name=_("được sửa đổi, bổ sung bởi"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = who()
    updated_by = who()
    created_at = when_created()
    updated_at = when_updated()

    # Set by ``lantoa.kb.register.document_save``: how many articles the save flagged.
    flagged_count = 0

    class Meta:
        verbose_name = _("văn bản pháp luật")
        verbose_name_plural = _("văn bản pháp luật")
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """ "Bộ luật Lao động 2019 (45/2019/QH14)", or "Nghị định 293/2025/NĐ-CP" when the
        short title already holds the number."""
        short = self.short_title or self.title
        if self.number.casefold() in short.casefold():
            return short
        return f"{short} ({self.number})"

    @property
    def in_force(self) -> bool:
        return self.status not in NOT_IN_FORCE


class ArticleReference(models.Model):
    """One legal basis of an article: a document, or a điều (khoản, điểm) of it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    document = models.ForeignKey(
        LegalDocument,
        on_delete=models.PROTECT,
        related_name="references",
        verbose_name=_("văn bản"),
    )
    # "168", or "8a" for an article inserted by an amendment; empty: the document as a whole.
    dieu = models.CharField(_("điều"), max_length=10, blank=True)
    khoan = models.PositiveSmallIntegerField(_("khoản"), null=True, blank=True)
    diem = models.CharField(_("điểm"), max_length=2, blank=True)
    ordering = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["article", "ordering", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "document", "dieu", "khoan", "diem"],
                name="kb_reference_unique",
            )
        ]

    def __str__(self) -> str:
        from lantoa.kb.references import reference_label

        return reference_label(self)
