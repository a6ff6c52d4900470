"""Demo quiz contests for ``lantoa demo``: the province's finished contest of last month (one
implausibly fast attempt flagged and excluded, prizes set, results published) and its contest
running this week, with entrants of its grassroots unions and their attempts, all written
through the services (attempts at past server times). Made once: a second run finds
the contests and changes nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lantoa.contests import entry, integrity, results, services
from lantoa.contests.models import (
    Attempt,
    Contest,
    Entrant,
    FlagDecision,
    FlagKind,
    Option,
    TieBreak,
)
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus
from lantoa.units.seed import person_name

FINISHED_SLUG = "tim-hieu-bo-luat-lao-dong-2019"
RUNNING_SLUG = "cong-nhan-hieu-luat"

# (question, topic, difficulty, options with the correct ones marked, explanation, basis)
QUESTIONS: tuple[tuple[str, str, str, tuple[tuple[str, bool], ...], str, str], ...] = (
    (
        "Thời gian thử việc tối đa đối với công việc cần trình độ từ cao đẳng trở lên là bao lâu?",
        "Hợp đồng lao động",
        "easy",
        (("30 ngày", False), ("60 ngày", True), ("90 ngày", False), ("180 ngày", False)),
        "Không quá 60 ngày với công việc cần trình độ chuyên môn, kỹ thuật từ cao đẳng trở lên.",
        "Điều 25 Bộ luật Lao động 2019",
    ),
    (
        "Tiền lương thử việc ít nhất bằng bao nhiêu phần trăm mức lương của công việc đó?",
        "Tiền lương",
        "easy",
        (("70%", False), ("75%", False), ("85%", True), ("100%", False)),
        "Do hai bên thỏa thuận nhưng ít nhất bằng 85% mức lương của công việc đó.",
        "Điều 26 Bộ luật Lao động 2019",
    ),
    (
        "Thời giờ làm việc bình thường không quá bao nhiêu giờ trong một ngày?",
        "Thời giờ làm việc, nghỉ ngơi",
        "easy",
        (("8 giờ", True), ("9 giờ", False), ("10 giờ", False), ("12 giờ", False)),
        "Không quá 8 giờ trong một ngày và không quá 48 giờ trong một tuần.",
        "Điều 105 Bộ luật Lao động 2019",
    ),
    (
        "Số giờ làm thêm thông thường không quá bao nhiêu giờ trong một năm?",
        "Thời giờ làm việc, nghỉ ngơi",
        "medium",
        (("150 giờ", False), ("200 giờ", True), ("300 giờ", False), ("400 giờ", False)),
        "Không quá 200 giờ trong một năm, trừ một số ngành, nghề được làm đến 300 giờ.",
        "Điều 107 Bộ luật Lao động 2019",
    ),
    (
        "Lao động nữ được nghỉ thai sản trước và sau khi sinh con bao lâu?",
        "Thời giờ làm việc, nghỉ ngơi",
        "easy",
        (("4 tháng", False), ("5 tháng", False), ("6 tháng", True), ("12 tháng", False)),
        "Thời gian nghỉ trước khi sinh không quá 2 tháng.",
        "Điều 139 Bộ luật Lao động 2019",
    ),
    (
        "Người làm công việc trong điều kiện bình thường, đủ 12 tháng, được nghỉ hằng năm bao "
        "nhiêu ngày làm việc hưởng nguyên lương?",
        "Thời giờ làm việc, nghỉ ngơi",
        "medium",
        (("10 ngày", False), ("12 ngày", True), ("14 ngày", False), ("16 ngày", False)),
        "12 ngày; 14 ngày với công việc nặng nhọc, độc hại; 16 ngày với công việc đặc biệt nặng "
        "nhọc, độc hại.",
        "Điều 113 Bộ luật Lao động 2019",
    ),
    (
        "Người lao động được nghỉ làm việc, hưởng nguyên lương dịp Tết Âm lịch bao nhiêu ngày?",
        "Thời giờ làm việc, nghỉ ngơi",
        "easy",
        (("3 ngày", False), ("4 ngày", False), ("5 ngày", True), ("7 ngày", False)),
        "Tết Âm lịch: 05 ngày.",
        "Điều 112 Bộ luật Lao động 2019",
    ),
    (
        "Làm thêm giờ vào ngày thường được trả lương ít nhất bằng bao nhiêu?",
        "Tiền lương",
        "medium",
        (("100%", False), ("130%", False), ("150%", True), ("200%", False)),
        "Ít nhất bằng 150% tiền lương của công việc đang làm.",
        "Điều 98 Bộ luật Lao động 2019",
    ),
    (
        "Làm thêm giờ vào ngày nghỉ lễ, tết được trả lương ít nhất bằng bao nhiêu (chưa kể tiền "
        "lương ngày lễ, tết)?",
        "Tiền lương",
        "hard",
        (("150%", False), ("200%", False), ("300%", True), ("400%", False)),
        "Ít nhất bằng 300%, chưa kể tiền lương ngày lễ, tết.",
        "Điều 98 Bộ luật Lao động 2019",
    ),
    (
        "Người lao động làm việc theo hợp đồng không xác định thời hạn đơn phương chấm dứt hợp "
        "đồng phải báo trước ít nhất bao nhiêu ngày (trường hợp thông thường)?",
        "Hợp đồng lao động",
        "medium",
        (("30 ngày", False), ("45 ngày", True), ("60 ngày", False), ("90 ngày", False)),
        "Ít nhất 45 ngày với hợp đồng không xác định thời hạn.",
        "Điều 35 Bộ luật Lao động 2019",
    ),
    (
        "Cơ quan, doanh nghiệp đóng kinh phí công đoàn bằng bao nhiêu phần trăm quỹ tiền lương "
        "làm căn cứ đóng bảo hiểm xã hội cho người lao động?",
        "Công đoàn",
        "hard",
        (("1%", False), ("1,5%", False), ("2%", True), ("3%", False)),
        "Mức đóng bằng 2% quỹ tiền lương làm căn cứ đóng bảo hiểm xã hội.",
        "Luật Công đoàn",
    ),
    (
        "Ngày thành lập Công đoàn Việt Nam là ngày nào?",
        "Công đoàn",
        "easy",
        (("1/5/1886", False), ("28/7/1929", True), ("2/9/1945", False), ("20/10/1930", False)),
        "Ngày 28/7/1929, Tổng Công hội Đỏ Bắc Kỳ được thành lập.",
        "",
    ),
    (
        "Theo Bộ luật Lao động 2019, hợp đồng lao động gồm những loại nào?",
        "Hợp đồng lao động",
        "hard",
        (
            ("Hợp đồng lao động không xác định thời hạn", True),
            ("Hợp đồng lao động xác định thời hạn không quá 36 tháng", True),
            ("Hợp đồng lao động theo mùa vụ dưới 12 tháng", False),
            ("Hợp đồng khoán việc", False),
        ),
        "Bộ luật Lao động 2019 bỏ loại hợp đồng theo mùa vụ.",
        "Điều 20 Bộ luật Lao động 2019",
    ),
    (
        "Khi giao kết, thực hiện hợp đồng lao động, người sử dụng lao động không được làm gì?",
        "Hợp đồng lao động",
        "hard",
        (
            ("Giữ bản chính giấy tờ tùy thân của người lao động", True),
            ("Yêu cầu người lao động thực hiện biện pháp bảo đảm bằng tiền", True),
            ("Buộc người lao động làm việc để trả nợ", True),
            ("Trả lương qua tài khoản ngân hàng của người lao động", False),
        ),
        "Ba việc đầu bị cấm; trả lương qua tài khoản là cách trả lương hợp pháp.",
        "Điều 17 Bộ luật Lao động 2019",
    ),
    (
        "Độ tuổi lao động tối thiểu của người lao động là bao nhiêu?",
        "Hợp đồng lao động",
        "medium",
        (("Đủ 13 tuổi", False), ("Đủ 15 tuổi", True), ("Đủ 16 tuổi", False), ("Đủ 18 tuổi", False)),
        "Người lao động có độ tuổi lao động tối thiểu là đủ 15 tuổi, trừ trường hợp luật định.",
        "Điều 3 Bộ luật Lao động 2019",
    ),
)


@dataclass
class DemoTotals:
    contests: int = 0
    entrants: int = 0
    attempts: int = 0


def _bank(contest: Contest) -> None:
    questions = []
    for text, topic, difficulty, options, explanation, basis in QUESTIONS:
        values, errors = services.question_check(
            text=text,
            kind="multiple" if sum(c for _o, c in options) > 1 else "single",
            options=options,
            topic=topic,
            difficulty=difficulty,
            explanation=explanation,
            legal_reference=basis,
        )
        if errors:
            raise ValueError(errors)
        questions.append(values)
    services.questions_add(contest=contest, questions=questions)


def _take(
    rng: random.Random,
    entrant,
    rnd,
    start: dt.datetime,
    skill: float,
    totals: DemoTotals,
    pace: tuple[int, int, int] = (20, 8, 40),
) -> None:
    """One attempt: ``pace`` is the seconds before the first answer and the range between
    two answers."""
    attempt = entry.attempt_start(entrant=entrant, round=rnd, now=start, rng=rng)
    right_sets: dict[int, list[int]] = {}
    for q, o in Option.objects.filter(
        question_id__in=attempt.answers.values("question_id"), correct=True
    ).values_list("question_id", "pk"):
        right_sets.setdefault(q, []).append(o)
    seconds = pace[0]
    for answer in attempt.answers.order_by("position"):
        seconds += rng.randint(pace[1], pace[2])
        if rng.random() < skill:
            chosen = right_sets[answer.question_id]
        else:
            chosen = [
                next(o for o in answer.option_order if o not in right_sets[answer.question_id])
            ]
        entry.answer_save(
            attempt=attempt,
            question_id=answer.question_id,
            chosen=chosen,
            now=start + dt.timedelta(seconds=seconds),
        )
    entry.attempt_submit(
        attempt=attempt,
        prediction=rng.randint(2, 12),
        now=start + dt.timedelta(seconds=seconds + (rng.randint(5, 30) if pace[0] else 1)),
    )
    totals.attempts += 1


def _contest(
    province: Unit,
    *,
    title: str,
    rules: str,
    rounds: list[tuple[str, dt.datetime, dt.datetime]],
) -> Contest:
    contest = services.contest_create(unit=province, title=title, rules=rules)
    _bank(contest)
    for name, opens_at, closes_at in rounds:
        services.round_create(
            contest=contest,
            title=name,
            opens_at=opens_at,
            closes_at=closes_at,
            questions_per_attempt=5,
            time_limit_minutes=10,
            attempts_allowed=2,
            tie_break=TieBreak.ALL_CORRECT,
            quotas=[{"topic": "Hợp đồng lao động", "difficulty": "", "count": 2}],
        )
    services.contest_submit(contest=contest)
    services.contest_approve(contest=contest)
    return contest


def _entrants(
    rng: random.Random, contest: Contest, units: list[Unit], count: int, totals: DemoTotals
) -> list[Entrant]:
    people: list[Entrant] = []
    first = contest.rounds.order_by("number").first()
    if first is None:
        return people
    registered_at = first.opens_at
    for i in range(count):
        unit = units[i % len(units)]
        entrant, code = entry.entrant_register(
            contest=contest,
            full_name=person_name(rng),
            birth_date=dt.date(rng.randint(1970, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            phone="09" + "".join(rng.choice("0123456789") for _ in range(8)),
            unit=unit,
            workplace=unit.employer_name,
            now=registered_at,
        )
        entry.entrant_verify(
            entrant=entrant, code=code, now=registered_at + dt.timedelta(minutes=1)
        )
        people.append(entrant)
    totals.entrants += len(people)
    return people


def _review_and_publish(
    rng: random.Random,
    contest: Contest,
    grassroots: list[Unit],
    totals: DemoTotals,
    now: dt.datetime,
) -> None:
    """The finished contest's results: one entrant who answered 5 questions in a few seconds
    (flagged, then excluded by the organisers with a reason), prize counts, and the results
    published."""
    (hurried,) = _entrants(rng, contest, grassroots[-1:], 1, totals)
    first = contest.rounds.order_by("number").first()
    assert first is not None
    _take(rng, hurried, first, first.opens_at + dt.timedelta(hours=30), 1.0, totals, (0, 1, 1))
    integrity.flags_detect(contest)
    for attempt in Attempt.objects.filter(round__contest=contest, flags__isnull=False).distinct():
        fast = attempt.flags.filter(kind=FlagKind.FAST).exists()
        integrity.flag_decide(
            attempt=attempt,
            decision=FlagDecision.EXCLUDE if fast else FlagDecision.KEEP,
            reason=(
                "Trả lời 5 câu trong vài giây, không đủ thời gian đọc câu hỏi."
                if fast
                else "Ban tổ chức đã gọi điện xác minh người dự thi."
            ),
        )
    results.prizes_set(contest=contest, individual=3, units_entrants=2, units_rate=2)
    results.results_publish(contest=contest, now=now)


def ensure_demo_contests(*, seed: int = 1, now: dt.datetime | None = None) -> DemoTotals:
    totals = DemoTotals()
    province = (
        Unit.objects.filter(status=UnitStatus.ACTIVE, kind=UnitKind.PROVINCE).order_by("pk").first()
    )
    if province is None:
        return totals
    if Contest.objects.filter(unit=province, slug__in=[FINISHED_SLUG, RUNNING_SLUG]).exists():
        return totals
    grassroots = list(
        Unit.objects.filter(
            pk__in=UnitClosure.objects.filter(ancestor_id=province.pk).values("descendant_id"),
            kind=UnitKind.GRASSROOTS,
            status=UnitStatus.ACTIVE,
        ).order_by("-member_count", "code")[:6]
    )
    if not grassroots:
        return totals
    rng = random.Random(f"{seed}:contests")  # noqa: S311 - demo data
    now = now or timezone.now()
    rules = (
        "Đối tượng: đoàn viên, người lao động trong các cấp công đoàn của tỉnh.\n"
        "Mỗi đợt thi có 5 câu hỏi trắc nghiệm, làm trong 10 phút, mỗi người thi tối đa 2 lần; "
        "lấy kết quả lần cao nhất.\n"
        "Xếp hạng theo số câu trả lời đúng, rồi câu hỏi phụ dự đoán số bài thi trả lời đúng tất "
        "cả câu hỏi, rồi thời gian làm bài."
    )
    with transaction.atomic():
        week = dt.timedelta(days=7)
        finished_start = now - 5 * week
        finished = _contest(
            province,
            title="Tìm hiểu Bộ luật Lao động 2019",
            rules=rules,
            rounds=[
                ("Tuần 1", finished_start, finished_start + week),
                ("Tuần 2", finished_start + week, finished_start + 2 * week),
            ],
        )
        Contest.objects.filter(pk=finished.pk).update(slug=FINISHED_SLUG)
        people = _entrants(rng, finished, grassroots, 14, totals)
        for rnd in finished.rounds.order_by("number"):
            for person in people:
                if rng.random() < 0.8:
                    start = rnd.opens_at + dt.timedelta(hours=rng.randint(2, 150))
                    _take(rng, person, rnd, start, rng.uniform(0.5, 0.95), totals)
        _review_and_publish(rng, finished, grassroots, totals, now)
        running_start = now - dt.timedelta(days=3)
        running = _contest(
            province,
            title="Công nhân hiểu luật — Tháng Công nhân",
            rules=rules,
            rounds=[
                ("Tuần 1", running_start, running_start + week),
                ("Tuần 2", running_start + week, running_start + 2 * week),
            ],
        )
        Contest.objects.filter(pk=running.pk).update(slug=RUNNING_SLUG)
        people = _entrants(rng, running, grassroots, 9, totals)
        first = running.rounds.order_by("number").first()
        assert first is not None
        for person in people[:7]:
            start = first.opens_at + dt.timedelta(hours=rng.randint(1, 60))
            _take(rng, person, first, start, rng.uniform(0.5, 0.95), totals)
        totals.contests = 2
    return totals
