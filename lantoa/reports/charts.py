"""Small charts drawn on the server as inline SVG: monthly bars and lines for the dashboard.

Why not a JavaScript charting library: the dashboard needs two kinds of chart (bars over 12
months, a line), readable on a phone and in print, with Vietnamese number formats. A few
dozen SVG elements written here do that with no script to download, no vendored file to keep
up to date and nothing to run before the figures show; each chart comes with the same
figures as a table for screen readers (see the template). Children are compared with the CSS
bar list (``dl.bars``) the other screens already use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from lantoa.core.text import format_int

WIDTH, HEIGHT = 960, 200
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 24, 30


@dataclass(frozen=True)
class Point:
    label: str  # "T7/25"
    value: int
    title: str = ""  # "Tháng 7/2025: 123 buổi" for the tooltip


def _scale(points: list[Point]) -> float:
    top = max((p.value for p in points), default=0)
    return (HEIGHT - TOP - BOTTOM) / top if top > 0 else 0.0


def _frame(label: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>{}</svg>',
        WIDTH,
        HEIGHT,
        label,
        LEFT,
        HEIGHT - BOTTOM,
        WIDTH - RIGHT,
        HEIGHT - BOTTOM,
        body,
    )


def _slot(points: list[Point]) -> float:
    return (WIDTH - LEFT - RIGHT) / max(len(points), 1)


def bar_chart(points: list[Point], *, label: str) -> SafeString:
    """Vertical bars with their value above and the month below."""
    scale, slot = _scale(points), _slot(points)
    base = HEIGHT - BOTTOM
    parts = []
    for i, p in enumerate(points):
        h = p.value * scale
        x = LEFT + i * slot
        cx = x + slot / 2
        parts.append(
            format_html(
                '<g><title>{}</title><rect class="chart-bar" x="{}" y="{}" width="{}" '
                'height="{}" rx="2"/><text class="chart-value" x="{}" y="{}">{}</text>'
                '<text class="chart-label" x="{}" y="{}">{}</text></g>',
                p.title or f"{p.label}: {format_int(p.value)}",
                f"{x + slot * 0.18:.1f}",
                f"{base - h:.1f}",
                f"{slot * 0.64:.1f}",
                f"{h:.1f}",
                f"{cx:.1f}",
                f"{base - h - 5:.1f}",
                format_int(p.value),
                f"{cx:.1f}",
                HEIGHT - 10,
                p.label,
            )
        )
    return _frame(label, mark_safe("".join(parts)))


def line_chart(points: list[Point], *, label: str) -> SafeString:
    """A line through the monthly values, a dot and the value at each month."""
    scale, slot = _scale(points), _slot(points)
    base = HEIGHT - BOTTOM
    coords = [(LEFT + i * slot + slot / 2, base - p.value * scale) for i, p in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = format_html_join(
        "",
        '<g><title>{}</title><circle class="chart-dot" cx="{}" cy="{}" r="3.5"/>'
        '<text class="chart-value" x="{}" y="{}">{}</text>'
        '<text class="chart-label" x="{}" y="{}">{}</text></g>',
        (
            (
                p.title or f"{p.label}: {format_int(p.value)}",
                f"{x:.1f}",
                f"{y:.1f}",
                f"{x:.1f}",
                f"{y - 8:.1f}",
                format_int(p.value),
                f"{x:.1f}",
                HEIGHT - 10,
                p.label,
            )
            for p, (x, y) in zip(points, coords, strict=True)
        ),
    )
    body = format_html('<polyline class="chart-line" points="{}"/>{}', path, dots)
    return _frame(label, body)
