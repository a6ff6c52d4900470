"""The QR poster: one printable A4 page per unit, for bulletin boards, with a QR code to the
public inquiry form pre-set to that unit.

Vietnamese needs a TrueType font with its glyphs; reportlab ships only Vera (no Vietnamese).
We use DejaVu Sans, found by ``lantoa.core.fonts``.
"""

from __future__ import annotations

import io

import segno
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from lantoa.core.fonts import BOLD, REGULAR, FontMissing, font_path
from lantoa.units.models import Unit

FONT = "LantoaSans"
FONT_BOLD = "LantoaSans-Bold"
_FONT_FILES = {FONT: REGULAR, FONT_BOLD: BOLD}
BLUE = HexColor("#0b4f9c")
RED = HexColor("#c8102e")
INK = HexColor("#1c2430")
MUTED = HexColor("#4a5566")
SOFT = HexColor("#e8f0fa")


PosterFontMissing = FontMissing  # the name the callers and tests know


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold) with reportlab once per process."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    if FONT in registered and FONT_BOLD in registered:
        return
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_path(filename))))


def _draw_qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """Vector QR code with its quiet zone, ``size`` points square, lower-left at (x, y)."""
    qr = segno.make(data, error="m", micro=False)
    border = 4
    modules = qr.symbol_size(scale=1, border=border)[0]
    cell = size / modules
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(Color(0, 0, 0))
    for row_index, row in enumerate(qr.matrix):
        top = y + size - (row_index + border + 1) * cell
        col = 0
        width = len(row)
        while col < width:
            if not row[col]:
                col += 1
                continue
            start = col
            while col < width and row[col]:
                col += 1
            # A hair of overlap so no white seams show between runs when printed.
            canvas.rect(
                x + (start + border) * cell,
                top - 0.05,
                (col - start) * cell + 0.05,
                cell + 0.1,
                stroke=0,
                fill=1,
            )


def _centred_lines(
    canvas: Canvas,
    text: str,
    *,
    font: str,
    size: float,
    y: float,
    width: float,
    centre: float,
    leading: float | None = None,
) -> float:
    """Draw ``text`` wrapped to ``width``, centred; return the y below the last line."""
    leading = leading or size * 1.22
    canvas.setFont(font, size)
    for line in simpleSplit(text, font, size, width):
        canvas.drawCentredString(centre, y, line)
        y -= leading
    return y


def _fit(text: str, font: str, size: float, width: float, minimum: float = 8) -> float:
    """The largest font size ≤ ``size`` at which ``text`` fits on one line of ``width``."""
    while size > minimum and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _short(url: str) -> str:
    """The address as printed: without the scheme, for people typing it on a phone."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme) :]
    return url


def poster_pdf(*, unit: Unit, form_url: str, lookup_url: str, response_hours: int) -> bytes:
    """The A4 poster of ``unit`` as PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    page_w, page_h = A4
    margin = 42.0
    inner = page_w - 2 * margin
    centre = page_w / 2
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Áp phích hỏi đáp, phản ánh — {unit.name}")
    canvas.setAuthor(unit.name)
    canvas.setSubject(form_url)
    canvas.setCreator("Lan Tỏa")

    # Band with the unit's name.
    band_h = 96.0
    canvas.setFillColor(BLUE)
    canvas.rect(0, page_h - band_h, page_w, band_h, stroke=0, fill=1)
    canvas.setFillColor(RED)
    canvas.rect(0, page_h - band_h - 6, page_w, 6, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(FONT, 12)
    canvas.drawCentredString(centre, page_h - 30, "CÔNG ĐOÀN VIỆT NAM")
    name_size = _fit(unit.name, FONT_BOLD, 19, inner, minimum=12)
    _centred_lines(
        canvas,
        unit.name,
        font=FONT_BOLD,
        size=name_size,
        y=page_h - 58,
        width=inner,
        centre=centre,
    )

    # Title: each sentence on one line where it fits.
    y = page_h - band_h - 44
    for text, colour, size in (
        ("Người lao động cần hỏi, phản ánh?", BLUE, 30),
        ("Quét mã để gửi cho Công đoàn", RED, 28),
    ):
        canvas.setFillColor(colour)
        fitted = _fit(text, FONT_BOLD, size, inner, minimum=22)
        y = _centred_lines(
            canvas, text, font=FONT_BOLD, size=fitted, y=y - 6, width=inner, centre=centre
        )

    # QR code (vector) and the address in text, both linked to the form.
    qr_size = 270.0
    qr_x = centre - qr_size / 2
    qr_y = y - 10 - qr_size
    canvas.setStrokeColor(BLUE)
    canvas.setLineWidth(3)
    canvas.roundRect(qr_x - 10, qr_y - 10, qr_size + 20, qr_size + 20, 12, stroke=1, fill=0)
    _draw_qr(canvas, form_url, x=qr_x, y=qr_y, size=qr_size)
    canvas.linkURL(form_url, (qr_x, qr_y, qr_x + qr_size, qr_y + qr_size), relative=0)

    short = _short(form_url)
    url_size = _fit(short, FONT_BOLD, 15, inner)
    url_y = qr_y - 46
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 11)
    canvas.drawCentredString(centre, url_y + 18, "Hoặc mở trên điện thoại:")
    canvas.setFont(FONT_BOLD, url_size)
    canvas.drawCentredString(centre, url_y, short)
    url_w = pdfmetrics.stringWidth(short, FONT_BOLD, url_size)
    canvas.linkURL(
        form_url, (centre - url_w / 2, url_y - 4, centre + url_w / 2, url_y + url_size), relative=0
    )

    # What the worker can count on.
    points = [
        f"Công đoàn trả lời trong vòng {response_hours} giờ",
        "Có thể gửi ẩn danh — không cần để lại tên hay số điện thoại",
        "Hỏi đáp, phản ánh, kiến nghị, tư vấn pháp luật miễn phí",
        "Thông tin cá nhân được bảo vệ theo Luật Bảo vệ dữ liệu cá nhân",
    ]
    box_top = url_y - 26
    line_h = 26.0
    box_h = line_h * len(points) + 20
    canvas.setFillColor(SOFT)
    canvas.roundRect(margin, box_top - box_h, inner, box_h, 10, stroke=0, fill=1)
    text_y = box_top - 30
    for point in points:
        canvas.setFillColor(RED)
        canvas.setFont(FONT_BOLD, 15)
        canvas.drawString(margin + 18, text_y, "✓")
        canvas.setFillColor(INK)
        canvas.setFont(FONT, _fit(point, FONT, 14, inner - 60))
        canvas.drawString(margin + 42, text_y, point)
        text_y -= line_h

    # Footer: where to read the answer.
    canvas.setFillColor(MUTED)
    lookup = _short(lookup_url)
    canvas.setFont(FONT, 11)
    canvas.drawCentredString(
        centre, margin + 16, "Đã gửi? Xem câu trả lời bằng mã tra cứu và mã bí mật tại:"
    )
    canvas.setFont(FONT_BOLD, _fit(lookup, FONT_BOLD, 12, inner))
    canvas.drawCentredString(centre, margin, lookup)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
