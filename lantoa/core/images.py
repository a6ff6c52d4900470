"""Decoding uploaded images safely: the one Pillow check of the project.

The content library (``lantoa.content.media``) decodes every uploaded image through
``open_upright``, and cascade proofs (``lantoa.cascades.files``) and publication proofs
(``lantoa.publishing``) go through the content library's checks, so there is one place where
a hostile file meets Pillow: the file's own bytes are decoded (never its name), the format
must be the one the caller expects, an image with too many pixels is refused before it is
decoded (decompression bombs), the data is verified, decoded again and turned upright by its
EXIF orientation. Callers word the refusals (``DecodeErrors``) and decide how to re-encode.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

# What decoding or re-encoding may raise on a broken or hostile file.
DECODE_ERRORS: tuple[type[Exception], ...] = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
)


@dataclass(frozen=True)
class DecodeErrors:
    """The caller's words for each refusal."""

    invalid: ValidationError
    wrong_format: Callable[[str | None], ValidationError]
    too_many_pixels: Callable[[int, int], ValidationError]


def open_upright(
    source: bytes | IO[bytes],
    *,
    formats: Collection[str],
    max_pixels: int,
    errors: DecodeErrors,
) -> Image.Image:
    """The decoded image (Pillow format name in ``formats``), upright and loaded, detached
    from ``source``; a file is rewound afterwards."""
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        stream.seek(0)
        with Image.open(stream) as probe:
            if probe.format not in formats:
                raise errors.wrong_format(probe.format)
            width, height = probe.size
            if width * height > max_pixels:
                raise errors.too_many_pixels(width, height)
            probe.verify()
        stream.seek(0)
        with Image.open(stream) as img:
            img.load()
            upright = ImageOps.exif_transpose(img) or img.copy()
    except ValidationError:
        raise
    except DECODE_ERRORS as exc:
        raise errors.invalid from exc
    finally:
        stream.seek(0)
    return upright
