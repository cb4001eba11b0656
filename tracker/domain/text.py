"""Showing text people typed without letting it act on the screen or page."""

from __future__ import annotations

import unicodedata


def visible(text: str) -> str:
    """Control characters (escape sequences, bells, NUL...) written out as \\xNN codes.

    The stored text stays exactly as typed; only what is shown is made inert.
    """
    if text.isprintable():
        return text
    # Printable characters are never in a C (control, format...) category: only these change.
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char).startswith("C")
        else char
        for char in text
    )


CONTINUED = " … (continued in the export)"


def shortened(text: str, limit: int) -> str:
    """At most ``limit`` characters of the text, saying where the rest is."""
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + CONTINUED


def clipped(text: str, limit: int = 40) -> str:
    """What someone typed, for a message: inert, and cut after ``limit`` characters (an
    id of 5,000 digits is not repeated back whole)."""
    if len(text) <= limit:
        return visible(text)
    return visible(text[:limit]) + "…"


def is_text(text: str) -> bool:
    """Whether the text can be stored and shown: no lone surrogate (what undecodable bytes
    in a command's arguments, or "\\ud800" in a JSON file, become)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
