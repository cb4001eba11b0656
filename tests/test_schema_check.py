"""The whole schema is checked: a restored backup or an opened database carrying a trigger,
a view or a changed table is refused naming the difference, and nothing is written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import POSTGRES_URL, Run, State
from sqlalchemy import create_engine, text

from tracker.storage import migrate, schema
from tracker.storage.database import resolve

# Each tampering of a backup, and the words its refusal must hold.
TAMPERED = {
    "trigger": (
        "CREATE TRIGGER wipe AFTER INSERT ON entries "
        "BEGIN DELETE FROM entries WHERE id != NEW.id; END",
        "trigger wipe on entries is not the tracker's",
    ),
    "view": (
        "ALTER TABLE entries RENAME TO old_entries; "
        "CREATE VIEW entries AS SELECT * FROM old_entries",
        "view entries is not the tracker's",
    ),
    "dropped column": ("ALTER TABLE entries DROP COLUMN note", "column entries.note is missing"),
    "extra index": (
        "CREATE INDEX spy ON entries (note)",
        "index spy is not the tracker's",
    ),
    "changed type": (
        "ALTER TABLE care_actions DROP COLUMN note; ALTER TABLE care_actions ADD COLUMN note BLOB",
        "column care_actions.note is BLOB, not TEXT",
    ),
    "dropped table": ("DROP TABLE protocol_overrides", "table protocol_overrides is missing"),
}


def _filled(run: Run) -> None:
    for step in (
        ("session", "add", "--date", "2026-11-20", "--kind", "ipl"),
        ("log", "redness=3", "--date", "2026-11-21", "--note", "first"),
        ("log", "redness=4"),
    ):
        assert run(*step).exit_code == 0, step


def _tamper(path: Path, sql: str) -> None:
    connection = sqlite3.connect(path)
    connection.executescript(sql)
    connection.close()


def test_the_reference_is_what_the_migrations_make(tmp_path: Path) -> None:
    fresh = resolve(str(tmp_path / "fresh.db"))
    assert migrate.migrated_schema(fresh) == schema.reference("sqlite")
    engine = create_engine(fresh.url)
    with engine.connect() as connection:
        assert schema.fingerprint(connection) == schema._references()["fingerprints"]["sqlite"]
        assert schema.check(connection) == []
    engine.dispose()


@pytest.mark.sqlite_only
def test_statistics_gathered_by_analyze_are_the_tracker_schema_still(tmp_path: Path) -> None:
    """ANALYZE (or PRAGMA optimize) adds SQLite's own sqlite_stat1, which describing the
    schema skips: the digest leaves it out too, so such a file is opened (and a day logged)
    without comparing the whole schema, as any other."""
    fresh = resolve(str(tmp_path / "fresh.db"))
    migrate.upgrade(fresh)
    connection = sqlite3.connect(tmp_path / "fresh.db")
    connection.execute("ANALYZE")  # the default profile's row gives it something to count
    connection.commit()
    connection.close()
    engine = create_engine(fresh.url)
    with engine.connect() as connection_:
        assert connection_.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar()
        assert schema.fingerprint(connection_) == schema._references()["fingerprints"]["sqlite"]
    engine.dispose()


@pytest.mark.postgres_only
def test_the_reference_is_what_the_migrations_make_on_postgresql(db_url: str) -> None:
    assert migrate.migrated_schema(resolve(db_url)) == schema.reference("postgresql")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", TAMPERED)
def test_a_tampered_backup_is_refused_and_nothing_is_written(
    run: Run, tmp_path: Path, db_path: Path, name: str
) -> None:
    _filled(run)
    backup = tmp_path / "backup.db"
    assert run("db", "backup", str(backup)).exit_code == 0
    sql, words = TAMPERED[name]
    _tamper(backup, sql)
    before = db_path.read_bytes()
    result = run("db", "restore", str(backup), "--yes")
    assert result.exit_code == 1
    assert words in result.stderr and "nothing was restored" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "tracker.db"]
    # The values logged before are all there, and a new one leaves them be.
    assert run("log", "itching=2").exit_code == 0
    assert "first" in run("history").stdout
    checked = run("--db", str(backup), "db", "check")
    assert checked.exit_code == 1 and f"Problem:  {words}" in checked.stdout


@pytest.mark.sqlite_only
def test_the_reported_restore_then_log_keeps_every_value(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    """The issue's steps: restore -y of a backup with a wiping trigger, check, then log."""
    _filled(run)
    backup = tmp_path / "backup.db"
    assert run("db", "backup", str(backup)).exit_code == 0
    _tamper(backup, TAMPERED["trigger"][0])
    assert run("db", "restore", "-y", str(backup)).exit_code == 1
    assert run("db", "check").exit_code == 0
    assert run("log", "itching=2").exit_code == 0
    assert len(run("history", "--json").stdout.split('"severity"')) == 4  # 3 values


@pytest.mark.sqlite_only
def test_an_older_backup_with_a_trigger_is_refused_before_any_upgrade(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    _filled(run)
    older = resolve(str(tmp_path / "older.db"))
    migrate.upgrade(older, "0003")
    _tamper(tmp_path / "older.db", TAMPERED["trigger"][0])
    kept = (tmp_path / "older.db").read_bytes()
    before = db_path.read_bytes()
    result = run("db", "restore", "--yes", str(tmp_path / "older.db"))
    assert result.exit_code == 1 and "trigger wipe on entries" in result.stderr
    assert db_path.read_bytes() == before and (tmp_path / "older.db").read_bytes() == kept
    # Opened directly, it is refused too, and left at its revision.
    opened = run("--db", str(tmp_path / "older.db"), "history")
    assert opened.exit_code == 1 and "it was left as it is" in opened.stderr
    assert (tmp_path / "older.db").read_bytes() == kept


@pytest.mark.sqlite_only
def test_an_older_clean_backup_is_upgraded_and_restored(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    _filled(run)
    older = resolve(str(tmp_path / "older.db"))
    migrate.upgrade(older, "0003")
    result = run("db", "restore", "--yes", str(tmp_path / "older.db"))
    assert result.exit_code == 0, result.output
    assert "(schema 0003)" in result.stdout
    assert run("db", "check").exit_code == 0


@pytest.mark.sqlite_only
def test_db_check_lists_each_difference(run: Run, db_path: Path) -> None:
    _filled(run)
    _tamper(db_path, f"{TAMPERED['trigger'][0]}; {TAMPERED['extra index'][0]}")
    result = run("db", "check")
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("Problem:")]
    assert problems == [
        "Problem:  index spy is not the tracker's",
        "Problem:  trigger wipe on entries is not the tracker's",
    ]


# Changes both SQLite and PostgreSQL make with the same words.
ON_ANY_DATABASE = {
    "view": ("CREATE VIEW everything AS SELECT * FROM entries", "view everything is not"),
    "extra index": ("CREATE INDEX spy ON entries (note)", "index spy is not the tracker's"),
    "dropped column": ("ALTER TABLE entries DROP COLUMN note", "column entries.note is missing"),
}


@pytest.mark.parametrize("name", ON_ANY_DATABASE)
def test_opening_a_changed_database_is_refused_naming_it(
    run: Run, db_url: str, state: State, name: str
) -> None:
    _filled(run)
    sql, words = ON_ANY_DATABASE[name]
    engine = create_engine(db_url if POSTGRES_URL else f"sqlite:///{db_url}")
    with engine.begin() as connection:
        connection.execute(text(sql))
    engine.dispose()
    before = state()
    for command in (("log", "itching=2"), ("history",), ("export",)):
        result = run(*command)
        assert result.exit_code == 1, command
        assert words in result.stderr and "it was left as it is" in result.stderr
    assert state() == before
    checked = run("db", "check")
    assert checked.exit_code == 1 and words in checked.stdout


def test_a_long_name_is_cut_in_the_message(run: Run, db_url: str) -> None:
    _filled(run)
    engine = create_engine(db_url if POSTGRES_URL else f"sqlite:///{db_url}")
    with engine.begin() as connection:
        connection.execute(text(f'CREATE VIEW "{"v" * 60}\x1b[2J" AS SELECT 1 AS one'))
    engine.dispose()
    result = run("history")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and len(result.stderr) < 300


@pytest.mark.sqlite_only
def test_a_backup_copied_back_by_hand_is_brought_to_write_ahead_logging(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    """A backup is in rollback-journal mode: copied over the database by hand, a reader
    then waited 30 s behind any writer."""
    _filled(run)
    backup = tmp_path / "backup.db"
    assert run("db", "backup", str(backup)).exit_code == 0
    for leftover in (db_path.with_name("tracker.db-wal"), db_path.with_name("tracker.db-shm")):
        leftover.unlink(missing_ok=True)
    db_path.write_bytes(backup.read_bytes())

    def mode() -> str:
        connection = sqlite3.connect(db_path)
        try:
            return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
        finally:
            connection.close()

    assert mode() == "delete"
    assert run("status").exit_code == 0
    assert mode() == "wal"
