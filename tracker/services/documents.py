"""Writing charts and reports to private files. matplotlib is imported only here, lazily."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tracker import __version__
from tracker.errors import TrackerError
from tracker.private_files import private_output
from tracker.summaries import SessionView


@contextmanager
def _plain_text() -> Iterator[None]:
    """Every text drawn is the patient's or ours, never TeX: "$5 cream" stays "$5 cream"."""
    import matplotlib

    with (
        matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}),
        warnings.catch_warnings(),
    ):
        # An emoji in a note has no glyph in the bundled font: drawn as a box, no warning.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


def write_chart(views: Sequence[SessionView], path: Path, *, compare: bool = False) -> None:
    from tracker import charts

    fmt = charts.chart_format(path.suffix)
    with _plain_text():
        figure = charts.compare_figure(views) if compare else charts.session_figure(views[0])
        with private_output(path) as handle:
            charts.save(figure, handle, fmt)


def write_report(view: SessionView, path: Path, generated: dt.date) -> int:
    """Write the PDF report; returns its number of pages."""
    if path.suffix.lower() != ".pdf":
        raise TrackerError.malformed(f"A report is a PDF: name the file .pdf, not {path.name}.")
    if not view.entries:
        raise TrackerError(
            f"Session {view.session.id} has nothing logged yet, so there is nothing to report. "
            "Log a day first, for example: tracker log itching=3"
        )
    from tracker.report import build_report, write_pdf

    with _plain_text():
        figures = build_report(view, generated, __version__)
        title = f"Recovery report: {view.session.kind} on {view.session.date}"
        with private_output(path) as handle:
            write_pdf(figures, handle, title)
    return len(figures)
