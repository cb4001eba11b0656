"""Text sizes in inches, as a figure will draw them, and wrapping to a measured width."""

from __future__ import annotations

from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties


@lru_cache(maxsize=16)
def _font(points: float, weight: str) -> FontProperties:
    return FontProperties(size=points, weight=weight)


class Measure:
    """Sizes of text in inches, as the figure will draw it."""

    def __init__(self, figure: Figure) -> None:
        canvas = FigureCanvasAgg(figure)
        self.renderer: RendererAgg = canvas.get_renderer()  # type: ignore[no-untyped-call]
        self.dpi = figure.dpi

    def size(self, text: str, points: float, weight: str = "normal") -> tuple[float, float]:
        if not text:
            return 0.0, 0.0
        font = _font(points, weight)
        widths, heights = [], []
        for line in text.split("\n"):
            w, h, _ = self.renderer.get_text_width_height_descent(  # type: ignore[no-untyped-call]
                line or " ", font, ismath=False
            )
            widths.append(w)
            heights.append(h)
        # matplotlib spaces lines 1.2 font sizes apart
        height = max(heights) + (len(heights) - 1) * points * 1.2 / 72 * self.dpi
        return max(widths) / self.dpi, height / self.dpi

    def width(self, text: str, points: float, weight: str = "normal") -> float:
        return self.size(text, points, weight)[0]

    def wrap(self, text: str, points: float, room: float, weight: str = "normal") -> str:
        """Words on as many lines as it takes for each to fit ``room`` inches; a word
        longer than a line is split where it must be."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.width(candidate, points, weight) <= room:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                line = ""
                for char in word:
                    if line and self.width(line + char, points, weight) > room:
                        lines.append(line)
                        line = ""
                    line += char
            lines.append(line)
        return "\n".join(lines)
