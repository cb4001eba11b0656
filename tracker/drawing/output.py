"""Drawing a chart or a report onto an open file, with only plain text ever drawn."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import BinaryIO

import matplotlib

from tracker.domain.catalog import kind_words
from tracker.domain.photos import ReportPhoto
from tracker.domain.summaries import SessionView
from tracker.drawing import charts
from tracker.drawing.report import build_report, write_pdf


@contextmanager
def _plain_text() -> Iterator[None]:
    """Every text drawn is the patient's or ours, never TeX: "$5 cream" stays "$5 cream"."""
    with (
        matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}),
        warnings.catch_warnings(),
    ):
        # An emoji in a note has no glyph in the bundled font: drawn as a box, no warning.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


def chart_format(suffix: str) -> str:
    return charts.chart_format(suffix)


def draw_chart(
    views: Sequence[SessionView],
    handle: BinaryIO,
    fmt: str,
    *,
    compare: bool = False,
    phone: bool = False,
) -> None:
    """The chart at its own width, or in its phone layout (``charts.PHONE_WIDTH``)."""
    wide = charts.PHONE_WIDTH if phone else charts.DEFAULT_WIDTH
    with _plain_text():
        if compare:
            figure = charts.compare_figure(views, width=wide)
        else:
            figure = charts.session_figure(views[0], phone=phone)
        charts.save(figure, handle, fmt)


def draw_report(
    view: SessionView,
    handle: BinaryIO,
    generated: dt.date,
    version: str,
    photos: Sequence[ReportPhoto] = (),
    photo_days: int = 0,
) -> int:
    """Draw the PDF report onto the handle; returns its number of pages."""
    with _plain_text():
        figures = build_report(view, generated, version, photos, photo_days)
        title = f"Recovery report: {kind_words(view.session.kind)} on {view.session.date}"
        write_pdf(figures, handle, title)
    return len(figures)
