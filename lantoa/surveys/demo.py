"""Demo surveys for ``lantoa demo``: a finished survey of workers' lives and opinions (from
the template, 70/30 quota cells allocated to two upper-level unions, sheets from the web and
from paper) and an open quick poll. Everything goes through the services; a second run finds
the surveys there and does nothing."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from lantoa.accounts.models import User
from lantoa.surveys import services
from lantoa.surveys.models import Channel, Survey
from lantoa.units.models import UPPER_LEVEL_KINDS, Unit, UnitKind, UnitStatus

DEMO_SEED = 2026
FINISHED_TITLE = "Khảo sát đời sống, việc làm và ý kiến của người lao động năm nay"
POLL_TITLE = "Thăm dò nhanh: người lao động biết gì về Luật Công đoàn năm 2024?"


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _sheet(rng: random.Random) -> dict[str, Any]:
    """A plausible answer sheet to the template (show-if followed)."""
    income = _pick(rng, {"1": 2, "2": 5, "3": 3})
    problem = _pick(rng, {"1": 3, "2": 7})
    sheet: dict[str, Any] = {
        "A1": _pick(rng, {"1": 4, "2": 6}),
        "A2": str(rng.randint(19, 55)),
        "A3": _pick(rng, {"1": 7, "2": 3}),
        "A4": _pick(rng, {"1": 8, "2": 2}),
        "A5": str(rng.randint(0, 15)),
        "B1": _pick(rng, {"1": 2, "2": 5, "3": 3, "4": 1}),
        "B2": str(rng.choice([0, 4, 6, 8, 10, 12])),
        "B3": income,
        "C1": _pick(rng, {"1": 4, "2": 5, "3": 1}),
        "C2": {r: str(rng.randint(2, 5)) for r in ("1", "2", "3", "4", "5")},
        "D1": _pick(rng, {"2": 1, "3": 3, "4": 5, "5": 2}),
        "D2": rng.sample(["1", "2", "3", "4", "5"], rng.randint(1, 3)),
        "D3": problem,
    }
    if income == "1":
        sheet["B4"] = rng.sample(["1", "2", "3", "4"], rng.randint(1, 2))
    if problem == "1":
        sheet["D4"] = _pick(rng, {"1": 5, "2": 3, "3": 2})
    if rng.random() < 0.3:
        sheet["E1"] = rng.choice(
            [
                "Thương lượng tăng lương, tăng phụ cấp nhà trọ",
                "Cải thiện bữa ăn giữa ca",
                "Tổ chức thêm nhà trẻ cho con công nhân",
                "Tư vấn pháp luật về bảo hiểm xã hội",
            ]
        )
    return sheet


def ensure_demo_surveys(as_of: dt.date | None = None) -> int:
    """Create the two demo surveys once; returns how many sheets were stored."""
    if Survey.objects.filter(title__in=[FINISHED_TITLE, POLL_TITLE]).exists():
        return 0
    province = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE).order_by("pk").first()
    )
    if province is None:
        return 0
    author = User.objects.filter(username="tuyengiao").first()
    approver = User.objects.filter(username="lanhdao").first()
    uppers = list(
        Unit.objects.filter(
            parent=province, kind__in=UPPER_LEVEL_KINDS, status=UnitStatus.ACTIVE
        ).order_by("pk")[:2]
    )
    # Twelve grassroots unions under each of the two, taken in turn.
    under = [
        list(
            Unit.objects.filter(
                ancestor_links__ancestor_id=upper.pk,
                kind=UnitKind.GRASSROOTS,
                status=UnitStatus.ACTIVE,
            ).order_by("pk")[:12]
        )
        for upper in uppers
    ]
    grassroots = [u for pair in zip(*under, strict=False) for u in pair]
    if len(uppers) < 2 or not grassroots:
        return 0
    rng = random.Random(DEMO_SEED)  # noqa: S311 - deterministic demo data, not security
    day = as_of or timezone.localdate()
    now = timezone.now()
    stored = 0

    finished = services.survey_create(
        unit=province,
        title=FINISHED_TITLE,
        actor=author,
        template_key="doi-song-y-kien",
        sample_size=300,
    )
    for cell in finished.quota_cells.all():
        first = round(cell.target * 0.6)
        services.quota_allocate(
            cell=cell,
            allocations={uppers[0]: first, uppers[1]: cell.target - first},
            actor=author,
        )
    services.survey_submit(survey=finished, actor=author)
    services.survey_approve(survey=finished, actor=approver)
    services.survey_open(survey=finished, actor=author)
    for i in range(260):
        unit = grassroots[i % len(grassroots)]
        paper = i % 4 == 0
        try:
            services.response_submit(
                survey=finished,
                unit=unit,
                answers=_sheet(rng),
                channel=Channel.PAPER if paper else Channel.WEB,
                actor=author if paper else None,
                submitted_at=now - dt.timedelta(days=40 - i % 30, hours=i % 9),
            )
            stored += 1
        except ValidationError:
            continue  # its quota cell is full: the sheet is refused, as it would be
    services.survey_close(survey=finished, actor=author)

    poll = services.survey_create(
        unit=province,
        title=POLL_TITLE,
        actor=author,
        purpose="Biết người lao động đã nghe về Luật Công đoàn năm 2024 qua kênh nào để chọn "
        "kênh tuyên truyền cho quý tới.",
        closes_at=timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=30), dt.time())),
    )
    services.question_add(
        survey=poll,
        actor=author,
        code="Q1",
        kind="single",
        text="Bạn đã nghe nói về Luật Công đoàn năm 2024 chưa?",
        text_en="Have you heard of the 2024 Trade Union Law?",
        required=True,
        options=[
            {"value": "1", "label": "Đã nghe và biết nội dung chính", "label_en": "Yes, I know it"},
            {"value": "2", "label": "Đã nghe nhưng chưa rõ", "label_en": "Heard of it"},
            {"value": "3", "label": "Chưa nghe", "label_en": "No"},
        ],
    )
    services.question_add(
        survey=poll,
        actor=author,
        code="Q2",
        kind="multiple",
        text="Bạn biết qua những kênh nào?",
        text_en="Where did you hear of it?",
        required=True,
        allow_other=True,
        options=[
            {"value": "1", "label": "Zalo của công đoàn", "label_en": "The union's Zalo"},
            {"value": "2", "label": "Trang Facebook", "label_en": "Facebook page"},
            {"value": "3", "label": "Cán bộ công đoàn nói", "label_en": "Union officers"},
        ],
        show_if={"question": "Q1", "values": ["1", "2"]},
    )
    services.question_add(
        survey=poll,
        actor=author,
        code="Q3",
        kind="likert",
        text="Bạn thấy thông tin công đoàn gửi có dễ hiểu không?",
        text_en="Is the union's information easy to understand?",
        required=True,
        scale=[
            {"value": "1", "label": "Rất khó hiểu", "label_en": "Very hard"},
            {"value": "2", "label": "Khó hiểu", "label_en": "Hard"},
            {"value": "3", "label": "Bình thường", "label_en": "Average"},
            {"value": "4", "label": "Dễ hiểu", "label_en": "Easy"},
            {"value": "5", "label": "Rất dễ hiểu", "label_en": "Very easy"},
        ],
    )
    services.survey_submit(survey=poll, actor=author)
    services.survey_approve(survey=poll, actor=approver)
    services.survey_open(survey=poll, actor=author)
    for i in range(36):
        heard = _pick(rng, {"1": 3, "2": 4, "3": 3})
        sheet: dict[str, Any] = {"Q1": heard, "Q3": _pick(rng, {"2": 1, "3": 3, "4": 4, "5": 2})}
        if heard != "3":
            sheet["Q2"] = rng.sample(["1", "2", "3"], rng.randint(1, 2))
        services.response_submit(
            survey=poll,
            unit=grassroots[i % len(grassroots)],
            answers=sheet,
            submitted_at=now - dt.timedelta(days=i % 6, hours=i % 5),
        )
        stored += 1
    return stored
