"""Several people in one database: isolation, triage, and the report's skin details."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Run, State
from pypdf import PdfReader


def _alice(run: Run) -> None:
    assert run("profile", "add", "alice", "--skin-type", "iv", "--sensitive-skin").exit_code == 0
    alice = ("--profile", "alice")
    assert run(*alice, "session", "add", "--date", "2026-11-19", "--kind", "ipl").exit_code == 0
    assert run(*alice, "log", "redness=4", "blistering=1").exit_code == 0
    assert run(*alice, "care", "add", "ice-pack").exit_code == 0
    assert run(*alice, "protocol", "set", "ipl", "redness", "--max-days", "9").exit_code == 0


def test_a_default_profile_exists_from_the_start(run: Run) -> None:
    assert json.loads(run("profile", "list", "--json").stdout) == [
        {"name": "default", "skin_type": None, "sensitive_skin": False}
    ]


def test_a_second_profile_sees_nothing_of_the_first(run: Run, tmp_path: Path) -> None:
    _alice(run)
    assert run("profile", "add", "bob").exit_code == 0
    bob = ("--profile", "bob")
    assert json.loads(run(*bob, "session", "list", "--json").stdout) == []
    assert json.loads(run(*bob, "history", "--json").stdout) == []
    assert json.loads(run(*bob, "care", "list", "--json").stdout) == []
    redness = [
        r
        for r in json.loads(run(*bob, "protocol", "--kind", "ipl", "--json").stdout)
        if r["symptom"] == "redness"
    ]
    assert redness[0]["overridden"] is False
    alice_session = json.loads(run("--profile", "alice", "session", "list", "--json").stdout)[0]
    for args in (
        ("session", "show", str(alice_session["id"])),
        ("session", "delete", str(alice_session["id"]), "--yes"),
        ("log", "itching=1", "--session", str(alice_session["id"])),
        ("history", "--session", str(alice_session["id"])),
    ):
        result = run(*bob, *args)
        assert result.exit_code == 1, args
        assert f"There is no session {alice_session['id']}" in result.stderr
    assert run(*bob, "status").exit_code == 1
    assert json.loads(run(*bob, "flags", "--all", "--json").stdout) == []
    assert json.loads(run(*bob, "export", "--format", "json").stdout)["sessions"] == []
    assert run(*bob, "protocol", "reset").stdout.startswith("Removed 0")
    # Alice's data is all still there.
    assert len(json.loads(run("--profile", "alice", "history", "--json").stdout)) == 2


def test_unknown_profile_is_a_refusal(run: Run) -> None:
    result = run("--profile", "carol", "session", "list")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: There is no profile named 'carol'. Add it with: tracker profile add carol\n"
    )


@pytest.mark.parametrize("typed", ["alise", "Alice", "ALICE "])
def test_a_misspelt_profile_is_answered_with_the_closest_not_an_invitation_to_add_it(
    run: Run, typed: str
) -> None:
    assert run("profile", "add", "alice").exit_code == 0
    result = run("--profile", typed, "log", "itching=2")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: There is no profile named {typed!r}. Did you mean alice? "
        "(tracker profile list shows them all.)\n"
    )
    assert "profile add" not in result.stderr


def test_profile_add_and_edit_refusals(run: Run) -> None:
    assert run("profile", "add", "alice").exit_code == 0
    assert run("profile", "add", "alice").exit_code == 1
    assert run("profile", "add", "x", "--skin-type", "VII").exit_code == 2
    assert run("profile", "add", " ").exit_code == 2
    assert run("profile", "edit", "default", "--name", "me").exit_code == 1
    assert run("profile", "edit", "alice").exit_code == 2
    assert run("profile", "edit", "alice", "--name", "default").exit_code == 1
    assert run("profile", "edit", "zoe", "--skin-type", "II").exit_code == 1
    edited = run(
        "profile", "edit", "alice", "--name", "alicia", "--skin-type", "ii", "--sensitive-skin"
    )
    assert edited.stdout == "Updated profile 'alicia' (Fitzpatrick type II, sensitive skin).\n"


def test_triage_lists_every_profile_urgent_first(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-10").exit_code == 0
    for day, value in ((11, 5), (23, 2)):
        assert run("log", f"redness={value}", "--date", f"2026-11-{day}").exit_code == 0
    _alice(run)
    flags = json.loads(run("flags", "--all-profiles", "--json").stdout)
    # Alice's redness 4 first logged on day 5 after IPL (usually by day 1): a late onset.
    assert sorted((f["profile"], f["symptom"], f["kind"]) for f in flags) == [
        ("alice", "blistering", "red-flag"),
        ("alice", "redness", "late-onset"),
        ("default", "redness", "persisting"),
    ]
    assert flags[0]["kind"] == "red-flag"  # urgent first
    assert run("flags", "--all-profiles", "--fail-on", "urgent").exit_code == 3
    lines = run("status", "--all-profiles").stdout.splitlines()
    assert lines[0] == "Every profile as of 2026-11-24, most in need first:"
    assert lines[2].split() == [
        "alice",
        "ipl",
        "2026-11-19",
        "5",
        "urgent",
        "blistering",
        "red-flag",
        "2026-11-24",
    ]
    assert lines[3].split()[:5] == ["default", "laser-rejuvenation", "2026-11-10", "14", "warning"]
    assert run("flags", "--all-profiles", "--all").exit_code == 2


def test_report_shows_skin_type_and_sensitivity(run: Run, tmp_path: Path) -> None:
    _alice(run)
    path = tmp_path / "alice.pdf"
    assert run("--profile", "alice", "report", "-o", str(path)).exit_code == 0
    text = PdfReader(path).pages[0].extract_text()
    assert "alice" in text
    assert "Patient profile alice" in text
    assert "Fitzpatrick type IV; sensitive skin" in text


def test_a_name_differing_only_in_case_is_taken(run: Run, state: State) -> None:
    assert run("profile", "add", "carl").exit_code == 0
    assert run("profile", "add", "bob").exit_code == 0
    before = state()
    for command in (("profile", "add", "Carl"), ("profile", "edit", "bob", "--name", "CARL")):
        result = run(*command)
        assert result.exit_code == 1, command
        assert "A profile named 'carl' already exists." in result.stderr
    assert state() == before
    assert run("profile", "edit", "carl", "--name", "Carl").exit_code == 0  # its own name
