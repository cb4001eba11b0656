"""A QR code as an SVG picture (segno: pure Python, no image library), for a staff member's
authenticator app to read the otpauth:// address from the screen."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, title: str) -> bytes:
    """The text as a QR code (error correction M), black on white, with a quiet border."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out, kind="svg", scale=6, border=4, dark="#000", light="#fff", title=title, xmldecl=True
    )
    return out.getvalue()
