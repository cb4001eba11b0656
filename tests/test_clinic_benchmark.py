"""benchmarks/clinic.py's baseline finds what the tracker finds: the hand-written query for
`persisting` flags answers the same patients and symptoms as the flag engine, on the
benchmark's own seeded patients (so the ratio compares the same answer, computed twice)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tracker.services import triage
from tracker.storage.database import Database, resolve

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import clinic_seed  # noqa: E402

AS_OF = dt.date(2026, 12, 3)


def test_the_persisting_query_answers_as_the_flag_engine(db_url: str) -> None:
    engine = create_engine(resolve(db_url).url)
    try:
        made = clinic_seed.seed(engine, 160, AS_OF)
        with engine.connect() as connection:
            baseline = {
                (name, symptom)
                for name, symptom in connection.execute(
                    text(clinic_seed.persisting_sql(connection.dialect.name, AS_OF))
                )
            }
    finally:
        engine.dispose()
    database = Database(resolve(db_url))
    try:
        with database.reading() as store:
            flags = triage.all_flags(store, AS_OF)
    finally:
        database.dispose()
    engine_answer = {
        (f.profile, f.flag.symptom)
        for f in flags
        if "persisting" in (f.flag.rule, *f.flag.also)  # its own rule, or a reason under one
    }
    # Not an empty agreement: every story of the seed is there, and many patients are flagged.
    assert {p.story for p in made} >= {"recovering", "lingering", "urgent", "stopped"}
    assert len(engine_answer) >= 40
    assert {name for name, _ in engine_answer} >= {p.name for p in made if p.story == "lingering"}
    assert baseline == engine_answer


@pytest.mark.slow
def test_the_harness_runs_at_tiny_sizes_without_an_error(
    tmp_path: Path, postgres_url: str | None
) -> None:
    """`benchmarks/clinic.py --smoke`: the hosted app under gunicorn with 2 processes, a
    few patients signing in and checking in while clinicians reload, the floor, and the
    triage list at two sizes: every request answered as a browser expects, none failed."""
    command = [sys.executable, str(BENCHMARKS / "clinic.py"), "--smoke", "--work", str(tmp_path)]
    command += ["--json", str(tmp_path / "figures.json")]
    if postgres_url:
        command += ["--database", postgres_url]
    done = subprocess.run(
        command, cwd=BENCHMARKS.parent, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads((tmp_path / "figures.json").read_text())
    pages = {row["page"]: row for row in figures["pages"]}
    assert set(pages) >= {"Check-in page", "Save check-in", "Status", "Triage list", "Floor"}
    for row in pages.values():
        assert row["requests"] > 0 and row["errors"] == 0, row
    assert [row["patients"] for row in figures["triage"]] == [20, 40]
    for row in figures["triage"]:
        assert row["alone"]["errors"] == row["together"]["errors"] == 0, row
        assert row["alone"]["requests"] > 0 and row["together"]["requests"] > 0, row
