"""Surveys: a survey of a unit, its questionnaire versions (sections, questions), responses
and their answers, quota cells allocated down the tree, and single-use codes.

Workflow of a survey: draft → submitted → approved → open → closed; a reviewer may return a
submitted survey to draft. Every change goes through ``lantoa.surveys.services``.

A questionnaire version is edited only while it is unpublished; it is published when the
survey is approved and never changes afterwards. A response keeps the version it answered.

Answers are rows (``Answer``), one per answered question — one per ticked option of a
multiple choice, one per row of a matrix — with the choice code in an indexed column and
the response's unit copied beside it. A cross-tab by unit is then a plain ``GROUP BY`` over
``(question_id, unit_id, choice)`` read from one index, its few hundred groups rolled up
through the unit closure table: the same SQL, using the same index, on SQLite and PostgreSQL.
One JSON document per response would need each engine's own JSON path functions, which
neither indexes portably, and every count would parse every document.

Anonymity: a response stores no identity and no address. For an anonymous survey a code is
marked used without any link to the response and without the time it was used, in a
transaction of its own (``services.response_submit``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    OPEN = "open", _("Đang thu phiếu")
    CLOSED = "closed", _("Đã kết thúc")


class Audience(models.TextChoices):
    SUBTREE = "subtree", _("Người lao động trong các đơn vị trực thuộc")
    PUBLIC = "public", _("Mọi người (công khai)")


class Survey(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="surveys", verbose_name=_("đơn vị")
    )
    title = models.CharField(_("tên cuộc khảo sát"), max_length=255)
    slug = models.SlugField(_("đường dẫn rút gọn"), max_length=80, unique=True)
    purpose = models.TextField(_("mục đích"), blank=True)
    audience = models.CharField(
        _("đối tượng"), max_length=10, choices=Audience.choices, default=Audience.SUBTREE
    )
    anonymous = models.BooleanField(_("ẩn danh"), default=True)
    codes_required = models.BooleanField(_("chỉ nhận phiếu có mã"), default=False)
    double_entry = models.BooleanField(_("nhập phiếu giấy hai lần"), default=False)
    campaigns = models.ManyToManyField(
        "campaigns.Campaign",
        blank=True,
        related_name="surveys",
        verbose_name=_("chiến dịch được khảo sát phục vụ"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("mở thu phiếu từ"), null=True, blank=True)
    closes_at = models.DateTimeField(_("hết hạn thu phiếu"), null=True, blank=True)
    return_comment = models.TextField(_("ý kiến trả lại"), blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    # Waves: a survey copied in its own unit is the next wave of the same series; ``series``
    # is the first wave (None: this survey is a first wave), ``wave`` its number from 1.
    series = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="later_waves"
    )
    wave = models.PositiveIntegerField(_("đợt"), default=1)
    template_key = models.CharField(max_length=40, blank=True)
    created_by = who(_("người tạo"))
    approved_by = who(_("người duyệt"))
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("cuộc khảo sát")
        verbose_name_plural = _("cuộc khảo sát")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"], name="survey_unit_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", kwargs={"pk": self.pk})

    @property
    def series_id_or_own(self) -> int:
        """The id shared by every wave of this survey's series."""
        return self.series_id or self.pk

    def current_version(self) -> Questionnaire:
        """The newest questionnaire version (the one being edited, or the one answered)."""
        version = self.versions.order_by("-number").first()
        assert version is not None, "a survey always has a version"
        return version


class Questionnaire(models.Model):
    """One version of a survey's questions. ``published_at`` set: immutable."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"), default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = when_created()

    class Meta:
        verbose_name = _("phiên bản bảng hỏi")
        verbose_name_plural = _("phiên bản bảng hỏi")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="questionnaire_number")
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("tên phần"), max_length=255)
    title_en = models.CharField(_("tên phần (tiếng Anh)"), max_length=255, blank=True)

    class Meta:
        ordering = ["questionnaire", "position", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Chọn một")
    MULTIPLE = "multiple", _("Chọn nhiều")
    LIKERT = "likert", _("Thang đánh giá")
    MATRIX = "matrix", _("Bảng nhiều dòng cùng thang đánh giá")
    NUMBER = "number", _("Số")
    DATE = "date", _("Ngày")
    SHORT_TEXT = "short_text", _("Câu trả lời ngắn")
    LONG_TEXT = "long_text", _("Câu trả lời dài")
    UNIT = "unit", _("Chọn đơn vị")


# Kinds whose answers are codes from a list (counted and cross-tabulated).
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.LIKERT)
# Kinds a quota cell or a cross-tab may use as a dimension: one code per response.
ONE_CODE_KINDS = (QuestionKind.SINGLE, QuestionKind.LIKERT)
OTHER = "other"  # the choice code of "Khác (ghi rõ)"


class Question(models.Model):
    """``options``: ``[{"value": "1", "label": "…", "label_en": "…"}, …]`` for single and
    multiple choice; ``scale`` the same for Likert scales and matrices; ``rows`` the same for
    the rows of a matrix. ``show_if``: ``{"question": "<code of an earlier question>",
    "values": ["1", …]}`` — the question is asked only when that answer holds one of them."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("mã câu hỏi"), max_length=20)
    kind = models.CharField(_("loại câu hỏi"), max_length=12, choices=QuestionKind.choices)
    text = models.TextField(_("câu hỏi"))
    text_en = models.TextField(_("câu hỏi (tiếng Anh)"), blank=True)
    help_text = models.CharField(_("hướng dẫn"), max_length=255, blank=True)
    required = models.BooleanField(_("bắt buộc trả lời"), default=False)
    options = models.JSONField(default=list, blank=True)
    allow_other = models.BooleanField(_("có lựa chọn “Khác”"), default=False)
    scale = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True)
    min_value = models.DecimalField(
        _("giá trị nhỏ nhất"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("giá trị lớn nhất"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    show_if = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"

    def choices(self) -> list[dict[str, Any]]:
        """The codes an answer may take (options, or the scale), "Khác" last when allowed."""
        if self.kind in (QuestionKind.LIKERT, QuestionKind.MATRIX):
            return list(self.scale)
        found = list(self.options)
        if self.allow_other:
            found.append({"value": OTHER, "label": str(_("Khác (ghi rõ)")), "label_en": "Other"})
        return found

    def label_of(self, value: str) -> str:
        for item in self.choices():
            if item["value"] == value:
                return str(item["label"])
        return value


class Channel(models.TextChoices):
    WEB = "web", _("Trả lời trực tuyến")
    PAPER = "paper", _("Phiếu giấy")
    IMPORT = "import", _("Nhập từ tệp")


class SurveyCode(models.Model):
    """A single-use code printed on a paper sheet or sent to an invitee. ``used`` only: for an
    anonymous survey nothing ties a used code to its response, not even the time."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("mã phiếu"), max_length=16)
    number = models.PositiveIntegerField(_("số thứ tự"))
    used = models.BooleanField(_("đã dùng"), default=False)
    created_at = when_created()

    class Meta:
        ordering = ["survey", "unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="survey_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    """One questionnaire filled in. No name, no address, no account of the respondent; the
    officer who keyed a paper sheet is kept (``keyed_by``) for non-anonymous surveys only."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    submitted_at = models.DateTimeField(_("thời điểm gửi"))
    # Kept for non-anonymous surveys only (see SurveyCode).
    code = models.OneToOneField(
        SurveyCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    quota_cell = models.ForeignKey(
        "QuotaCell", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    keyed_by = who(_("người nhập phiếu"))

    class Meta:
        ordering = ["survey", "id"]
        indexes = [models.Index(fields=["survey", "unit"], name="response_survey_unit")]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    """One answered question of a response (one row per ticked option, per matrix row).

    ``unit`` is the response's unit, copied on the row when the answers are written
    (``services._store_response``, ``importing``): a count by unit then reads the answers
    alone — the index ``answer_unit_cover`` holds every column a cross-tab groups or counts —
    without joining 500.000 responses. A response never changes its unit (a merge or a move
    changes the units' places in the tree, the closure table, not the records), so the copy
    cannot go stale; nothing about the respondent is added (the response already has it)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # No index of its own: answer_unit_cover serves the lookups (a unit is never deleted).
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    row = models.CharField(max_length=20, blank=True)  # a matrix row's code
    choice = models.CharField(max_length=40, blank=True)  # an option's or scale's code
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)  # free text, or the words of "Khác (ghi rõ)"

    class Meta:
        ordering = ["response", "id"]
        indexes = [
            models.Index(fields=["question", "choice"], name="answer_question_choice"),
            models.Index(fields=["question", "row", "choice"], name="answer_matrix"),
            # Cross-tabs by unit, sector, subtree: WHERE question, row GROUP BY unit, choice,
            # and the respondents (distinct response) of a multiple choice, from the index.
            models.Index(
                fields=["question", "row", "unit", "choice", "response"], name="answer_unit_cover"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.choice or self.number or self.date or self.text[:20]}"


class QuotaCell(models.Model):
    """A cell of the sample (e.g. non-state enterprises × women): the answers a response must
    give to fall in it (``conditions``: ``{"<question code>": "<choice code>", …}``), the
    survey-wide target and the count, raised only while below the target."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quota_cells")
    label = models.CharField(_("tên ô chỉ tiêu"), max_length=120)
    conditions = models.JSONField(default=dict)
    target = models.PositiveIntegerField(_("số phiếu cần thu"))
    count = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["survey", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__lte=models.F("target")), name="quota_cell_not_over"
            )
        ]

    def __str__(self) -> str:
        return self.label


class QuotaAllocation(models.Model):
    """The part of a cell's target that one unit's subtree must collect. A response counts
    toward every allocation of its cell held by the response's unit or one of its ancestors."""

    cell = models.ForeignKey(QuotaCell, on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    target = models.PositiveIntegerField(_("số phiếu phân bổ"))
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cell", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "unit"], name="quota_allocation_unit"),
            models.CheckConstraint(
                condition=models.Q(count__lte=models.F("target")), name="quota_allocation_not_over"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cell} — {self.unit_id}"


class SubmissionKey(models.Model):
    """A questionnaire sent from a phone's queue already arrived: the SHA-256 of the random key
    the page made for it (``services.response_submit``, ``submission_key``), written in the
    response's transaction. The key is random, made on the phone for one sheet and dropped
    there once the server has it; nothing here points at the response, a person or a time."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "digest"], name="survey_submission_key")
        ]

    def __str__(self) -> str:
        return self.digest[:12]


class SheetStatus(models.TextChoices):
    WAITING = "waiting", _("Chờ nhập lần hai")
    MISMATCH = "mismatch", _("Hai lần nhập lệch nhau")


class PaperSheet(models.Model):
    """A paper sheet keyed once (``WAITING``) or twice with differences (``MISMATCH``), when
    the survey is double-keyed (``Survey.double_entry``). The two keyings are matched by the
    sheet's code. Not yet a response: no quota counted, the code not used. Accepted (the
    two keyings agree, or a third look settles the differences), it becomes a ``Response``
    and this row is deleted, answers, code and officers with it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="paper_sheets")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("mã phiếu"), max_length=16)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.WAITING
    )
    first = models.JSONField(default=dict)  # the raw answers of the first keying
    first_by = who(_("người nhập lần một"))
    second = models.JSONField(default=dict, blank=True)  # the second keying, when it differs
    second_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    second_by = who(_("người nhập lần hai"))
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        ordering = ["survey", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="paper_sheet_code"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.code}"


class SurveyAnnouncement(models.Model):
    """The content item inviting a unit's subtree to answer (its link and QR code): written
    as a draft in the unit's content, then reviewed, published on the unit's channels and
    cascaded down like any item. One per survey and unit; asked again, the same item."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="announcements")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey("content.ContentItem", on_delete=models.CASCADE, related_name="+")
    created_at = when_created()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit"], name="survey_announcement_unit")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.unit_id}"
