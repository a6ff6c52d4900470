"""Official reports: periods, the narrative's Vietnamese sentences and numbers, figures
against the raw records, the DOCX format (page, fonts, letterhead), XLSX and Markdown, the
`lantoa report` command and the screen with its background job."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from lantoa.activities.metrics import activity_metric_key
from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.activities.selectors import KINDS, Figures, Rollup
from lantoa.audit.models import AuditEvent
from lantoa.cascades.metrics import CascadeCounts
from lantoa.cascades.models import Cascade, CascadeRecipient, CascadeStatus, RecipientState
from lantoa.channels.models import ChannelKind
from lantoa.content.models import ContentItem
from lantoa.core.periods import Period, PeriodError, parse_period, recent_periods
from lantoa.inquiries.models import Inquiry
from lantoa.inquiries.reports import InquiryFigures
from lantoa.publishing.metrics import PostCounts
from lantoa.publishing.models import POSTED, Method, Publication, PublicationStatus
from lantoa.reports import targets
from lantoa.reports.counts import SystemCounts, duration_text
from lantoa.reports.data import Letterhead, ReportData, report_data
from lantoa.reports.models import ReportJob
from lantoa.reports.narrative import change_phrase, compare_clause, target_phrase, write
from lantoa.reports.render_docx import issue_date_text, render_docx
from lantoa.reports.render_md import render_md
from lantoa.reports.render_xlsx import render_xlsx
from lantoa.reports.services import report_job_run
from lantoa.reports.tables import counts_table, kind_table
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import unit_merge
from tests.conftest import Officers, Tree, login

ISSUED = dt.date(2022, 7, 5)


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "code"),
    [
        ("2022-H1", dt.date(2022, 1, 1), dt.date(2022, 6, 30), "6 tháng đầu năm 2022", "2022-H1"),
        ("2022-h2", dt.date(2022, 7, 1), dt.date(2022, 12, 31), "6 tháng cuối năm 2022", "2022-H2"),
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31), "quý I năm 2024", "2024-Q1"),
        ("2024-q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30), "quý III năm 2024", "2024-Q3"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "tháng 2 năm 2024", "2024-02"),
        (" 2023-7 ", dt.date(2023, 7, 1), dt.date(2023, 7, 31), "tháng 7 năm 2023", "2023-07"),
        ("2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31), "năm 2023", "2023"),
    ],
)
def test_parse_period(text: str, start: dt.date, end: dt.date, label: str, code: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label, period.code) == (start, end, label, code)
    assert parse_period(period.code) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Chưa nhập kỳ báo cáo."),
        ("2022-H3", "Kỳ “2022-H3” không hợp lệ: nửa năm chỉ có H1 (6 tháng đầu năm) và H2."),
        ("2022-Q5", "Quý 5 trong kỳ “2022-Q5” không hợp lệ (Q1 đến Q4)."),
        ("2022-13", "Tháng 13 trong kỳ “2022-13” không hợp lệ (từ 01 đến 12)."),
        ("1999", "Năm 1999 của kỳ báo cáo “1999” không hợp lệ (từ 2000 đến 2100)."),
        ("6 tháng 2022", "Kỳ báo cáo “6 tháng 2022” không đúng dạng."),
    ],
)
def test_parse_period_errors(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert str(caught.value).startswith(message)


def test_period_arithmetic() -> None:
    assert parse_period("2022-H1").same_period_last_year() == parse_period("2021-H1")
    assert parse_period("2022-H2").next() == parse_period("2023-H1")
    assert parse_period("2022-Q4").next() == parse_period("2023-Q1")
    assert parse_period("2022-12").next() == parse_period("2023-01")
    assert parse_period("2022").next() == parse_period("2023")
    options = recent_periods(dt.date(2026, 7, 5))
    assert options[:3] == [
        Period(2026, "half", 2),
        Period(2026, "half", 1),
        Period(2025, "year"),
    ]
    assert len(options) == len(set(options))


# --- narrative -------------------------------------------------------------------------------


def figures(**values: int) -> Figures:
    return Figures(**values)


def data_with(
    current: dict[str, Figures],
    previous: dict[str, Figures] | None = None,
    *,
    grassroots_total: int = 2600,
    targets: dict[str, int] | None = None,
    kind: str = UnitKind.PROVINCE,
) -> ReportData:
    """A ReportData built by hand: the narrative needs no database."""
    unit = Unit(code="TN", name="Liên đoàn Lao động tỉnh Thái Nguyên", kind=kind)
    period = parse_period("2022-H1")
    now = Rollup(unit=unit, start=period.start, end=period.end)
    before = Rollup(unit=unit, start=dt.date(2021, 1, 1), end=dt.date(2021, 6, 30))
    now.by_kind.update(current)
    before.by_kind.update(previous or {})
    return ReportData(
        unit=unit,
        period=period,
        issued_on=ISSUED,
        letterhead=Letterhead(
            superior="Tổng Liên đoàn Lao động Việt Nam",
            issuer=unit.name,
            short="LĐLĐ",
            place="Thái Nguyên",
            on_behalf="TM. BAN THƯỜNG VỤ",
            signer_title="CHỦ TỊCH",
            recipients=("Tổng Liên đoàn Lao động Việt Nam (để báo cáo);", "Lưu: VT, TG."),
        ),
        current=now,
        previous=before,
        grassroots_total=grassroots_total,
        targets=targets or {},
    )


def paragraphs(data: ReportData) -> list[str]:
    narrative = write(data)
    return [p for s in narrative.sections for part in s.parts for p in part.paragraphs]


def test_outreach_sentence_in_the_voice_of_the_reports() -> None:
    data = data_with(
        {
            ActivityKind.OUTREACH: figures(
                records=1747,
                quantity=1747,
                participants=42358,
                grassroots=1174,
                direct=1500,
                online=247,
            )
        },
        {ActivityKind.OUTREACH: figures(quantity=1553, participants=42358)},
    )
    text = paragraphs(data)
    assert text[0] == (
        "Trong 6 tháng đầu năm 2022, đã có 1.174 công đoàn cơ sở tổ chức 1.747 buổi tuyên "
        "truyền, thu hút 42.358 lượt đoàn viên, công nhân, viên chức, lao động tham gia; số "
        "buổi tuyên truyền tăng 12,5% so với cùng kỳ năm 2021; số lượt người tham gia bằng "
        "cùng kỳ."
    )
    assert text[1] == (
        "Trong đó, 1.500 buổi tổ chức trực tiếp, 247 buổi tổ chức trực tuyến (chiếm 14,1%)."
    )
    assert text[2] == (
        "Số công đoàn cơ sở có tổ chức tuyên truyền chiếm 45,2% trong tổng số 2.600 công đoàn "
        "cơ sở."
    )
    assert write(data).opening == (
        "Liên đoàn Lao động tỉnh Thái Nguyên báo cáo kết quả công tác tuyên truyền 6 tháng đầu "
        "năm 2022 như sau:"
    )
    weaknesses = write(data).sections[1].parts[1].paragraphs
    assert weaknesses[0] == (
        "Vẫn còn 1.426 công đoàn cơ sở (chiếm 54,8%) chưa tổ chức buổi tuyên truyền nào trong kỳ."
    )


def test_targets_and_decreases_are_written_with_vietnamese_numbers() -> None:
    data = data_with(
        {
            ActivityKind.INITIATIVE: figures(records=40, quantity=2206),
            ActivityKind.PRESS: figures(records=12, quantity=90),
        },
        {ActivityKind.PRESS: figures(quantity=100), ActivityKind.INITIATIVE: figures(quantity=0)},
        targets={ActivityKind.INITIATIVE: 1000},
    )
    text = paragraphs(data)
    assert (
        "Đoàn viên, người lao động đã đăng ký 2.206 sáng kiến (đạt 220,6% so với chỉ tiêu 1.000)."
        in text
    )
    assert (
        "Trong 6 tháng đầu năm 2022, các cấp công đoàn đã phối hợp đăng 90 tin, bài trên các cơ "
        "quan báo chí; "
        "số tin, bài giảm 10,0% so với cùng kỳ năm 2021." in text
    )
    assert (
        "Trong 6 tháng đầu năm 2022, các cấp công đoàn chưa tổ chức buổi tuyên truyền trực tiếp "
        "nào." in text
    )
    assert (
        "Một số kết quả giảm so với cùng kỳ năm trước: tin, bài trên báo chí (giảm 10,0%)." in text
    )


def test_phrases() -> None:
    assert change_phrase(1125, 1000, 2021) == "tăng 12,5% so với cùng kỳ năm 2021"
    assert change_phrase(900, 1000, 2021) == "giảm 10,0% so với cùng kỳ năm 2021"
    assert change_phrase(1000, 1000, 2021) == "bằng cùng kỳ năm 2021"
    assert change_phrase(10, 0, 2021) == ""
    assert target_phrase(2206, 1000) == "đạt 220,6% so với chỉ tiêu 1.000"
    assert target_phrase(5, None) == ""
    assert compare_clause([("số buổi", 2, 1), ("số lượt", 1, 2)], 2025) == (
        "số buổi tăng 100,0%, số lượt giảm 50,0% so với cùng kỳ năm 2025"
    )
    assert compare_clause([("số buổi", 2, 0)], 2025) == ""
    assert issue_date_text("Thái Nguyên", dt.date(2022, 7, 5)) == (
        "Thái Nguyên, ngày 05 tháng 7 năm 2022"
    )
    assert issue_date_text("Hà Nội", dt.date(2023, 2, 15)) == "Hà Nội, ngày 15 tháng 02 năm 2023"


def test_target_hook_returns_none_until_targets_exist(tree: Tree) -> None:
    period = parse_period("2022-H1")
    assert (
        targets.target_for(
            unit=tree.pa, period=period, metric=activity_metric_key(ActivityKind.INITIATIVE)
        )
        is None
    )


# --- figures against the raw records ---------------------------------------------------------


@pytest.fixture
def records(tree: Tree) -> list[Activity]:
    """Province A's records in 2022-H1 and 2021-H1, and one in province B."""
    rows = [
        (tree.a_g1, "2022-02-10", ActivityKind.OUTREACH, 300, 1, ActivityFormat.DIRECT, ""),
        (tree.a_g1, "2022-05-03", ActivityKind.OUTREACH, 500, 1, ActivityFormat.ONLINE, ""),
        (tree.a_g2, "2022-03-15", ActivityKind.OUTREACH, 120, 2, ActivityFormat.DIRECT, ""),
        (tree.a_g3, "2022-06-30", ActivityKind.INITIATIVE, 0, 4, "", ""),
        (tree.a_kcn, "2022-04-20", ActivityKind.TRAINING, 45, 1, ActivityFormat.DIRECT, ""),
        (tree.pa, "2022-01-28", ActivityKind.PRESS, 0, 6, "", "Báo Lao Động"),
        (tree.pa, "2022-04-28", ActivityKind.PRESS, 0, 3, "", "Báo An Giang"),
        (tree.pa, "2022-04-28", ActivityKind.BROADCAST, 0, 2, "", "Đài PT-TH An Giang"),
        (tree.a_g1, "2021-03-01", ActivityKind.OUTREACH, 200, 2, ActivityFormat.DIRECT, ""),
        (tree.a_g1, "2022-07-01", ActivityKind.OUTREACH, 999, 1, ActivityFormat.DIRECT, ""),
        (tree.b_g1, "2022-03-01", ActivityKind.OUTREACH, 777, 1, ActivityFormat.DIRECT, ""),
    ]
    return Activity.objects.bulk_create(
        Activity(
            unit=u,
            held_on=dt.date.fromisoformat(d),
            kind=k,
            title="Hoạt động",
            participants=p,
            quantity=q,
            format=f,
            outlet=o,
        )
        for u, d, k, p, q, f, o in rows
    )


def test_report_figures_equal_sums_of_raw_records(tree: Tree, records: list[Activity]) -> None:
    data = report_data(tree.pa, parse_period("2022-H1"), issued_on=ISSUED)
    subtree = {tree.pa.pk, tree.a_kcn.pk, tree.a_g1.pk, tree.a_g2.pk, tree.a_xa.pk, tree.a_g3.pk}
    in_period = [
        a
        for a in records
        if a.unit_id in subtree and dt.date(2022, 1, 1) <= a.held_on <= dt.date(2022, 6, 30)
    ]
    table = kind_table(data)
    for row, kind in zip(table.rows, KINDS, strict=True):
        mine = [a for a in in_period if a.kind == kind]
        assert row[2] == sum(a.quantity for a in mine), kind
        assert row[3] == sum(a.participants for a in mine), kind
        assert row[5] == len(mine), kind
    outreach = data.current.kind(ActivityKind.OUTREACH)
    assert (outreach.quantity, outreach.participants, outreach.grassroots) == (4, 920, 2)
    assert (outreach.direct, outreach.online) == (3, 1)
    assert data.previous.kind(ActivityKind.OUTREACH).quantity == 2
    assert data.grassroots_total == 3
    assert data.outlets == [
        (ActivityKind.PRESS, "Báo Lao Động", 6),
        (ActivityKind.PRESS, "Báo An Giang", 3),
        (ActivityKind.BROADCAST, "Đài PT-TH An Giang", 2),
    ]
    assert data.letterhead.superior == "Tổng Liên đoàn Lao động Việt Nam"
    assert data.letterhead.place == "An Giang"
    text = paragraphs(data)
    assert text[0] == (
        "Trong 6 tháng đầu năm 2022, đã có 2 công đoàn cơ sở tổ chức 4 buổi tuyên truyền, thu "
        "hút 920 lượt đoàn viên, công nhân, viên chức, lao động tham gia; số buổi tuyên truyền "
        "tăng 100,0%, số lượt người tham gia tăng 360,0% so với cùng kỳ năm 2021."
    )


# --- documents -------------------------------------------------------------------------------


def docx_of(tree: Tree, period: str = "2022-H1") -> Any:
    data = report_data(tree.pa, parse_period(period), issued_on=ISSUED)
    return Document(io.BytesIO(render_docx(data)))


def test_docx_page_fonts_and_letterhead(tree: Tree, records: list[Activity]) -> None:
    document = docx_of(tree)
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25)
    # Word stores margins in twentieths of a point: 15 mm comes back a hair under.
    assert Mm(29.9) <= section.left_margin <= Mm(35)
    assert Mm(14.9) <= section.right_margin <= Mm(20)
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and Pt(13) <= normal.size <= Pt(14)
    fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}

    head = document.tables[0]
    left = [p for p in head.cell(0, 0).paragraphs if p.text]
    right = [p for p in head.cell(0, 1).paragraphs if p.text]
    assert left[0].text == "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" and not left[0].runs[0].bold
    assert left[1].text == "LIÊN ĐOÀN LAO ĐỘNG TỈNH AN GIANG" and left[1].runs[0].bold
    assert head.cell(1, 0).paragraphs[0].text.replace("\u00a0", "") == "Số:/BC-LĐLĐ"
    assert right[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and right[0].runs[0].bold
    assert right[1].text == "Độc lập - Tự do - Hạnh phúc" and right[1].runs[0].bold
    date = head.cell(1, 1).paragraphs[0]
    assert date.text == "An Giang, ngày 05 tháng 7 năm 2022" and date.runs[0].italic

    body = [p for p in document.paragraphs if p.text]
    title = next(p for p in body if p.text == "BÁO CÁO")
    assert title.runs[0].bold and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    texts = [p.text for p in body]
    assert texts[texts.index("BÁO CÁO") + 1] == (
        "Kết quả công tác tuyên truyền 6 tháng đầu năm 2022"
    )
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. ĐÁNH GIÁ CHUNG",
        "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "PHỤ LỤC",
    ):
        assert heading in texts, heading

    closing = document.tables[1]
    received = closing.cell(0, 0).paragraphs[0]
    assert received.text == "Nơi nhận:" and received.runs[0].bold and received.runs[0].italic
    assert closing.cell(0, 0).paragraphs[1].runs[0].font.size == Pt(11)
    signature = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert signature[:2] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]

    by_kind = document.tables[2]
    assert by_kind.cell(1, 1).text == "Buổi tuyên truyền"
    assert [by_kind.cell(1, c).text for c in (2, 3, 4)] == ["4", "920", "2"]
    assert by_kind.cell(1, 7).text == "200,0%"


def test_docx_uses_vietnamese_thousands(tree: Tree) -> None:
    Activity.objects.create(
        unit=tree.a_g1,
        held_on=dt.date(2022, 3, 1),
        kind=ActivityKind.OUTREACH,
        title="Hội nghị",
        participants=42358,
        format=ActivityFormat.DIRECT,
    )
    document = docx_of(tree)
    assert document.tables[2].cell(1, 3).text == "42.358"
    assert any("thu hút 42.358 lượt" in p.text for p in document.paragraphs)


def test_xlsx_and_md_carry_the_same_figures(tree: Tree, records: list[Activity]) -> None:
    data = report_data(tree.pa, parse_period("2022-H1"), issued_on=ISSUED)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(data)))
    assert book.sheetnames == ["Tổng hợp", "Biểu 1", "Biểu 2", "Biểu 3"]
    summary = {
        row[0]: row[1]
        for row in book["Tổng hợp"].iter_rows(min_row=3, max_row=14, values_only=True)
    }
    assert summary["Số buổi tuyên truyền"] == 4
    assert summary["Số lượt người tham gia tuyên truyền"] == 920
    assert summary["Tổng số CĐCS"] == 3
    assert summary["Tỷ lệ CĐCS có tổ chức tuyên truyền"] == pytest.approx(2 / 3)
    sheet = book["Biểu 1"]
    assert [c.value for c in sheet[5]][1:6] == ["Buổi tuyên truyền", 4, 920, 2, 3]
    assert sheet["C5"].number_format == "#,##0" and sheet["H5"].number_format == "0.0%"
    children = book["Biểu 2"]
    names = [children.cell(row=r, column=2).value for r in range(5, children.max_row + 1)]
    assert names == [
        "Cơ quan LĐLĐ An Giang",
        "Công đoàn phường Mỹ Bình",
        "Công đoàn các Khu công nghiệp tỉnh An Giang",
        "Tổng cộng",
    ]
    md = render_md(data).decode()
    assert "## Kết quả công tác tuyên truyền 6 tháng đầu năm 2022" in md
    assert "| 1 | Buổi tuyên truyền | 4 | 920 | 2 | 3 | 2 | 200,0% |" in md
    assert "*An Giang, ngày 05 tháng 7 năm 2022*" in md


# --- command line ----------------------------------------------------------------------------


def test_report_command_writes_each_format(
    tree: Tree, records: list[Activity], tmp_path: Path
) -> None:
    for fmt in ("docx", "xlsx", "md"):
        out = tmp_path / f"bc.{fmt}"
        stdout = io.StringIO()
        call_command(
            "report",
            unit="P-A",
            period="2022-H1",
            fmt=fmt,
            out=str(out),
            date="05/07/2022",
            stdout=stdout,
        )
        assert out.stat().st_size > 500
        assert (
            "Đã lập báo cáo Liên đoàn Lao động tỉnh An Giang, 6 tháng đầu năm 2022"
            in stdout.getvalue()
        )
    assert "thu hút 920 lượt" in (tmp_path / "bc.md").read_text(encoding="utf-8")
    assert (
        AuditEvent.objects.filter(action="report.create", actor_label="lantoa report").count() == 3
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"unit": "NOPE", "period": "2022-H1"}, "Không có đơn vị mã “NOPE”."),
        ({"unit": "P-A", "period": "2022-H3"}, "Kỳ “2022-H3” không hợp lệ"),
        ({"unit": "P-A", "period": "2099"}, "Kỳ năm 2099 chưa bắt đầu"),
    ],
)
def test_report_command_errors(
    tree: Tree, tmp_path: Path, options: dict[str, str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("report", out=str(tmp_path / "x.docx"), **options)
    assert not (tmp_path / "x.docx").exists()


def test_merged_unit_report_before_and_after_the_merger(tree: Tree, tmp_path: Path) -> None:
    Activity.objects.create(
        unit=tree.b_g1,
        held_on=dt.date(2024, 3, 1),
        kind=ActivityKind.OUTREACH,
        title="Buổi tuyên truyền",
        participants=640,
        format=ActivityFormat.DIRECT,
    )
    unit_merge(source=tree.pb, target=tree.pa, on=dt.date(2025, 7, 1))
    successor = tmp_path / "ag.md"
    call_command("report", unit="P-A", period="2024", fmt="md", out=str(successor))
    assert "thu hút 640 lượt" in successor.read_text(encoding="utf-8")
    old = tmp_path / "bn.md"
    call_command("report", unit="P-B", period="2024-H1", fmt="md", out=str(old))
    text = old.read_text(encoding="utf-8")
    assert "**LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC NINH**" in text and "thu hút 640 lượt" in text
    assert "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" in text  # its superior before the merger
    with pytest.raises(
        CommandError, match="đã hợp nhất vào “Liên đoàn Lao động tỉnh An Giang” từ ngày 01/07/2025"
    ):
        call_command("report", unit="P-B", period="2025-H2", fmt="md", out=str(old))


# --- posts on channels, cascades and inquiries -----------------------------------------------


def test_counts_are_written_with_vietnamese_numbers() -> None:
    data = data_with({})
    data.counts = SystemCounts(
        posts=PostCounts(
            total=9253,
            by_channel={
                ChannelKind.ZALO_OA: 610,
                ChannelKind.FACEBOOK_PAGE: 8120,
                ChannelKind.WEBSITE: 523,
            },
        ),
        cascades=CascadeCounts(cascades=12, recipients=1010, done=788),
        inquiries=InquiryFigures(
            received=1234,
            answered=1220,
            due=1230,
            on_time=1185,
            median_first_response=dt.timedelta(hours=5, minutes=12),
        ),
    )
    data.counts_before = SystemCounts(
        posts=PostCounts(total=8233),
        cascades=CascadeCounts(cascades=9, recipients=800, done=480),
        inquiries=InquiryFigures(received=1234, answered=1000),
    )
    text = paragraphs(data)
    assert (
        "Trong 6 tháng đầu năm 2022, các cấp công đoàn đã đăng 9.253 tin, bài trên các kênh "
        "truyền thông (trang Facebook 8.120, Zalo OA 610, trang thông tin điện tử 523), tăng "
        "12,4% so với cùng kỳ năm 2021." in text
    )
    assert (
        "Cấp trên đã giao 12 văn bản, nội dung có hạn hoàn thành trong 6 tháng đầu năm 2022 tới "
        "1.010 lượt đơn vị; các đơn vị đã thực hiện 788/1.010 lượt (78,0%), cùng kỳ năm 2021 là "
        "60,0%." in text
    )
    assert (
        "Các cấp công đoàn đã tiếp nhận 1.234 câu hỏi, phản ánh, kiến nghị của đoàn viên, người "
        "lao động; đã trả lời 1.220 (98,9%), trong đó 1.185 câu được trả lời đúng thời hạn đã "
        "hẹn (96,3% số câu đã đến hạn trả lời); một nửa số câu hỏi được trả lời lần đầu trong "
        "vòng 5,2 giờ; "
        "số câu đã trả lời tăng 22,0% so với cùng kỳ năm 2021; số câu hỏi tiếp nhận bằng cùng "
        "kỳ." in text
    )
    strengths, weaknesses = write(data).sections[1].parts
    assert (
        "So với cùng kỳ năm trước, các kết quả sau tăng: tin, bài trên các kênh truyền thông "
        "(tăng 12,4%)." in strengths.paragraphs
    )
    assert (
        "Còn 45 câu hỏi, phản ánh, kiến nghị của đoàn viên, người lao động (chiếm 3,7% số câu "
        "đã đến hạn) chưa được trả lời đúng thời hạn đã hẹn." in weaknesses.paragraphs
    )
    assert (
        "Còn 222 lượt triển khai văn bản, nội dung của cấp trên (chiếm 22,0%) chưa báo cáo hoàn "
        "thành." in weaknesses.paragraphs
    )
    headings = [part.heading for part in write(data).sections[0].parts]
    assert headings[6:] == [
        "7. Tuyên truyền trên không gian mạng và các kênh thông tin của công đoàn",
        "8. Triển khai văn bản của cấp trên và giải đáp chính sách, pháp luật",
    ]
    assert [duration_text(dt.timedelta(minutes=m)) for m in (0, 45, 60, 1500, 90061)] == [
        "dưới 1 phút",
        "45 phút",
        "1 giờ",
        "25 giờ",
        "1.501 giờ",
    ]


def test_counts_say_so_when_there_is_nothing() -> None:
    data = data_with({}, kind=UnitKind.GRASSROOTS)
    text = paragraphs(data)
    assert (
        "Trong 6 tháng đầu năm 2022, công đoàn cơ sở chưa đăng tin, bài nào trên các kênh "
        "truyền thông của công đoàn." in text
    )
    assert (
        "Trong 6 tháng đầu năm 2022, cấp trên chưa giao văn bản, nội dung nào có hạn triển khai."
        in text
    )
    assert (
        "Trong 6 tháng đầu năm 2022, công đoàn cơ sở chưa nhận được câu hỏi, phản ánh, kiến "
        "nghị nào của đoàn viên, người lao động." in text
    )
    assert counts_table(data) is None
    # All due inquiries answered on time is a strength, not a limitation.
    data.counts = SystemCounts(inquiries=InquiryFigures(received=3, answered=3, due=3, on_time=3))
    strengths, weaknesses = write(data).sections[1].parts
    assert (
        "Toàn bộ 3 câu hỏi, phản ánh, kiến nghị đã đến hạn của đoàn viên, người lao động được "
        "trả lời đúng thời hạn đã hẹn." in strengths.paragraphs
    )
    assert not any("chưa được trả lời đúng thời hạn" in p for p in weaknesses.paragraphs)
    assert "Công đoàn cơ sở đã tiếp nhận 3 câu hỏi" in " ".join(paragraphs(data))


_seq = itertools.count(1)


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute))
    )


def publication(unit: Unit, when: dt.datetime | None, kind: str, status: str) -> Publication:
    n = next(_seq)
    item = ContentItem.objects.create(
        unit=unit, kind="news", title="Tin hoạt động", slug=f"tin-{n}", status="published"
    )
    methods: dict[str, str] = {
        ChannelKind.FACEBOOK_PAGE: Method.FACEBOOK,
        ChannelKind.ZALO_OA: Method.ZALO_OA,
        ChannelKind.WEBSITE: Method.SITE,
    }
    method = methods.get(kind, Method.MANUAL)
    if status == PublicationStatus.RECORDED:
        method = Method.MANUAL
    return Publication.objects.create(
        item=item,
        unit=unit,
        method=method,
        channel_kind=kind,
        channel_name="Kênh",
        idempotency_key=f"r{n}",
        status=status,
        published_at=when,
    )


def inquiry(unit: Unit, received: dt.datetime, answered_after_h: float | None) -> Inquiry:
    return Inquiry.objects.create(
        code=f"HD-R-{next(_seq):05d}",
        unit=unit,
        source="web",
        received_at=received,
        first_response_due=received + dt.timedelta(hours=24),
        first_responded_at=(
            received + dt.timedelta(hours=answered_after_h)
            if answered_after_h is not None
            else None
        ),
    )


def cascade(sender: Unit, due: str, status: str, states: dict[Unit, str]) -> list[CascadeRecipient]:
    sent = Cascade.objects.create(
        sender=sender,
        title="Định hướng tuyên truyền",
        actions=["read"],
        due_on=dt.date.fromisoformat(due),
        status=status,
    )
    return [
        CascadeRecipient.objects.create(cascade=sent, unit=unit, state=state)
        for unit, state in states.items()
    ]


@dataclass
class SystemRecords:
    posts: list[Publication]
    inquiries: list[Inquiry]
    recipients: list[CascadeRecipient]


@pytest.fixture
def system_records(tree: Tree) -> SystemRecords:
    """Posts, inquiries and cascade recipients of province A in 2022-H1 and 2021-H1, with rows
    that must not count: other statuses, outside the days, outside the subtree."""
    P, F, Z, W, B = (
        PublicationStatus,
        ChannelKind.FACEBOOK_PAGE,
        ChannelKind.ZALO_OA,
        ChannelKind.WEBSITE,
        ChannelKind.BULLETIN_BOARD,
    )
    posts = [
        publication(tree.a_g1, at("2022-02-10"), F, P.PUBLISHED),
        publication(tree.a_g1, at("2022-03-01"), F, P.PUBLISHED),
        publication(tree.a_xa, at("2022-03-03"), F, P.RECORDED),
        publication(tree.a_g2, at("2022-04-05"), Z, P.PUBLISHED),
        publication(tree.pa, at("2022-05-05"), W, P.PUBLISHED),
        publication(tree.a_g3, at("2022-06-30", 23, 30), B, P.RECORDED),
        publication(tree.a_g1, at("2022-03-05"), F, P.FAILED),
        publication(tree.a_g2, at("2022-03-06"), Z, P.CANCELLED),
        publication(tree.pa, None, F, P.PENDING),
        publication(tree.a_g1, at("2022-07-01", 0, 30), F, P.PUBLISHED),
        publication(tree.a_g1, at("2021-12-31", 23, 59), F, P.PUBLISHED),
        publication(tree.b_g1, at("2022-03-01"), F, P.PUBLISHED),
        publication(tree.a_g1, at("2021-04-01"), F, P.PUBLISHED),
        publication(tree.a_g2, at("2021-05-01"), Z, P.RECORDED),
    ]
    inquiries = [
        inquiry(tree.a_g1, at("2022-02-01"), 3),
        inquiry(tree.a_g2, at("2022-03-01"), 20),
        inquiry(tree.a_g3, at("2022-04-01"), 30),
        inquiry(tree.pa, at("2022-05-01"), None),
        inquiry(tree.a_kcn, at("2022-06-30", 22), 50),
        inquiry(tree.b_g1, at("2022-03-01"), 3),
        inquiry(tree.a_g1, at("2022-07-01", 8), 1),
        inquiry(tree.a_g1, at("2021-03-01"), 5),
        inquiry(tree.a_g2, at("2021-04-01"), None),
    ]
    S, C = RecipientState, CascadeStatus
    recipients = [
        *cascade(
            tree.vn,
            "2022-03-31",
            C.SENT,
            {
                tree.pa: S.DONE,
                tree.a_kcn: S.DONE,
                tree.a_g1: S.DONE,
                tree.a_g2: S.PENDING,
                tree.a_xa: S.RECEIVED,
                tree.a_g3: S.ACKNOWLEDGED,
                tree.pb: S.DONE,
                tree.b_g1: S.DONE,
            },
        ),
        *cascade(tree.vn, "2022-06-30", C.CLOSED, {tree.a_g1: S.DONE, tree.a_g3: S.PENDING}),
        *cascade(tree.vn, "2022-07-15", C.SENT, {tree.a_g1: S.DONE}),
        *cascade(tree.vn, "2022-05-01", C.DRAFT, {tree.a_g2: S.DONE}),
        *cascade(tree.vn, "2021-05-01", C.SENT, {tree.a_g1: S.DONE, tree.a_g2: S.PENDING}),
    ]
    return SystemRecords(posts, inquiries, recipients)


def expected_counts(
    tree: Tree, records: SystemRecords, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """The report's counts for province A, summed in Python from the raw rows."""
    subtree = {tree.pa.pk, tree.a_kcn.pk, tree.a_g1.pk, tree.a_g2.pk, tree.a_xa.pk, tree.a_g3.pk}
    begin = at(start.isoformat(), 0)
    after = at((end + dt.timedelta(days=1)).isoformat(), 0)
    posts = [
        p
        for p in records.posts
        if p.unit_id in subtree
        and p.status in POSTED
        and p.published_at is not None
        and begin <= p.published_at < after
    ]
    by_channel: dict[str, int] = {}
    for p in posts:
        by_channel[p.channel_kind] = by_channel.get(p.channel_kind, 0) + 1
    asked = [
        i for i in records.inquiries if i.unit_id in subtree and begin <= i.received_at < after
    ]
    answered = [i for i in asked if i.first_responded_at is not None]
    now = timezone.now()
    hours = [(i.first_responded_at - i.received_at).total_seconds() for i in answered]  # type: ignore[operator]
    rows = [
        r
        for r in records.recipients
        if r.unit_id in subtree
        and r.cascade.status in (CascadeStatus.SENT, CascadeStatus.CLOSED)
        and start <= r.cascade.due_on <= end
    ]
    return {
        "posts": len(posts),
        "by_channel": by_channel,
        "received": len(asked),
        "answered": len(answered),
        "due": len([i for i in asked if i.first_responded_at or i.first_response_due <= now]),
        "on_time": len(
            [
                i
                for i in answered
                if i.first_responded_at and i.first_responded_at <= i.first_response_due
            ]
        ),
        "median": dt.timedelta(seconds=statistics.median(hours)) if hours else None,
        "cascades": len({r.cascade_id for r in rows}),
        "recipients": len(rows),
        "done": sum(1 for r in rows if r.state == RecipientState.DONE),
    }


def actual_counts(counts: SystemCounts) -> dict[str, Any]:
    q = counts.inquiries
    return {
        "posts": counts.posts.total,
        "by_channel": counts.posts.by_channel,
        "received": q.received,
        "answered": q.answered,
        "due": q.due,
        "on_time": q.on_time,
        "median": q.median_first_response,
        "cascades": counts.cascades.cascades,
        "recipients": counts.cascades.recipients,
        "done": counts.cascades.done,
    }


def test_counts_equal_sums_of_raw_rows(tree: Tree, system_records: SystemRecords) -> None:
    data = report_data(tree.pa, parse_period("2022-H1"), issued_on=ISSUED)
    now = expected_counts(tree, system_records, dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    before = expected_counts(tree, system_records, dt.date(2021, 1, 1), dt.date(2021, 6, 30))
    assert actual_counts(data.counts) == now
    assert actual_counts(data.counts_before) == before
    # The figures the sentences below are written from.
    assert now["by_channel"] == {
        ChannelKind.FACEBOOK_PAGE: 3,
        ChannelKind.ZALO_OA: 1,
        ChannelKind.WEBSITE: 1,
        ChannelKind.BULLETIN_BOARD: 1,
    }
    assert (now["received"], now["answered"], now["due"], now["on_time"]) == (5, 4, 5, 2)
    assert now["median"] == dt.timedelta(hours=25)
    assert (now["cascades"], now["recipients"], now["done"]) == (2, 8, 4)
    assert (before["posts"], before["received"], before["answered"]) == (2, 2, 1)
    assert (before["recipients"], before["done"]) == (2, 1)

    text = paragraphs(data)
    posts = (
        "Trong 6 tháng đầu năm 2022, các cấp công đoàn đã đăng 6 tin, bài trên các kênh truyền "
        "thông (trang Facebook 3, Zalo OA 1, trang thông tin điện tử 1, bảng tin 1), tăng "
        "200,0% so với cùng kỳ năm 2021."
    )
    cascades = (
        "Cấp trên đã giao 2 văn bản, nội dung có hạn hoàn thành trong 6 tháng đầu năm 2022 tới "
        "8 lượt đơn vị; các đơn vị đã thực hiện 4/8 lượt (50,0%), cùng kỳ năm 2021 là 50,0%."
    )
    inquiries = (
        "Các cấp công đoàn đã tiếp nhận 5 câu hỏi, phản ánh, kiến nghị của đoàn viên, người lao "
        "động; đã trả lời 4 (80,0%), trong đó 2 câu được trả lời đúng thời hạn đã hẹn (40,0% số "
        "câu đã đến hạn trả lời); một nửa số câu hỏi được trả lời lần đầu trong vòng 25 giờ; số "
        "câu hỏi tiếp nhận tăng 150,0%, số câu đã trả lời tăng 300,0% so với cùng kỳ năm 2021."
    )
    for sentence in (posts, cascades, inquiries):
        assert sentence in text
    assert (
        "Còn 3 câu hỏi, phản ánh, kiến nghị của đoàn viên, người lao động (chiếm 60,0% số câu "
        "đã đến hạn) chưa được trả lời đúng thời hạn đã hẹn." in text
    )

    md = render_md(data).decode()
    for sentence in (posts, cascades, inquiries):
        assert sentence in md
    assert (
        "**Biểu 2. Tin, bài trên các kênh truyền thông, triển khai văn bản và giải đáp chính "
        "sách, pháp luật**" in md
    )
    for line in (
        "| 1 | Tin, bài đăng trên các kênh truyền thông | 6 | 2 | 300,0% |",
        "| 1.1 | Trong đó: trên trang Facebook | 3 | 1 | 300,0% |",
        "| 1.2 | Trên Zalo OA | 1 | 1 | 100,0% |",
        "| 1.3 | Trên trang thông tin điện tử | 1 | 0 | — |",
        "| 2.1 | Lượt đơn vị nhận triển khai | 8 | 2 | 400,0% |",
        "| 2.3 | Tỷ lệ đã thực hiện | 50,0% | 50,0% |  |",
        "| 3 | Câu hỏi, phản ánh, kiến nghị tiếp nhận | 5 | 2 | 250,0% |",
        "| 3.3 | Tỷ lệ trả lời đúng hạn (trên số câu đã đến hạn) | 40,0% | 50,0% |  |",
        "| 3.4 | Thời gian trả lời lần đầu (trung vị: một nửa số câu nhanh hơn) | 25 giờ | 5 giờ "
        "|  |",
    ):
        assert line in md, line

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(data)))
    assert book.sheetnames == ["Tổng hợp", "Biểu 1", "Biểu 2", "Biểu 3"]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=3, values_only=True)}
    assert summary["Số tin, bài đăng trên các kênh truyền thông"] == 6
    assert summary["Số lượt triển khai đã thực hiện"] == 4
    assert summary["Số câu hỏi, phản ánh, kiến nghị đã trả lời"] == 4
    assert summary["Tỷ lệ trả lời đúng hạn"] == pytest.approx(0.4)
    sheet = book["Biểu 2"]
    assert [c.value for c in sheet[5]] == ["1", "Tin, bài đăng trên các kênh truyền thông", 6, 2, 3]
    assert sheet["E5"].number_format == "0.0%"

    document = Document(io.BytesIO(render_docx(data)))
    assert any(p.text.startswith("Biểu 2. Tin, bài trên các kênh") for p in document.paragraphs)
    assert any(p.text == posts for p in document.paragraphs)


def test_counts_of_a_merged_unit_go_to_its_successor(tree: Tree, tmp_path: Path) -> None:
    publication(tree.b_g1, at("2024-03-01"), ChannelKind.FACEBOOK_PAGE, PublicationStatus.PUBLISHED)
    publication(tree.b_kcn, at("2024-04-01"), ChannelKind.ZALO_OA, PublicationStatus.RECORDED)
    publication(tree.a_g1, at("2024-05-01"), ChannelKind.FACEBOOK_PAGE, PublicationStatus.PUBLISHED)
    inquiry(tree.b_g1, at("2024-03-02"), 2)
    inquiry(tree.pb, at("2024-03-03"), 30)
    cascade(
        tree.vn,
        "2024-04-30",
        CascadeStatus.SENT,
        {tree.b_g1: RecipientState.DONE, tree.b_kcn: RecipientState.PENDING},
    )
    unit_merge(source=tree.pb, target=tree.pa, on=dt.date(2025, 7, 1))
    tree.pb.refresh_from_db()

    successor = report_data(tree.pa, parse_period("2024"), issued_on=dt.date(2025, 8, 1))
    assert successor.counts.posts.total == 3
    assert successor.counts.posts.by_channel == {
        ChannelKind.FACEBOOK_PAGE: 2,
        ChannelKind.ZALO_OA: 1,
    }
    assert (successor.counts.inquiries.received, successor.counts.inquiries.on_time) == (2, 1)
    assert (successor.counts.cascades.recipients, successor.counts.cascades.done) == (2, 1)

    # The merged unit's own old report: its tree as it stood, its units moved away included.
    old = report_data(tree.pb, parse_period("2024-H1"), issued_on=dt.date(2025, 8, 1))
    assert old.counts.posts.total == 2
    assert old.counts.posts.by_channel == {ChannelKind.FACEBOOK_PAGE: 1, ChannelKind.ZALO_OA: 1}
    figures = old.counts.inquiries
    assert (figures.received, figures.answered, figures.due, figures.on_time) == (2, 2, 2, 1)
    assert figures.median_first_response == dt.timedelta(hours=16)
    assert (old.counts.cascades.cascades, old.counts.cascades.recipients) == (1, 2)
    assert old.counts.cascades.done == 1
    out = tmp_path / "bn.md"
    call_command("report", unit="P-B", period="2024-H1", fmt="md", out=str(out))
    text = out.read_text(encoding="utf-8")
    assert "đã đăng 2 tin, bài trên các kênh truyền thông (trang Facebook 1, Zalo OA 1)." in text
    assert "các đơn vị đã thực hiện 1/2 lượt (50,0%)." in text


# --- screens and the background job ----------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def test_report_from_the_screen(
    client: Client,
    tree: Tree,
    officers: Officers,
    records: list[Activity],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    login(client, officers.a_propaganda)
    page = client.get("/bao-cao/P-A/")
    assert page.status_code == 200 and "Kỳ báo cáo" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bao-cao/P-A/", {"period": "", "other_period": "2022-H1", "format": "docx"}
        )
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bao-cao/lan/{job.pk}/"
    assert (job.status, job.progress, job.period, job.unit) == ("done", 100, "2022-H1", tree.pa)
    assert AuditEvent.objects.filter(action="report.create", target="2022-H1").count() == 1
    progress = client.get(f"/bao-cao/lan/{job.pk}/tien-do/").content.decode()
    assert "hx-get" not in progress and "Tải báo cáo" in progress
    download = client.get(f"/bao-cao/lan/{job.pk}/tai-ve/")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('filename="bao-cao-P-A-2022-H1.docx"')
    document = Document(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    assert any(p.text == "BÁO CÁO" for p in document.paragraphs)
    # Nobody else sees the job, not even another officer of the province.
    login(client, officers.a_admin)
    assert client.get(f"/bao-cao/lan/{job.pk}/").status_code == 404
    assert client.get(f"/bao-cao/lan/{job.pk}/tai-ve/").status_code == 404
    # A re-delivered task does nothing.
    assert report_job_run(job_id=job.pk) is None
    # A period picked from the list; while the worker has not run, the page keeps polling.
    login(client, officers.a_propaganda)
    choice = recent_periods(dt.date.today())[0].code
    client.post("/bao-cao/P-A/", {"period": choice, "format": "xlsx"})
    pending = ReportJob.objects.get(period=choice)
    assert (pending.status, pending.format) == ("pending", "xlsx")
    waiting = client.get(f"/bao-cao/lan/{pending.pk}/tien-do/").content.decode()
    assert f'hx-get="/bao-cao/lan/{pending.pk}/tien-do/"' in waiting
    assert client.get(f"/bao-cao/lan/{pending.pk}/tai-ve/").status_code == 404


def test_report_screen_errors_and_access(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_propaganda)
    response = client.post(
        "/bao-cao/P-A/", {"period": "2022-H1", "other_period": "2022-H7", "format": "docx"}
    )
    assert response.status_code == 400
    assert "nửa năm chỉ có H1" in response.content.decode()
    unit_merge(source=tree.a_xa, target=tree.a_kcn, on=dt.date(2025, 7, 1))
    response = client.post("/bao-cao/A-XA/", {"other_period": "2025-H2", "format": "md"})
    assert response.status_code == 400
    assert (
        "chỉ lập được báo cáo của đơn vị này cho các kỳ trước ngày đó" in response.content.decode()
    )
    assert ReportJob.objects.count() == 0
    login(client, officers.a_viewer)
    assert client.get("/bao-cao/A-G1/").status_code == 403
    login(client, officers.b_admin)
    assert client.get("/bao-cao/P-A/").status_code == 404


def test_grassroots_report_has_no_children_table(tree: Tree, records: list[Activity]) -> None:
    data = report_data(tree.a_g1, parse_period("2022-H1"), issued_on=ISSUED)
    md = render_md(data).decode()
    assert "**Biểu 1. Kết quả theo loại hoạt động**" in md
    assert "đơn vị trực thuộc**" not in md and "Biểu 2" not in md
    assert data.letterhead.on_behalf == "TM. BAN CHẤP HÀNH"
    assert data.letterhead.short == "CĐCS"
    assert (
        "Trong 6 tháng đầu năm 2022, công đoàn cơ sở đã tổ chức 2 buổi tuyên truyền, thu hút 800 "
        "lượt" in md
    )


def test_report_job_pages_are_404_for_another_province(
    client: Client, tree: Tree, officers: Officers
) -> None:
    job = ReportJob.objects.create(
        unit=tree.pa, period="2022-H1", format="md", created_by=officers.a_propaganda
    )
    login(client, officers.b_admin)
    for suffix in ("", "tien-do/", "tai-ve/"):
        assert client.get(f"/bao-cao/lan/{job.pk}/{suffix}").status_code == 404


def test_report_job_whose_worker_died_is_built_again(
    tree: Tree, officers: Officers, records: list[Activity]
) -> None:
    """A job left "running" by a dead worker: left alone while it may still run, queued again
    by the beat's sweep once stale, then built once."""
    from lantoa.reports.services import STALE_AFTER, report_jobs_resume

    job = ReportJob.objects.create(
        unit=tree.pa, period="2022-H1", format="md", created_by=officers.a_propaganda
    )
    started = timezone.now() - dt.timedelta(minutes=1)
    ReportJob.objects.filter(pk=job.pk).update(status="running", claimed_at=started, progress=40)
    assert report_job_run(job_id=job.pk) is None
    assert report_jobs_resume() == 0
    ReportJob.objects.filter(pk=job.pk).update(
        claimed_at=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    )
    assert report_jobs_resume() == 1  # tasks run eagerly in tests
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100) and job.claimed_at > started
    assert job.file.name.endswith(".md") and "P-A" not in job.file.name  # stored privately
    assert job.download_name == "bao-cao-P-A-2022-H1.md"
    assert report_jobs_resume() == 0
    assert job.crashes == 1


def test_report_job_whose_worker_keeps_dying_is_failed_with_the_reason(
    tree: Tree, officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each queued run claims the job and its worker dies (the job stays "running"): the
    sweep retakes it after the stale time, and after the kind's limit marks it failed with a
    visible reason instead of retaking it forever."""
    from lantoa.core import jobs as durable
    from lantoa.core.messages import stored_text, text_in_site_language
    from lantoa.reports import tasks
    from lantoa.reports.services import REPORT_JOBS, STALE_AFTER, report_jobs_resume

    runs: list[int] = []

    def dying_worker(pk: int) -> None:
        runs.append(pk)
        pending = ReportJob.objects.filter(pk=pk, status="pending")
        assert durable.claim(pending, now=timezone.now(), status="running", progress=1)

    monkeypatch.setattr(tasks.build_report_task, "delay", dying_worker)
    job = ReportJob.objects.create(
        unit=tree.pa, period="2022-H1", format="md", created_by=officers.a_propaganda
    )
    dying_worker(job.pk)  # the first run
    for crash in range(1, REPORT_JOBS.max_crashes + 1):
        assert report_jobs_resume() == 0  # still within its time: maybe running
        ReportJob.objects.filter(pk=job.pk).update(
            claimed_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
        )
        retaken = report_jobs_resume()
        job.refresh_from_db()
        assert job.crashes == crash
        if crash < REPORT_JOBS.max_crashes:
            assert retaken == 1 and job.status == "running"
    assert REPORT_JOBS.max_crashes == 3 and len(runs) == 3
    assert job.status == "failed" and job.finished_at is not None
    assert (
        job.error == text_in_site_language(durable.crash_reason(3))
        and "dừng giữa chừng 3 lần" in job.error
    )
    with translation.override("en"):
        shown = stored_text(job.error_text, job.error)
    assert shown.startswith("The background worker stopped 3 times"), shown
    assert report_jobs_resume() == 0 and len(runs) == 3  # never retaken again


# --- strengths only where the figures support them -------------------------------------------


def assessment(data: ReportData) -> tuple[list[str], list[str]]:
    strengths, weaknesses = write(data).sections[1].parts
    return strengths.paragraphs, weaknesses.paragraphs


@pytest.mark.parametrize(
    ("quantity", "strength", "weakness"),
    [
        (2206, "Vượt chỉ tiêu về sáng kiến: 2.206, đạt 220,6% so với chỉ tiêu 1.000.", None),
        (1000, "Hoàn thành chỉ tiêu về sáng kiến: 1.000, đạt 100,0% so với chỉ tiêu 1.000.", None),
        (
            999,
            None,
            "Chưa hoàn thành chỉ tiêu về sáng kiến: 999, mới đạt 99,9% so với chỉ tiêu 1.000.",
        ),
        (0, None, "Chưa hoàn thành chỉ tiêu về sáng kiến: 0, mới đạt 0,0% so với chỉ tiêu 1.000."),
    ],
)
def test_a_target_is_a_strength_only_when_reached(
    quantity: int, strength: str | None, weakness: str | None
) -> None:
    data = data_with(
        {ActivityKind.INITIATIVE: figures(records=1, quantity=quantity)},
        targets={ActivityKind.INITIATIVE: 1000},
    )
    strengths, weaknesses = assessment(data)
    if strength:
        assert strength in strengths
    else:
        assert not any("chỉ tiêu" in p and "Số liệu" not in p for p in strengths), strengths
    if weakness:
        assert weakness in weaknesses
    else:
        assert not any("chỉ tiêu về" in p for p in weaknesses), weaknesses
    assert not any("Vượt" in p for p in strengths) or quantity > 1000


def test_no_figures_no_praise() -> None:
    """Without growth, targets or answers on time the report claims no strength, and says so."""
    data = data_with(
        {ActivityKind.OUTREACH: figures(records=3, quantity=3, participants=90)},
        {ActivityKind.OUTREACH: figures(quantity=5, participants=200)},
    )
    strengths, weaknesses = assessment(data)
    assert strengths == [
        "Số liệu của kỳ chưa cho thấy kết quả nào tăng so với cùng kỳ năm trước hoặc đạt chỉ "
        "tiêu được giao."
    ]
    assert "Một số kết quả giảm so với cùng kỳ năm trước: buổi tuyên truyền (giảm 40,0%)." in (
        weaknesses
    )
    # The same figures a year later, grown: now it is a strength, and only what grew is named.
    grown = data_with(
        {ActivityKind.OUTREACH: figures(records=5, quantity=5, participants=200)},
        {ActivityKind.OUTREACH: figures(quantity=3, participants=90)},
    )
    strengths, _ = assessment(grown)
    assert strengths == [
        "So với cùng kỳ năm trước, các kết quả sau tăng: buổi tuyên truyền (tăng 66,7%)."
    ]


def test_many_results_grown_only_when_there_are_many() -> None:
    kinds = [ActivityKind.OUTREACH, ActivityKind.TRAINING, ActivityKind.CONTEST]
    data = data_with(
        {kind: figures(records=2, quantity=2) for kind in kinds},
        {kind: figures(quantity=1) for kind in kinds},
    )
    strengths, _ = assessment(data)
    assert strengths[0].startswith("So với cùng kỳ năm trước, nhiều kết quả tăng: ")


def test_answers_on_time_are_a_strength_only_when_all_are_on_time() -> None:
    data = data_with({})
    data.counts = SystemCounts(inquiries=InquiryFigures(received=4, answered=4, due=4, on_time=3))
    strengths, weaknesses = assessment(data)
    assert not any("đúng thời hạn" in p for p in strengths)
    assert any("chưa được trả lời đúng thời hạn" in p for p in weaknesses)


@pytest.mark.parametrize("kind", [UnitKind.PROVINCE, UnitKind.GRASSROOTS])
def test_the_narrative_speaks_of_people_not_of_the_software(kind: str) -> None:
    full = data_with(
        {k: figures(records=1, quantity=1, participants=10) for k in KINDS},
        {k: figures(quantity=2) for k in KINDS},
        kind=kind,
    )
    for data in (data_with({}, kind=kind), full):
        narrative = write(data)
        text = " ".join(
            [narrative.opening]
            + [p for s in narrative.sections for part in s.parts for p in part.paragraphs]
        )
        assert "hệ thống" not in text and "Lan Tỏa" not in text
        assert "ghi nhận" not in text
        assert "trung vị" not in text
        assert "ngày càng đa dạng" not in text
    empty = paragraphs(data_with({}, kind=kind))
    who = "công đoàn cơ sở" if kind == UnitKind.GRASSROOTS else "các cấp công đoàn"
    assert f"Trong 6 tháng đầu năm 2022, {who} chưa tổ chức hội thi, cuộc thi nào." in empty
