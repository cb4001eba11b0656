"""Photo intake: decode what the patient hands over, re-encode it clean, or refuse it.

Every photo is decoded and written anew as a JPEG: orientation applied first, then every
other piece of metadata (EXIF with its GPS position and camera serial, its thumbnail, XMP,
ICC, comments) is left behind, because none of it is copied. Anything that is not plainly
a photo is refused with one line, before anything is stored.
"""

from __future__ import annotations

import io
import math
import warnings

from PIL import Image, UnidentifiedImageError

from tracker.domain.errors import TrackerError
from tracker.domain.photos import (
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    STORED_LONG_SIDE,
    THUMBNAIL_LONG_SIDE,
    Prepared,
    describe_size,
)

# Pillow's own guard: it warns past this and refuses past twice this. The intake refuses
# past it itself, before decoding, with words for the patient.
Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS

FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
ACCEPTED = "JPEG, PNG, WebP or HEIC"
STORED_QUALITY = 85
THUMBNAIL_QUALITY = 80
# What marks a file that is also something else (a polyglot): a web page or script, a PDF,
# a ZIP (a JAR, an Office file). Looked for anywhere in the bytes: each is long enough
# that compressed image data holds it by chance about never.
FOREIGN_MARKERS = (b"<script", b"<html", b"<?php", b"<iframe", b"%PDF-", b"<svg")
ZIP_END = b"PK\x05\x06"  # a ZIP's directory end, within its last 64 KiB
DAMAGED_EXIF = "its EXIF block (the camera's metadata) is damaged or malformed."


def _refuse(why: str) -> TrackerError:
    return TrackerError.malformed(f"This photo was not saved: {why}")


def _check_bytes(data: bytes) -> None:
    if not data:
        raise _refuse("the file is empty.")
    if len(data) > MAX_PHOTO_BYTES:
        raise _refuse(
            f"it is {describe_size(len(data))}, more than the "
            f"{describe_size(MAX_PHOTO_BYTES)} a photo may be."
        )
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise _refuse(f"it is an SVG drawing, not a photo; send a {ACCEPTED} photo.")
    lowered = data.lower()
    if any(marker in lowered for marker in FOREIGN_MARKERS) or ZIP_END in data[-65557:]:
        raise _refuse(
            "it is not only a photo: the file also holds a web page, a script, a PDF or a "
            "ZIP archive. Send the photo as the camera saved it."
        )


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in {
        b"heic",
        b"heix",
        b"hevc",
        b"heim",
        b"heis",
        b"mif1",
        b"msf1",
    }


def _open(data: bytes) -> Image.Image:
    formats: tuple[str, ...] = FORMATS[
        :-1
    ]  # HEIF's opener is registered only for a HEIF file (it costs)
    if _is_heif(data):
        from pillow_heif import register_heif_opener

        register_heif_opener()
        formats = FORMATS
    try:
        image = Image.open(io.BytesIO(data), formats=formats)
    except UnidentifiedImageError:
        raise _refuse(f"it is not an image the tracker reads ({ACCEPTED}).") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_too_many_pixels()) from None
    except Warning:  # made an error by prepare(): Pillow met a damaged EXIF block
        raise _refuse(DAMAGED_EXIF) from None
    except (OSError, ValueError, SyntaxError):
        raise _refuse("the image cannot be read (it may be damaged).") from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PHOTO_PIXELS:
        raise _refuse(_too_many_pixels(width, height))
    return image


def _too_many_pixels(width: int = 0, height: int = 0) -> str:
    size = f" ({width} x {height})" if width else ""
    return f"it has more than {MAX_PHOTO_PIXELS // 1_000_000} megapixels{size}."


# EXIF orientation (tag 0x0112) -> the turn that makes the picture upright.
TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# A JPEG is decoded at a half, a quarter or an eighth of its size (the codec's own scaling,
# far faster than decoding it whole) when that still leaves this many pixels on its long
# side: a 12 MP phone photo (4032 px) is decoded at 2016 px and kept so. Other formats are
# reduced by a whole factor under the same rule.
DRAFT_LONG_SIDE = 1920


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 when none); a damaged or hostile EXIF block (Pillow warns of
    it; prepare() makes warnings errors) is refused."""
    try:
        exif = image.getexif()
        for ifd in (0x8769, 0x8825, 0xA005):  # Exif, GPS, interoperability
            exif.get_ifd(ifd)
        value = exif.get(0x0112, 1)
    except Exception:  # whatever a malformed block makes Pillow raise
        raise _refuse(DAMAGED_EXIF) from None
    return value if isinstance(value, int) else 1


def _decoded(image: Image.Image) -> Image.Image:
    try:
        width, height = image.size
        scale = DRAFT_LONG_SIDE / max(width, height)
        if image.format == "JPEG" and scale < 1:
            image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_too_many_pixels(*image.size)) from None
    except Exception:  # truncated, corrupt, or a warning made an error
        raise _refuse("the image is truncated or damaged.") from None
    return image


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _jpeg(image: Image.Image, long_side: int, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    # Pillow writes a decoded image's comment (and may write its profile) unless told not
    # to: the info it carried is emptied, and no exif=, icc_profile= or comment= is given.
    copy.info = {}
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def prepare(data: bytes) -> Prepared:
    """The photo re-encoded (JPEG, at most STORED_LONG_SIDE px) with its thumbnail, or a
    TrackerError saying in one line why it is refused."""
    _check_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow warns of damaged metadata and pixel excess
        with _open(data) as opened:
            orientation = _orientation(opened)
            image = _rgb(_decoded(opened))
    # Made small first, then turned upright: turning 12 MP costs more than the rest. What
    # the JPEG codec could not scale (a HEIC, a PNG) is first reduced by a whole factor (a
    # box average, fast) under the same rule, then resized finely.
    factor = max(image.size) // DRAFT_LONG_SIDE
    if factor > 1:
        image = image.reduce(factor)
    image.thumbnail((STORED_LONG_SIDE, STORED_LONG_SIDE), Image.Resampling.LANCZOS)
    if orientation in TURNS:
        image = image.transpose(TURNS[orientation])
    stored = _jpeg(image, STORED_LONG_SIDE, STORED_QUALITY)
    with Image.open(io.BytesIO(stored)) as check:
        width, height = check.size
    return Prepared(stored, _jpeg(image, THUMBNAIL_LONG_SIDE, THUMBNAIL_QUALITY), width, height)


# What Pillow reports of a JPEG the intake wrote: JFIF's header, nothing else.
CLEAN_INFO = {
    "jfif",
    "jfif_version",
    "jfif_unit",
    "jfif_density",
    "dpi",
    "progressive",
    "progression",
}


def check_stored(data: bytes) -> Prepared:
    """A photo from an export, kept byte for byte when it is what the intake writes: a
    whole JPEG of at most STORED_LONG_SIDE px with no metadata; its thumbnail made anew.
    Anything else is refused in one line (an export is never re-encoded: its bytes would
    change)."""
    _check_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            with Image.open(io.BytesIO(data), formats=("JPEG",)) as image:
                extra = set(image.info) - CLEAN_INFO
                if extra or len(image.getexif()):
                    raise _refuse("it carries metadata, which the tracker's photos never do.")
                if max(image.size) > STORED_LONG_SIDE:
                    raise _refuse(f"it is larger than {STORED_LONG_SIDE} pixels on a side.")
                image.load()
                width, height = image.size
                picture = image.convert("RGB")
        except TrackerError:
            raise
        except Exception:  # not a JPEG, truncated, damaged: whatever Pillow raises
            raise _refuse("it is not a whole JPEG as the tracker stores them.") from None
    thumbnail = _jpeg(picture, THUMBNAIL_LONG_SIDE, THUMBNAIL_QUALITY)
    return Prepared(data, thumbnail, width, height)


def heif_supported() -> bool:
    """Whether HEIC photos (iPhones) can be read here: pillow-heif is installed."""
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        return False
    return True
