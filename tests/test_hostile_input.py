"""One line for every bad input; secrets masked; nothing a file holds acts on the terminal."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import Result
from conftest import TODAY, Run, State, invoke, refusal

from tracker.domain.errors import MALFORMED, NOT_FOUND, REFUSED


def _one_line(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    return result.stderr


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return invoke("--today", TODAY.isoformat(), *args, env=env)


def test_huge_numbers_and_ids_are_one_line(run: Run, state: State, session_id: int) -> None:
    before = state()
    digits = "9" * 5000
    _one_line(run("log", f"itching={digits}"), 2)
    _one_line(run("session", "show", str(2**63)), 2)
    _one_line(run("session", "show", digits), 2)
    _one_line(run("log", "itching=1", "--session", str(2**63)), 2)
    _one_line(run("protocol", "set", "laser", "itching", "--max-days", str(2**63)), 2)
    _one_line(run("care", "remove", str(2**63)), 2)
    assert state() == before
    assert run("session", "show", str(2**63 - 1)).exit_code == 1  # in range, but no such session


@pytest.mark.parametrize(
    "date", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01", "999999 days ago"]
)
def test_dates_at_the_calendars_limits_are_one_line(run: Run, state: State, date: str) -> None:
    before = state()
    _one_line(run("session", "add", "--date", date, "--kind", "laser"), 2)
    _one_line(
        run("session", "add", "--date", "2026-11-01", "--kind", "laser", "--follow-up", date), 2
    )
    assert state() == before


def test_json_that_is_too_deep_or_too_long_a_number_is_one_line(
    run: Run, state: State, tmp_path: Path, session_id: int
) -> None:
    before = state()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in _one_line(run("import", str(deep)), 2)
    big = tmp_path / "big.json"
    big.write_text('{"format": "skin-recovery-tracker", "format_version": ' + "1" * 5000 + "}")
    assert "not a valid export" in _one_line(run("import", str(big)), 2)
    csv_file = tmp_path / "big.csv"
    csv_file.write_text(
        "date,session_date,kind,symptom,severity\n"
        f"2026-11-20,2026-11-14,laser,itching,{'7' * 5000}\n"
    )
    _one_line(run("import", str(csv_file)), 2)
    assert state() == before


@pytest.mark.sqlite_only
def test_bad_database_names_are_one_line(tmp_path: Path) -> None:
    assert "home folder" in _one_line(_invoke("--db", "~nosuchuser/x.db", "history"), 2)
    assert "?" not in "".join(p.name for p in tmp_path.iterdir())
    for url in (f"sqlite:///{tmp_path}/x.db?timeout=abc", f"sqlite:///{tmp_path}/x.db?mode=ro"):
        assert "options" in _one_line(_invoke("--db", url, "history"), 2)
    assert list(tmp_path.iterdir()) == []


def test_a_default_database_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    env = {"XDG_CONFIG_HOME": str(blocked / "config"), "HOME": "/nonexistent", "TRACKER_DB": ""}
    message = _one_line(_invoke("history", env=env), 1)
    assert "Cannot create the folder" in message and "--db" in message


def test_passwords_never_show(tmp_path: Path) -> None:
    for url, kind in (
        ("postgresql+psycopg://ann:s3cret-pw@[::1/tracker", MALFORMED),  # cannot be parsed
        ("postgresql+psycopg://ann@127.0.0.1:1/tracker?password=s3cret-pw", REFUSED),
        ("postgresql+psycopg://ann:s3cret-pw@127.0.0.1:1/tracker?sslpassword=s3cret-pw", REFUSED),
    ):
        result = _invoke("--db", url, "history")
        assert (result.exit_code, result.kind) == refusal(kind), result.output
        assert "s3cret-pw" not in result.output, result.output
        assert result.stderr.startswith("Error: ")
        current = _invoke("--db", url, "db", "current")
        assert "s3cret-pw" not in current.output


def test_control_characters_from_files_names_and_profiles_are_shown_inert(
    run: Run, tmp_path: Path
) -> None:
    hostile = "\x1b]0;owned\x07"
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text(
        f"date,session_date,kind,symptom,severity\n{hostile},2026-11-14,laser,itching,1\n"
    )
    for result, expected in (
        (run("import", str(bad_csv)), refusal(MALFORMED)),
        (run("--profile", hostile, "history"), refusal(NOT_FOUND)),  # no such profile
        (run("export", "-o", str(tmp_path / f"{hostile}/x.json")), refusal(REFUSED)),  # no folder
        (
            run("import", str(tmp_path / f"{hostile}.csv")),
            (2, None),
        ),  # no file: click's usage error
    ):
        assert (result.exit_code, result.kind) == expected, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output, result.output
        assert "\\x1b" in result.output


def test_a_50_mb_note_renders_in_the_report_in_under_3_seconds(
    run: Run, tmp_path: Path, session_id: int
) -> None:
    note = "the cream stings " * (50 * 1024 * 1024 // 17)
    data = tmp_path / "note.json"
    document = json.loads(run("export").stdout)
    document["sessions"][0]["entries"] = [
        {"date": "2026-11-15", "symptom": "itching", "severity": 3, "note": note}
    ]
    data.write_text(json.dumps(document))
    assert run("import", str(data), "--on-duplicate", "skip").exit_code == 0
    # CPU time of this process (the report runs in it): other work on a shared machine
    # must not make the test fail, nor hide a slow report.
    started = time.process_time()
    result = run("report", "-o", str(tmp_path / "r.pdf"))
    elapsed = time.process_time() - started
    assert result.exit_code == 0, result.output
    assert elapsed < 3, elapsed
    exported = json.loads(run("export").stdout)
    assert exported["sessions"][0]["entries"][0]["note"] == note
