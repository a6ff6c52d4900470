"""The models of video and photo contests (``Contest.kind`` "video" or "photo"): the
organisers' settings, the entries and their moderation, the jury (judges, a rubric of
weighted criteria, scores) and the public vote (verified voters, votes with their audit).

Imported by ``lantoa.contests.models`` so that Django finds them; the rules live in
``lantoa.contests.media``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, who
from lantoa.core.private_files import private_storage


class VoteRule(models.TextChoices):
    DAY = "day", _("Mỗi người một phiếu cho mỗi tác phẩm mỗi ngày")
    CONTEST = "contest", _("Mỗi người một phiếu cho mỗi tác phẩm trong cả cuộc thi")


class MediaSettings(models.Model):
    """What the organisers set for a video or photo contest: when entries and votes are
    taken, what an upload may be, and the weights of the jury and the public."""

    contest = models.OneToOneField(
        "contests.Contest", on_delete=models.CASCADE, related_name="media"
    )
    entries_open_at = models.DateTimeField(_("nhận tác phẩm từ"))
    entries_close_at = models.DateTimeField(_("nhận tác phẩm đến"))
    voting_open_at = models.DateTimeField(_("bình chọn từ"))
    voting_close_at = models.DateTimeField(_("bình chọn đến"))
    max_upload_mb = models.PositiveIntegerField(_("dung lượng tối đa mỗi tệp (MB)"))
    formats = models.JSONField(_("định dạng nhận"), default=list)  # e.g. ["mp4", "webm"]
    allow_links = models.BooleanField(
        _("nhận đường dẫn bài đăng Facebook, YouTube, TikTok"), default=True
    )
    entries_per_entrant = models.PositiveSmallIntegerField(
        _("số tác phẩm tối đa mỗi người"), default=3
    )
    vote_rule = models.CharField(
        _("quy tắc bình chọn"), max_length=8, choices=VoteRule.choices, default=VoteRule.DAY
    )
    jury_weight = models.PositiveSmallIntegerField(_("trọng số ban giám khảo (%)"), default=70)
    public_weight = models.PositiveSmallIntegerField(_("trọng số bình chọn (%)"), default=30)

    class Meta:
        verbose_name = _("thiết lập cuộc thi tác phẩm")
        verbose_name_plural = _("thiết lập cuộc thi tác phẩm")
        constraints = [
            models.CheckConstraint(
                condition=Q(jury_weight__lte=100)
                & Q(public_weight__lte=100)
                & Q(jury_weight__gte=0)
                & Q(public_weight__gte=0),
                name="media_weights_percent",
            ),
            models.CheckConstraint(
                condition=Q(entries_close_at__gt=F("entries_open_at"))
                & Q(voting_close_at__gt=F("voting_open_at")),
                name="media_windows_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}"


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ kiểm duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Không được duyệt")


class WorkKind(models.TextChoices):
    UPLOAD = "upload", _("Tệp tải lên")
    LINK = "link", _("Đường dẫn bài đăng")


class MediaEntry(models.Model):
    """One work sent by a verified entrant: an uploaded file (kept in the private storage
    under a random name; a thumbnail or poster beside it) or a link to the entrant's own
    post. Shown to the public once approved."""

    contest = models.ForeignKey(
        "contests.Contest", on_delete=models.CASCADE, related_name="media_entries"
    )
    entrant = models.ForeignKey(
        "contests.Entrant", on_delete=models.CASCADE, related_name="media_entries"
    )
    number = models.PositiveIntegerField(_("số tác phẩm"))
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    title = models.CharField(_("tên tác phẩm"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    work_kind = models.CharField(_("hình thức"), max_length=8, choices=WorkKind.choices)
    file = models.FileField(_("tệp"), max_length=255, blank=True, storage=private_storage)
    file_format = models.CharField(max_length=8, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    poster = models.FileField(
        _("ảnh đại diện"), max_length=255, blank=True, storage=private_storage
    )
    # True: no ffmpeg on the server, the poster is a drawn placeholder, not a frame.
    poster_placeholder = models.BooleanField(default=False)
    link_url = models.URLField(_("đường dẫn bài đăng"), max_length=500, blank=True)
    link_platform = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    moderation_reason = models.TextField(_("lý do"), blank=True)
    moderated_by = who(_("người kiểm duyệt"))
    moderated_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"))  # the server's time of the entry

    class Meta:
        verbose_name = _("tác phẩm dự thi")
        verbose_name_plural = _("tác phẩm dự thi")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="media_entry_number"),
        ]
        indexes = [
            models.Index(fields=["contest", "status"]),
            models.Index(fields=["submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One line of the jury's rubric: scored 0 … ``max_score``, weighing ``weight``."""

    contest = models.ForeignKey(
        "contests.Contest", on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("tiêu chí"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("trọng số"))
    max_score = models.PositiveSmallIntegerField(_("điểm tối đa"), default=10)

    class Meta:
        verbose_name = _("tiêu chí chấm")
        verbose_name_plural = _("tiêu chí chấm")
        ordering = ["contest", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "position"], name="criterion_position"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(max_score__gte=1), name="criterion_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Judge(models.Model):
    """An officer invited to the contest's jury."""

    contest = models.ForeignKey("contests.Contest", on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("giám khảo")
    )
    invited_by = who(_("người mời"))
    created_at = when_created()

    class Meta:
        verbose_name = _("giám khảo")
        verbose_name_plural = _("giám khảo")
        ordering = ["contest", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="judge_contest_user"),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}:{self.user_id}"


class Score(models.Model):
    entry = models.ForeignKey(MediaEntry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("điểm"))
    scored_at = models.DateTimeField()

    class Meta:
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "judge", "criterion"], name="score_entry_judge_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.judge_id}/{self.criterion_id}={self.value}"


class Voter(models.Model):
    """A member of the public verified by a one-time code to vote. Only a keyed hash of the
    phone number is kept (``identity_hash``): enough for one vote per person, nothing to
    call them on."""

    contest = models.ForeignKey("contests.Contest", on_delete=models.CASCADE, related_name="voters")
    identity_hash = models.CharField(max_length=64, editable=False)
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_tries = models.PositiveSmallIntegerField(default=0, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = when_created()

    class Meta:
        verbose_name = _("người bình chọn")
        verbose_name_plural = _("người bình chọn")
        constraints = [
            models.UniqueConstraint(fields=["contest", "identity_hash"], name="voter_identity"),
        ]

    def __str__(self) -> str:
        return self.identity_hash[:12]


class VoteFlag(models.TextChoices):
    NONE = "", _("Không")
    PENDING = "pending", _("Chờ xem xét")
    KEPT = "kept", _("Đã xem xét, giữ phiếu")


class Vote(models.Model):
    """One vote, with its audit: the server's time, the voter (a hashed identity), keyed
    hashes of the device cookie and the address. ``period`` is the local day for the
    "per day" rule, "contest" for the other: the unique constraint allows one vote per
    voter, entry and period. A burst of votes from new voters flags them (never refused);
    the organisers keep or annul flagged votes, and may annul any vote with a reason, before
    the results."""

    contest = models.ForeignKey("contests.Contest", on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(MediaEntry, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="votes")
    period = models.CharField(max_length=10)
    created_at = models.DateTimeField(_("bình chọn lúc"))
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    device_hash = models.CharField(max_length=64, blank=True, editable=False)
    flag = models.CharField(
        _("dấu hiệu bất thường"), max_length=8, choices=VoteFlag.choices, blank=True, default=""
    )
    flag_detail = models.JSONField(default=dict, blank=True)
    annulled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    annul_reason = models.TextField(_("lý do hủy"), blank=True)
    annulled_by = who(_("người hủy"))
    reviewed_by = who(_("người xem xét"))

    class Meta:
        verbose_name = _("phiếu bình chọn")
        verbose_name_plural = _("phiếu bình chọn")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "voter", "period"], name="vote_once_per_period"
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "created_at"]),
            models.Index(fields=["entry", "annulled_at"]),
            models.Index(fields=["contest", "flag"]),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.voter_id}:{self.period}"
