"""Charts and report pages a patient can read: nothing cut, nothing drawn over other text,
for 1 to 365 days and up to every symptom; lines broken where days were not logged."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from legibility import START, text_problems, view
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D

from tracker.domain.catalog import SYMPTOMS
from tracker.drawing.charts import compare_figure, session_figure
from tracker.drawing.report import PAGE, build_report

WIDE = {}
PAGE_CHART = {"size": PAGE, "top_margin": 0.45, "bottom_margin": 0.65}


@pytest.mark.parametrize(
    ("days", "symptoms"),
    [(1, 1), (1, 18), (14, 8), (14, 14), (90, 5), (365, 18)],
)
@pytest.mark.parametrize("shape", [WIDE, PAGE_CHART], ids=["wide", "page"])
def test_no_text_is_cut_or_overlapped(days: int, symptoms: int, shape: dict) -> None:
    figure = session_figure(view(days, symptoms), **shape)
    assert text_problems(figure) == []


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.integers(1, 365),
    symptoms=st.integers(1, len(SYMPTOMS)),
    follow_up=st.none() | st.integers(0, 400),
    area=st.none() | st.text(min_size=1, max_size=120),
    page=st.booleans(),
)
def test_no_text_is_cut_whatever_the_data(
    days: int, symptoms: int, follow_up: int | None, area: str | None, page: bool
) -> None:
    chosen = view(days, symptoms, follow_up=follow_up, area=area, care=days < 120)
    figure = session_figure(chosen, **(PAGE_CHART if page else WIDE))
    assert text_problems(figure) == []


def test_the_checker_finds_a_cut_legend() -> None:
    figure = session_figure(view(14, 14))
    legend = figure.legends[0]
    legend.set_bbox_to_anchor((0.97, 0.9), transform=figure.transFigure)
    assert any("cut" in problem for problem in text_problems(figure))


def _lines(figure_axes: object) -> list[Line2D]:
    return [line for line in figure_axes.get_lines() if len(line.get_xdata()) > 0]  # type: ignore[attr-defined]


def test_lines_break_where_two_days_or_more_were_not_logged() -> None:
    # Logged days 0-3, 5, 6, 9: a one-day hole (day 4) and a two-day hole (7-8).
    figure = session_figure(view(10, 1, skip=frozenset({4, 7, 8}), care=False))
    main = figure.axes[0]
    (line,) = [line for line in _lines(main) if line.get_marker() not in ("", "None", None)]
    xs = [float(x) for x in line.get_xdata()]
    breaks = [i for i, x in enumerate(xs) if math.isnan(x)]
    real = [round(x) for x in xs if not math.isnan(x)]
    assert real == [0, 1, 2, 3, 5, 6, 9]  # every logged point is still marked
    assert len(breaks) == 2  # before day 5 and before day 9
    assert round(xs[breaks[0] + 1]) == 5 and round(xs[breaks[1] + 1]) == 9


@pytest.mark.parametrize("days", [1, 2, 3, 14, 90, 365])
def test_day_ticks_are_whole_days(days: int) -> None:
    figure = session_figure(view(days, 3))
    bottom = figure.axes[-1]
    low, high = bottom.get_xlim()
    ticks = [t for t in bottom.get_xticks() if low <= t <= high]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_care_ticks_are_drawn_above_the_grid_with_their_names() -> None:
    figure = session_figure(view(6, 2))
    care = figure.axes[-1]
    (marks, *_) = [c for c in care.collections if isinstance(c, PathCollection)]
    grid = care.xaxis.get_gridlines()[0]
    assert marks.get_zorder() > grid.get_zorder()
    names = [label.get_text() for label in care.get_yticklabels()]
    assert names == ["Ice pack", "Moisturiser", "Sunscreen", "Other care"]


def _three_overlapping_sessions() -> list:
    return [
        view(40, 4, session_id=1, as_of_day=60),
        view(25, 3, session_id=2, start=START + dt.timedelta(days=12), kind="ipl", as_of_day=48),
        view(
            12,
            5,
            session_id=3,
            start=START + dt.timedelta(days=20),
            kind="peel-medium",
            as_of_day=40,
        ),
    ]


def test_compare_cuts_each_session_at_the_next_ones_day_0() -> None:
    figure = compare_figure(_three_overlapping_sessions())
    itching = figure.axes[0]
    drawn = [line for line in _lines(itching) if line.get_marker() not in ("", "None", None)]
    last_days = sorted(max(x for x in line.get_xdata() if not math.isnan(x)) for line in drawn)
    # Session 1 until day 11 (session 2 began on its day 12), session 2 until day 7
    # (session 3 began 8 days after it), session 3 to its own last day (11).
    assert last_days == [7, 11, 11]
    assert text_problems(figure) == []


def test_compare_shows_the_expected_window_and_names_sessions_by_number_and_date() -> None:
    figure = compare_figure(_three_overlapping_sessions())
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels[:3] == [
        "session 1 (2026-01-01, laser skin rejuvenation)",
        "session 2 (2026-01-13, intense pulsed light (IPL, photofacial))",
        "session 3 (2026-01-21, medium-depth chemical peel (e.g. TCA))",
    ]
    assert any("expected course" in label for label in labels)
    assert figure.axes[0].patches  # the shaded expected windows


def test_compare_of_one_day_has_whole_day_ticks() -> None:
    figure = compare_figure([view(1, 1)])
    ax = figure.axes[0]
    low, high = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert text_problems(figure) == []


@pytest.mark.parametrize(("days", "symptoms"), [(1, 1), (14, 8), (90, 18)])
def test_every_report_page_is_legible(days: int, symptoms: int) -> None:
    chosen = view(days, symptoms, note="still pink 🧴 " + "and rather warm " * 12)
    pages = build_report(chosen, dt.date(2026, 11, 24), "1.0")
    for number, page in enumerate(pages, start=1):
        assert text_problems(page, dpi=100) == [], f"page {number}"
