"""Finding a TrueType font with Vietnamese glyphs for what the server draws itself (PDF
posters, PNG charts): DejaVu Sans from ``LANTOA_PDF_FONT_DIR``, the copy shipped in
lantoa/fonts/ (free licence, lantoa/fonts/LICENSE-DejaVu.txt, so a fresh machine with only
Python has it), or the system (Debian/Ubuntu package ``fonts-dejavu-core``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",  # Arch
    "/usr/local/share/fonts",
    "/usr/local/share/fonts/dejavu",  # FreeBSD, Homebrew
    "/Library/Fonts",
)


class FontMissing(ImproperlyConfigured):
    """No TrueType font with Vietnamese glyphs was found."""


def font_dirs() -> Iterable[Path]:
    custom = getattr(settings, "LANTOA_PDF_FONT_DIR", "")
    if custom:
        yield Path(custom)
    yield Path(__file__).resolve().parent.parent / "fonts"
    for folder in _FONT_DIRS:
        yield Path(folder)


def font_path(filename: str) -> Path:
    """The first ``filename`` found in ``font_dirs``; ``FontMissing`` when none."""
    path = next((d / filename for d in font_dirs() if (d / filename).is_file()), None)
    if path is None:
        raise FontMissing(
            f"Không tìm thấy phông chữ {filename} (cần cho chữ tiếng Việt trong tệp PDF và "
            "biểu đồ). Cài gói fonts-dejavu-core hoặc đặt LANTOA_PDF_FONT_DIR tới thư mục chứa "
            f"{filename}."
        )
    return path
