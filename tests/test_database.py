"""Where the data lives, what the database itself enforces, and files it refuses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import Run
from sqlalchemy import text

from tracker.storage.database import Database, resolve

# About SQLite files themselves; the PostgreSQL run covers the server side elsewhere.
pytestmark = pytest.mark.sqlite_only


def _raw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def test_first_use_creates_a_private_folder_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from tracker.cli import cli

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TRACKER_DB", raising=False)
    result = CliRunner().invoke(cli, ["session", "list"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "config" / "tracker"
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert ((folder / "tracker.db").stat().st_mode & 0o777) == 0o600


def test_tracker_db_variable_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from tracker.cli import cli

    path = tmp_path / "env.db"
    monkeypatch.setenv("TRACKER_DB", str(path))
    assert CliRunner().invoke(cli, ["session", "add", "--date", "2026-11-01"]).exit_code == 0
    assert path.exists()
    url = f"sqlite:///{tmp_path / 'url.db'}"
    monkeypatch.setenv("TRACKER_DB", url)
    assert CliRunner().invoke(cli, ["session", "list"]).exit_code == 0
    assert (tmp_path / "url.db").exists()


def test_a_missing_folder_is_refused_not_created(run: Run, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tracker.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "nope" / "x.db"), "session", "list"])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert not (tmp_path / "nope").exists()


@pytest.mark.parametrize(
    ("session", "date", "severity"),
    [
        (1, "2026-11-02", 11),
        (1, "2026-11-02", -1),
        (1, "2026-11-02", 3.5),
        (1, "2026-11-02", "bad"),
        (1, "2026-11-01", 2),
        (99, "2026-11-02", 2),
    ],
    ids=["above-10", "below-0", "fraction", "text", "duplicate", "no-such-session"],
)
def test_the_database_itself_enforces_the_rules(
    run: Run, db_path: Path, session: int, date: str, severity: object
) -> None:
    assert run("session", "add", "--date", "2026-11-01").exit_code == 0
    assert run("log", "itching=3", "--date", "2026-11-01").exit_code == 0
    conn = _raw(db_path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO entries (session_id, date, symptom, severity) VALUES (?, ?, 'itching', ?)",
            (session, date, severity),
        )
    conn.close()


def test_deleting_a_session_cascades_in_the_database(run: Run, db_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-01").exit_code == 0
    assert run("log", "itching=3", "--date", "2026-11-01").exit_code == 0
    conn = _raw(db_path)
    conn.execute("DELETE FROM sessions")
    conn.commit()
    assert conn.execute("SELECT count(*) FROM entries").fetchone() == (0,)
    conn.close()


def test_a_newer_database_is_refused_and_left_as_it_is(run: Run, db_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-01").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    result = run("session", "list")
    assert result.exit_code == 1
    assert "newer version of the tracker" in result.stderr
    assert "Traceback" not in result.output
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [b"just some text\n", b"SQLite format 3\x00" + b"\x00" * 40],
    ids=["text-file", "truncated-database"],
)
def test_a_file_that_is_not_a_database_is_refused(run: Run, db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    result = run("session", "list")
    assert result.exit_code == 1
    assert "is not a tracker database" in result.stderr
    assert "Traceback" not in result.output
    assert db_path.read_bytes() == content


@pytest.mark.new_database
def test_another_programs_database_is_refused(run: Run, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    result = run("log", "itching=2")
    assert result.exit_code == 1
    assert "not a tracker database" in result.stderr
    assert db_path.read_bytes() == before


def test_foreign_keys_are_on_in_program_connections(tmp_path: Path) -> None:
    db = Database(resolve(str(tmp_path / "fk.db")))
    with db.writing() as store:
        assert store._tx.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()
