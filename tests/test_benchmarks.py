"""The benchmarks' baselines give the tracker's answer (benchmarks/README.md): a ratio to a
baseline that computes something else measures nothing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, Run

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import baselines  # noqa: E402
import generate_clinic  # noqa: E402
import run as bench  # noqa: E402


def _triage(run: Run) -> list[dict[str, object]]:
    result = run("flags", "--all-profiles", "--json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, object]] = json.loads(result.output)
    return found


def test_triage_baseline_lists_the_flags_the_tracker_lists(db_url: str, run: Run) -> None:
    assert generate_clinic.AS_OF == TODAY
    generate_clinic.generate(db_url, 25, None, closed=10)
    ours = _triage(run)
    assert len({item["profile"] for item in ours}) >= 5
    assert {item["kind"] for item in ours} >= {"persisting"}
    assert baselines.triage(db_url, TODAY) == ours


def test_closed_patients_change_nothing_in_triage(db_url: str, run: Run) -> None:
    generate_clinic.generate(db_url, 25, None)
    without = _triage(run)
    generate_clinic.generate(db_url, 25, None, closed=10)
    assert _triage(run) == without
    assert without


@pytest.mark.sqlite_only
def test_raw_import_writes_the_values_the_tracker_imports(tmp_path: Path) -> None:
    source = tmp_path / "values.csv"
    bench.write_csv(source, 2_000)
    written = {}
    for name, command in (
        ("ours", lambda db: bench.tracker(db, "import", str(source), today=bench.IMPORT_TODAY)),
        ("raw", lambda db: [sys.executable, "-c", bench.RAW_IMPORT, str(db), str(source)]),
    ):
        db = tmp_path / f"{name}.db"
        subprocess.run(bench.tracker(db, "db", "upgrade"), check=True, capture_output=True)
        subprocess.run(command(db), check=True, capture_output=True)
        with sqlite3.connect(db) as connection:
            written[name] = connection.execute(
                "SELECT s.date, s.kind, e.date, e.symptom, e.severity, e.note "
                "FROM entries e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"
            ).fetchall()
    assert len(written["ours"]) == 2_000
    assert written["ours"] == written["raw"]
