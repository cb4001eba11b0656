"""Readers of other trackers' files are linear in their input: no text makes them hang
(issue 23: a 60 KB Bearable detail took 20 s, 120 KB over a minute)."""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import pytest
from conftest import Run
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.errors import TrackerError
from tracker.domain.other_trackers import READERS, split_detail

BEARABLE_HEADER = "date,weekday,time of day,category,rating/amount,detail,notes\n"
MEGABYTE = 1024 * 1024


def test_a_megabyte_bearable_detail_is_read_at_once(
    run: Run, session_id: int, tmp_path: Path
) -> None:
    hostile = "a" + " " * MEGABYTE + "(x"
    source = tmp_path / "bearable.csv"
    source.write_text(
        BEARABLE_HEADER + f'20th Nov 2026,Fri,am,Symptom,2,"{hostile}",\n', encoding="utf-8"
    )
    started = time.perf_counter()
    result = run("import", "--from", "bearable", str(source), "--dry-run")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert elapsed < 10, f"{elapsed:.1f} s"  # was quadratic: hours for a megabyte
    started = time.perf_counter()
    assert split_detail(hostile) == (hostile, "")
    assert split_detail("(" * MEGABYTE + ")") == ("(" * (MEGABYTE - 1), "")
    assert time.perf_counter() - started < 1


def test_the_detail_is_split_as_before() -> None:
    assert split_detail("Neck pain (Moderate)") == ("Neck pain", "Moderate")
    assert split_detail("  Itching  (Mild)  ") == ("Itching", "Mild")
    assert split_detail("a (b) (c)") == ("a (b)", "c")
    assert split_detail("a (b (c))") == ("a (b (c))", "")
    assert split_detail("Redness") == ("Redness", "")
    assert split_detail("()") == ("", "")


@pytest.mark.parametrize("source", sorted(READERS))
@settings(max_examples=150, deadline=2000)
@given(data=st.binary(max_size=4096))
def test_random_bytes_are_read_or_refused_in_time(source: str, data: bytes) -> None:
    header = {
        "flaredown": "Date,Itching,Tags,Foods\n",
        "bearable": BEARABLE_HEADER,
        "trackandgraph": "FeatureName,Timestamp,Value,Label,Note\n",
    }[source]
    text = header + data.decode("utf-8", "replace")
    started = time.perf_counter()
    with contextlib.suppress(TrackerError):  # a refusal in words is an answer too
        READERS[source](io.StringIO(text, newline=""))
    assert time.perf_counter() - started < 1


def test_fifty_thousand_unknown_names_are_counted_not_listed(
    run: Run, session_id: int, tmp_path: Path
) -> None:
    source = tmp_path / "tg.csv"
    rows = "".join(f"name{n:05d}{'x' * 100},2026-11-20T10:00:00Z,3,,\n" for n in range(50_000))
    source.write_text(
        "FeatureName,Timestamp,Value,Label,Note\nItching,2026-11-20T09:00:00Z,2,,\n" + rows
    )
    result = run("import", "--from", "trackandgraph", str(source), "--dry-run")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if "and 49,980 other names" in line)
    assert len(line) < 3000
