"""A clinic's triage list, worst first (issue 26, item 4; issue 22: a patient silent since the
session is on the list). On a real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run

from tracker.services import triage
from tracker.storage.database import Database, resolve


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    found = Database(resolve(db_url))
    yield found
    found.dispose()


def _patient(run: Run, name: str, kind: str, date: str, *logs: tuple[str, list[str]]) -> None:
    assert run("profile", "add", name).exit_code == 0
    assert run("--profile", name, "session", "add", "--date", date, "--kind", kind).exit_code == 0
    for day, values in logs:
        assert run("--profile", name, "log", *values, "--date", day).exit_code == 0


def _clinic(run: Run) -> None:
    """One patient per category, added in an order that is not the list's."""
    assert run("profile", "add", "nosession").exit_code == 0
    _patient(run, "quiet", "microneedling", "2026-11-22", ("2026-11-24", ["redness=0"]))
    _patient(run, "silent", "co2-ablative", "2026-11-20")
    assert run("profile", "add", "followup").exit_code == 0
    added = run(
        "--profile",
        "followup",
        "session",
        "add",
        "--date",
        "2026-11-14",
        "--follow-up",
        "2026-11-24",
    )
    assert added.exit_code == 0
    assert run("--profile", "followup", "log", "redness=0").exit_code == 0
    # Non-ablative fractional swelling 8 on day 4 and nothing since (issue 22): aged.
    _patient(run, "aged", "nonablative-fractional", "2026-11-14", ("2026-11-18", ["swelling=8"]))
    _patient(
        run,
        "warned",
        "laser-rejuvenation",
        "2026-11-10",
        ("2026-11-11", ["redness=5"]),
        ("2026-11-23", ["redness=2"]),
    )
    _patient(run, "urgent", "ipl", "2026-11-19", ("2026-11-24", ["blistering=3"]))


def _order(database: Database, as_of: dt.date = TODAY) -> list[tuple[str, str, bool]]:
    with database.reading() as store:
        lines = triage.clinic_lines(store, as_of)
    return [(x.profile, x.category, x.reviewed) for x in lines if x.profile != "default"]


EVERY_CATEGORY = [
    ("urgent", "urgent", False),
    ("warned", "warning", False),
    ("aged", "no-data", False),
    ("followup", "follow-up", False),
    ("silent", "silent", False),
    ("quiet", "none", False),
    ("nosession", "no-session", False),
]


def test_worst_first_urgent_warning_no_data_follow_up_silent(run: Run, database: Database) -> None:
    _clinic(run)
    assert _order(database) == EVERY_CATEGORY
    with database.reading() as store:
        words = {x.profile: x.words for x in triage.clinic_lines(store, TODAY)}
    assert words["aged"].startswith("swelling: no data since day 4")
    assert words["followup"] == "follow-up due 2026-11-24 (today)"
    assert words["silent"] == "nothing logged since the session (now day 4)"
    assert words["quiet"] == "nothing open"


def test_silent_since_the_session_only_while_its_course_runs(run: Run, database: Database) -> None:
    """Issue 22: a CO2 patient who has logged nothing since day 0 is not 'none'; a session
    whose whole expected course has passed is history, not silence."""
    _patient(run, "silent", "co2-ablative", "2026-11-20")
    assert _order(database, dt.date(2026, 11, 21)) == [("silent", "none", False)]  # day 1
    assert _order(database, dt.date(2026, 11, 22)) == [("silent", "silent", False)]  # day 2
    with database.reading() as store:
        course = triage.course_days()("co2-ablative")
    after = dt.date(2026, 11, 20) + dt.timedelta(days=course + 1)
    assert _order(database, after) == [("silent", "none", False)]
    # Only zeros on day 0, then nothing: silent since day 0 too.
    _patient(run, "zeros", "co2-ablative", "2026-11-20", ("2026-11-20", ["itching=0"]))
    with database.reading() as store:
        zeros = next(x for x in triage.clinic_lines(store, TODAY) if x.profile == "zeros")
    assert (zeros.category, zeros.words) == ("silent", "nothing logged since day 0")


def test_status_of_every_profile_lists_them_most_in_need_first(
    run: Run, database: Database
) -> None:
    _clinic(run)
    lines = run("status", "--all-profiles").stdout.splitlines()
    assert lines[0] == "Every profile as of 2026-11-24, most in need first:"
    assert [line.split()[0] for line in lines[2:]] == [
        "urgent",
        "warned",
        "aged",
        "followup",
        "silent",
        "quiet",
        "default",
        "nosession",
    ]
    assert lines[6].split()[4:] == [
        "nothing",
        "logged",
        "since",
        "the",
        "session",
        "(now",
        "day",
        "4)",
        "never",
    ]
