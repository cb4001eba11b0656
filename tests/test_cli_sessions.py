from __future__ import annotations

import json

from conftest import Run, State


def test_add_prints_the_new_id_and_json_has_the_agreed_shape(run: Run) -> None:
    result = run(
        "session",
        "add",
        "--date",
        "2026-11-20",
        "--kind",
        "IPL",
        "--area",
        "face",
        "--clinic",
        "Skin & Co",
        "--notes",
        "fluence 14",
        "--follow-up",
        "+7",
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Added session 1 (ipl on 2026-11-20, face)."
    shown = json.loads(run("session", "show", "1", "--json").stdout)
    assert shown == {
        "id": 1,
        "date": "2026-11-20",
        "kind": "ipl",
        "area": "face",
        "clinic": "Skin & Co",
        "notes": "fluence 14",
        "follow_up": "2026-12-01",
    }


def test_list_is_readable_and_json(run: Run, session_id: int) -> None:
    assert run("log", "itching=2").exit_code == 0
    result = run("session", "list")
    assert result.stdout.splitlines() == [
        "id  date        kind                area  follow-up  entries  day today",
        " 1  2026-11-14  laser-rejuvenation                         1         10",
    ]
    assert [s["id"] for s in json.loads(run("session", "list", "--json").stdout)] == [1]


def test_list_when_empty_says_how_to_start(run: Run) -> None:
    assert "No sessions yet" in run("session", "list").stdout
    assert json.loads(run("session", "list", "--json").stdout) == []


def test_show_in_words(run: Run, session_id: int) -> None:
    result = run("session", "show", str(session_id))
    assert result.exit_code == 0
    assert "  date:      2026-11-14 (day 10 today)" in result.stdout
    assert "  kind:      laser-rejuvenation (Laser skin rejuvenation)" in result.stdout


def test_edit_changes_only_what_is_given_and_empty_text_clears(run: Run, session_id: int) -> None:
    assert run("session", "edit", "1", "--area", "neck", "--clinic", "A").exit_code == 0
    assert run("session", "edit", "1", "--clinic", "").exit_code == 0
    shown = json.loads(run("session", "show", "1", "--json").stdout)
    assert (shown["area"], shown["clinic"], shown["kind"]) == ("neck", None, "laser-rejuvenation")


def test_edit_refuses_to_move_the_date_after_its_entries(
    run: Run, state: State, session_id: int
) -> None:
    assert run("log", "itching=2", "--date", "2026-11-15").exit_code == 0
    before = state()
    result = run("session", "edit", "1", "--date", "2026-11-16")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Session 1 has entries from 2026-11-15; its date cannot move after that.\n"
    )
    assert state() == before


def test_edit_with_nothing_to_change_is_malformed(run: Run, session_id: int) -> None:
    result = run("session", "edit", "1")
    assert result.exit_code == 2
    assert "Nothing to change" in result.stderr


def test_follow_up_before_the_session_is_refused(run: Run) -> None:
    result = run("session", "add", "--date", "2026-11-20", "--follow-up", "2026-11-19")
    assert result.exit_code == 1
    assert "cannot be before the session" in result.stderr
    assert json.loads(run("session", "list", "--json").stdout) == []


def test_delete_asks_first_and_says_how_many_entries_go(run: Run, session_id: int) -> None:
    assert run("log", "itching=2", "redness=4").exit_code == 0
    kept = run("session", "delete", "1", input="n\n")
    assert kept.exit_code == 1
    assert (
        "Delete session 1 (laser-rejuvenation on 2026-11-14) with its 2 logged values? [y/N]"
        in (kept.stdout)
    )
    assert len(json.loads(run("session", "list", "--json").stdout)) == 1
    gone = run("session", "delete", "1", input="y\n")
    assert gone.exit_code == 0
    assert (
        "Deleted session 1 (laser-rejuvenation on 2026-11-14) with its 2 logged values."
        in gone.stdout
    )
    assert json.loads(run("history", "--json").stdout) == []


def test_delete_with_yes_does_not_ask(run: Run, session_id: int) -> None:
    result = run("session", "delete", "1", "--yes")
    assert result.exit_code == 0
    assert "?" not in result.stdout


def test_unknown_session_is_a_refusal(run: Run) -> None:
    for args in (
        ("session", "show", "7"),
        ("session", "delete", "7", "--yes"),
        ("session", "edit", "7", "--area", "x"),
    ):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr == "Error: There is no session 7. Run: tracker session list\n"


def test_malformed_arguments_exit_2_with_one_line(run: Run) -> None:
    for args in (
        ("session", "add", "--kind", "botox"),
        ("session", "add", "--date", "soon"),
        ("session", "show", "abc"),
        ("session", "show", "0"),
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("Error: ")


def test_delete_yes_says_the_photos_and_care_that_went_with_it(
    run: Run, session_id: int, tmp_path: object
) -> None:
    from pathlib import Path

    from photo_support import phone_jpeg

    source = Path(str(tmp_path)) / "a.jpg"
    source.write_bytes(phone_jpeg())
    assert run("log", "itching=2", "--date", "2026-11-20").exit_code == 0
    assert run("photo", "add", str(source), "--date", "2026-11-20").exit_code == 0
    assert run("photo", "add", str(source), "--date", "2026-11-21").exit_code == 0
    assert run("care", "add", "ice-pack", "--date", "2026-11-20").exit_code == 0
    gone = run("session", "delete", "1", "--yes")
    assert gone.exit_code == 0, gone.output
    assert gone.stdout == (
        "Deleted session 1 (laser-rejuvenation on 2026-11-14) with its 1 logged value, "
        "its 2 photos and its 1 care entry.\n"
    )
    assert json.loads(run("photo", "list", "--removed", "--json").stdout) == []
