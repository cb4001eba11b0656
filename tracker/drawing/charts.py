"""Recovery charts drawn with matplotlib's object API on Agg; no pyplot state.

Everything here takes plain data (``SessionView``) and returns a ``Figure``; the
caller decides where it goes. Imported only by the commands that draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from tracker.domain.care import CARE_BY_KEY, care_name
from tracker.domain.catalog import KINDS_BY_KEY, SYMPTOMS_BY_KEY
from tracker.domain.errors import TrackerError
from tracker.domain.severity import BANDS
from tracker.domain.summaries import SessionView
from tracker.domain.text import visible

# Okabe-Ito: told apart by colour-blind readers; markers and dashes add a second cue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DASHES = ("-", "--", "-.", ":")
FORECAST_DASH = (0, (4, 3))  # thin, no markers: where a falling symptom is heading
BAND_SHADES = {"mild": "#f3f3f3", "moderate": "#e6e6e6", "severe": "#d6d6d6"}
FLAG_RING = "#222222"
DODGE = 0.06
NARROW = 9.0  # inches: below this the legend goes inside the plot
COURSE_MARGIN_DAYS = 14
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DEFAULT_WIDTH = 11.0  # inches


def style(index: int) -> dict[str, Any]:
    return {
        "color": PALETTE[index % len(PALETTE)],
        "marker": MARKERS[index % len(MARKERS)],
        "linestyle": DASHES[(index // len(PALETTE)) % len(DASHES)],
    }


def chart_format(path_suffix: str) -> str:
    fmt = FORMATS.get(path_suffix.lower())
    if fmt is None:
        raise TrackerError.malformed(
            f"Cannot draw a {path_suffix or 'file without extension'}: name the file .png, "
            ".svg or .pdf."
        )
    return fmt


def _label(symptom: str) -> str:
    known = SYMPTOMS_BY_KEY.get(symptom)
    return known.name if known else symptom


def _shade_bands(ax: Axes, *, labels: bool = True) -> None:
    lower = 0.5
    for upper, word in BANDS[1:]:
        ax.axhspan(lower, upper + 0.5, color=BAND_SHADES[word], zorder=0, linewidth=0)
        if labels:
            ax.text(
                1.005,
                (lower + min(upper + 0.5, 10)) / 2,
                word,
                transform=ax.get_yaxis_transform(),
                va="center",
                ha="left",
                fontsize=8,
                color="#555555",
            )
        lower = upper + 0.5


def _day_marker(
    axes: Sequence[Axes], day: int, label: str, linestyle: str, *, low: bool = False
) -> None:
    for ax in axes:
        ax.axvline(day, color="#444444", linestyle=linestyle, linewidth=1, zorder=1)
    axes[0].text(
        day - 0.12,
        0.02 if low else 0.98,
        label,
        transform=axes[0].get_xaxis_transform(),
        rotation=90,
        ha="right",
        va="bottom" if low else "top",
        fontsize=8,
        color="#333333",
    )


def session_figure(
    view: SessionView,
    *,
    width: float = DEFAULT_WIDTH,
    size: tuple[float, float] | None = None,
    top_margin: float = 0.0,
    bottom_margin: float = 0.0,
) -> Figure:
    """One line per symptom against the day after the session, with its expected course."""
    if not view.entries:
        raise TrackerError(
            f"Session {view.session.id} has nothing logged yet, so there is nothing to chart. "
            "Log a day first, for example: tracker log itching=3"
        )
    session = view.session
    summaries = view.summaries
    care_actions = sorted({c.action for c in view.care}, key=list(CARE_BY_KEY).index)
    today_day = session.day_of(view.as_of)
    last_day = max([e.day for e in view.entries] + [today_day])
    if session.follow_up is not None:
        last_day = max(last_day, session.day_of(session.follow_up))
    # Show expected courses in full unless one runs for months past the data (CO2 redness).
    longest = max((s.expected.max_days for s in summaries), default=0)
    last_day = max(last_day, min(longest, last_day + COURSE_MARGIN_DAYS))
    gone = [s.forecast.gone_day for s in summaries if s.forecast and s.expected.has_course]
    last_day = max(last_day, min(max(gone, default=0), last_day + COURSE_MARGIN_DAYS))

    lanes = len(summaries) + len(care_actions) + (1 if care_actions else 0)
    heights = [6.0, 0.32 * len(summaries) + 0.5]
    if care_actions:
        heights.append(0.32 * len(care_actions) + 0.4)
    fig_width, fig_height = size or (width, 5.2 + 0.32 * lanes + 0.6)
    figure = Figure(figsize=(fig_width, fig_height))
    # Fixed margins (inches) instead of a layout engine: the engine's extra drawing pass
    # costs as much as the drawing itself. Room on the left for the lane labels, on the
    # right for the band words and the legend, at the top for the title.
    right = 0.8 if fig_width < NARROW else 2.25
    left, top, bottom = 1.45, 0.75 + top_margin, 0.55 + bottom_margin
    gap = 0.45  # between the panels, room for each one's title
    grid = figure.add_gridspec(
        len(heights),
        1,
        height_ratios=heights,
        left=left / fig_width,
        right=1 - right / fig_width,
        top=1 - top / fig_height,
        bottom=bottom / fig_height,
        hspace=gap / ((fig_height - top - bottom - gap * (len(heights) - 1)) / len(heights)),
    )
    main = figure.add_subplot(grid[0])
    course = figure.add_subplot(grid[1], sharex=main)
    axes = [main, course]
    care_ax = None
    if care_actions:
        care_ax = figure.add_subplot(grid[2], sharex=main)
        axes.append(care_ax)

    _shade_bands(main)
    flagged: set[tuple[str, int]] = set()
    for flag in view.flags:
        if flag.rule == "missing":
            continue
        for day in range(flag.first_day, flag.last_day + 1):
            flagged.add((flag.symptom, day))
    forecasts = False
    for index, summary in enumerate(summaries):
        # A small sideways dodge keeps lines with equal values from hiding each other.
        dodge = (index - (len(summaries) - 1) / 2) * DODGE
        days = [e.day + dodge for e in summary.series]
        values = [e.severity for e in summary.series]
        main.plot(
            days,
            values,
            label=_label(summary.symptom),
            linewidth=2,
            markersize=6,
            zorder=3,
            **style(index),
        )
        ahead = summary.forecast if summary.expected.has_course else None
        if ahead is not None:  # from the last value to 0 at the pace since the peak
            main.plot(
                [ahead.from_day + dodge, ahead.gone_day + dodge],
                [ahead.from_value, 0],
                color=PALETTE[index % len(PALETTE)],
                linestyle=FORECAST_DASH,
                linewidth=1.3,
                zorder=2,
            )
            forecasts = True
        ringed = [
            (e.day + dodge, e.severity) for e in summary.series if (e.symptom, e.day) in flagged
        ]
        if ringed:
            main.scatter(
                [d for d, _ in ringed],
                [v for _, v in ringed],
                s=190,
                facecolors="none",
                edgecolors=FLAG_RING,
                linewidths=1.6,
                zorder=4,
            )
    main.set_ylim(-0.3, 10.3)
    main.set_yticks(range(0, 11))
    main.set_ylabel("Severity (0 none - 10 worst)")
    main.set_xlim(-0.6, last_day + 0.6)
    main.grid(axis="x", color="#dddddd", linewidth=0.6)
    main.tick_params(labelbottom=False)
    where = f" · {visible(session.area)}" if session.area else ""
    kind = KINDS_BY_KEY.get(session.kind)
    main.set_title(
        f"Recovery after {kind.name if kind else session.kind} on {session.date}{where}\n"
        f"day {today_day} on {view.as_of}",
        loc="left",
        fontsize=12,
    )
    handles, labels = main.get_legend_handles_labels()
    if flagged:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=12,
                markerfacecolor="none",
                markeredgecolor=FLAG_RING,
                linestyle="none",
            )
        )
        labels.append("flagged day")
    if forecasts:
        handles.append(Line2D([], [], color="#555555", linestyle=FORECAST_DASH, linewidth=1.3))
        labels.append("at this pace")
    # Outside the plot, so it never hides a value or the today/follow-up markers.
    # Beside the plot where the page is wide enough, so it never hides a value; on a
    # portrait page inside its top corner, with the day markers' words moved down.
    inside = fig_width < NARROW
    main.legend(
        handles,
        labels,
        loc="upper right" if inside else "upper left",
        bbox_to_anchor=None if inside else (1 + 0.72 / (fig_width - left - right), 1.0),
        fontsize=8 if inside else 9,
        framealpha=0.95,
    )
    main.xaxis.set_major_locator(MaxNLocator(integer=True))

    # Expected course: a lane per symptom, light to the typical day, lighter to the maximum.
    for index, summary in enumerate(summaries):
        colour = PALETTE[index % len(PALETTE)]
        expected = summary.expected
        course.barh(index, expected.max_days + 0.5, left=-0.5, color=colour, alpha=0.22, height=0.6)
        if expected.typical_days is not None:
            course.barh(
                index, expected.typical_days + 0.5, left=-0.5, color=colour, alpha=0.45, height=0.6
            )
        beyond = expected.max_days > last_day
        course.text(
            last_day + 0.4 if beyond else expected.max_days + 0.7,
            index,
            f"gone by day {expected.max_days}" + (" →" if beyond else ""),
            va="center",
            ha="right" if beyond else "left",
            fontsize=7.5,
            color="#333333",
            clip_on=True,
        )
    course.set_yticks(range(len(summaries)), [_label(s.symptom) for s in summaries], fontsize=8)
    course.set_ylim(len(summaries) - 0.5, -0.5)
    course.set_title(
        "Expected course (darker: usually gone by; lighter: at the latest)", loc="left", fontsize=9
    )
    course.grid(axis="x", color="#dddddd", linewidth=0.6)

    if care_ax is not None:
        for row, action in enumerate(care_actions):
            days = [c.day for c in view.care if c.action == action]
            care_ax.scatter(
                days, [row] * len(days), marker="|", s=160, color="#333333", linewidths=2
            )
        care_ax.set_yticks(
            range(len(care_actions)), [care_name(a) for a in care_actions], fontsize=8
        )
        care_ax.set_ylim(len(care_actions) - 0.5, -0.5)
        care_ax.set_title("Care log", loc="left", fontsize=9)
        care_ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    for ax in axes[1:-1]:
        ax.tick_params(labelbottom=False)
    axes[-1].set_xlabel("Day after the session (session day = day 0)")

    _day_marker(axes, today_day, "today", ":", low=inside)
    if session.follow_up is not None:
        _day_marker(axes, session.day_of(session.follow_up), "follow-up", "--", low=inside)
    return figure


def compare_figure(views: Sequence[SessionView], *, width: float = DEFAULT_WIDTH) -> Figure:
    """Every session aligned at day 0, one small chart per symptom."""
    views = [v for v in views if v.entries]
    if not views:
        raise TrackerError("Nothing is logged in any session yet, so there is nothing to compare.")
    symptoms: list[str] = []
    for view in views:
        symptoms.extend(s for s in view.symptoms if s not in symptoms)
    columns = 3 if len(symptoms) > 4 else 2 if len(symptoms) > 1 else 1
    rows = -(-len(symptoms) // columns)
    figure = Figure(figsize=(width, 2.9 * rows + 1.3), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True)
    for index, symptom in enumerate(symptoms):
        ax = axes[index // columns][index % columns]
        _shade_bands(ax, labels=index % columns == columns - 1)
        resolved: list[str] = []
        for number, view in enumerate(views):
            summary = next((s for s in view.summaries if s.symptom == symptom), None)
            if summary is None:
                continue
            ax.plot(
                [e.day for e in summary.series],
                [e.severity for e in summary.series],
                linewidth=1.8,
                markersize=4,
                label=f"session {view.session.id}",
                **style(number),
            )
            day = summary.resolved_day
            text = (
                f"day {day}" if day is not None else "not yet" if summary.ever_present else "never"
            )
            resolved.append(f"#{view.session.id}: {text}")
        ax.set_title(_label(symptom), loc="left", fontsize=10)
        ax.text(
            0.99,
            0.97,
            "reached 0 — " + ", ".join(resolved),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=7.5,
            bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#cccccc"},
        )
        ax.set_ylim(-0.3, 10.8)
        ax.set_yticks([0, 3, 6, 10])
        ax.grid(color="#eeeeee", linewidth=0.6)
        ax.set_xlabel("day after session", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for index in range(len(symptoms), rows * columns):
        axes[index // columns][index % columns].set_visible(False)
    axes[0][0].set_ylabel("severity 0-10")
    handles = [Line2D([], [], **style(number), linewidth=1.8) for number in range(len(views))]
    labels = [f"session {v.session.id}: {v.session.kind}, {v.session.date}" for v in views]
    figure.legend(handles, labels, loc="outside lower center", ncols=min(len(views), 3), fontsize=9)
    figure.suptitle(
        "Recovery across sessions, aligned at the session day", x=0.01, ha="left", fontsize=12
    )
    return figure


def save(figure: Figure, handle: BinaryIO, fmt: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    figure.savefig(handle, format=fmt, dpi=150, metadata=_metadata(fmt))


def _metadata(fmt: str) -> dict[str, str] | None:
    if fmt == "png":
        return {"Software": "tracker"}
    if fmt == "pdf":
        return {"Creator": "tracker", "Title": "Recovery chart"}
    return None
