"""Text that is not text: bytes that are not UTF-8 on the command line, lone surrogates in
a JSON file. Each is refused in one line naming the field, and nothing changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Run, State

NOT_UTF8 = "\udcff"  # how Python holds the byte 0xFF of a command's arguments


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (("log", "redness=2", "--note", f"caf{NOT_UTF8}"), "--note"),
        (("session", "add", "--date", "2026-11-20", "--area", NOT_UTF8), "--area"),
        (("--profile", NOT_UTF8, "status"), "--profile"),
        (("care", "add", "ice-pack", f"--note={NOT_UTF8}"), "--note"),
        (("log", f"redness{NOT_UTF8}=2"), "'redness\\xff=2'"),
        (("serve", "--host", f"a{NOT_UTF8}"), "--host"),
    ],
)
def test_bytes_that_are_not_utf8_are_refused_naming_the_field(
    run: Run, session_id: int, state: State, arguments: tuple[str, ...], field: str
) -> None:
    before = state()
    result = run(*arguments)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {field}")
    assert "is not valid text (UTF-8)" in result.stderr and "unexpected" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert state() == before


def test_a_real_shell_argument_with_a_bad_byte(tmp_path: Path) -> None:
    database = tmp_path / "t.db"
    command = [sys.executable, "-m", "tracker", "--db", str(database)]
    made = subprocess.run([*command, "session", "add"], capture_output=True, check=False)
    assert made.returncode == 0, made.stderr
    before = database.read_bytes()
    result = subprocess.run(
        [*command, "log", "redness=2", "--note", b"caf\xe9"],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 2
    assert (
        result.stderr
        == b"Error: --note is not valid text (UTF-8): caf\\xe9; nothing was changed.\n"
    )
    assert database.read_bytes() == before


def test_an_environment_variable_with_a_bad_byte(run: Run) -> None:
    os.environ["TRACKER_PROFILE"] = NOT_UTF8
    try:
        result = run("status")
    finally:
        del os.environ["TRACKER_PROFILE"]
    assert result.exit_code == 2
    assert "TRACKER_PROFILE is not valid text (UTF-8)" in result.stderr


def test_a_json_import_with_a_lone_surrogate_is_refused_naming_where(
    run: Run, session_id: int, tmp_path: Path, state: State
) -> None:
    assert run("log", "redness=2", "--note", "fine").exit_code == 0
    document = json.loads(run("export", "--format", "json").stdout)
    document["sessions"][0]["entries"][0]["note"] = "\ud800"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document), encoding="ascii")  # "\ud800" escaped, as sent
    assert "\\ud800" in source.read_text()
    before = state()
    result = run("import", str(source))
    assert result.exit_code == 2
    assert "sessions[0].entries[0].note: not valid text" in result.stderr
    assert state() == before


def test_an_unclosed_quote_in_a_csv_is_named_with_its_line(
    run: Run, session_id: int, tmp_path: Path, state: State
) -> None:
    """It swallowed the rest of the file into one note ("Imported 1 value from 1 row")."""
    source = tmp_path / "values.csv"
    source.write_text(
        "date,session_date,kind,day,symptom,severity,note\n"
        "2026-11-15,2026-11-14,laser-rejuvenation,1,redness,3,fine\n"
        '2026-11-16,2026-11-14,laser-rejuvenation,2,redness,3,"unclosed\n'
        "2026-11-17,2026-11-14,laser-rejuvenation,3,redness,2,ok\n"
    )
    before = state()
    result = run("import", str(source))
    assert result.exit_code == 2
    assert f"{source}:3: a quote" in result.stderr and "never closed" in result.stderr
    assert state() == before
