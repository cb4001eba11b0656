"""Writing charts and reports to private files; the drawing code is loaded only here, lazily."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import __version__
from tracker.domain.errors import TrackerError
from tracker.domain.photos import ReportPhoto, evenly_chosen
from tracker.domain.summaries import SessionView
from tracker.storage.private_files import Target, private_output

if TYPE_CHECKING:
    from tracker.storage.store import Store


# The report's photos: those drawn, and how many days of the session have one.
ReportPhotos = tuple[list[ReportPhoto], int]
NO_PHOTOS: ReportPhotos = ([], 0)


def _suffix(target: Target, default: str) -> str:
    # Standard output, a FIFO or a device has no name to take a format from.
    suffix = Path(target.shown).suffix if target.kind == "file" else ""
    return suffix or (default if target.kind != "file" else "")


def load_drawing() -> None:
    """Import the drawing code (matplotlib) now, so that the caller can freeze what is loaded
    before drawing allocates much."""
    from tracker.drawing import output  # noqa: F401


def write_chart(views: Sequence[SessionView], target: Target, *, compare: bool = False) -> None:
    from tracker.drawing import output

    fmt = output.chart_format(_suffix(target, ".png"))
    with private_output(target) as handle:
        output.draw_chart(views, handle, fmt, compare=compare)


def write_report(
    view: SessionView, target: Target, generated: dt.date, photos: ReportPhotos = NO_PHOTOS
) -> int:
    """Write the PDF report (with its photo page when photos are given); returns its
    number of pages."""
    if _suffix(target, ".pdf").lower() != ".pdf":
        raise TrackerError.malformed(
            f"A report is a PDF: name the file .pdf, not {Path(target.shown).name}."
        )
    view.require_values("report")
    from tracker.drawing import output

    with private_output(target) as handle:
        return output.draw_report(view, handle, generated, __version__, *photos)


def report_photos(store: Store, session_id: int) -> ReportPhotos:
    """Up to REPORT_MAX_PHOTOS of a session's photos, one a day, chosen evenly across the
    days with one, as pixels for the report."""
    from tracker.imaging.pixels import rgb_pixels

    records = store.photos([session_id])
    chosen = evenly_chosen(records)
    images = [store.photo_bytes(r.id) for r in chosen]
    days = len({r.date for r in records})
    drawn = []
    for record, data in zip(chosen, images, strict=True):
        width, height, rgb = rgb_pixels(data)
        drawn.append(ReportPhoto(record.date, record.day, record.note, width, height, rgb))
    return drawn, days


def chart_bytes(
    views: Sequence[SessionView], fmt: str, *, compare: bool = False, phone: bool = False
) -> bytes:
    """The chart as a file's bytes in memory (the web page serves them, nothing is written)."""
    from tracker.drawing import output

    buffer = io.BytesIO()
    output.draw_chart(views, buffer, fmt, compare=compare, phone=phone)
    return buffer.getvalue()


def report_bytes(view: SessionView, generated: dt.date, photos: ReportPhotos = NO_PHOTOS) -> bytes:
    """The follow-up PDF in memory."""
    view.require_values("report")
    from tracker.drawing import output

    buffer = io.BytesIO()
    output.draw_report(view, buffer, generated, __version__, *photos)
    return buffer.getvalue()
