"""Writing charts and reports to private files; the drawing code is loaded only here, lazily."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from tracker import __version__
from tracker.domain.errors import TrackerError
from tracker.domain.summaries import SessionView
from tracker.storage.private_files import private_output


def write_chart(views: Sequence[SessionView], path: Path, *, compare: bool = False) -> None:
    from tracker.drawing import output

    fmt = output.chart_format(path.suffix)
    with private_output(path) as handle:
        output.draw_chart(views, handle, fmt, compare=compare)


def write_report(view: SessionView, path: Path, generated: dt.date) -> int:
    """Write the PDF report; returns its number of pages."""
    if path.suffix.lower() != ".pdf":
        raise TrackerError.malformed(f"A report is a PDF: name the file .pdf, not {path.name}.")
    _check_reportable(view)
    from tracker.drawing import output

    with private_output(path) as handle:
        return output.draw_report(view, handle, generated, __version__)


def _check_reportable(view: SessionView) -> None:
    if not view.entries:
        raise TrackerError(
            f"Session {view.session.id} has nothing logged yet, so there is nothing to report. "
            "Log a day first, for example: tracker log itching=3"
        )


def chart_bytes(
    views: Sequence[SessionView], fmt: str, *, compare: bool = False, width: float | None = None
) -> bytes:
    """The chart as a file's bytes in memory (the web page serves them, nothing is written)."""
    from tracker.drawing import output

    buffer = io.BytesIO()
    output.draw_chart(views, buffer, fmt, compare=compare, width=width)
    return buffer.getvalue()


def report_bytes(view: SessionView, generated: dt.date) -> bytes:
    """The follow-up PDF in memory."""
    _check_reportable(view)
    from tracker.drawing import output

    buffer = io.BytesIO()
    output.draw_report(view, buffer, generated, __version__)
    return buffer.getvalue()
