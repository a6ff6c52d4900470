"""The report as a Word document in the format of the union's documents: Quyết định
933/QĐ-TLĐ of 14/5/2024 (Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam), which governs the
documents of every union level and is built on Nghị định 30/2020/NĐ-CP.

A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman,
14 pt body. The letterhead is a borderless 2 × 2 table: superior body (upper case, regular)
over the issuing body (upper case, bold) and "Số: …/BC-…" on the left; the national motto
and place-and-date in italics on the right. Then the title, the subject, the sections, the
"Nơi nhận" and signature blocks side by side, and the tables after a page break. Pages are
numbered at the top centre from the second page on.
"""

from __future__ import annotations

import io

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.table import Table

from lantoa.core.docx_layout import BODY_PT, TABLE_PT, TEXT_WIDTH_MM
from lantoa.core.docx_layout import a4_document as _a4_document
from lantoa.core.docx_layout import cell_para as _cell_para
from lantoa.core.docx_layout import data_table as _data_table
from lantoa.core.docx_layout import no_borders as _no_borders
from lantoa.core.docx_layout import page_numbers as _page_numbers
from lantoa.core.docx_layout import para as _para
from lantoa.core.docx_layout import rule as _rule
from lantoa.core.docx_layout import title_block as _title_block
from lantoa.core.docx_layout import widths as _widths
from lantoa.reports.data import ReportData
from lantoa.reports.narrative import Narrative, write
from lantoa.reports.tables import issue_date_text, report_tables

HEAD_PT = 12  # the letterhead's body names and national title (12–13 pt)
MOTTO_PT = 13  # "Độc lập - Tự do - Hạnh phúc" (13–14 pt)
LEFT_COLUMN_MM = 70.0
NUMBER_PLACEHOLDER = "\u00a0" * 8  # "Số:        /BC-LĐLĐ": the number is written by hand
SIGNATURE_PLACEHOLDER = "…………………………"


def _letterhead(document: object, data: ReportData) -> None:
    head = data.letterhead
    table: Table = document.add_table(rows=2, cols=2)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    left_mm, right_mm = LEFT_COLUMN_MM, TEXT_WIDTH_MM - LEFT_COLUMN_MM
    _widths(table, [left_mm, right_mm])
    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = table.cell(0, 0), table.cell(0, 1)
    if head.superior:
        _cell_para(left, head.superior.upper(), size=HEAD_PT, align=center, after=0)
    _cell_para(left, head.issuer.upper(), size=HEAD_PT, bold=True, align=center, after=0)
    _rule(left, inset_mm=left_mm / 3)
    _cell_para(
        right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=HEAD_PT, bold=True, align=center, after=0
    )
    _cell_para(
        right, "Độc lập - Tự do - Hạnh phúc", size=MOTTO_PT, bold=True, align=center, after=0
    )
    _rule(right, inset_mm=right_mm / 4.5)
    _cell_para(
        table.cell(1, 0),
        f"Số:{NUMBER_PLACEHOLDER}/BC-{head.short}",
        size=HEAD_PT,
        align=center,
        before=6,
        after=0,
    )
    _cell_para(
        table.cell(1, 1),
        issue_date_text(head.place, data.issued_on),
        size=BODY_PT,
        italic=True,
        align=center,
        before=6,
        after=0,
    )


def _body(document: object, data: ReportData, narrative: Narrative) -> None:
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _title_block(document, "BÁO CÁO", data.subject)
    _para(document, narrative.opening, align=justify, indent=True)
    for section in narrative.sections:
        _para(document, section.heading, bold=True, align=justify, before=6)
        for part in section.parts:
            if part.heading:
                _para(document, part.heading, bold=True, align=justify, indent=True)
            for text in part.paragraphs:
                _para(document, text, align=justify, indent=True)


def _closing(document: object, data: ReportData) -> None:
    head = data.letterhead
    table: Table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _no_borders(table)
    _widths(table, [TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2])
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True, before=12, after=0)
    for line in head.recipients:
        _cell_para(left, f"- {line}", size=TABLE_PT, after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell_para(right, head.on_behalf, bold=True, align=center, before=12, after=0)
    _cell_para(right, head.signer_title, bold=True, align=center, after=0)
    for _ in range(4):
        _cell_para(right, "", after=0)
    _cell_para(right, SIGNATURE_PLACEHOLDER, bold=True, align=center, after=0)


def render_docx(data: ReportData) -> bytes:
    document, section = _a4_document(
        title=f"Báo cáo {data.subject.lower()}", author=data.letterhead.issuer
    )

    narrative = write(data)
    _letterhead(document, data)
    _body(document, data, narrative)
    _closing(document, data)
    _page_numbers(section)

    breaker = document.add_paragraph()
    breaker.add_run().add_break(WD_BREAK.PAGE)
    _para(document, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(
        document,
        f"(Kèm theo Báo cáo {data.subject[:1].lower()}{data.subject[1:]})",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    for spec in report_tables(data):
        _data_table(document, spec)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
