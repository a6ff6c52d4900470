"""Contests run by a unit for its subtree or for the public: the quiz contest (rounds, a
question bank, entrants verified by a one-time code, attempts and their autosaved answers).

Video and photo contests share ``Contest`` (``kind``); their entries, jury and votes are in
``lantoa.contests.media_models``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who


class ContestKind(models.TextChoices):
    QUIZ = "quiz", _("Thi trắc nghiệm trực tuyến")
    VIDEO = "video", _("Thi video clip")
    PHOTO = "photo", _("Thi ảnh")


class ContestAudience(models.TextChoices):
    SUBTREE = "subtree", _("Đoàn viên, người lao động của đơn vị và cấp dưới")
    PUBLIC = "public", _("Mọi người (chọn đơn vị khi đăng ký)")


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")


class Contest(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="contests", verbose_name=_("đơn vị")
    )
    kind = models.CharField(
        _("loại cuộc thi"), max_length=8, choices=ContestKind.choices, default=ContestKind.QUIZ
    )
    title = models.CharField(_("tên cuộc thi"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=100)
    rules = models.TextField(_("thể lệ"))
    audience = models.CharField(
        _("đối tượng dự thi"),
        max_length=8,
        choices=ContestAudience.choices,
        default=ContestAudience.SUBTREE,
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ContestStatus.choices, default=ContestStatus.DRAFT
    )
    created_by = who(_("người tạo"))
    submitted_by = who(_("người gửi duyệt"))
    approved_by = who(_("người duyệt"))
    approved_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)
    review_comment = models.TextField(_("nhận xét của người duyệt"), blank=True)
    requires_national_id = models.BooleanField(
        _("yêu cầu số căn cước công dân"),
        default=False,
        help_text=_(
            "Chỉ lưu mã băm có khóa và 4 số cuối; dùng để phát hiện một người đăng ký hai lần."
        ),
    )
    # Prize counts set by the organisers (lantoa.contests.results).
    prizes_individual = models.PositiveSmallIntegerField(_("số giải cá nhân"), default=0)
    prizes_units_entrants = models.PositiveSmallIntegerField(
        _("số giải đơn vị có nhiều người dự thi nhất"), default=0
    )
    prizes_units_rate = models.PositiveSmallIntegerField(
        _("số giải đơn vị có tỷ lệ người dự thi trên đoàn viên cao nhất"), default=0
    )
    results_published_at = models.DateTimeField(_("công bố kết quả lúc"), null=True, blank=True)
    announcement = models.ForeignKey(
        "content.ContentItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tin, bài thông báo kết quả"),
    )
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("cuộc thi")
        verbose_name_plural = _("cuộc thi")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "slug"], name="contest_unit_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contests:detail", kwargs={"pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("contests_public:rules", kwargs={"contest_id": self.pk})

    @property
    def is_approved(self) -> bool:
        return self.status == ContestStatus.APPROVED


class TieBreak(models.TextChoices):
    ALL_CORRECT = "all_correct", _("Dự đoán số bài thi trả lời đúng tất cả câu hỏi của đợt")
    ATTEMPTS = "attempts", _("Dự đoán số bài thi đã nộp trong đợt")
    NONE = "none", _("Không có câu dự đoán")


class Round(models.Model):
    """One round (tuần thi, đợt thi): open from ``opens_at`` to ``closes_at``."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    title = models.CharField(_("tên đợt thi"), max_length=150)
    opens_at = models.DateTimeField(_("mở lúc"))
    closes_at = models.DateTimeField(_("đóng lúc"))
    questions_per_attempt = models.PositiveSmallIntegerField(_("số câu hỏi mỗi bài thi"))
    time_limit_minutes = models.PositiveSmallIntegerField(_("thời gian làm bài (phút)"))
    attempts_allowed = models.PositiveSmallIntegerField(_("số lần thi mỗi người"), default=1)
    tie_break = models.CharField(
        _("câu hỏi phụ"), max_length=12, choices=TieBreak.choices, default=TieBreak.ALL_CORRECT
    )
    # [{"topic": "…", "difficulty": "easy", "count": 5}, …]; what no quota covers is drawn in
    # proportion to the bank's (topic, difficulty) groups.
    quotas = models.JSONField(_("cơ cấu câu hỏi"), default=list, blank=True)
    created_at = when_created()

    class Meta:
        verbose_name = _("đợt thi")
        verbose_name_plural = _("đợt thi")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="round_contest_number"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(questions_per_attempt__gte=1) & Q(attempts_allowed__gte=1),
                name="round_positive_counts",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Một đáp án đúng")
    MULTIPLE = "multiple", _("Nhiều đáp án đúng")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Dễ")
    MEDIUM = "medium", _("Trung bình")
    HARD = "hard", _("Khó")


class Question(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("số thứ tự"))
    text = models.TextField(_("câu hỏi"))
    kind = models.CharField(
        _("loại câu hỏi"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    topic = models.CharField(_("chủ đề"), max_length=100, blank=True)
    difficulty = models.CharField(
        _("mức độ"), max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    explanation = models.TextField(_("giải thích"), blank=True)
    article = models.ForeignKey(
        "kb.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("bài hỏi đáp pháp luật"),
    )
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["contest", "position"]
        indexes = [models.Index(fields=["contest", "topic", "difficulty"])]

    def __str__(self) -> str:
        return self.text[:80]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("phương án"), max_length=500)
    correct = models.BooleanField(_("đúng"), default=False)

    class Meta:
        ordering = ["question", "position"]

    def __str__(self) -> str:
        return self.text


class Entrant(models.Model):
    """A person taking part, verified by a one-time code sent to their phone."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entrants")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)  # None: a paper sheet
    phone = models.CharField(_("số điện thoại"), max_length=20)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    workplace = models.CharField(_("nơi làm việc"), max_length=255, blank=True)
    # The national ID when the rules ask for it: a keyed hash (lantoa.contests.integrity) and
    # its last 4 digits, never the number.
    national_id_hash = models.CharField(max_length=64, blank=True, editable=False)
    national_id_last4 = models.CharField(_("4 số cuối căn cước"), max_length=4, blank=True)
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    # The one-time code: a keyed hash, when it expires and the wrong tries so far.
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_tries = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = when_created()

    class Meta:
        verbose_name = _("người dự thi")
        verbose_name_plural = _("người dự thi")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "phone"], name="entrant_contest_phone"),
        ]
        indexes = [
            models.Index(fields=["contest", "unit"]),
            models.Index(fields=["contest", "national_id_hash"]),
        ]

    def __str__(self) -> str:
        return self.full_name


class AttemptSource(models.TextChoices):
    ONLINE = "online", _("Thi trực tuyến")
    PAPER = "paper", _("Phiếu giấy, nhập từ tệp")


class Attempt(models.Model):
    """One try of one entrant at one round. ``number`` runs 1 … the round's attempts allowed:
    the unique constraint stops a second row with the same number, the service the one over."""

    entrant = models.ForeignKey(Entrant, on_delete=models.CASCADE, related_name="attempts")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("lần thi"))
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    deadline = models.DateTimeField(_("hạn nộp"))
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    timed_out = models.BooleanField(_("hết giờ"), default=False)
    score = models.PositiveSmallIntegerField(_("số câu đúng"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("số câu hỏi"), default=0)
    duration_ms = models.PositiveIntegerField(_("thời gian làm bài (ms)"), null=True, blank=True)
    prediction = models.PositiveIntegerField(_("dự đoán"), null=True, blank=True)
    source = models.CharField(
        _("hình thức"), max_length=8, choices=AttemptSource.choices, default=AttemptSource.ONLINE
    )
    # Integrity (lantoa.contests.integrity): keyed hashes of the device cookie and the address
    # the attempt started from (never the raw values), the hash of the answers given (for
    # identical answer sheets) and whether the organisers excluded it after reviewing a flag.
    device_hash = models.CharField(max_length=64, blank=True, editable=False)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    answers_hash = models.CharField(max_length=64, blank=True, editable=False)
    excluded = models.BooleanField(_("bị loại"), default=False)

    class Meta:
        verbose_name = _("bài thi")
        verbose_name_plural = _("bài thi")
        ordering = ["round", "entrant", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["entrant", "round", "number"], name="attempt_entrant_round_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
        ]
        indexes = [
            models.Index(fields=["round", "submitted_at"]),
            models.Index(fields=["round", "answers_hash"]),
            models.Index(fields=["device_hash"]),
            models.Index(fields=["ip_hash"]),
        ]

    def __str__(self) -> str:
        return f"{self.entrant_id}/{self.round_id}#{self.number}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class Answer(models.Model):
    """A question drawn for an attempt, in its place, with its options in the shuffled order
    the entrant sees, and what they chose (saved on every click)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    option_order = models.JSONField(default=list)  # option ids as shown
    chosen = models.JSONField(default=list)  # option ids chosen
    saved_at = models.DateTimeField(null=True, blank=True)
    correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_attempt_question"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.position}"


class Challenge(models.Model):
    """A proof-of-work challenge issued before an attempt starts: the browser finds a suffix
    whose SHA-256 with ``nonce`` starts with ``difficulty`` zero bits. Used once, before
    ``expires_at``."""

    entrant = models.ForeignKey(Entrant, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64, unique=True)
    difficulty = models.PositiveSmallIntegerField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = when_created()

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return self.nonce


class FlagKind(models.TextChoices):
    FAST = "fast", _("Làm bài nhanh bất thường")
    IDENTICAL = "identical", _("Bài làm giống hệt bài của người khác")
    DEVICE = "device", _("Nhiều người dự thi trên cùng một thiết bị")
    IP = "ip", _("Nhiều người dự thi từ cùng một địa chỉ mạng")
    NATIONAL_ID = "national_id", _("Cùng số căn cước với người dự thi khác")


class FlagDecision(models.TextChoices):
    PENDING = "pending", _("Chờ xem xét")
    KEEP = "keep", _("Giữ bài thi")
    EXCLUDE = "exclude", _("Loại bài thi")


class Flag(models.Model):
    """A sign that an attempt may not be fair (never a block): organisers keep or exclude the
    attempt, with a reason, before the results."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("dấu hiệu"), max_length=12, choices=FlagKind.choices)
    # What was seen, e.g. {"count": 4} entrants on the device, {"seconds": 1.2} per question.
    detail = models.JSONField(default=dict, blank=True)
    decision = models.CharField(
        _("quyết định"),
        max_length=8,
        choices=FlagDecision.choices,
        default=FlagDecision.PENDING,
    )
    decision_reason = models.TextField(_("lý do"), blank=True)
    decided_by = who(_("người quyết định"))
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = when_created()

    class Meta:
        verbose_name = _("dấu hiệu bất thường")
        verbose_name_plural = _("dấu hiệu bất thường")
        ordering = ["attempt", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "kind"], name="flag_attempt_kind"),
        ]
        indexes = [models.Index(fields=["decision"])]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.kind}"


# The video and photo contests' own models (a module of their own, registered with the app
# by this import).
from lantoa.contests.media_models import (  # noqa: E402, F401
    Criterion,
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
