"""benchmarks/clinic.py's baseline finds what the tracker finds: the hand-written query for
`persisting` flags answers the same patients and symptoms as the flag engine, on the
benchmark's own seeded patients (so the ratio compares the same answer, computed twice)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tracker.services import triage
from tracker.storage.database import Database, resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import clinic_seed

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
