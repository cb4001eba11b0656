"""Taking back a value or a care entry typed by mistake, and refusing a repeated care add."""

from __future__ import annotations

import json

from conftest import TODAY, Run, State
from units import Units

from tracker.domain.errors import CONFLICT, TrackerError
from tracker.services import care, corrections
from tracker.storage.database import Database, resolve


def _values(run: Run) -> list[tuple[str, str, int]]:
    return [
        (e["date"], e["symptom"], e["severity"])
        for e in json.loads(run("history", "--json").stdout)
    ]


def test_log_remove_takes_back_one_days_values_and_says_what(run: Run, session_id: int) -> None:
    assert run("log", "itching=3", "redness=5", "swelling=2").exit_code == 0
    assert run("log", "itching=4", "--date", "yesterday").exit_code == 0
    result = run("log", "--remove", "pruritus", "Redness")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Removed from 2026-11-24, day 10 after session 1 (laser-rejuvenation on 2026-11-14):\n"
        "  itching   3/10  mild\n"
        "  redness   5/10  moderate\n"
        "Removed by mistake? `tracker undo` puts back one value each time it runs.\n"
    )
    assert _values(run) == [("2026-11-23", "itching", 4), ("2026-11-24", "swelling", 2)]


def test_log_remove_of_another_day_and_a_symptom_not_logged(run: Run, session_id: int) -> None:
    assert run("log", "itching=4", "--date", "yesterday").exit_code == 0
    result = run("log", "--remove", "itching", "pain", "--date", "yesterday")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "  itching   4/10  moderate\nNothing was logged that day for: pain.\n"
        "Removed by mistake? `tracker undo` puts back one value each time it runs.\n"
    )
    assert _values(run) == []


def test_log_remove_refuses_when_nothing_matches_and_changes_nothing(
    run: Run, state: State, session_id: int
) -> None:
    assert run("log", "itching=3").exit_code == 0
    before = state()
    cases = {
        ("log", "--remove", "redness"): (
            1,
            "Nothing to remove: redness has no value on 2026-11-24 in session 1. "
            "Nothing was changed.",
        ),
        ("log", "--remove", "itching", "--date", "yesterday"): (1, "Nothing to remove"),
        ("log", "--remove", "itching", "--date", "2026-11-01"): (1, "before your first session"),
        ("log", "--remove", "itching", "--date", "tomorrow"): (1, "in the future"),
        ("log", "--remove", "itching", "--session", "7"): (1, "There is no session 7"),
        ("log", "--remove"): (2, "Name the symptoms to remove"),
        ("log", "--remove", "itching=3"): (2, "without a value"),
        ("log", "--remove", "itching", "--note", "x"): (2, "--note goes with a log"),
        ("log", "--remove", "itchng"): (2, "Did you mean itching?"),
    }
    for args, (code, words) in cases.items():
        result = run(*args)
        assert (result.exit_code, words in result.stderr) == (code, True), (args, result.output)
    assert state() == before


def test_care_add_twice_on_a_day_is_refused_unless_again(
    run: Run, state: State, session_id: int
) -> None:
    assert run("care", "add", "moisturiser").exit_code == 0
    before = state()
    again = run("care", "add", "moisturizer", "--note", "after the shower")
    assert again.exit_code == 1
    assert again.stderr == (
        "Error: Moisturiser is already recorded on 2026-11-24 (entry 1, session 1); nothing "
        "was added. Add --again to record it a second time that day.\n"
    )
    assert state() == before
    assert run("care", "add", "moisturiser", "--again").exit_code == 0
    # Another day, or another 'other' thing, is not a repeat.
    assert run("care", "add", "moisturiser", "--date", "yesterday").exit_code == 0
    assert run("care", "add", "other", "--note", "aloe gel").exit_code == 0
    assert run("care", "add", "other", "--note", "cold water").exit_code == 0
    assert run("care", "add", "other", "--note", "aloe gel").exit_code == 1
    actions = [(c["date"], c["action"]) for c in json.loads(run("care", "list", "--json").stdout)]
    assert actions == [
        ("2026-11-23", "moisturizer"),
        ("2026-11-24", "moisturizer"),
        ("2026-11-24", "moisturizer"),
        ("2026-11-24", "other"),
        ("2026-11-24", "other"),
    ]


def test_care_remove_by_id(run: Run, state: State, session_id: int) -> None:
    assert run("care", "add", "ice", "--note", "10 minutes").exit_code == 0
    assert run("care", "add", "sunscreen").exit_code == 0
    removed = run("care", "remove", "1")
    assert removed.exit_code == 0, removed.output
    assert removed.stdout == (
        "Removed entry 1: ice pack (10 minutes) on 2026-11-24, day 10 after session 1.\n"
    )
    assert [c["id"] for c in json.loads(run("care", "list", "--json").stdout)] == [2]
    before = state()
    missing = run("care", "remove", "1")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "Error: There is no care entry 1. Run: tracker care list\n",
    )
    assert state() == before


def test_another_profiles_care_entry_cannot_be_removed(run: Run, session_id: int) -> None:
    assert run("care", "add", "sunscreen").exit_code == 0
    assert run("profile", "add", "alice").exit_code == 0
    assert run("--profile", "alice", "care", "remove", "1").exit_code == 1
    assert len(json.loads(run("care", "list", "--json").stdout)) == 1


def test_the_services_return_what_they_removed(db_url: str, run: Run, session_id: int) -> None:
    assert run("log", "itching=3", "redness=2").exit_code == 0
    assert run("care", "add", "sunscreen").exit_code == 0
    db = Units(Database(resolve(db_url), "default"))
    try:
        removal = db(corrections.remove_values, ["itching"], date=TODAY, today=TODAY)
        assert [(e.symptom, e.severity, e.day) for e in removal.removed] == [("itching", 3, 10)]
        assert (removal.session.id, removal.date, removal.not_logged) == (1, TODAY, [])
        record = db(corrections.remove_care, 1)
        assert (record.action, record.date) == ("sunscreen", TODAY)
        try:
            db(care.add_care, "ice-pack", date=TODAY, today=TODAY)
            db(care.add_care, "ice-pack", date=TODAY, today=TODAY)
        except TrackerError as exc:
            assert exc.kind == CONFLICT
        else:
            raise AssertionError("a repeated care action was recorded")
        repeated = db(care.add_care, "ice-pack", date=TODAY, today=TODAY, again=True)
        assert repeated.action == "ice-pack"
        assert [c.action for c in db(care.list_care)] == ["ice-pack", "ice-pack"]
    finally:
        db.dispose()


def test_a_date_before_the_first_session_says_so(run: Run, session_id: int) -> None:
    result = run("log", "redness=3", "--date", "2026-11-01")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: 2026-11-01 is before your first session (session 1 on 2026-11-14); choose a "
        "day on or after it.\n",
    )
