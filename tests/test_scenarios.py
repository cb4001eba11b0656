"""The clinical scenarios of tests/scenarios/ (issue 22), through the domain and the CLI.

Each file is a timeline: a treatment kind, the values logged by day, and on given days the
level and rule expected of a symptom's one active flag ("none": no active flag), key words
of its text, and words Status must (or must not) say. Each file names the source that
justifies its expectation.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Run
from scenario_support import FILES, START
from scenario_support import load as _load
from scenario_support import temperatures as _temperatures
from scenario_support import values as _entries

from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import Flag, evaluate
from tracker.domain.records import SessionRecord

LEVELS = ("none", "info", "warning", "urgent")


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def test_the_scenarios_are_there_each_with_a_source_and_expectations() -> None:
    assert len(FILES) >= 38
    for path in FILES:
        scenario = _load(path)
        assert scenario["title"] and scenario["kind"] and scenario["source"], path.name
        assert scenario["expect"], path.name
        for expect in scenario["expect"]:
            assert expect["level"] in LEVELS, path.name


def _check(name: str, expect: dict[str, Any], flags: list[Flag]) -> None:
    """The expectation against the active flags of one day (from the domain or the CLI)."""
    symptom = expect["symptom"]
    active = [f for f in flags if f.active and symptom in ("*", f.symptom)]
    where = f"{name}, day {expect['day']}, {symptom}: {active}"
    if expect["level"] == "none":
        assert not active, where
        return
    (flag,) = active  # one flag per symptom
    assert flag.level == expect["level"], where
    if "rule" in expect:
        assert expect["rule"] in (flag.rule, *flag.also), where
    text = _words(" ".join([flag.message, *flag.reasons, flag.advice]))
    for word in expect.get("words", ()):
        assert _words(word) in text, (word, where)
    for word in expect.get("absent", ()):
        assert _words(word) not in text, (word, where)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_scenario_through_the_domain(path: Path) -> None:
    scenario = _load(path)
    session = SessionRecord(1, START, scenario["kind"])
    expect_for = Expectations(shipped_table()).for_pair
    entries = _entries(scenario)
    measured = _temperatures(scenario)
    for expect in scenario["expect"]:
        as_of = START + dt.timedelta(days=expect["day"])
        flags = evaluate(session, entries, expect_for, as_of, temperatures=measured)
        # Never two active flags for one symptom, on any day.
        symptoms = [f.symptom for f in flags if f.active]
        assert len(symptoms) == len(set(symptoms)), flags
        _check(path.stem, expect, flags)


def _flags_from_json(rows: list[dict[str, Any]]) -> list[Flag]:
    def date(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    return [
        Flag(
            row["session_id"],
            row["symptom"],
            row["kind"],
            row["level"],
            row["first_day"],
            row["last_day"],
            dt.date.fromisoformat(row["first_date"]),
            dt.date.fromisoformat(row["last_date"]),
            row["message"],
            row["advice"],
            date(row["resolved_date"]),
            reasons=tuple(row["reasons"]),
            also=tuple(row["also"]),
            silent_since=row["silent_since"],
        )
        for row in rows
    ]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_scenario_through_the_command_line(run: Run, path: Path) -> None:
    scenario = _load(path)
    last = max([e["day"] for e in scenario["expect"]] + [0])
    today = START + dt.timedelta(days=last)
    added = run(
        "session", "add", "--date", START.isoformat(), "--kind", scenario["kind"], today=START
    )
    assert added.exit_code == 0, added.output
    for log in scenario.get("log", ()):
        day = START + dt.timedelta(days=log["day"])
        pairs = [f"{symptom}={value}" for symptom, value in log.get("values", {}).items()]
        if "temperature" in log:
            pairs.append(f"temperature={log['temperature']}")
        logged = run("log", *pairs, "--date", day.isoformat(), today=day)
        assert logged.exit_code == 0, logged.output
    for expect in scenario["expect"]:
        as_of = (START + dt.timedelta(days=expect["day"])).isoformat()
        result = run("flags", "--json", "--as-of", as_of, today=today)
        assert result.exit_code == 0, result.output
        _check(path.stem, expect, _flags_from_json(json.loads(result.stdout)))
        if "status" in expect or "status_absent" in expect:
            shown = _words(run("status", "--as-of", as_of, today=today).stdout)
            for word in expect.get("status", ()):
                assert _words(word) in shown, (word, path.stem, shown)
            for word in expect.get("status_absent", ()):
                assert _words(word) not in shown, (word, path.stem, shown)


def test_status_json_says_what_status_says(run: Run) -> None:
    run("session", "add", "--date", START.isoformat(), "--kind", "fraxel", today=START)
    day_4 = START + dt.timedelta(days=4)
    run("log", "swelling=8", "redness=3", "--date", day_4.isoformat(), today=day_4)
    later = START + dt.timedelta(days=10)
    found = json.loads(run("status", "--json", today=later).stdout)
    assert (found["day"], found["level"], found["silent_since"]) == (10, "warning", 4)
    assert found["summary"] == (
        "Contact your clinic soon because: Redness (no data since day 4), Swelling (no data "
        "since day 4)."
    )
    assert sorted(f["symptom"] for f in found["flags"]) == ["redness", "swelling"]
    assert {f["silent_since"] for f in found["flags"]} == {4}
    assert {s["symptom"] for s in found["symptoms"]} == {"swelling", "redness"}
    text = _words(run("status", today=later).stdout)
    assert _words(found["summary"]) in text
    assert all(_words(line) in text for line in found["advice"] + found["care"])
    refused = run("status", "--json", "--all-profiles", today=later)
    assert refused.exit_code != 0 and "--json gives one profile" in refused.output
