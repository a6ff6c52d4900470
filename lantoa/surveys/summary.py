"""The summary of a survey's results as a Word document, in the layout of the period report
(``lantoa.core.docx_layout``: A4, Times New Roman, the same title block, tables and page
numbers): title, purpose, collection window, questionnaires collected against the quota by
unit and by cell, then each question's table and bar chart (``lantoa.surveys.charts``), and
the most frequent words of the free-text answers.

Everything is seen from a unit (its subtree), and every count from 1 to ``MIN_CELL`` - 1 is
written "<10", like on the screens: the summary goes round, the raw data does not.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx.enum.text import WD_ALIGN_PARAGRAPH

from lantoa.core import docx_layout as layout
from lantoa.core.reporting import Cell, Ratio, ReportTable
from lantoa.core.text import format_int
from lantoa.surveys import analysis, charts, selectors
from lantoa.surveys.analysis import MIN_CELL, QuestionResult, shown
from lantoa.surveys.models import QuestionKind, Survey
from lantoa.units.models import Unit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHART_WIDTH_MM = 150.0


def _count(n: int | None) -> Cell:
    """A count for the document: "<10" when suppressed."""
    return f"<{MIN_CELL}" if n is None else n


def _day(value: dt.datetime | None, *, end: bool = False) -> str:
    if value is None:
        return "…"
    local = timezone.localtime(value)
    if end:  # the window ends at the midnight after its last day
        local -= dt.timedelta(microseconds=1)
    return local.strftime("%d/%m/%Y")


def window_text(survey: Survey) -> str:
    if survey.opens_at is None and survey.closes_at is None:
        return _("chưa đặt thời hạn")
    return _("từ %(start)s đến %(end)s") % {
        "start": _day(survey.opens_at),
        "end": _day(survey.closes_at, end=True),
    }


def progress_tables(survey: Survey, unit: Unit) -> list[ReportTable]:
    """Questionnaires collected per unit directly below ``unit`` against their allocation,
    and per quota cell against its target."""
    p = selectors.progress(survey, unit)
    by_unit = ReportTable(
        title=_("Bảng 1. Số phiếu thu được theo đơn vị"),
        columns=[_("Đơn vị"), _("Số phiếu"), _("Được phân bổ"), _("Tỷ lệ đạt")],
        widths=[5, 2, 2, 2],
    )
    if p.own:
        by_unit.rows.append(
            [f"{unit.name} ({_('phiếu của chính đơn vị')})", _count(shown(p.own)), "", ""]
        )
    for row in p.rows:
        if not row.responses and not row.allocated:
            continue
        counted = shown(row.counted)
        by_unit.rows.append(
            [
                row.unit.name if row.unit else unit.name,
                _count(shown(row.responses)),
                row.allocated or "",
                Ratio(row.share) if row.allocated and counted is not None else "",
            ]
        )
    by_unit.total = [_("Tổng cộng"), _count(shown(p.total)), "", ""]
    by_cell = ReportTable(
        title=_("Bảng 2. Số phiếu thu được theo nhóm chỉ tiêu"),
        columns=[_("Nhóm"), _("Số phiếu"), _("Chỉ tiêu"), _("Tỷ lệ đạt")],
        widths=[5, 2, 2, 2],
    )
    for cell in p.cells:
        counted = shown(cell.counted)
        by_cell.rows.append(
            [
                cell.cell.label,
                _count(counted),
                cell.target,
                Ratio(cell.share) if counted is not None and cell.share is not None else "",
            ]
        )
    return [by_unit, by_cell] if by_cell.rows else [by_unit]


def _question_table(number: int, result: QuestionResult) -> ReportTable | None:
    q = result.question
    if result.rows:
        table = ReportTable(
            title=_("Bảng %(n)s. %(code)s. %(text)s")
            % {"n": number, "code": q.code, "text": q.text},
            columns=[_("Phương án"), _("Số người chọn"), _("Tỷ lệ")],
            widths=[6, 2, 2],
        )
        for r in result.rows:
            table.rows.append(
                [r.label, _count(r.count), Ratio(r.share) if r.share is not None else ""]
            )
        return table
    if result.matrix:
        scale = [c.label for c in result.matrix[0][1]]
        table = ReportTable(
            title=_("Bảng %(n)s. %(code)s. %(text)s (tỷ lệ theo từng dòng)")
            % {"n": number, "code": q.code, "text": q.text},
            columns=["", *scale],
            widths=[4.0] + [2.0] * len(scale),
        )
        for label, cells in result.matrix:
            table.rows.append(
                [label, *[Ratio(c.share) if c.share is not None else f"<{MIN_CELL}" for c in cells]]
            )
        return table
    return None


def _chart(result: QuestionResult) -> bytes | None:
    if not result.rows or result.suppressed:
        return None
    return charts.bar_chart_png(
        [charts.Bar(r.label, r.share, hidden_text=f"<{MIN_CELL}") for r in result.rows]
    )


def summary_docx(survey: Survey, unit: Unit) -> bytes:
    """The summary of ``survey`` seen from ``unit``, as the bytes of a .docx file."""
    total = selectors.responses_in(survey, unit).count()
    document, section = layout.a4_document(
        title=_("Tóm tắt kết quả khảo sát: %(title)s") % {"title": survey.title},
        author=unit.name,
    )
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    layout.title_block(document, _("TÓM TẮT KẾT QUẢ KHẢO SÁT"), survey.title)
    facts = [
        (_("Đơn vị"), unit.name),
        (_("Mục đích"), survey.purpose or "—"),
        (_("Thời gian thu phiếu"), window_text(survey)),
        (
            _("Số phiếu thu được"),
            ngettext("%(n)s phiếu", "%(n)s phiếu", total) % {"n": format_int(total)},
        ),
    ]
    if survey.wave > 1:
        facts.insert(1, (_("Đợt khảo sát"), _("đợt %(n)s") % {"n": survey.wave}))
    for label, text in facts:
        paragraph = layout.para(document, "", align=justify, indent=True)
        run = paragraph.add_run(f"{label}: ")
        run.bold = True
        layout.set_font(run, layout.BODY_PT)
        layout.set_font(paragraph.add_run(text), layout.BODY_PT)
    layout.para(
        document,
        _(
            "Để không ai bị nhận ra, ô có dưới %(n)s phiếu được ghi “<%(n)s” và không nêu tỷ "
            "lệ; câu hỏi có dưới %(n)s người trả lời không nêu số liệu."
        )
        % {"n": MIN_CELL},
        italic=True,
        align=justify,
        indent=True,
    )

    layout.para(document, _("I. TIẾN ĐỘ THU PHIẾU"), bold=True, before=6)
    progress = progress_tables(survey, unit)
    for spec in progress:
        layout.data_table(document, spec)

    layout.para(document, _("II. KẾT QUẢ TỪNG CÂU HỎI"), bold=True, before=12)
    number = len(progress) + 1
    for result in analysis.question_results(survey, unit):
        q = result.question
        if q.kind in analysis.TEXT_KINDS or q.kind in (QuestionKind.DATE, QuestionKind.UNIT):
            continue
        layout.para(document, f"{q.code}. {q.text}", bold=True, align=justify, before=6)
        if result.suppressed:
            layout.para(
                document,
                _("Dưới %(n)s người trả lời: không nêu số liệu.") % {"n": MIN_CELL},
                italic=True,
                indent=True,
            )
            continue
        layout.para(
            document,
            _("%(n)s người trả lời.") % {"n": format_int(result.answered)},
            indent=True,
        )
        if result.stats:
            layout.para(
                document,
                _("Trung bình %(mean)s; thấp nhất %(low)s; cao nhất %(high)s.")
                % {k: _number(v) for k, v in result.stats.items()},
                indent=True,
            )
        table = _question_table(number, result)
        if table is not None:
            layout.data_table(document, table)
            number += 1
        chart = _chart(result)
        if chart is not None:
            layout.picture(document, chart, width_mm=CHART_WIDTH_MM)

    texts = analysis.text_summaries(survey, unit, min_count=MIN_CELL)
    if texts:
        layout.para(document, _("III. Ý KIẾN GHI BẰNG LỜI"), bold=True, before=12)
        for summary in texts:
            q = summary.question
            layout.para(document, f"{q.code}. {q.text}", bold=True, align=justify, before=6)
            if not summary.words:
                layout.para(
                    document,
                    _("Không có từ nào được từ %(n)s người trở lên cùng viết.") % {"n": MIN_CELL},
                    italic=True,
                    indent=True,
                )
                continue
            words = ReportTable(
                title=_("Bảng %(n)s. Những từ được viết nhiều nhất") % {"n": number},
                columns=[_("Từ"), _("Số người viết")],
                widths=[6, 3],
                rows=[[w.text, w.count] for w in summary.words],
            )
            layout.data_table(document, words)
            number += 1

    layout.page_numbers(section)
    return layout.document_bytes(document)


def _number(value: object) -> str:
    """A figure of a number question the Vietnamese way (1.234,5)."""
    text = f"{value:f}" if value is not None else "—"
    whole, _sep, frac = text.partition(".")
    frac = frac.rstrip("0")
    head = format_int(int(whole)) if whole.lstrip("-").isdigit() else whole
    return f"{head},{frac}" if frac else head
