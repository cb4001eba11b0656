"""Session numbers count each profile's own sessions (1, 2, 3 ...), everywhere a session
number is shown or typed; a session is named by kind, date and area where several could be
meant (flags, status, reminders)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, Run
from icalendar import Calendar
from web_support import Browser


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


@pytest.fixture
def two_people(run: Run) -> Run:
    """Ann (the default profile) has two sessions; Bob, added later, has his own two."""
    _ok(run, "session", "add", "--date", "2026-11-10", "--kind", "laser", "--area", "face")
    _ok(run, "session", "add", "--date", "2026-11-12", "--kind", "ipl", "--area", "hands")
    _ok(run, "profile", "add", "bob")
    assert "Added session 1 " in _ok(
        run,
        "--profile",
        "bob",
        "session",
        "add",
        "--date",
        "2026-11-14",
        "--kind",
        "peel-superficial",
        "--area",
        "neck",
    )
    assert "Added session 2 " in _ok(
        run,
        "--profile",
        "bob",
        "session",
        "add",
        "--date",
        "2026-11-20",
        "--kind",
        "laser",
        "--area",
        "chin",
    )
    return run


def test_each_profile_counts_its_own_sessions_in_list_show_and_json(two_people: Run) -> None:
    run = two_people
    listed = json.loads(_ok(run, "--profile", "bob", "session", "list", "--json"))
    assert [(s["id"], s["kind"]) for s in listed] == [
        (1, "peel-superficial"),
        (2, "laser-rejuvenation"),
    ]
    assert json.loads(_ok(run, "--profile", "bob", "session", "show", "1", "--json"))["area"] == (
        "neck"
    )
    assert json.loads(_ok(run, "session", "show", "1", "--json"))["area"] == "face"
    refused = run("--profile", "bob", "session", "show", "3")
    assert refused.exit_code == 1 and "There is no session 3" in refused.stderr


def test_session_n_logs_to_the_profiles_own_session_and_history_says_its_number(
    two_people: Run,
) -> None:
    run = two_people
    said = _ok(
        run, "--profile", "bob", "log", "redness=4", "--session", "1", "--date", "2026-11-15"
    )
    assert "after session 1 " in said
    _ok(run, "log", "itching=2", "--session", "1", "--date", "2026-11-15")
    bobs = json.loads(_ok(run, "--profile", "bob", "history", "--json"))
    anns = json.loads(_ok(run, "history", "--json"))
    assert [(e["session_id"], e["symptom"], e["severity"]) for e in bobs] == [(1, "redness", 4)]
    assert [(e["session_id"], e["symptom"], e["severity"]) for e in anns] == [(1, "itching", 2)]
    assert "Session 1 · peel-superficial · 2026-11-14" in _ok(run, "--profile", "bob", "history")


def test_exports_carry_the_profiles_numbers_and_import_back_unchanged(
    two_people: Run, tmp_path: Path
) -> None:
    run = two_people
    _ok(run, "--profile", "bob", "log", "redness=4", "--session", "2", "--date", "2026-11-21")
    exported = _ok(run, "--profile", "bob", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["session_id"], r["kind"], r["symptom"]) for r in rows] == [
        ("2", "laser-rejuvenation", "redness")
    ]
    target = tmp_path / "bob.json"
    _ok(run, "--profile", "bob", "export", "--format", "json", "-o", str(target))
    _ok(run, "profile", "add", "carl")
    _ok(run, "--profile", "carl", "import", str(target))
    carls = json.loads(_ok(run, "--profile", "carl", "session", "list", "--json"))
    assert [(s["id"], s["date"], s["area"]) for s in carls] == [
        (1, "2026-11-14", "neck"),
        (2, "2026-11-20", "chin"),
    ]
    values = json.loads(_ok(run, "--profile", "carl", "history", "--json"))
    assert [(v["session_id"], v["date"], v["severity"]) for v in values] == [(2, "2026-11-21", 4)]


@pytest.fixture
def bobs_web(two_people: Run, db_url: str) -> Iterator[Browser]:
    browser = Browser(db_url, TODAY, profile="bob")
    assert browser.sign_in().status_code == 303
    yield browser
    browser.close()


def test_the_web_takes_and_shows_the_profiles_own_numbers(
    two_people: Run, bobs_web: Browser
) -> None:
    run = two_people
    _ok(run, "--profile", "bob", "log", "redness=4", "--session", "1", "--date", "2026-11-15")
    history = bobs_web.get("/history?session=1")
    assert history.status_code == 200
    assert "Session 1: superficial chemical peel" in history.text
    assert (
        "<h2>Session 1: superficial chemical peel (glycolic, salicylic) on 2026-11-14 · neck"
        in (history.text)
    )
    assert '<option value="2">Session 2: laser skin rejuvenation on 2026-11-20' in history.text
    assert bobs_web.get("/history?session=3").status_code == 404


def test_flags_and_status_name_the_session_and_area_when_there_are_several(
    two_people: Run,
) -> None:
    run = two_people
    for day, value in (("2026-11-15", 8), ("2026-11-22", 8), ("2026-11-24", 8)):
        _ok(run, "--profile", "bob", "log", f"redness={value}", "--session", "1", "--date", day)
    flags = _ok(run, "--profile", "bob", "flags")
    assert "Session 1: superficial chemical peel (glycolic, salicylic) on 2026-11-14 · neck" in (
        flags
    )
    assert "(session 1, " not in flags  # said once, with its kind and area
    assert "for example: tracker log SYMPTOM=0 --session 1" in flags
    status = _ok(run, "--profile", "bob", "status")
    assert (
        status.splitlines()[0]
        == "Session 2: laser skin rejuvenation on 2026-11-20 · chin, day 4 on 2026-11-24"
    )
    assert "Still open from earlier sessions:" in status
    assert "Session 1: superficial chemical peel" in status


def test_one_session_alone_is_not_named_on_each_flag(run: Run) -> None:
    _ok(
        run,
        "session",
        "add",
        "--date",
        "2026-11-10",
        "--kind",
        "peel-superficial",
        "--area",
        "neck",
    )
    for day in ("2026-11-11", "2026-11-20", "2026-11-24"):
        _ok(run, "log", "redness=8", "--date", day)
    flags = _ok(run, "flags")
    assert "(session 1, " in flags
    assert "Session 1: superficial" not in flags


def test_reminders_name_the_session_and_area_when_there_are_several(
    two_people: Run, tmp_path: Path
) -> None:
    run = two_people
    _ok(run, "--profile", "bob", "session", "edit", "1", "--follow-up", "2026-11-28")
    target = tmp_path / "bob.ics"
    _ok(run, "--profile", "bob", "remind", "--session", "1", "-o", str(target), "--tz", "UTC")
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    daily, visit = events
    heading = "Session 1: superficial chemical peel (glycolic, salicylic) on 2026-11-14 · neck"
    assert str(daily["SUMMARY"]) == f"Log today's symptoms ({heading})"
    assert "session of 2026-11-14 · neck is day 0." in str(daily["DESCRIPTION"]).replace("\n", " ")
    assert str(visit["SUMMARY"]).endswith("session of 2026-11-14 · neck)")
    assert [str(a["DESCRIPTION"]) for a in daily.walk("VALARM")] == [str(daily["SUMMARY"])]
    assert "-session-1-daily@" in str(daily["UID"])
