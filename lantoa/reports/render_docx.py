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

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from lantoa.reports.data import ReportData
from lantoa.reports.narrative import Narrative, write
from lantoa.reports.tables import Ratio, ReportTable, cell_text, issue_date_text, report_tables

FONT = "Times New Roman"
BODY_PT = 14
HEAD_PT = 12  # the letterhead's body names and national title (12–13 pt)
MOTTO_PT = 13  # "Độc lập - Tự do - Hạnh phúc" (13–14 pt)
LEFT_COLUMN_MM = 70.0
TABLE_PT = 11
TEXT_WIDTH_MM = 210 - 30 - 15
NUMBER_PLACEHOLDER = "\u00a0" * 8  # "Số:        /BC-LĐLĐ": the number is written by hand
SIGNATURE_PLACEHOLDER = "…………………………"


def _set_font(run_or_style: object, size: float | None = None) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(
    container: object,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    before: float = 0,
    after: float = 6,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        _set_font(run, size)
    return paragraph


def _rule(container: object, *, inset_mm: float) -> Paragraph:
    """A thin centred line, ``inset_mm`` short of each side of the column: the short rules
    under the issuing body, the motto and the subject. An empty, one-point-high paragraph
    with a bottom border, so the text above keeps the column's full width."""
    paragraph = _para(container, "", after=0)
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    fmt.left_indent = Mm(inset_mm)
    fmt.right_indent = Mm(inset_mm)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    return paragraph


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table: Table, widths_mm: list[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)


def _cell_para(cell: _Cell, text: str, **kwargs: object) -> Paragraph:
    """Add a paragraph to a cell, replacing the empty one every new cell starts with (ours
    always have a spacing set, the cell's own has none)."""
    paragraphs = cell.paragraphs
    if (
        len(paragraphs) == 1
        and not paragraphs[0].runs
        and paragraphs[0].paragraph_format.space_after is None
    ):
        cell._element.remove(paragraphs[0]._p)
    return _para(cell, text, **kwargs)  # type: ignore[arg-type]


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
    center = WD_ALIGN_PARAGRAPH.CENTER
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _para(document, "BÁO CÁO", bold=True, align=center, before=18, after=0)
    _para(document, data.subject, bold=True, align=center, after=0)
    _rule(document, inset_mm=TEXT_WIDTH_MM * 0.4)
    _para(document, "", after=6)
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


def _data_table(document: object, spec: ReportTable) -> None:
    _para(document, spec.title, bold=True, before=12, after=6)
    table: Table = document.add_table(  # type: ignore[attr-defined]
        rows=1 + len(spec.rows) + (1 if spec.total else 0), cols=len(spec.columns)
    )
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(spec.widths) or len(spec.columns)
    widths = [TEXT_WIDTH_MM * w / total for w in (spec.widths or [1] * len(spec.columns))]
    _widths(table, widths)
    center = WD_ALIGN_PARAGRAPH.CENTER
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for col, title in enumerate(spec.columns):
        _cell_para(table.cell(0, col), title, size=TABLE_PT, bold=True, align=center, after=0)
    # The header repeats on every page the table runs over.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    body = list(spec.rows) + ([spec.total] if spec.total else [])
    for r, values in enumerate(body, start=1):
        is_total = spec.total is not None and r == len(body)
        for col, value in enumerate(values):
            numeric = isinstance(value, int | Ratio)
            align = center if col == 0 else (right if numeric else None)
            _cell_para(
                table.cell(r, col),
                cell_text(value),
                size=TABLE_PT,
                bold=is_total,
                align=align,
                after=0,
            )


def _page_numbers(section: object) -> None:
    """PAGE field at the top centre, not on the first page."""
    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    paragraph = section.header.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _set_font(run, BODY_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def render_docx(data: ReportData) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    _set_font(normal, BODY_PT)
    normal.paragraph_format.line_spacing = 1.15
    properties = document.core_properties
    properties.title = f"Báo cáo {data.subject.lower()}"
    properties.author = data.letterhead.issuer
    properties.language = "vi-VN"

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
