from __future__ import annotations

import json
from pathlib import Path

from conftest import TODAY, Run, State

from tracker.domain.catalog import SYMPTOMS_BY_KEY


def _laser_with_lingering_redness(run: Run) -> None:
    # Session on 2026-11-14: today (2026-11-24) is day 10; laser redness is expected gone by day 7.
    assert run("session", "add", "--date", "2026-11-14", "--follow-up", "2026-11-28").exit_code == 0
    for day, (itching, redness) in enumerate([(4, 6), (3, 5), (1, 4), (0, 4), (0, 3)]):
        date = f"2026-11-{14 + day}"
        assert run("log", f"itching={itching}", f"redness={redness}", "--date", date).exit_code == 0
    assert run("log", "redness=3", "--date", "2026-11-23").exit_code == 0
    assert run("log", "redness=3").exit_code == 0


def test_flags_name_the_lingering_symptom_only(run: Run) -> None:
    _laser_with_lingering_redness(run)
    flags = json.loads(run("flags", "--json").stdout)
    assert [(f["symptom"], f["kind"], f["level"]) for f in flags] == [
        ("redness", "persisting", "warning")
    ]
    # Still 3/10 on day 4, not logged on days 5-8: present from day 8, the first day after its
    # course, as far as anyone knows.
    assert flags[0]["first_day"] == 8 and flags[0]["last_day"] == 10
    assert flags[0]["state"] == "active" and flags[0]["resolved_date"] is None
    text = run("flags").stdout
    assert "WARNING  redness persisting (session 1, days 8-10)" in text
    assert "information, not a diagnosis" in text


def test_fail_on_exits_3_at_or_above_the_level(run: Run) -> None:
    _laser_with_lingering_redness(run)
    assert run("flags", "--fail-on", "warning").exit_code == 3
    assert run("flags", "--fail-on", "info").exit_code == 3
    assert run("flags", "--fail-on", "urgent").exit_code == 0
    assert run("flags").exit_code == 0


def test_as_of_judges_an_earlier_day(run: Run) -> None:
    _laser_with_lingering_redness(run)
    # On day 6 redness was inside its course, but not logged since day 4.
    earlier = json.loads(run("flags", "--json", "--as-of", "2026-11-20").stdout)
    assert [(f["symptom"], f["kind"], f["last_date"]) for f in earlier] == [
        ("redness", "missing", "2026-11-20")
    ]
    assert "No flags as of 2026-11-18" in run("flags", "--as-of", "2026-11-18").stdout


def test_all_and_session_choose_sessions(run: Run) -> None:
    _laser_with_lingering_redness(run)
    assert run("session", "add", "--date", "2026-11-24", "--kind", "ipl").exit_code == 0
    assert run("log", "blistering=2", "--session", "2").exit_code == 0
    # The first session's open flag stays listed after a newer session exists.
    latest = json.loads(run("flags", "--json").stdout)
    assert [(f["session_id"], f["kind"]) for f in latest] == [(2, "red-flag"), (1, "persisting")]
    assert json.loads(run("flags", "--all", "--json").stdout) == latest
    text = run("flags").stdout
    assert "tracker log SYMPTOM=0 --session 1" in text
    first = json.loads(run("flags", "--session", "1", "--json").stdout)
    assert [f["session_id"] for f in first] == [1]
    both = run("flags", "--all", "--session", "1")
    assert both.exit_code == 2


def test_status_shows_the_course_flags_follow_up_and_gaps(run: Run) -> None:
    _laser_with_lingering_redness(run)
    lines = run("status").stdout.splitlines()
    assert lines[0] == "Session 1: laser skin rejuvenation on 2026-11-14, day 10 on 2026-11-24"
    assert lines[1] == "Follow-up: 2026-11-28 (in 4 days)"
    shown = " ".join(" ".join(lines).split())
    assert (
        "redness 3/10, day 10 (most people gone by day 3; flagged after day 7): past its "
        "expected course; at this pace, gone around day 23" in shown
    )
    assert "  itching 0/10, day 4 (most people gone by day 3; flagged after day 5): gone" in lines
    assert "Days not logged yet: 2026-11-19, 2026-11-20, 2026-11-21, 2026-11-22." in lines
    assert any("redness persisting" in line for line in lines)


def test_status_without_a_session_is_a_refusal(run: Run) -> None:
    result = run("status")
    assert result.exit_code == 1
    assert "no treatment session" in result.stderr


def test_protocol_lists_and_overrides_change_flags(run: Run, db_path: Path) -> None:
    rows = json.loads(run("protocol", "--kind", "ipl", "--json").stdout)
    redness = next(r for r in rows if r["symptom"] == "redness")
    assert redness == {
        "kind": "ipl",
        "symptom": "redness",
        "typical_days": 1,
        "max_days": 3,
        "basis": "published",
        "source": redness["source"],
        "overridden": False,
        "from_kind": None,
        "onsets": [redness["onsets"][0]],
        "severe_until": None,
        "severe_latest": None,
        "envelope": "starts or rises on days 0-1; most people gone by day 1; flagged after day 3",
        "no_figure": False,
        "adjusted": [],
        "watch": None,
    }
    assert redness["onsets"][0]["first_day"] == 0 and redness["onsets"][0]["last_day"] == 1
    assert {r["symptom"] for r in rows} == {s for s in SYMPTOMS_BY_KEY}
    hives = next(r for r in rows if r["symptom"] == "hives")
    assert (hives["basis"], hives["max_days"]) == ("red-flag", None)
    itching = next(r for r in rows if r["symptom"] == "pain")
    assert (itching["basis"], itching["from_kind"]) == ("inferred", "laser-rejuvenation")
    _laser_with_lingering_redness(run)
    result = run("protocol", "set", "laser", "erythema", "--max-days", "14")
    assert result.exit_code == 0
    assert result.stdout == (
        "redness after laser-rejuvenation: Most people: gone by day 3. Later than day 14 is "
        "unusual: the tracker then flags it.\n"
    )
    assert json.loads(run("flags", "--json").stdout) == []
    listed = json.loads(run("protocol", "--kind", "laser-rejuvenation", "--json").stdout)
    assert next(r for r in listed if r["symptom"] == "redness")["overridden"] is True
    assert "your own setting" in run("protocol", "--kind", "laser-rejuvenation").stdout
    assert run("protocol", "reset", "laser-rejuvenation", "redness").stdout.startswith("Removed 1")
    assert len(json.loads(run("flags", "--json").stdout)) == 1


def test_protocol_set_refusals_change_nothing(run: Run, state: State) -> None:
    assert run("protocol", "--json").exit_code == 0
    before = state()
    bad = run("protocol", "set", "ipl", "redness", "--max-days", "2", "--typical-days", "3")
    assert bad.exit_code == 1
    assert "cannot be longer than the maximum" in bad.stderr
    assert run("protocol", "set", "ipl", "redness", "--max-days", "-1").exit_code == 2
    assert run("protocol", "set", "botox", "redness", "--max-days", "3").exit_code == 2
    assert run("protocol", "set", "ipl", "redness").exit_code == 2
    assert state() == before


def test_checkin_asks_one_symptom_at_a_time_and_saves_all_at_the_end(run: Run) -> None:
    _laser_with_lingering_redness(run)
    assert run("log", "itching=0", "redness=3", "--date", "2026-11-22").exit_code == 0
    # itching: `same` keeps 0; redness: 2; then add swelling=1; then finish.
    result = run("checkin", input="same\n2\nswollen\n1\n\n")
    assert result.exit_code == 0, result.output
    assert "itching (last 0/10 on day 8):" in result.stdout
    # "last" is the latest value, one logged earlier today included.
    assert "redness (already 3/10 for this day):" in result.stdout
    assert (
        "Saved for 2026-11-24: itching 0 (none), redness 2 (mild; replaced 3), swelling 1 (mild)."
        in result.stdout
    )
    today = [e for e in json.loads(run("history", "--json").stdout) if e["date"] == "2026-11-24"]
    assert {e["symptom"]: e["severity"] for e in today} == {
        "itching": 0,
        "redness": 2,
        "swelling": 1,
    }
    assert "Latest values against the expected course:" in result.stdout


def test_checkin_saves_only_what_was_typed_enter_skips_a_symptom(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    assert run("log", "itching=2", "pain=5", "redness=3", "--date", "2026-11-22").exit_code == 0
    # In catalogue order: itching, Enter skips; redness 1; pain, Enter skips.
    result = run("checkin", input="\n1\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Saved for 2026-11-24: redness 1 (mild)." in result.stdout
    today = [e for e in json.loads(run("history", "--json").stdout) if e["date"] == "2026-11-24"]
    assert [(e["symptom"], e["severity"]) for e in today] == [("redness", 1)]
    # Every symptom skipped: nothing is saved, and the command says so.
    nothing = run("checkin", "--date", "2026-11-23", input="\n\n\n\n")
    assert nothing.exit_code == 0, nothing.output
    assert "Nothing typed, so nothing was saved for 2026-11-23." in nothing.stdout
    assert not [e for e in json.loads(run("history", "--json").stdout) if e["date"] == "2026-11-23"]


def test_checkin_never_keeps_a_warning_sign_with_same(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    assert (
        run("log", "redness=8", "blistering=3", "itching=2", "--date", "2026-11-22").exit_code == 0
    )
    # itching: same (2); redness 8 is severe and blisters a red flag: `same` is refused
    # for each, then redness is typed and blisters skipped.
    result = run("checkin", input="same\nsame\n6\nsame\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Error: redness 8/10 is a warning sign: type today's value" in result.stdout
    assert "Error: blistering 3/10 is a warning sign: type today's value" in result.stdout
    today = [e for e in json.loads(run("history", "--json").stdout) if e["date"] == "2026-11-24"]
    assert {e["symptom"]: e["severity"] for e in today} == {"itching": 2, "redness": 6}


def test_checkin_rejects_bad_values_and_asks_again(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-23").exit_code == 0
    result = run("checkin", input="11\n3\nx\n2\n1\n0\n\n")
    assert result.exit_code == 0, result.output
    assert "Error: 11 is out of range: give a whole number from 0 (none) to 10 (worst).\n" in (
        result.stdout
    )
    assert "Error: 'x' is not a number: give a whole number from 0 (none) to 10 (worst).\n" in (
        result.stdout
    )
    entries = json.loads(run("history", "--json").stdout)
    assert [(e["symptom"], e["severity"]) for e in entries] == [
        ("itching", 3),
        ("rash", 0),
        ("redness", 1),
        ("swelling", 2),
    ]


def test_a_first_checkin_asks_what_the_treatment_brings_and_says_what_to_type(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-23", "--kind", "peel-medium").exit_code == 0
    # `same` with nothing to keep asks again; Enter skips (oozing here).
    result = run("checkin", input="same\n1\n0\n2\n0\n3\n4\n\n\n")
    assert result.exit_code == 0, result.output
    prompts = [
        line.split(":")[0].strip() for line in result.stdout.splitlines() if "(0-10)" in line
    ]
    # The usual four, and what a source names after a medium peel, in catalogue order.
    assert prompts == [
        "itching (0-10)",
        "itching (0-10)",
        "swelling (0-10)",
        "redness (0-10)",
        "rash (0-10)",
        "peeling (0-10)",
        "crusting (0-10)",
        "oozing (0-10)",
    ]
    entries = json.loads(run("history", "--json").stdout)
    assert {e["symptom"]: e["severity"] for e in entries} == {
        "itching": 1,
        "swelling": 0,
        "redness": 2,
        "rash": 0,
        "peeling": 3,
        "crusting": 4,
    }
    assert "Error: There is no value to keep: type 0-10, or press Enter to skip." in result.stdout


def test_checkin_cut_short_saves_nothing(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-23").exit_code == 0
    result = run("checkin", input="3\n")
    assert result.exit_code == 1
    assert json.loads(run("history", "--json").stdout) == []


def test_demo_prints_its_flags(run: Run, tmp_path: Path) -> None:
    result = run("demo", str(tmp_path / "demo"))
    assert "WARNING  redness persisting (days 8-12)" in result.stdout
    for faded in ("itching", "swelling", "rash", "peeling"):
        assert f"{faded} " not in result.stdout.split("Flags as of")[1].split("Try next")[0]
    assert str(TODAY) in result.stdout


def test_status_as_of_counts_the_follow_up_from_that_day(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-12", "--follow-up", "2026-11-26").exit_code == 0
    assert run("log", "redness=3", "--date", "2026-11-18").exit_code == 0
    earlier = run("status", "--as-of", "2026-11-18").stdout
    assert "Follow-up: 2026-11-26 (in 8 days as of 2026-11-18)\n" in earlier
    assert "Follow-up: 2026-11-26 (in 2 days)\n" in run("status").stdout


def test_a_date_written_another_way_is_answered_with_its_iso_form(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-12").exit_code == 0
    for typed, meant in (("25/11/2026", "2026-11-25"), ("2026-11-5", "2026-11-05")):
        result = run("log", "redness=3", "--date", typed)
        assert result.exit_code == 2
        assert f"did you mean {meant}?" in result.stderr


def test_checkin_names_every_open_treatment_and_logs_to_the_one_chosen(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-14", "--area", "face").exit_code == 0
    peel = run("session", "add", "--date", "2026-11-21", "--kind", "peel-superficial")
    assert peel.exit_code == 0
    assert run("log", "redness=5", "--session", "1", "--date", "2026-11-20").exit_code == 0
    latest = run("checkin", input="\n\n\n\n\n\n")
    assert "Check-in for 2026-11-24, day 3 after session 2 (peel-superficial on 2026-11-21)." in (
        latest.stdout
    )
    assert (
        "Also open: session 1 (laser-rejuvenation on 2026-11-14, face), day 10: "
        "check in for it with tracker checkin --session 1"
    ) in latest.stdout
    face = run("checkin", "--session", "1", input="3\n\n")
    assert face.exit_code == 0, face.output
    assert "day 10 after session 1 (laser-rejuvenation on 2026-11-14, face)." in face.stdout
    assert "redness (last 5/10 on day 6):" in face.stdout
    entries = json.loads(run("history", "--json").stdout)
    assert [(e["session_id"], e["date"], e["severity"]) for e in entries] == [
        (1, "2026-11-20", 5),
        (1, "2026-11-24", 3),
    ]
