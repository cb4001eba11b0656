"""The report's floor: the same pages drawn with bare matplotlib.

    python benchmarks/report_floor.py dump PAGES.json TRACKER-ARGS...   # runs `tracker report`
    python benchmarks/report_floor.py draw PAGES.json OUT.pdf

`dump` runs the tracker's report command and, instead of writing its PDF, writes what its
pages hold: every text (its words, place, size, alignment, rotation), every line and every
filled shape, in page coordinates. `draw` draws exactly that onto the same number of A4
pages with matplotlib alone (no layout, no measuring, no data) and writes the PDF the way
the tracker does (TrueType text). What is left between the two is the tracker's own work:
reading, judging, laying out and measuring.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _page(figure: Any) -> dict[str, Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    width, height = figure.bbox.width, figure.bbox.height

    def fraction(points: Any) -> list[list[float]]:
        return [[float(x) / width, float(y) / height] for x, y in points]

    texts = []
    for text in figure.findobj(Text):
        words = text.get_text()
        if not words or not text.get_visible():
            continue
        x, y = text.get_transform().transform(text.get_position())
        texts.append(
            {
                "s": words,
                "x": float(x) / width,
                "y": float(y) / height,
                "size": text.get_fontsize(),
                "ha": text.get_horizontalalignment(),
                "va": text.get_verticalalignment(),
                "rotation": text.get_rotation(),
                "color": text.get_color(),
            }
        )
    lines = [
        {
            "xy": fraction(line.get_transform().transform(line.get_xydata())),
            "width": line.get_linewidth(),
            "color": line.get_color(),
            "marker": line.get_marker() or "",
        }
        for line in figure.findobj(Line2D)
        if line.get_visible() and len(line.get_xydata())
    ]
    shapes = [
        {
            "xy": fraction(patch.get_transform().transform(patch.get_path().vertices)),
            "color": list(patch.get_facecolor()),
        }
        for patch in figure.findobj(Patch)
        if patch.get_visible() and patch is not figure.patch
    ]
    return {
        "size": list(figure.get_size_inches()),
        "texts": texts,
        "lines": lines,
        "shapes": shapes,
    }


def dump(out: Path, arguments: list[str]) -> None:
    from tracker.cli import cli
    from tracker.drawing import output

    def keep(figures: Any, handle: Any, title: str) -> None:
        out.write_text(json.dumps([_page(f) for f in figures]))
        handle.write(b"%PDF-1.4\n")  # the tracker's file is not what is measured here

    output.write_pdf = keep  # type: ignore[assignment]
    cli.main(arguments, standalone_mode=False)


def draw(pages: Path, pdf: Path) -> None:
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon

    with (
        matplotlib.rc_context({"pdf.fonttype": 42}),
        PdfPages(pdf) as document,
    ):
        for page in json.loads(pages.read_text()):
            figure = Figure(figsize=page["size"])
            for shape in page["shapes"]:
                figure.add_artist(
                    Polygon(
                        shape["xy"],
                        closed=True,
                        transform=figure.transFigure,
                        facecolor=shape["color"],
                        linewidth=0,
                    )
                )
            for line in page["lines"]:
                xs, ys = zip(*line["xy"], strict=True)
                figure.add_artist(
                    Line2D(
                        xs,
                        ys,
                        transform=figure.transFigure,
                        linewidth=line["width"],
                        color=line["color"],
                        marker=line["marker"] or None,
                        markersize=3,
                    )
                )
            for t in page["texts"]:
                figure.text(
                    t["x"],
                    t["y"],
                    t["s"],
                    fontsize=t["size"],
                    ha=t["ha"],
                    va=t["va"],
                    rotation=t["rotation"],
                    color=t["color"],
                )
            document.savefig(figure)


def main() -> None:
    what, pages, *rest = sys.argv[1:]
    if what == "dump":
        dump(Path(pages), rest)
    elif what == "draw":
        draw(Path(pages), Path(rest[0]))
    else:
        raise SystemExit(f"unknown step {what!r}")


if __name__ == "__main__":
    main()
