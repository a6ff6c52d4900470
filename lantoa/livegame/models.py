"""The live game "Rung chuông vàng": a hall of players on their phones, a host console and a
projector screen. The database holds what lasts (the game, its questions, the players and
their answers, written at the end of each question); the live state is the engine's
(``lantoa.livegame.engine``: Redis, or one process's memory in the demo and tests)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, who


class GameMode(models.TextChoices):
    ELIMINATION = "elimination", _("Loại trực tiếp (Rung chuông vàng)")
    SCORE = "score", _("Tính điểm (đúng và nhanh)")


class GameStatus(models.TextChoices):
    LOBBY = "lobby", _("Đang chờ người chơi")
    RUNNING = "running", _("Đang diễn ra")
    FINISHED = "finished", _("Đã kết thúc")


class Game(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="live_games", verbose_name=_("đơn vị")
    )
    title = models.CharField(_("tên trò chơi"), max_length=200)
    mode = models.CharField(
        _("thể thức"), max_length=12, choices=GameMode.choices, default=GameMode.ELIMINATION
    )
    pin = models.CharField(_("mã PIN"), max_length=6, unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=GameStatus.choices, default=GameStatus.LOBBY
    )
    # Elimination: when this many players or fewer are left, the next question is the golden
    # bell question (if the game has one).
    golden_at = models.PositiveSmallIntegerField(
        _("số người còn lại để vào câu chuông vàng"), default=1
    )
    source_contest = models.ForeignKey(
        "contests.Contest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lấy câu hỏi từ cuộc thi"),
    )
    # Set: only verified entrants of this contest play, known by their phone and a one-time
    # code (their name and unit come from the entrant record).
    entrants_of = models.ForeignKey(
        "contests.Contest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người chơi là người dự thi đã xác minh của cuộc thi"),
    )
    created_by = who(_("người tạo"))
    created_at = when_created()
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hoạt động đã ghi"),
    )
    activity_note = models.CharField(_("ghi chú khi ghi hoạt động"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("trò chơi trực tiếp")
        verbose_name_plural = _("trò chơi trực tiếp")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("livegame:detail", kwargs={"pk": self.pk})


class QuestionRole(models.TextChoices):
    MAIN = "main", _("Câu hỏi chính")
    RESCUE = "rescue", _("Câu hỏi cứu trợ")
    GOLDEN = "golden", _("Câu hỏi chuông vàng")


class GameQuestion(models.Model):
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    role = models.CharField(
        _("loại câu"), max_length=8, choices=QuestionRole.choices, default=QuestionRole.MAIN
    )
    text = models.TextField(_("câu hỏi"))
    options = models.JSONField(_("phương án"), default=list)  # ["…", "…"], shown in this order
    correct = models.JSONField(_("đáp án đúng"), default=list)  # positions (0-based)
    time_limit = models.PositiveSmallIntegerField(_("thời gian trả lời (giây)"), default=20)
    explanation = models.TextField(_("giải thích"), blank=True)
    # Set when the question was asked (the server's deadline) and revealed.
    asked_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("câu hỏi của trò chơi")
        verbose_name_plural = _("câu hỏi của trò chơi")
        ordering = ["game", "order"]
        constraints = [
            models.UniqueConstraint(fields=["game", "order"], name="gamequestion_game_order"),
            models.CheckConstraint(condition=Q(time_limit__gte=3), name="gamequestion_time_limit"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class PlayerState(models.TextChoices):
    ALIVE = "alive", _("Đang chơi")
    ELIMINATED = "eliminated", _("Bị loại")
    RESCUED = "rescued", _("Được cứu trợ")


class Player(models.Model):
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="players")
    name = models.CharField(_("tên người chơi"), max_length=80)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    token_hash = models.CharField(max_length=64, editable=False)
    entrant = models.ForeignKey(
        "contests.Entrant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người dự thi"),
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=PlayerState.choices, default=PlayerState.ALIVE
    )
    score = models.PositiveIntegerField(_("điểm"), default=0)
    correct_count = models.PositiveSmallIntegerField(_("số câu đúng"), default=0)
    eliminated_at = models.PositiveSmallIntegerField(_("bị loại ở câu"), null=True, blank=True)
    winner = models.BooleanField(_("thắng cuộc"), default=False)
    golden_bell = models.BooleanField(_("rung chuông vàng"), default=False)
    joined_at = when_created()
    last_seen = models.DateTimeField(_("lần cuối kết nối"), null=True, blank=True)

    class Meta:
        verbose_name = _("người chơi")
        verbose_name_plural = _("người chơi")
        ordering = ["game", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["game", "token_hash"], name="player_game_token"),
            models.UniqueConstraint(
                fields=["game", "entrant"],
                condition=Q(entrant__isnull=False),
                name="player_game_entrant",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(GameQuestion, on_delete=models.CASCADE, related_name="answers")
    options = models.JSONField(_("phương án chọn"), default=list)
    received_at = models.DateTimeField(_("máy chủ nhận lúc"))
    correct = models.BooleanField(_("đúng"), default=False)
    points = models.PositiveIntegerField(_("điểm"), default=0)

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [
            models.UniqueConstraint(
                fields=["player", "question"], name="liveanswer_player_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.player_id}:{self.question_id}"
