"""The report's photo page: up to REPORT_MAX_PHOTOS, two to a row, each with its date, day
and note under it. The pixels come from services (drawing has no image library)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from tracker.domain.photos import REPORT_MAX_PHOTOS, ReportPhoto
from tracker.domain.text import visible
from tracker.drawing.glyphs import drawable

COLUMNS = 2
ROWS = (REPORT_MAX_PHOTOS + COLUMNS - 1) // COLUMNS
GAP = 0.3  # inches between photos
CAPTION = 0.45  # inches under each photo for its words


def draw_photos(
    page: Figure,
    photos: Sequence[ReportPhoto],
    *,
    page_size: tuple[float, float],
    margin: float,
    top: float,
    bottom: float,
) -> None:
    """Lay the photos out on the page between ``top`` and ``bottom`` (inches from the
    page's foot), in the text width."""
    width, height = page_size
    cell_w = (width - 2 * margin - GAP * (COLUMNS - 1)) / COLUMNS
    cell_h = (top - bottom - GAP * (ROWS - 1)) / ROWS
    for index, photo in enumerate(photos[:REPORT_MAX_PHOTOS]):
        row, column = divmod(index, COLUMNS)
        left = margin + column * (cell_w + GAP)
        cell_top = top - row * (cell_h + GAP)
        box_h = cell_h - CAPTION
        ax = page.add_axes(
            (left / width, (cell_top - box_h) / height, cell_w / width, box_h / height)
        )
        pixels = np.frombuffer(photo.rgb, dtype=np.uint8).reshape(photo.height, photo.width, 3)
        # 'none': the pixels are embedded as they are, not resampled to the page's dpi.
        ax.imshow(pixels, interpolation="none", aspect="equal")
        ax.set_anchor("N")
        ax.set_axis_off()
        words = f"{photo.date} · day {photo.day}"
        if photo.note:
            note = photo.note if len(photo.note) <= 60 else photo.note[:59] + "…"
            words += f" · {drawable(visible(note))}"
        page.text(
            (left + cell_w / 2) / width,
            (cell_top - box_h - 0.08) / height,
            words,
            fontsize=9,
            ha="center",
            va="top",
        )
