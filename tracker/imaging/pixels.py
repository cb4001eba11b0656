"""A stored photo's pixels, smaller, for the report's photo page (drawing has no Pillow)."""

from __future__ import annotations

import io

from PIL import Image

from tracker.domain.photos import REPORT_PHOTO_SIDE


def rgb_pixels(jpeg: bytes, long_side: int = REPORT_PHOTO_SIDE) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes (row by row) of a stored JPEG at most long_side px."""
    with Image.open(io.BytesIO(jpeg), formats=("JPEG",)) as image:
        image.draft("RGB", (long_side, long_side))
        picture = image.convert("RGB")
    picture.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return picture.width, picture.height, picture.tobytes()
