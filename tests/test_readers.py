"""Readers never wait for writers, and a database anyone can only read can be read."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, Run

IMPORT_ROWS = 100_000
SYMPTOMS = ("itching", "swelling", "redness", "rash", "burning", "peeling", "dryness", "pain")


def _big_csv(path: Path) -> None:
    start = TODAY.toordinal() - IMPORT_ROWS // len(SYMPTOMS) - 1
    session = TODAY.fromordinal(start).isoformat()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("date,session_date,kind,symptom,severity\n")
        for number in range(IMPORT_ROWS):
            day = TODAY.fromordinal(start + number // len(SYMPTOMS)).isoformat()
            symptom = SYMPTOMS[number % len(SYMPTOMS)]
            handle.write(f"{day},{session},ipl,{symptom},{number % 11}\n")


def _write_locked(db_path: Path) -> bool:
    probe = sqlite3.connect(db_path, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


@pytest.mark.sqlite_only
def test_history_answers_within_2s_while_an_import_of_100000_rows_writes(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    assert run("session", "add", "--date", "2026-11-01", "--kind", "laser").exit_code == 0
    assert run("log", "itching=4", "--date", "2026-11-02").exit_code == 0
    big = tmp_path / "big.csv"
    _big_csv(big)
    environment = {**os.environ, "TRACKER_TODAY": TODAY.isoformat()}
    importer = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", str(db_path), "import", str(big)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _write_locked(db_path):
            assert importer.poll() is None, importer.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        started = time.monotonic()
        result = run("history", "--symptom", "itching")
        elapsed = time.monotonic() - started
        still_writing = importer.poll() is None
    finally:
        out, err = importer.communicate(timeout=300)
    assert result.exit_code == 0, result.output
    assert "2026-11-02" in result.stdout  # the last committed data, without the import's
    assert elapsed < 2, elapsed
    assert still_writing, "the import ended before history ran: the test proved nothing"
    assert importer.returncode == 0, err
    assert f"Imported {IMPORT_ROWS} values" in out


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A folder nobody can write: a read-only bind mount (root), or mode 0555."""
    source, folder = tmp_path / "source", tmp_path / "read-only"
    source.mkdir()
    folder.mkdir()
    if os.geteuid() != 0:
        yield source, source
        source.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(source), str(folder)], check=False)
    if mounted.returncode != 0:
        pytest.skip("as root a folder is only read-only on a read-only mount; cannot mount")
    try:
        remount = ["mount", "-o", "remount,ro,bind", str(folder)]
        if subprocess.run(remount, check=False).returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield source, folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.sqlite_only
def test_a_wal_database_in_a_read_only_folder_can_be_read(
    run: Run, db_path: Path, read_only_folder: tuple[Path, Path]
) -> None:
    source, folder = read_only_folder
    assert run("session", "add", "--date", "2026-11-01", "--kind", "laser").exit_code == 0
    assert run("log", "itching=4", "--date", "2026-11-02").exit_code == 0
    copy = sqlite3.connect(source / "wal.db")
    reader = sqlite3.connect(db_path)
    reader.backup(copy)
    reader.close()
    assert copy.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    copy.close()
    if folder == source:
        source.chmod(0o555)
    before = sorted(p.name for p in source.iterdir())
    assert before == ["wal.db"]
    for args in (("history",), ("status",), ("export",), ("db", "check")):
        result = run("--db", str(folder / "wal.db"), *args)
        assert result.exit_code == 0, (args, result.output)
    assert "itching" in run("--db", str(folder / "wal.db"), "history").stdout
    refused = run("--db", str(folder / "wal.db"), "log", "redness=2")
    assert refused.exit_code == 1 and "read-only" in refused.stderr
    assert sorted(p.name for p in source.iterdir()) == before
