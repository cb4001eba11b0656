"""What a reader sees of a figure: every text inside it, no two texts on each other.

Used by the chart and report tests, on figures built from plain records.
"""

from __future__ import annotations

import datetime as dt

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from tracker.domain.care import CareRecord
from tracker.domain.catalog import SYMPTOMS
from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import evaluate
from tracker.domain.profiles import DEFAULT_PROFILE
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.summaries import SessionView, summarise

START = dt.date(2026, 1, 1)
SLACK_PX = 0.5


def shown_texts(figure: Figure) -> list[Text]:
    """The texts a reader sees: tick labels only of ticks inside the view."""
    tick_labels: set[int] = set()
    shown: list[Text] = []
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                inside = low - 1e-9 <= tick.get_loc() <= high + 1e-9
                for label in (tick.label1, tick.label2):
                    tick_labels.add(id(label))
                    if inside and axes.get_visible() and tick.get_visible() and label.get_visible():
                        shown.append(label)
    for text in figure.findobj(Text):
        if id(text) in tick_labels or not text.get_visible():
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        shown.append(text)
    return [t for t in shown if t.get_text().strip()]


def text_problems(figure: Figure, dpi: float = 150) -> list[str]:
    """Texts reaching past the figure's edge or over another text; empty when legible."""
    figure.set_dpi(dpi)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    page = figure.bbox
    problems: list[str] = []
    boxes = []
    for text in shown_texts(figure):
        box = text.get_window_extent(renderer)
        if (
            box.x0 < page.x0 - SLACK_PX
            or box.y0 < page.y0 - SLACK_PX
            or box.x1 > page.x1 + SLACK_PX
            or box.y1 > page.y1 + SLACK_PX
        ):
            problems.append(f"cut at the figure's edge: {text.get_text()!r}")
        boxes.append((text, box))
    for index, (one, a) in enumerate(boxes):
        for other, b in boxes[index + 1 :]:
            wide = min(a.x1, b.x1) - max(a.x0, b.x0)
            high = min(a.y1, b.y1) - max(a.y0, b.y0)
            if wide > SLACK_PX and high > SLACK_PX:
                problems.append(f"overlap: {one.get_text()!r} and {other.get_text()!r}")
    return problems


def panel_problems(figure: Figure, dpi: float = 150) -> list[str]:
    """Plot areas reaching past the figure's edge or over one another (a panel's
    tick labels and title are texts, checked by ``text_problems``)."""
    figure.set_dpi(dpi)
    FigureCanvasAgg(figure).draw()
    page = figure.bbox
    shown = [ax for ax in figure.axes if ax.get_visible()]
    problems = [
        f"plot past the edge: {ax.get_label()!r}"
        for ax in shown
        if ax.bbox.x0 < page.x0 - SLACK_PX
        or ax.bbox.y0 < page.y0 - SLACK_PX
        or ax.bbox.x1 > page.x1 + SLACK_PX
        or ax.bbox.y1 > page.y1 + SLACK_PX
    ]
    for index, one in enumerate(shown):
        for other in shown[index + 1 :]:
            a, b = one.bbox, other.bbox
            wide = min(a.x1, b.x1) - max(a.x0, b.x0)
            high = min(a.y1, b.y1) - max(a.y0, b.y0)
            if wide > SLACK_PX and high > SLACK_PX:
                problems.append(f"plots overlap: {one.get_label()!r} and {other.get_label()!r}")
    return problems


def view(
    days: int,
    symptoms: int,
    *,
    session_id: int = 1,
    start: dt.date = START,
    kind: str = "laser-rejuvenation",
    area: str | None = "face",
    skip: frozenset[int] = frozenset(),
    care: bool = True,
    follow_up: int | None = 14,
    as_of_day: int | None = None,
    note: str | None = None,
    photo_days: tuple[int, ...] = (),
) -> SessionView:
    """A session logged every day (but the days in ``skip``), fading from a peak."""
    session = SessionRecord(
        session_id,
        start,
        kind,
        area,
        None,
        None,
        start + dt.timedelta(days=follow_up) if follow_up is not None else None,
    )
    keys = [s.key for s in SYMPTOMS][:symptoms]
    entries = [
        ValueRecord(
            session_id,
            start + dt.timedelta(days=day),
            day,
            key,
            max(0, min(10, 8 - day // 2 + index % 4 + session_id - (day % 3 == 0))),
            note if day == 0 else None,
        )
        for day in range(days)
        if day not in skip
        for index, key in enumerate(keys)
    ]
    as_of = start + dt.timedelta(days=days - 1 if as_of_day is None else as_of_day)
    expectations = Expectations(shipped_table(), [])
    cares: list[CareRecord] = []
    if care:
        for day in range(days):
            for action in ("ice-pack", "moisturizer", "sunscreen", "other"):
                if action == "moisturizer" or (day + len(action)) % 2 == 0:
                    cares.append(
                        CareRecord(
                            len(cares) + 1,
                            session_id,
                            start + dt.timedelta(days=day),
                            day,
                            action,
                            "aloe gel 🧴" if action == "other" else None,
                        )
                    )
    return SessionView(
        session,
        as_of,
        entries,
        summarise(session, entries, expectations.for_pair),
        evaluate(session, entries, expectations.for_pair, as_of),
        cares,
        ProfileRecord(DEFAULT_PROFILE),
        photo_days=photo_days,
    )
