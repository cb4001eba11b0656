"""Text the PDF and PNG fonts can draw: a character without a glyph (an emoji in a note,
a rare symbol) becomes a readable stand-in, its Unicode name in brackets, instead of an
empty box; nothing is dropped."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from matplotlib import rcParams
from matplotlib.font_manager import FontProperties, findfont, get_font

# Joiners and variation selectors only shape the character before them (👍🏽, ❤️).
_SHAPING = {0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)}


@lru_cache(maxsize=4)
def _glyphs(family: str) -> frozenset[int]:
    font = get_font(findfont(FontProperties(family=[family])))
    return frozenset(font.get_charmap())


def drawable(text: str) -> str:
    """The text with each character the drawing font lacks written as [ITS NAME]."""
    if text.isascii():
        return text
    known = _glyphs(rcParams["font.family"][0])
    out: list[str] = []
    replaced = False
    for char in text:
        code = ord(char)
        if code in known or char in "\n\t":
            out.append(char)
            replaced = False
        elif code in _SHAPING and replaced:
            continue  # part of the character just named
        else:
            name = unicodedata.name(char, f"U+{code:04X}")
            out.append(f"[{name}]")
            replaced = True
    return "".join(out)
