"""Bar charts of a question's answers as PNG images, for the Word summary.

The screens draw their charts as inline SVG or CSS bars (``lantoa.reports.charts``, the
``dl.bars`` list); Word needs a raster image, and python-docx embeds PNG. Pillow (already a
dependency, for uploaded images) draws the few rectangles and labels of a horizontal bar
chart; matplotlib would add a large dependency for that. The labels use DejaVu Sans
(``lantoa.core.fonts``), which has the Vietnamese glyphs.

One bar per option, its share of the respondents written beside it the Vietnamese way
("45,2%"); a suppressed option (fewer than 10 answers) has no bar and "<10" in its place.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from lantoa.core.fonts import BOLD, REGULAR, font_path
from lantoa.core.text import format_percent

WIDTH = 1600  # px; printed 16,5 cm wide (≈ 245 dpi)
LABEL_WIDTH = 620
BAR_LEFT = LABEL_WIDTH + 30
VALUE_WIDTH = 190
ROW = 64
PAD = 24
FONT_PX = 30
BLUE = (11, 79, 156)
INK = (28, 36, 48)
MUTED = (74, 85, 102)
GRID = (220, 226, 234)


@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None  # None: suppressed
    hidden_text: str = "<10"


@cache
def _font(bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(BOLD if bold else REGULAR)), FONT_PX)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, width: int, font: ImageFont.FreeTypeFont
) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > 2:  # at most two lines a label
        lines = [lines[0], lines[1].rstrip(".,") + "…"]
    return lines or [""]


def bar_chart_png(bars: list[Bar]) -> bytes:
    """The chart of ``bars`` as PNG bytes."""
    font = _font()
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    wrapped = [_wrap(probe, b.label, LABEL_WIDTH, font) for b in bars]
    heights = [max(ROW, len(lines) * (FONT_PX + 6) + 16) for lines in wrapped]
    image = Image.new("RGB", (WIDTH, PAD * 2 + sum(heights)), "white")
    draw = ImageDraw.Draw(image)
    span = WIDTH - BAR_LEFT - VALUE_WIDTH - PAD
    top = PAD
    for bar, lines, height in zip(bars, wrapped, heights, strict=True):
        text_top = top + (height - len(lines) * (FONT_PX + 6)) // 2
        for i, line in enumerate(lines):
            draw.text((PAD, text_top + i * (FONT_PX + 6)), line, font=font, fill=INK)
        draw.line([(BAR_LEFT, top), (BAR_LEFT, top + height)], fill=GRID, width=2)
        middle = top + height // 2
        if bar.share is None:
            draw.text(
                (BAR_LEFT + 12, middle - FONT_PX // 2 - 2), bar.hidden_text, font=font, fill=MUTED
            )
        else:
            length = round(span * max(0.0, min(1.0, bar.share)))
            if length:
                draw.rectangle(
                    [(BAR_LEFT, middle - 18), (BAR_LEFT + length, middle + 18)], fill=BLUE
                )
            draw.text(
                (BAR_LEFT + length + 12, middle - FONT_PX // 2 - 2),
                format_percent(bar.share),
                font=_font(bold=True),
                fill=INK,
            )
        top += height
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
