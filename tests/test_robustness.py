"""Nothing lost, nothing leaked: concurrent writers, killed processes, hostile files and text."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, Run, State, invoke, refusal

from tracker.domain.catalog import SYMPTOMS
from tracker.domain.errors import MALFORMED, REFUSED

# Each worker logs one symptom for 50 days through the real CLI, in its own process.
WORKER = """
import sys
from tracker.cli import cli
url, symptom = sys.argv[1], sys.argv[2]
for day in range(1, 51):
    code = cli(["--db", url, "--today", "2026-11-24", "log", f"{symptom}={day % 11}",
                "--date", f"{day} days ago", "--session", "1"], standalone_mode=False)
    assert code in (None, 0), code
"""


@pytest.mark.slow
def test_eight_processes_logging_at_once_all_land(run: Run, db_url: str) -> None:
    assert run("session", "add", "--date", "2026-09-01").exit_code == 0
    symptoms = [s.key for s in SYMPTOMS[:8]]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db_url, symptom], stderr=subprocess.PIPE, text=True
        )
        for symptom in symptoms
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=600)
        assert worker.returncode == 0, errors
        assert "locked" not in errors
    assert len(json.loads(run("history", "--json").stdout)) == 400


def _tracker(db: str, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tracker", "--db", db, "--today", TODAY.isoformat(), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_while_running(process: subprocess.Popen[str], after: float) -> None:
    """Kill the process after some seconds; a process that ended first tested nothing."""
    time.sleep(after)
    assert process.poll() is None, f"ended before the kill: {process.communicate()}"
    process.send_signal(signal.SIGKILL)
    process.wait()


def _timed_run(db: str, *args: str) -> float:
    """Run a command to its end: how long it takes sets when the kills fall."""
    started = time.monotonic()
    process = _tracker(db, *args)
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors
    return time.monotonic() - started


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_an_import_killed_midway_leaves_all_or_nothing(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    rows = 60_000
    big = tmp_path / "big.csv"
    first = dt.date(2010, 1, 1)  # every row valid (none in the future): only the kill stops it
    with big.open("w") as handle:
        handle.write("date,session_id,session_date,kind,day,symptom,severity,note\n")
        for number in range(rows):
            symptom = SYMPTOMS[number % len(SYMPTOMS)].key
            date = first + dt.timedelta(days=number // len(SYMPTOMS))
            handle.write(f"{date},1,{first},ipl,,{symptom},{number % 11},row {number}\n")
    whole = tmp_path / "whole.db"
    shutil.copyfile(db_path, whole)  # timed from the same start as the killed runs: migrated
    duration = _timed_run(str(whole), "import", str(big))
    assert run("session", "list").exit_code == 0
    for share in (0.25, 0.5):
        _kill_while_running(_tracker(str(db_path), "import", str(big)), share * duration)
        count = len(json.loads(run("history", "--json").stdout))
        assert count in (0, rows), count
        assert run("db", "check").exit_code == 0
    # The same file, left to finish, imports whole: the kills above stopped a real import.
    assert _timed_run(str(db_path), "import", str(big), "--on-duplicate", "replace") > 0
    assert len(json.loads(run("history", "--json").stdout)) == rows


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_log_killed_at_any_moment_stores_every_symptom_or_none(run: Run, db_path: Path) -> None:
    assert run("session", "add", "--date", "2026-01-01").exit_code == 0
    pairs = [f"{s.key}={n % 11}" for n, s in enumerate(SYMPTOMS)]
    duration = _timed_run(str(db_path), "log", *pairs, "--date", "2026-02-20")
    chance = random.Random(7)
    for day in range(1, 9):
        process = _tracker(str(db_path), "log", *pairs, "--date", f"2026-02-{day:02d}")
        _kill_while_running(process, chance.uniform(0.1, 0.5) * duration)
    counts: dict[str, int] = {}
    for entry in json.loads(run("history", "--json").stdout):
        counts[entry["date"]] = counts.get(entry["date"], 0) + 1
    assert counts.pop("2026-02-20") == len(SYMPTOMS)
    assert set(counts.values()) <= {len(SYMPTOMS)}
    assert run("db", "check").exit_code == 0


@pytest.mark.sqlite_only
def test_a_corrupted_database_is_refused_and_left_as_it_is(run: Run, db_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-01").exit_code == 0
    for day in range(1, 20):
        assert run("log", "itching=2", "redness=3", "--date", f"2026-11-{day:02d}").exit_code == 0
    data = bytearray(db_path.read_bytes())
    data[4096:8192] = bytes(random.Random(1).randrange(256) for _ in range(4096))
    db_path.write_bytes(bytes(data))
    # Reading and writing are refused; `db check` finds the damage and reports it (exit 1).
    for args, expected in (
        (("history",), refusal(REFUSED)),
        (("log", "itching=1"), refusal(REFUSED)),
        (("db", "check"), (1, None)),
    ):
        result = run(*args)
        assert (result.exit_code, result.kind) == expected, (args, result.output)
        assert "Traceback" not in result.output
        assert len(result.stderr.splitlines()) <= 1 or args[0] == "db"
        assert db_path.read_bytes() == bytes(data)


@pytest.mark.sqlite_only
def test_a_read_only_database_reads_but_refuses_writes(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("session", "add", "--date", "2026-11-01").exit_code == 0
    assert run("log", "itching=2").exit_code == 0
    # Root may write any file, so the tests cannot chmod their way to a read-only file:
    # the program is told it may not write, and SQLite then opens the file read-only.
    monkeypatch.setattr("tracker.storage.sqlite_files.is_writable", lambda path: False)
    before = db_path.read_bytes()
    assert json.loads(run("history", "--json").stdout)[0]["severity"] == 2
    assert run("status").exit_code == 0
    refused = run("log", "itching=5")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {db_path} is read-only, so nothing was saved; reading it still works.\n"
    )
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only
@pytest.mark.new_database  # the mode the first command gives a new file
def test_a_database_others_can_read_is_warned_about(run: Run, db_path: Path) -> None:
    assert run("session", "list").exit_code == 0
    assert (db_path.stat().st_mode & 0o777) == 0o600
    assert run("session", "list").stderr == ""
    db_path.chmod(0o644)
    warned = run("session", "list")
    assert warned.exit_code == 0
    assert "can be read by other users of this computer (mode 644)" in warned.stderr


NASTY = [
    'it\'s "quoted"',
    "'); DROP TABLE entries; --",
    "tab\there, bell\x07, escape \x1b[31mred\x1b[0m",
    "emoji 👍🏽 and accents: é ü ñ 中文",
    "x" * 20_000,
    "$5 cream, \\frac{a}{b} and $x^2$",
    "line one\nline two",
]


def test_text_is_stored_verbatim_and_shown_inert(run: Run, tmp_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-01", "--area", NASTY[2]).exit_code == 0
    for day, note in enumerate(NASTY, start=1):
        assert (
            run("log", "itching=1", "--date", f"2026-11-{day:02d}", "--note", note).exit_code == 0
        )
    stored = [e["note"] for e in json.loads(run("history", "--json").stdout)]
    assert stored == NASTY
    shown = run("history").stdout + run("session", "show", "1").stdout
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b[31mred" in shown
    assert run("report", "-o", str(tmp_path / "r.pdf")).exit_code == 0
    assert run("chart", "-o", str(tmp_path / "c.png")).exit_code == 0
    assert json.loads(run("session", "show", "1", "--json").stdout)["area"] == NASTY[2]


def test_nul_is_refused_everywhere_text_is_typed(run: Run, state: State) -> None:
    assert run("session", "add", "--date", "2026-11-01").exit_code == 0
    before = state()
    for args in (
        ("log", "itching=1", "--note", "a\x00b"),
        ("session", "edit", "1", "--area", "a\x00b"),
        ("care", "add", "other", "--note", "a\x00b"),
        ("profile", "add", "a\x00b"),
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "NUL" in result.stderr or "printable" in result.stderr
    assert state() == before


@pytest.fixture
def common_umask() -> Iterator[None]:
    """The usual umask, under which new files are readable by all: the tracker must not rely
    on a strict one. Restored afterwards, so that later tests see the umask they started with."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.sqlite_only
@pytest.mark.usefixtures("common_umask")
def test_exports_and_backups_are_private(run: Run, tmp_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-01").exit_code == 0
    outputs = {
        "export": tmp_path / "e.json",
        "backup": tmp_path / "b.db",
        "chart": tmp_path / "c.svg",
    }
    assert run("export", "-o", str(outputs["export"])).exit_code == 0
    assert run("db", "backup", str(outputs["backup"])).exit_code == 0
    assert run("log", "itching=1").exit_code == 0
    assert run("chart", "-o", str(outputs["chart"])).exit_code == 0
    for path in outputs.values():
        assert (path.stat().st_mode & 0o777) == 0o600, path


def test_the_cli_never_shows_a_traceback_for_a_bad_database_url(tmp_path: Path) -> None:
    # A server that cannot be reached is refused; a URL that cannot be used as written, malformed.
    for url, kind in (
        ("mysql://x@y/z", REFUSED),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", REFUSED),
        ("sqlite://", MALFORMED),
        ("http://[::1", MALFORMED),
    ):
        result = invoke("--db", url, "session", "list")
        assert (result.exit_code, result.kind) == refusal(kind), (url, result.output)
        assert "Traceback" not in result.output
        assert result.stderr.startswith("Error: "), (url, result.stderr)


@pytest.mark.sqlite_only
@pytest.mark.new_database
def test_a_sqlite_file_of_another_program_is_left_byte_for_byte(run: Run, db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO photos (name) VALUES ('a.jpg')")
    connection.commit()
    connection.close()
    before = db_path.read_bytes()
    for args in (("history",), ("log", "itching=1"), ("db", "upgrade"), ("export",)):
        result = run(*args)
        assert result.exit_code == 1, args
        assert db_path.read_bytes() == before
    assert not Path(f"{db_path}-wal").exists()
