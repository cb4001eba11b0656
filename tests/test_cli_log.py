from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Run, State


def test_log_confirms_in_words(run: Run, session_id: int) -> None:
    result = run("log", "pruritus=3", "redness=5")
    assert result.exit_code == 0
    assert result.stdout == (
        "Logged for 2026-11-24, day 10 after session 1 (laser-rejuvenation on 2026-11-14):\n"
        "  itching   3/10  mild\n"
        "  redness   5/10  moderate\n"
    )


def test_logging_again_replaces_and_says_so(run: Run, session_id: int) -> None:
    assert run("log", "itching=3", "--note", "after shower").exit_code == 0
    result = run("log", "itching=1")
    assert "itching   1/10  mild  (replaced 3/10 logged earlier for this day)" in result.stdout
    entries = json.loads(run("history", "--json").stdout)
    changed_at = entries[0]["previous"].pop("changed_at")  # the time of the correction, UTC
    assert changed_at.endswith("Z")
    assert entries == [
        {
            "session_id": 1,
            "date": "2026-11-24",
            "day": 10,
            "symptom": "itching",
            "severity": 1,
            "note": "after shower",
            "previous": {"severity": 3, "note": "after shower"},
        }
    ]


def test_the_session_defaults_to_the_latest_on_or_before_the_date(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-01").exit_code == 0
    assert run("session", "add", "--date", "2026-11-20", "--kind", "peel-medium").exit_code == 0
    assert "session 1 " in run("log", "itching=2", "--date", "2026-11-10").stdout
    assert "session 2 " in run("log", "itching=2", "--date", "2026-11-21").stdout
    chosen = run("log", "swelling=1", "--date", "2026-11-21", "--session", "1")
    assert "day 20 after session 1 " in chosen.stdout


def test_dates_in_every_accepted_form(run: Run, session_id: int) -> None:
    for form in ("2026-11-20", "yesterday", "3 days ago", "-5", "today"):
        assert run("log", "itching=1", "--date", form).exit_code == 0, form
    days = [e["day"] for e in json.loads(run("history", "--json").stdout)]
    assert days == [5, 6, 7, 9, 10]


def test_refusals_leave_the_database_as_it_was(run: Run, state: State, session_id: int) -> None:
    assert run("log", "itching=2").exit_code == 0
    before = state()
    cases = {
        ("log", "itching=3", "--date", "tomorrow"): (1, "in the future"),
        ("log", "itching=3", "--date", "2026-11-13"): (1, "before your first session"),
        ("log", "itching=3", "--date", "2026-11-13", "--session", "1"): (1, "is before session 1"),
        ("log", "itching=3", "--session", "9"): (1, "There is no session 9"),
        ("log", "itching=3", "redness=11"): (2, "Severity for redness must be from 0"),
        ("log", "itching=3", "redness=2.5"): (2, "whole number"),
        ("log", "itching=3", "sneezing=2"): (2, "Unknown symptom 'sneezing'"),
        ("log", "itching=3", "pruritus=2"): (2, "more than once"),
        ("log",): (2, "at least one symptom with how strong it is"),
        ("log", "itching"): (2, "write SYMPTOM=SEVERITY"),
        ("log", "itching=3", "--date", "2026-13-01"): (2, "not a real calendar date"),
    }
    for args, (code, words) in cases.items():
        result = run(*args)
        assert result.exit_code == code, (args, result.output)
        assert words in result.stderr, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1
        assert result.stdout == ""
        assert state() == before, args


@pytest.mark.sqlite_only
def test_a_multi_symptom_log_is_all_or_nothing_in_the_database(
    run: Run, db_path: Path, session_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A trigger makes the database itself fail on the second value of the log. Opening
    # refuses any trigger (tests/test_schema_check.py): here the check lets this one be.
    from tracker.storage import schema

    monkeypatch.setattr(schema, "check", lambda connection: [])
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TRIGGER refuse_redness BEFORE INSERT ON entries WHEN NEW.symptom = 'redness' "
        "BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
    )
    conn.commit()
    conn.close()
    result = run("log", "itching=2", "redness=3")
    assert result.exit_code == 1
    assert "refused by test" in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(run("history", "--json").stdout) == []


def test_history_filters_and_reads_well(run: Run, session_id: int) -> None:
    assert run("log", "itching=4", "redness=6", "--date", "-1", "--note", "hot").exit_code == 0
    assert run("log", "itching=2", "redness=5").exit_code == 0
    result = run("history")
    assert result.stdout.splitlines() == [
        "Session 1 · laser-rejuvenation · 2026-11-14",
        "date        day  symptom  severity     note",
        "2026-11-23    9  itching   4 moderate  hot",
        "2026-11-23    9  redness   6 moderate",
        "2026-11-24   10  itching   2 mild",
        "2026-11-24   10  redness   5 moderate",
    ]
    only = json.loads(run("history", "--symptom", "Erythema", "--json").stdout)
    assert [(e["date"], e["severity"]) for e in only] == [("2026-11-23", 6), ("2026-11-24", 5)]
    assert run("history", "--session", "3").exit_code == 1


def test_history_when_empty(run: Run) -> None:
    assert "Nothing logged yet" in run("history").stdout
