"""No write destroys data: the database, existing files, devices and FIFOs are safe."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, Run, State

from tracker.cli import DEFECT, cli
from tracker.services import backups
from tracker.storage.database import resolve


def _logged(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-14", "--kind", "laser").exit_code == 0
    assert run("log", "itching=3", "redness=5", "--note", "first day").exit_code == 0


def _beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.sqlite_only
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_no_command_writes_over_the_database_in_use(
    run: Run, state: State, db_path: Path, suffix: str
) -> None:
    _logged(run)
    before = state()
    target = str(db_path) + suffix
    for args in (
        ("export", "--session", "1", "-o", target),
        ("export", "--session", "1", "-o", target, "--force"),
        ("chart", "-o", target, "--force"),
        ("report", "-o", target, "--force"),
        ("db", "backup", target, "--force"),
    ):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "is the database in use" in result.stderr, args
    assert state() == before
    assert not [n for n in _beside(db_path.parent) if n.endswith(".partial")]


@pytest.mark.sqlite_only
def test_a_link_or_relative_path_to_the_database_is_refused_too(
    run: Run, state: State, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _logged(run)
    before = state()
    link = tmp_path / "innocent.json"
    link.symlink_to(db_path)
    monkeypatch.chdir(tmp_path)
    for target in (str(link), db_path.name, f"./{db_path.name}"):
        result = run("export", "-o", target, "--force")
        assert result.exit_code == 1 and "database in use" in result.stderr, target
    assert state() == before


def test_the_default_database_is_refused_as_an_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TRACKER_DB", raising=False)
    runner = CliRunner()
    today = ["--today", TODAY.isoformat()]
    assert runner.invoke(cli, [*today, "session", "add", "--date", "2026-11-14"]).exit_code == 0
    default = tmp_path / "config" / "tracker" / "tracker.db"
    before = default.read_bytes()
    result = runner.invoke(cli, [*today, "export", "-o", str(default), "--force"])
    assert result.exit_code == 1 and "database in use" in result.stderr
    assert default.read_bytes() == before


@pytest.mark.sqlite_only
def test_existing_files_are_replaced_only_with_force(run: Run, tmp_path: Path) -> None:
    _logged(run)
    os.umask(0o022)
    for args, name in (
        (("export",), "out.json"),
        (("export", "--format", "csv"), "out.csv"),
        (("chart",), "out.png"),
        (("report",), "out.pdf"),
        (("remind", "--tz", "UTC"), "out.ics"),
        (("db", "backup"), "out.db"),
    ):
        target = tmp_path / name
        target.write_bytes(b"precious")
        target.chmod(0o644)
        command = [*args, str(target)] if args[0] == "db" else [*args, "-o", str(target)]
        refused = run(*command)
        assert refused.exit_code == 1, (args, refused.output)
        assert refused.stderr == f"Error: {target} already exists. Add --force to replace it.\n"
        assert target.read_bytes() == b"precious"
        forced = run(*command, "--force")
        assert forced.exit_code == 0, (args, forced.output)
        assert target.read_bytes() != b"precious"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not [n for n in _beside(tmp_path) if n.endswith(".partial")]


@pytest.mark.sqlite_only
def test_a_refused_csv_export_writes_neither_file(run: Run, tmp_path: Path) -> None:
    _logged(run)
    care = tmp_path / "values-care.csv"
    care.write_text("mine")
    result = run("export", "--format", "csv", "-o", str(tmp_path / "values.csv"))
    assert result.exit_code == 1 and "values-care.csv already exists" in result.stderr
    assert _beside(tmp_path) == sorted(["tracker.db", "values-care.csv"])
    assert care.read_text() == "mine"


def test_dash_writes_to_standard_output(run: Run) -> None:
    _logged(run)
    exported = run("export", "-o", "-")
    assert exported.exit_code == 0
    assert json.loads(exported.stdout)["sessions"][0]["kind"] == "laser-rejuvenation"
    assert exported.stderr == ""
    chart = run("chart", "-o", "-")
    assert chart.exit_code == 0, chart.stderr
    assert chart.stdout_bytes.startswith(b"\x89PNG\r\n")
    assert chart.stderr == "Chart written to standard output\n"
    report = run("report", "-o", "-")
    assert report.exit_code == 0, report.stderr
    assert report.stdout_bytes.startswith(b"%PDF-")


@pytest.mark.sqlite_only
def test_a_fifo_is_written_to_not_replaced(run: Run, tmp_path: Path) -> None:
    _logged(run)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    result = run("export", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])["format"] == "skin-recovery-tracker"


@pytest.mark.sqlite_only
def test_a_device_is_written_to_not_replaced(run: Run, tmp_path: Path) -> None:
    _logged(run)
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    for args in (("export", "-o", str(device)), ("chart", "-o", str(device))):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert stat.S_ISCHR(device.stat().st_mode)
    assert _beside(tmp_path) == ["null", "tracker.db"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_device_is_one_line(run: Run) -> None:
    _logged(run)
    for args in (("export", "-o", "/dev/full"), ("chart", "-o", "/dev/full")):
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.stderr == "Error: The disk is full: /dev/full was not written.\n"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 200 KiB file system, when this machine lets us mount one (root in a container)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.sqlite_only
def test_a_full_disk_during_export_chart_or_report_is_one_line(
    run: Run, db_path: Path, tiny_disk: Path
) -> None:
    assert run("session", "add", "--date", "2026-11-14", "--kind", "laser").exit_code == 0
    assert run("log", "itching=3", "--note", "x" * 100_000).exit_code == 0
    filler = tiny_disk / "filler"
    with open(filler, "wb") as handle:  # leaves about 8 KiB free
        handle.write(b"\0" * (200 * 1024 - 8 * 1024))
    for args, name in (
        (("export",), "e.json"),
        (("export", "--format", "csv"), "e.csv"),
        (("chart",), "c.png"),
        (("report",), "r.pdf"),
        (("db", "backup"), "b.db"),
    ):
        target = tiny_disk / name
        command = [*args, str(target)] if args[0] == "db" else [*args, "-o", str(target)]
        result = run(*command)
        assert result.exit_code == 1, (args, result.output)
        assert "disk is full" in result.stderr and result.stderr[-1] == "\n", result.stderr
        assert result.stderr.count("\n") == 1
        assert _beside(tiny_disk) == ["filler"]


@pytest.mark.sqlite_only
def test_a_planted_link_or_file_at_a_temporary_name_is_never_used(run: Run, tmp_path: Path) -> None:
    _logged(run)
    victim = tmp_path / "victim.txt"
    victim.write_text("theirs")
    # The names earlier versions used: predictable from the file name and process id.
    (tmp_path / f".out.json.{os.getpid()}.partial").symlink_to(victim)
    planted = tmp_path / f".b.db.{os.getpid()}.partial"
    planted.write_text("planted")
    planted.chmod(0o666)
    assert run("export", "-o", str(tmp_path / "out.json")).exit_code == 0
    assert run("db", "backup", str(tmp_path / "b.db")).exit_code == 0
    assert victim.read_text() == "theirs"
    assert planted.read_text() == "planted"
    assert stat.S_IMODE((tmp_path / "b.db").stat().st_mode) == 0o600
    assert not (tmp_path / "b.db").samefile(planted)


@pytest.mark.sqlite_only
def test_backups_are_in_rollback_journal_mode_and_reading_leaves_nothing(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    _logged(run)
    folder = tmp_path / "backups"
    folder.mkdir()
    backup = folder / "b.db"
    assert run("db", "backup", str(backup)).exit_code == 0
    header = backup.read_bytes()[:20]
    assert (header[18], header[19]) == (1, 1)  # 1, 1: rollback journal; 2, 2: WAL
    assert _beside(folder) == ["b.db"]
    before = backup.read_bytes()
    assert run("db", "restore", str(backup), "--yes").exit_code == 0
    assert _beside(folder) == ["b.db"]
    assert backup.read_bytes() == before
    assert run("--db", str(backup), "history").exit_code == 0
    assert run("--db", str(backup), "db", "check").exit_code == 0
    assert _beside(folder) == ["b.db"]
    assert run("db", "check").exit_code == 0
    assert not [n for n in _beside(tmp_path) if n.endswith(("-wal", "-shm", "-journal"))]


@pytest.mark.sqlite_only
def test_two_restores_in_the_same_second_keep_both_copies(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    _logged(run)
    backup = tmp_path / "b.db"
    assert run("db", "backup", str(backup)).exit_code == 0
    location = resolve(str(db_path))
    now = dt.datetime(2026, 11, 24, 9, 30, 0)
    _, first = backups.restore(location, backup, now)
    _, second = backups.restore(location, backup, now)
    assert first is not None and second is not None and first != second
    assert first.name == "tracker.db.before-restore-20261124-093000"
    assert second.name == "tracker.db.before-restore-20261124-093000-2"


@pytest.mark.sqlite_only
def test_long_file_names(run: Run, tmp_path: Path) -> None:
    _logged(run)
    long_ok = tmp_path / ("b" * 247 + ".db")  # 250 characters: allowed
    result = run("db", "backup", str(long_ok))
    assert result.exit_code == 0, result.output
    assert long_ok.is_file()
    too_long = "x" * 300 + ".json"
    for args in (
        ("export", "-o", str(tmp_path / too_long)),
        ("db", "backup", str(tmp_path / too_long)),
        ("--db", str(tmp_path / too_long), "session", "list"),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "longer than 255 bytes" in result.stderr
        assert result.stderr.count("\n") == 1


INTERRUPTED = """
import sys, time
from pathlib import Path
from tracker.cli import _terminate_as_exit
from tracker.storage.private_files import output_target, private_output
with _terminate_as_exit():
    with private_output(output_target(Path(sys.argv[1]))) as handle:
        handle.write(b"half a report")
        Path(sys.argv[2]).touch()
        time.sleep(60)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_write_leaves_no_file(tmp_path: Path, signum: int) -> None:
    out, ready = tmp_path / "out" / "report.pdf", tmp_path / "ready"
    out.parent.mkdir()
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED, str(out), str(ready)])
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _beside(out.parent) and _beside(out.parent)[0].endswith(".partial")
    child.send_signal(signum)
    code = child.wait(timeout=30)
    assert code == 143 if signum == signal.SIGTERM else code in (1, -signal.SIGINT)
    assert _beside(out.parent) == []


def test_an_unexpected_problem_is_one_line_and_debug_shows_it(
    run: Run, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.services import sessions

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(sessions, "list_sessions", broken)
    result = CliRunner().invoke(cli, ["--db", db_url, "session", "list"])  # not run: it fails
    assert (result.exit_code, result.stdout) == (DEFECT, "")  # 70: never taken for a refusal
    assert result.stderr == (
        "Error: an unexpected problem: ZeroDivisionError: division by zero; nothing was "
        "changed; this is a bug, please report it with --debug output\n"
    )
    with pytest.raises(ZeroDivisionError):
        run("--debug", "session", "list")


def test_sqlite_backups_open_read_only_sources(tmp_path: Path) -> None:
    source = tmp_path / "plain.db"
    connection = sqlite3.connect(source)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    from tracker.storage.sqlite_files import read_only

    before = source.read_bytes()
    with read_only(source) as reader:
        assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
        with pytest.raises(sqlite3.OperationalError):
            reader.execute("INSERT INTO t VALUES (1)")
    assert _beside(tmp_path) == ["plain.db"]
    assert source.read_bytes() == before


def test_dev_stdout_is_standard_output_not_a_file_to_replace(run: Run) -> None:
    _logged(run)
    result = run("export", "--format", "csv", "-o", "/dev/stdout")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("date,session_id,session_date,kind,day,symptom")
    assert "first day" in result.stdout
