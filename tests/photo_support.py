"""Photos made for the tests: with metadata to strip, or hostile in one way each."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD, EXIF_IFD = 0x8825, 0x8769
BODY_SERIAL = 0xA431
ORIENTATION = 0x0112


def phone_jpeg(width: int = 400, height: int = 300, *, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: orientation, make and model, GPS position, camera
    serial and a comment."""
    image = Image.new("RGB", (width, height), (200, 90, 80))
    image.paste((30, 30, 200), (0, 0, width // 4, height // 4))  # a blue corner: top left
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 12"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)
    gps[3], gps[4] = "W", (0.0, 7.0, 39.0)
    exif.get_ifd(EXIF_IFD)[BODY_SERIAL] = "SN-0042-SECRET"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"private comment")
    return out.getvalue()


def encoded(fmt: str, size: tuple[int, int] = (120, 80), mode: str = "RGB") -> bytes:
    colour: tuple[int, ...] = (10, 200, 30, 128) if mode == "RGBA" else (10, 200, 30)
    out = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    Image.new(mode, size, colour).save(out, fmt)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims 900 megapixels: the decompression bomb's shape."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def hostile_exif_jpeg() -> bytes:
    """A JPEG whose EXIF directory claims 65,535 entries where there are a few."""
    data = bytearray(phone_jpeg())
    tiff = data.find(b"Exif\x00\x00") + 6
    order = ">" if data[tiff : tiff + 2] == b"MM" else "<"
    (first,) = struct.unpack(order + "I", bytes(data[tiff + 4 : tiff + 8]))
    data[tiff + first : tiff + first + 2] = b"\xff\xff"
    return bytes(data)


def truncated_jpeg() -> bytes:
    data = phone_jpeg(800, 600)
    return data[: len(data) * 2 // 3]


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
ZIP_TAIL = b"PK\x03\x04" + b"\x00" * 26 + b"PK\x05\x06" + b"\x00" * 18
HTML_TAIL = b"<html><script>alert(document.cookie)</script></html>"
