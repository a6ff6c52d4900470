"""Demo surveys for ``lantoa demo``: a finished survey of workers' lives and opinions (from
the template, 70/30 quota cells allocated to two upper-level unions, sheets from the web and
from paper), an open quick poll, and an industrial zone union's short paper survey keyed
twice (sheets accepted, one waiting for its second keying, one mismatch waiting in "Phiếu
lệch") with a batch of sheets imported from the survey's own XLSX template. Everything goes
through the services; a second run finds the surveys there and does nothing."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from lantoa import access
from lantoa.accounts.models import User
from lantoa.core import tabular, xlsx
from lantoa.surveys import importing, paper, services
from lantoa.surveys.models import Channel, Survey
from lantoa.units.models import UPPER_LEVEL_KINDS, Unit, UnitKind, UnitStatus

DEMO_SEED = 2026
FINISHED_TITLE = "Khảo sát đời sống, việc làm và ý kiến của người lao động năm nay"
POLL_TITLE = "Thăm dò nhanh: người lao động biết gì về Luật Công đoàn năm 2024?"
PAPER_TITLE = "Phiếu lấy ý kiến người lao động về bữa ăn giữa ca"
IMPORT_FILENAME = "phieu-bua-an-giua-ca-to-cong-doan.xlsx"
# The paper survey: sheets keyed twice and accepted, imported from the template's XLSX.
DOUBLE_KEYED, IMPORTED = 6, 5


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
    """Create the demo surveys once; returns how many sheets were stored as responses."""
    return _ensure_finished_and_poll(as_of) + _ensure_paper_survey(as_of)


def _ensure_finished_and_poll(as_of: dt.date | None) -> int:
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


def _meal_sheet(rng: random.Random) -> dict[str, Any]:
    """A plausible paper sheet of the meal survey."""
    sheet: dict[str, Any] = {
        "Q1": _pick(rng, {"1": 5, "2": 2, "3": 3}),
        "Q2": _pick(rng, {"1": 1, "2": 3, "3": 4, "4": 3, "5": 1}),
        "Q3": sorted(rng.sample(["1", "2", "3", "4"], rng.randint(1, 2))),
    }
    if rng.random() < 0.4:
        sheet["Q4"] = rng.choice(
            [
                "Đề nghị tăng định suất lên 25.000 đồng một suất.",
                "Ca đêm nên có thêm sữa hoặc bánh mì lúc 2 giờ sáng.",
                "Nhà ăn cần thêm quạt, mùa hè rất nóng.",
                "Nên công khai thực đơn cả tuần để người lao động góp ý.",
            ]
        )
    return sheet


def _meal_questions(survey: Survey, author: Any) -> None:
    services.question_add(
        survey=survey,
        actor=author,
        code="Q1",
        kind="single",
        text="Bạn thường làm ca nào?",
        text_en="Which shift do you usually work?",
        required=True,
        options=[
            {"value": "1", "label": "Ca ngày", "label_en": "Day shift"},
            {"value": "2", "label": "Ca đêm", "label_en": "Night shift"},
            {"value": "3", "label": "Ca luân phiên", "label_en": "Rotating shifts"},
        ],
    )
    services.question_add(
        survey=survey,
        actor=author,
        code="Q2",
        kind="likert",
        text="Bạn đánh giá chất lượng bữa ăn giữa ca hiện nay thế nào?",
        text_en="How good is the mid-shift meal now?",
        required=True,
        scale=[
            {"value": "1", "label": "Rất kém", "label_en": "Very poor"},
            {"value": "2", "label": "Kém", "label_en": "Poor"},
            {"value": "3", "label": "Tạm được", "label_en": "Fair"},
            {"value": "4", "label": "Tốt", "label_en": "Good"},
            {"value": "5", "label": "Rất tốt", "label_en": "Very good"},
        ],
    )
    services.question_add(
        survey=survey,
        actor=author,
        code="Q3",
        kind="multiple",
        text="Bạn muốn công đoàn đề nghị doanh nghiệp cải thiện điều gì?",
        text_en="What should the union ask the employer to improve?",
        required=True,
        options=[
            {"value": "1", "label": "Tăng định suất bữa ăn", "label_en": "A higher meal budget"},
            {
                "value": "2",
                "label": "Thêm rau xanh, trái cây",
                "label_en": "More vegetables, fruit",
            },
            {"value": "3", "label": "Có món chay", "label_en": "Vegetarian dishes"},
            {
                "value": "4",
                "label": "Nhà ăn thoáng mát, sạch sẽ hơn",
                "label_en": "A better canteen",
            },
        ],
    )
    services.question_add(
        survey=survey,
        actor=author,
        code="Q4",
        kind="long_text",
        text="Góp ý khác của bạn về bữa ăn giữa ca",
        text_en="Other suggestions about the mid-shift meal",
        required=False,
    )


def _filled_template(survey: Survey, rows: list[tuple[str, str, dict[str, Any]]]) -> io.BytesIO:
    """The survey's blank XLSX template (as the "Tải mẫu" button gives it) filled the way an
    officer fills it: a unit code, the sheet's code, the codes of the codebook, 1 under each
    ticked option of a multiple choice."""
    _number, first = next(xlsx.iter_rows(io.BytesIO(importing.template_bytes(survey))))
    titles = [str(first.get(i) or "") for i in range(1, max(first) + 1)]
    header = [t.rstrip("*") for t in titles]
    filled: list[list[Any]] = []
    sheet, columns = importing.sheet_of(survey)
    by_label = {sheet.labels[key]: key for key in sheet.columns}
    parts = {c.name: c for c in columns}
    for unit_code, code, answers in rows:
        line: list[Any] = []
        for label in header:
            key = by_label.get(label, label)
            if key == importing.UNIT:
                line.append(unit_code)
            elif key == importing.CODE:
                line.append(code)
            elif key in parts and parts[key].part and parts[key].part != "text":
                q = parts[key].question
                line.append(1 if parts[key].part in answers.get(q.code, []) else "")
            elif key in parts:
                value = answers.get(parts[key].question.code, "")
                line.append(int(value) if str(value).isdigit() else value)
            else:
                line.append("")
        filled.append(line)
    out = io.BytesIO(tabular.xlsx_spool("Phiếu", titles, filled).read())
    return out


def _ensure_paper_survey(as_of: dt.date | None) -> int:
    """An industrial zone union's paper survey keyed twice: some sheets accepted, one waiting
    for its second keying, one mismatch for an officer to settle, and a batch imported from
    the survey's XLSX template. Returns how many responses it stored."""
    if Survey.objects.filter(title=PAPER_TITLE).exists():
        return 0
    province = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE).order_by("pk").first()
    )
    if province is None:
        return 0
    zone = (
        Unit.objects.filter(
            parent=province, kind=UnitKind.INDUSTRIAL_ZONE, status=UnitStatus.ACTIVE
        )
        .order_by("pk")
        .first()
    )
    if zone is None:
        return 0
    grassroots = list(
        Unit.objects.filter(
            ancestor_links__ancestor_id=zone.pk,
            kind=UnitKind.GRASSROOTS,
            status=UnitStatus.ACTIVE,
        ).order_by("pk")[:3]
    )
    if not grassroots:
        return 0
    author = User.objects.filter(username="tuyengiao").first()
    approver = User.objects.filter(username="lanhdao").first()
    # Two officers key every sheet: the zone's communicator first, the province second.
    clerk = User.objects.filter(username="truyenthong").first()
    if clerk is None or not access.can(clerk, "survey.enter", zone):
        clerk = author
    checker = author
    rng = random.Random(DEMO_SEED + 16)  # noqa: S311 - deterministic demo data, not security
    day = as_of or timezone.localdate()

    survey = services.survey_create(
        unit=zone,
        title=PAPER_TITLE,
        actor=author,
        purpose="Tổng hợp ý kiến người lao động các doanh nghiệp trong khu công nghiệp về bữa "
        "ăn giữa ca để công đoàn đối thoại với doanh nghiệp; phiếu phát tay tại nhà ăn, mỗi "
        "phiếu in sẵn một mã và được hai cán bộ nhập độc lập.",
        double_entry=True,
        closes_at=timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=21), dt.time())),
    )
    _meal_questions(survey, author)
    services.survey_submit(survey=survey, actor=author)
    services.survey_approve(survey=survey, actor=approver)
    services.survey_open(survey=survey, actor=author)
    per_unit = -(-(DOUBLE_KEYED + 2 + IMPORTED) // len(grassroots))
    codes = {
        unit.pk: [
            c.code
            for c in services.codes_generate(survey=survey, unit=unit, count=per_unit, actor=author)
        ]
        for unit in grassroots
    }
    sheets = [
        (unit, codes[unit.pk][i // len(grassroots)]) for i, unit in enumerate(grassroots * per_unit)
    ]
    stored = 0
    for unit, code in sheets[:DOUBLE_KEYED]:
        answers = _meal_sheet(rng)
        paper.paper_sheet_key(survey=survey, unit=unit, answers=answers, code=code, actor=clerk)
        keyed = paper.paper_sheet_key(
            survey=survey, unit=unit, answers=answers, code=code, actor=checker
        )
        stored += keyed.outcome == paper.ACCEPTED
    # One sheet keyed once, waiting for its second keying.
    unit, code = sheets[DOUBLE_KEYED]
    paper.paper_sheet_key(
        survey=survey, unit=unit, answers=_meal_sheet(rng), code=code, actor=clerk
    )
    # One sheet whose two keyings differ (a 4 read as a 1, a tick missed): it waits in
    # "Phiếu lệch" for an officer to look at the paper again.
    unit, code = sheets[DOUBLE_KEYED + 1]
    first = {"Q1": "2", "Q2": "4", "Q3": ["1", "2"], "Q4": "Ca đêm nên có thêm sữa."}
    second = {**first, "Q2": "1", "Q3": ["1"]}
    paper.paper_sheet_key(survey=survey, unit=unit, answers=first, code=code, actor=clerk)
    paper.paper_sheet_key(survey=survey, unit=unit, answers=second, code=code, actor=checker)
    # A grassroots union keyed its sheets into the template and sent the file.
    rows = [(unit.code, code, _meal_sheet(rng)) for unit, code in sheets[DOUBLE_KEYED + 2 :]]
    result = importing.responses_import(
        survey=survey,
        fileobj=_filled_template(survey, rows[:IMPORTED]),
        filename=IMPORT_FILENAME,
        actor=clerk,
    )
    if not result.ok:
        raise ValidationError([str(e) for e in result.errors])
    return stored + result.created
