"""A database on a disk that is full, for real: a small tmpfs, filled to the last byte.

SQLite reads a write-ahead-logged database through an index beside it (the -shm file, 32
KiB) that it cannot create on a full disk: reads failed ("disk I/O error"). Now reads work,
writes change nothing and say so in one line (the command line exits 1, the web page
answers with a page that says it), and a database whose -wal still holds changes (which
the file alone would not show) is refused in that same line rather than shown older.

These tests mount a file system (root in a container, as CI's is); where that is not
allowed they skip, saying so. What they prove: SQLite's behaviour when the file system
answers ENOSPC for a new file's first byte, as a full disk does. What they do not: other
file systems' ways of being full (quotas answer EDQUOT, network shares other errors).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from conftest import TODAY, invoke
from web_support import Browser

from tracker.domain.words import Words

pytestmark = pytest.mark.sqlite_only
SIZE_KIB = 400


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 400 KiB file system of our own."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_KIB}k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Every free byte taken by one file; returns it (remove it to make room again)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
    return filler


def tracker(db: Path, *args: str) -> Result:
    return invoke("--db", str(db), "--today", TODAY.isoformat(), *args)


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def full_disk_line(db: Path) -> str:
    return "Error: " + Words.DISK_FULL.format(path=db) + "\n"


@pytest.fixture
def logged(disk: Path) -> Path:
    db = disk / "tracker.db"
    assert tracker(db, "session", "add", "--date", "2026-11-14", "--kind", "laser").exit_code == 0
    assert tracker(db, "log", "itching=3", "redness=5", "--note", "after the sun").exit_code == 0
    assert sorted(os.listdir(disk)) == ["tracker.db"]  # no -wal, no -shm: all in the file
    return db


def test_reads_work_on_a_full_disk_and_writes_change_nothing_in_one_line(
    disk: Path, logged: Path, tmp_path: Path
) -> None:
    fill(disk)
    before = digest(logged)
    status = tracker(logged, "status")
    assert status.exit_code == 0, status.output
    assert "Session 1" in status.output
    history = tracker(logged, "history")
    assert history.exit_code == 0 and "after the sun" in history.output
    exported = tracker(logged, "export", "-o", str(tmp_path / "out.json"))  # to another disk
    assert exported.exit_code == 0, exported.output
    assert '"severity": 5' in (tmp_path / "out.json").read_text()
    for write in (
        ("log", "redness=2"),
        ("session", "add", "--date", "2026-11-20", "--kind", "ipl"),
        ("care", "add", "ice-pack"),
    ):
        refused = tracker(logged, *write)
        assert refused.exit_code == 1, (write, refused.output)
        assert refused.stderr == full_disk_line(logged), write
    assert digest(logged) == before
    again = tracker(logged, "history")
    assert "redness" in again.output and "2/10" not in again.output


def test_once_there_is_room_again_writes_work(disk: Path, logged: Path) -> None:
    filler = fill(disk)
    assert tracker(logged, "log", "redness=2").exit_code == 1
    filler.unlink()
    assert tracker(logged, "log", "redness=2").exit_code == 0
    assert "redness" in tracker(logged, "history").output


def _changes_left_in_the_wal(db: Path) -> None:
    """A value committed to the -wal by a process that then died (no checkpoint, the
    -wal kept); its -shm gone too (copied by hand, or another machine's)."""
    script = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1]); c.isolation_level = None\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"UPDATE entries SET severity = 9 WHERE symptom = 'redness'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db)], check=True)
    (db.parent / (db.name + "-shm")).unlink()
    assert (db.parent / (db.name + "-wal")).stat().st_size > 0


def test_a_full_disk_whose_wal_holds_changes_is_refused_never_shown_older(
    disk: Path, logged: Path
) -> None:
    _changes_left_in_the_wal(logged)
    fill(disk)
    before = digest(logged)
    for read in (("status",), ("history",)):
        refused = tracker(logged, *read)
        assert refused.exit_code == 1, refused.output
        assert refused.stderr == full_disk_line(logged)
    assert digest(logged) == before


def test_the_web_page_reads_on_a_full_disk_and_a_write_says_the_disk_is_full(
    disk: Path, logged: Path
) -> None:
    fill(disk)
    before = digest(logged)
    web = Browser(str(logged), TODAY)
    try:
        assert web.sign_in().status_code == 303
        for page in ("/", "/status", "/history", "/sessions"):
            assert web.get(page).status_code == 200, page
        assert "after the sun" in web.get("/history").text
        for path, form in (
            ("/checkin", {"date": TODAY.isoformat(), "value-itching": "1"}),
            ("/sessions", {"date": "2026-11-20", "kind": "ipl"}),
            ("/sessions/1/delete", {"confirm": "yes"}),
        ):
            answer = web.post(path, form)
            assert answer.status_code == 507, (path, answer.status_code)
            assert "The disk holding" in answer.text and "is full" in answer.text, path
            assert "nothing was saved or changed" in answer.text
        assert digest(logged) == before
        (disk / "filler").unlink()
        saved = web.post("/checkin", {"date": TODAY.isoformat(), "value-itching": "1"})
        assert saved.status_code == 303  # room again: the server writes again, unrestarted
    finally:
        web.close()
