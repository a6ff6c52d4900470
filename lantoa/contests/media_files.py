"""The works of a video or photo contest as files: checking an upload against the contest's
limits, the thumbnail of a photo, the poster of a video, and the check of a link to the
entrant's own post.

- **Photos** (JPEG, PNG, WebP) are decoded by Pillow through ``lantoa.core.images`` (the
  file's bytes decide, never its name; decompression bombs refused), turned upright,
  re-encoded without their EXIF data (GPS positions) and get a 640 px JPEG thumbnail.
- **Videos** (MP4, WebM, MOV) are recognised by their first bytes and stored as sent. Their
  poster is a frame taken by ``ffmpeg`` when it is on the server's PATH (20 s at most);
  without it, a drawn placeholder (a play sign and the words "Video") stands in, marked
  as such (``MediaEntry.poster_placeholder``).
- Files go to the private storage (``STORAGES["private"]``: the file system, or an object
  store set with ``LANTOA_PRIVATE_MEDIA_STORAGE``) under random names; views hand them out
  after checking the entry may be seen.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from lantoa.core import images, private_files

MB = 1024 * 1024
THUMBNAIL_PX = 640
IMAGE_MAX_PIXELS = 50_000_000
FOLDER = "contests/entries"
FFMPEG_SECONDS = 20

JPEG, PNG, WEBP, MP4, WEBM, MOV = "jpeg", "png", "webp", "mp4", "webm", "mov"
PHOTO_FORMATS = (JPEG, PNG, WEBP)
VIDEO_FORMATS = (MP4, WEBM, MOV)
LABELS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP", MP4: "MP4", WEBM: "WebM", MOV: "MOV"}
CONTENT_TYPES = {
    JPEG: "image/jpeg",
    PNG: "image/png",
    WEBP: "image/webp",
    MP4: "video/mp4",
    WEBM: "video/webm",
    MOV: "video/quicktime",
}
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", MP4: "mp4", WEBM: "webm", MOV: "mov"}
PILLOW = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
DEFAULT_LIMIT_MB = {"photo": 15, "video": 200}
MAX_LIMIT_MB = 2048

# The platforms an entrant may link to their own post on, by host (www. and m. included).
PLATFORM_HOSTS = {
    "facebook": ("facebook.com", "fb.watch", "fb.com"),
    "youtube": ("youtube.com", "youtu.be"),
    "tiktok": ("tiktok.com",),
}
PLATFORM_NAMES = {"facebook": "Facebook", "youtube": "YouTube", "tiktok": "TikTok"}


def sniff(head: bytes) -> str | None:
    """What the first bytes say the file is (None: none of the formats we take)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM  # the EBML header of Matroska; WebM says so in its DocType
    if head[4:8] == b"ftyp":
        return MOV if head[8:12] == b"qt  " else MP4
    return None


def format_list(formats: list[str]) -> str:
    return ", ".join(LABELS.get(f, f) for f in formats)


@dataclass
class CheckedWork:
    fmt: str
    size: int
    data: bytes | None  # a photo re-encoded; None: the video as sent
    poster: bytes
    placeholder: bool


def _too_big(limit_mb: int) -> ValidationError:
    return ValidationError(
        {"file": _("Tệp quá lớn: cuộc thi nhận tệp tối đa %(limit)s MB.") % {"limit": limit_mb}},
        code="too_big",
    )


def _photo(f: IO[bytes], fmt: str) -> tuple[bytes, bytes]:
    invalid = ValidationError({"file": _("Tệp không phải ảnh hợp lệ.")}, code="invalid_image")
    upright = images.open_upright(
        f,
        formats={PILLOW[fmt]},
        max_pixels=IMAGE_MAX_PIXELS,
        errors=images.DecodeErrors(
            invalid=invalid,
            wrong_format=lambda _found: invalid,
            too_many_pixels=lambda _w, _h: ValidationError(
                {"file": _("Ảnh quá lớn: tối đa 50 triệu điểm ảnh.")}, code="too_many_pixels"
            ),
        ),
    )
    try:
        out = io.BytesIO()
        options: dict[str, object] = {}
        if fmt == JPEG:
            upright = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright
            options = {"quality": 92, "optimize": True}
        elif fmt == WEBP:
            options = {"quality": 92}
        upright.save(out, PILLOW[fmt], **options)
        return out.getvalue(), thumbnail(upright)
    except images.DECODE_ERRORS as exc:
        raise invalid from exc


def thumbnail(img: Image.Image) -> bytes:
    """A JPEG at most ``THUMBNAIL_PX`` on its longer side, on white where it was clear."""
    thumb = img.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    if thumb.mode not in ("RGB", "L"):
        background = Image.new("RGB", thumb.size, "white")
        rgba = thumb.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        thumb = background
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = Path(__file__).resolve().parent.parent / "fonts" / "DejaVuSans-Bold.ttf"
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:  # pragma: no cover - the font ships with the package
        return ImageFont.load_default()


def placeholder(label: str = "Video") -> bytes:
    """The poster of a video without ffmpeg, or of a link: a dark 16:9 card with a play sign
    and ``label``, so nobody mistakes it for a frame of the work."""
    width, height = 640, 360
    img = Image.new("RGB", (width, height), (31, 41, 55))
    draw = ImageDraw.Draw(img)
    cx, cy, r = width // 2, height // 2 - 30, 56
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(220, 38, 38))
    draw.polygon([(cx - 18, cy - 28), (cx - 18, cy + 28), (cx + 30, cy)], fill="white")
    font = _font(34)
    box = draw.textbbox((0, 0), label, font=font)
    draw.text(
        ((width - (box[2] - box[0])) // 2, cy + r + 24), label, fill=(229, 231, 235), font=font
    )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None


def video_poster(f: IO[bytes], ext: str) -> bytes | None:
    """A frame one second in (or the first one) as a JPEG thumbnail, taken by ffmpeg; None
    without ffmpeg or when it cannot read the file."""
    binary = shutil.which("ffmpeg")
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="lantoa-poster-") as folder:
        source = Path(folder) / f"in.{ext}"
        target = Path(folder) / "poster.jpg"
        f.seek(0)
        with source.open("wb") as out:
            shutil.copyfileobj(f, out)
        f.seek(0)
        for start in ("1", "0"):
            try:
                subprocess.run(  # noqa: S603 - fixed arguments, a file we wrote
                    [
                        binary,
                        "-nostdin",
                        "-loglevel",
                        "error",
                        "-ss",
                        start,
                        "-i",
                        str(source),
                        "-frames:v",
                        "1",
                        "-y",
                        str(target),
                    ],
                    check=True,
                    timeout=FFMPEG_SECONDS,
                    capture_output=True,
                )
            except (subprocess.SubprocessError, OSError):
                continue
            if target.exists() and target.stat().st_size:
                try:
                    with Image.open(target) as frame:
                        frame.load()
                        return thumbnail(frame)
                except images.DECODE_ERRORS:
                    return None
    return None


def check_work(f: IO[bytes], size: int, *, formats: list[str], limit_mb: int) -> CheckedWork:
    """Check an upload against the contest's formats and size limit; raise a ValidationError
    on ``file`` in Vietnamese."""
    if size <= 0:
        raise ValidationError({"file": _("Tệp rỗng.")}, code="empty")
    if size > limit_mb * MB:
        raise _too_big(limit_mb)
    f.seek(0)
    head = f.read(64)
    f.seek(0)
    fmt = sniff(head)
    if fmt is None or fmt not in formats:
        raise ValidationError(
            {"file": _("Cuộc thi chỉ nhận tệp %(formats)s.") % {"formats": format_list(formats)}},
            code="format",
        )
    if fmt in PHOTO_FORMATS:
        data, thumb = _photo(f, fmt)
        return CheckedWork(fmt, len(data), data, thumb, False)
    frame = video_poster(f, EXTENSIONS[fmt])
    return CheckedWork(fmt, size, None, frame or placeholder(), frame is None)


def store(checked: CheckedWork, f: IO[bytes]) -> tuple[str, str]:
    """Save the work and its poster in the private storage; returns their names."""
    ext = EXTENSIONS[checked.fmt]
    if checked.data is not None:
        name = private_files.save(FOLDER, ext, ContentFile(checked.data))
    else:
        f.seek(0)
        name = private_files.save(FOLDER, ext, File(f))
    poster = private_files.save(FOLDER, "jpg", ContentFile(checked.poster))
    return name, poster


def check_link(raw: str) -> tuple[str, str]:
    """The link to the entrant's own post, and its platform ("facebook", "youtube",
    "tiktok"). Only https addresses on those platforms' hosts."""
    url = (raw or "").strip()
    refused = ValidationError(
        {
            "link_url": _(
                "Vui lòng dán đường dẫn https tới bài đăng của chính bạn trên Facebook, "
                "YouTube hoặc TikTok."
            )
        },
        code="link",
    )
    if not url or len(url) > 500 or any(c.isspace() for c in url):
        raise refused
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError as exc:
        raise refused from exc
    if parts.scheme != "https" or parts.username or parts.password or port not in (None, 443):
        raise refused
    for platform, hosts in PLATFORM_HOSTS.items():
        for allowed in hosts:
            if host == allowed or host.endswith("." + allowed):
                if len(parts.path.strip("/")) < 2 and not parts.query:
                    raise refused  # the platform's home page, not a post
                return url, platform
    raise refused
