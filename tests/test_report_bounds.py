"""The report has a bounded size whatever the history: the daily log is summarised past
its first weeks, the notes and resolved flags are the latest ones, and the exports keep
every day (issue 23: 365 days x 8 symptoms took 92 s for 131 pages)."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from pathlib import Path

import pytest
from conftest import TODAY, Run
from pypdf import PdfReader

from tracker.domain.catalog import SYMPTOMS
from tracker.drawing.report import DAILY_DAYS, WEEKLY_UNTIL_DAY, log_periods


def test_each_early_day_has_its_row_then_weeks_then_four_weeks() -> None:
    periods = log_periods(list(range(1500)))
    assert periods[:DAILY_DAYS] == [(day, day) for day in range(DAILY_DAYS)]
    weeks = [p for p in periods if p[1] - p[0] == 6]
    assert weeks[0] == (DAILY_DAYS, DAILY_DAYS + 6)
    assert weeks[-1][1] == WEEKLY_UNTIL_DAY - 1
    assert periods[-1] == (1498, 1525)
    assert len(periods) == DAILY_DAYS + 20 + 48
    # Only periods holding a logged day; a short record is every day as before.
    assert log_periods([0, 3, 200, 201]) == [(0, 0), (3, 3), (182, 209)]
    assert log_periods(list(range(30))) == [(d, d) for d in range(30)]


def _years_of_values(run: Run, tmp_path: Path, days: int, symptoms: int) -> None:
    document = json.loads(run("export", "--format", "json").stdout)
    start = TODAY - dt.timedelta(days=days - 1)
    keys = [s.key for s in SYMPTOMS][:symptoms]
    shuffle = random.Random(23)
    document["sessions"] = [
        {
            "date": str(start),
            "kind": "laser-rejuvenation",
            "entries": [
                {
                    "date": str(start + dt.timedelta(days=day)),
                    "symptom": key,
                    "severity": shuffle.randint(0, 6),
                    "note": f"day {day}" if key == keys[0] and day % 3 == 0 else None,
                }
                for day in range(days)
                for key in keys
            ],
            "care": [],
        }
    ]
    source = tmp_path / "years.json"
    source.write_text(json.dumps(document))
    assert run("import", str(source)).exit_code == 0


@pytest.mark.slow
def test_1500_days_of_15_symptoms_make_a_report_of_a_few_pages_in_under_10_s(
    run: Run, tmp_path: Path
) -> None:
    _years_of_values(run, tmp_path, 1500, 15)
    target = tmp_path / "report.pdf"
    started = time.process_time()  # the machine's load is not the report's
    result = run("report", "-o", str(target))
    spent = time.process_time() - started
    assert result.exit_code == 0, result.output
    assert spent < 10, f"{spent:.1f} s of CPU"
    reader = PdfReader(target)
    assert len(reader.pages) <= 25
    words = " ".join(page.extract_text() for page in reader.pages)
    assert "a row is a week" in words and "the exports hold every day" in words
    assert "notes; the exports hold them all" in words
    # The export keeps every day.
    exported = json.loads(run("export", "--format", "json").stdout)
    assert len(exported["sessions"][0]["entries"]) == 1500 * 15
