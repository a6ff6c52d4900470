"""Word documents in the layout of the union's documents (Quyết định 933/QĐ-TLĐ of
14/5/2024, built on Nghị định 30/2020/NĐ-CP): A4 portrait, margins top and bottom 20 mm, left
30 mm, right 15 mm; Times New Roman, 14 pt body, 11 pt tables with a header row repeated on
every page; page numbers at the top centre from the second page on. The building blocks of
the period report (``lantoa.reports.render_docx``) and of every other document written in
that layout (a survey's summary), so that they all look alike.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from lantoa.core.reporting import Ratio, ReportTable, cell_text

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 11
TEXT_WIDTH_MM = 210 - 30 - 15


def a4_document(*, title: str, author: str) -> tuple[Any, Any]:
    """A new document laid out as above, and its (only) section."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    set_font(normal, BODY_PT)
    normal.paragraph_format.line_spacing = 1.15
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.language = "vi-VN"
    return document, section


def title_block(document: object, kind: str, subject: str) -> None:
    """ "BÁO CÁO" (or another kind of document), the subject under it, a short rule."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(document, kind, bold=True, align=center, before=18, after=0)
    para(document, subject, bold=True, align=center, after=0)
    rule(document, inset_mm=TEXT_WIDTH_MM * 0.4)
    para(document, "", after=6)


def picture(document: object, png: bytes, *, width_mm: float = TEXT_WIDTH_MM) -> None:
    """A centred image (a chart) as wide as ``width_mm``."""
    paragraph = para(document, "", align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))


def document_bytes(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def set_font(run_or_style: object, size: float | None = None) -> None:
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


def para(
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
        set_font(run, size)
    return paragraph


def rule(container: object, *, inset_mm: float) -> Paragraph:
    """A thin centred line, ``inset_mm`` short of each side of the column: the short rules
    under the issuing body, the motto and the subject. An empty, one-point-high paragraph
    with a bottom border, so the text above keeps the column's full width."""
    paragraph = para(container, "", after=0)
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


def no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def widths(table: Table, widths_mm: list[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)


def cell_para(cell: _Cell, text: str, **kwargs: object) -> Paragraph:
    """Add a paragraph to a cell, replacing the empty one every new cell starts with (ours
    always have a spacing set, the cell's own has none)."""
    paragraphs = cell.paragraphs
    if (
        len(paragraphs) == 1
        and not paragraphs[0].runs
        and paragraphs[0].paragraph_format.space_after is None
    ):
        cell._element.remove(paragraphs[0]._p)
    return para(cell, text, **kwargs)  # type: ignore[arg-type]


def data_table(document: object, spec: ReportTable) -> None:
    para(document, spec.title, bold=True, before=12, after=6)
    table: Table = document.add_table(  # type: ignore[attr-defined]
        rows=1 + len(spec.rows) + (1 if spec.total else 0), cols=len(spec.columns)
    )
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(spec.widths) or len(spec.columns)
    sizes = [TEXT_WIDTH_MM * w / total for w in (spec.widths or [1] * len(spec.columns))]
    widths(table, sizes)
    center = WD_ALIGN_PARAGRAPH.CENTER
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for col, title in enumerate(spec.columns):
        cell_para(table.cell(0, col), title, size=TABLE_PT, bold=True, align=center, after=0)
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
            cell_para(
                table.cell(r, col),
                cell_text(value),
                size=TABLE_PT,
                bold=is_total,
                align=align,
                after=0,
            )


def page_numbers(section: object) -> None:
    """PAGE field at the top centre, not on the first page."""
    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    paragraph = section.header.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    set_font(run, BODY_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
