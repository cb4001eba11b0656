"""`tracker log` through sqlite3 alone (tracker.storage.quick) does what the usual path does.

The same commands run on two copies of one database: once as they run (the quick path
wherever it can be sure), once with the quick path turned away (as for a URL: the usual
SQLAlchemy path, which PostgreSQL always takes). What each command says, its exit code and
every row of every table afterwards must be the same; and every log that succeeded must
have been the quick path's (no SQLAlchemy statement), or the comparison proves nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from conftest import TODAY, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.storage import quick

pytestmark = pytest.mark.sqlite_only  # PostgreSQL always takes the usual path

# A time as stored (changed_at, logged_at): when it ran differs; its form must not.
STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")
STAMPED = {("entry_changes", "changed_at"), ("measurements", "logged_at")}


@contextmanager
def usual_path_only() -> Iterator[None]:
    """The quick path turned away, as it is for a database URL."""
    with mock.patch("tracker.services.quick.quick_file", lambda *_: None):
        yield


@contextmanager
def orm_statements() -> Iterator[list[str]]:
    found: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        found.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in row order; a stored time checked for its form and then
    left out (the two runs happen at different moments)."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        found: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            names = [column[0] for column in cursor.description]
            kept = []
            for row in cursor:
                values = list(row)
                for index, name in enumerate(names):
                    if (table, name) in STAMPED and values[index] is not None:
                        assert STAMP.fullmatch(values[index]), (table, name, values[index])
                        values[index] = "<time>"
                kept.append(tuple(values))
            found[table] = kept
        return found
    finally:
        connection.close()


def tracker(db: Path, *args: str) -> tuple[int, str, str]:
    """Exit code, output and errors (the copy's own path named as DB)."""
    result = invoke("--db", str(db), "--today", TODAY.isoformat(), *args)
    return result.exit_code, result.stdout, result.stderr.replace(str(db), "DB")


@pytest.fixture(scope="module")
def base(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two profiles (one with a skin type, sensitive skin and an expected course of its
    own); four sessions, two of them on one day; a few days logged, a temperature."""
    path = tmp_path_factory.mktemp("quick") / "base.db"
    shutil.copyfile(template_db, path)
    path.chmod(0o600)
    with usual_path_only():
        for args in (
            ("session", "add", "--date", "2026-11-01", "--kind", "laser"),
            ("session", "add", "--date", "2026-11-01", "--kind", "microneedling"),
            ("session", "add", "--date", "2026-11-15", "--kind", "peel-medium"),
            ("log", "redness=6", "itching=2", "--date", "2026-11-16", "--note", "hot"),
            ("log", "redness=4", "--date", "2026-11-20"),
            ("log", "redness=2", "--date", "2026-11-03", "--session", "1"),
            ("log", "redness=5", "--date", "2026-11-03", "--note", "same day, two sessions"),
            ("profile", "add", "other", "--skin-type", "V", "--sensitive-skin"),
            ("--profile", "other", "session", "add", "--date", "2026-11-10", "--kind", "ipl"),
            ("--profile", "other", "protocol", "set", "ipl", "redness", "--max-days", "2"),
            ("--profile", "other", "log", "redness=3", "temp=37.9", "--date", "2026-11-12"),
        ):
            code, out, err = tracker(path, *args)
            assert code == 0, (args, out, err)
    return path


SYMPTOMS = ("redness", "itching", "swelling", "pus", "fever", "crusting")
TEMPERATURES = ("temperature=37.2", "temp=38.4", "temp=101.2F")
NOTES = ("", "after the sun", "ça brûle", "  ")


@st.composite
def log_commands(draw: st.DrawFn) -> list[str]:
    """One `tracker log`: a profile (or one that does not exist), some values (now and then
    one out of range), a temperature, a day (now and then after today or before every
    session), a session named or not, a note."""
    args: list[str] = []
    profile = draw(st.sampled_from(["default", "default", "other", "nobody"]))
    if profile != "default":
        args += ["--profile", profile]
    args.append("log")
    # The values logged already (2, 4, 6) come up often: the same value again, with another
    # note or none, is a correction of the note alone.
    severity = st.one_of(st.sampled_from([2, 4, 6]), st.integers(0, 10))
    values = draw(st.dictionaries(st.sampled_from(SYMPTOMS), severity, max_size=3))
    args += [f"{symptom}={value}" for symptom, value in values.items()]
    if draw(st.integers(0, 9)) == 0:
        args.append(draw(st.sampled_from(["redness=11", "itching=x", "nothing=3"])))
    if draw(st.integers(0, 3)) == 0:
        args.append(draw(st.sampled_from(TEMPERATURES)))
    # Days logged already (8: values with a note, 4: without, 21: in the older of two
    # sessions of one day and in the newer, 0: today) come up often,
    # so that corrections do; -1 is tomorrow, 35 before every session.
    back = draw(st.one_of(st.sampled_from([0, 4, 8, 21]), st.integers(-1, 35)))
    args += ["--date", (TODAY - dt.timedelta(days=back)).isoformat()]
    if draw(st.integers(0, 3)) == 0:
        args += ["--session", str(draw(st.integers(1, 4)))]
    if draw(st.booleans()):
        args += ["--note", draw(st.sampled_from(NOTES))]
    return args


def _copies(base: Path) -> tuple[Path, Path, Callable[[], None]]:
    folder = Path(tempfile.mkdtemp(prefix="quick-log-"))
    copies = []
    for name in ("quick.db", "usual.db"):
        copies.append(folder / name)
        shutil.copyfile(base, folder / name)
        (folder / name).chmod(0o600)
    return copies[0], copies[1], lambda: shutil.rmtree(folder, ignore_errors=True)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commands=st.lists(log_commands(), min_size=1, max_size=4), again=st.booleans())
def test_the_quick_path_leaves_what_the_usual_path_leaves(
    base: Path, commands: list[list[str]], again: bool
) -> None:
    if again:  # the first log once more with another note: a correction of the note alone
        commands = [*commands, [*commands[0], "--note", "said again"]]
    fast, usual, remove = _copies(base)
    try:
        for args in commands:
            with orm_statements() as statements:
                said_fast = tracker(fast, *args)
            with usual_path_only():
                said_usual = tracker(usual, *args)
            assert said_fast == said_usual, args
            if said_fast[0] == 0:  # done by the quick path, or nothing was compared
                assert statements == [], (args, statements)
            assert rows(fast) == rows(usual), args
    finally:
        remove()


def test_a_correction_keeps_what_was_there_on_both_paths(base: Path) -> None:
    """The same day logged again: the value replaced, its note kept unless a new one is
    given, each change kept with what it replaced; the course follows the latest value."""
    fast, usual, remove = _copies(base)
    try:
        steps = (
            ("log", "redness=5", "itching=1", "--date", "2026-11-21", "--note", "first"),
            ("log", "redness=7", "--date", "2026-11-21"),
            ("log", "redness=7", "itching=0", "--date", "2026-11-21", "--note", "second"),
            ("log", "redness=0", "--date", "2026-11-22"),
        )
        for args in steps:
            with orm_statements() as statements:
                said = tracker(fast, *args)
            assert statements == []
            with usual_path_only():
                assert tracker(usual, *args) == said
        assert rows(fast) == rows(usual)
        connection = sqlite3.connect(fast)
        changes = connection.execute(
            'SELECT symptom, "before", before_note, "after", after_note FROM entry_changes '
            "WHERE date = '2026-11-21' ORDER BY id"
        ).fetchall()
        assert changes == [
            ("redness", None, None, 5, "first"),
            ("itching", None, None, 1, "first"),
            ("redness", 5, "first", 7, "first"),
            ("redness", 7, "first", 7, "second"),
            ("itching", 1, "first", 0, "second"),
        ]
        course = connection.execute(
            "SELECT latest, latest_severity, gone, value_count FROM symptom_courses "
            "WHERE session_id = (SELECT id FROM sessions WHERE profile_id = 1 AND number = 3) "
            "AND symptom = 'redness'"
        ).fetchone()
        assert course == ("2026-11-22", 0, "2026-11-22", 4)
        connection.close()
    finally:
        remove()


def test_urgent_advice_is_the_same_on_both_paths(base: Path) -> None:
    fast, usual, remove = _copies(base)
    try:
        for args in (("log", "pus=3"), ("log", "temp=39.1"), ("log", "redness=9", "swelling=8")):
            with orm_statements() as statements:
                said = tracker(fast, *args)
            assert statements == []
            with usual_path_only():
                assert tracker(usual, *args) == said
        assert "URGENT" in said[1] or "urgent" in said[1].lower()
        assert rows(fast) == rows(usual)
    finally:
        remove()


def _orm_ran(db: Path, *args: str) -> tuple[tuple[int, str, str], bool]:
    with orm_statements() as statements:
        said = tracker(db, *args)
    return said, bool(statements)


def test_a_database_url_takes_the_usual_path(base: Path) -> None:
    fast, _, remove = _copies(base)
    try:
        said, orm = _orm_ran(fast, "log", "redness=1")
        assert said[0] == 0 and not orm
        with orm_statements() as statements:
            result = invoke(
                "--db", f"sqlite:///{fast}", "--today", TODAY.isoformat(), "log", "redness=2"
            )
        assert result.exit_code == 0 and statements
    finally:
        remove()


def test_a_restored_backup_in_rollback_journal_mode_goes_back_to_wal(base: Path) -> None:
    fast, usual, remove = _copies(base)
    try:
        for path in (fast, usual):
            connection = sqlite3.connect(path)
            connection.execute("PRAGMA journal_mode = DELETE")
            connection.close()
        said, orm = _orm_ran(fast, "log", "redness=1")
        assert said[0] == 0 and orm  # the usual path turned it back ...
        connection = sqlite3.connect(fast)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        connection.close()
        said, orm = _orm_ran(fast, "log", "redness=2")
        assert said[0] == 0 and not orm  # ... and the next log is quick again
    finally:
        remove()


def test_a_schema_not_the_trackers_is_refused_in_the_usual_words(base: Path) -> None:
    fast, usual, remove = _copies(base)
    try:
        for path in (fast, usual):
            connection = sqlite3.connect(path)
            connection.execute("CREATE INDEX mine ON entries (note)")
            connection.close()
        said, orm = _orm_ran(fast, "log", "redness=1")
        assert orm and said[0] != 0 and "differs from the tracker's own schema" in said[2]
        with usual_path_only():
            assert tracker(usual, "log", "redness=1") == said
        assert rows(fast) == rows(usual)
    finally:
        remove()


def test_an_older_schema_is_upgraded_by_the_usual_path(tmp_path: Path) -> None:
    from tracker.storage import migrate
    from tracker.storage.database import resolve
    from tracker.storage.revisions import REVISIONS

    db = tmp_path / "old.db"
    migrate.upgrade(resolve(str(db)), REVISIONS[-2])
    (code, _, err), orm = _orm_ran(db, "log", "redness=3")
    assert orm and code != 0 and "session" in err  # upgraded, then: no session yet
    assert tracker(db, "session", "add", "--date", "2026-11-20")[0] == 0
    said, orm = _orm_ran(db, "log", "redness=3")
    assert said[0] == 0 and not orm


def test_a_stored_value_it_cannot_read_as_the_orm_does_is_left_to_the_usual_path(
    base: Path,
) -> None:
    """A session date SQLite holds but is no ISO date (a hand edit): the quick path does
    not guess; the usual one says what it says, and the same on both copies."""
    fast, usual, remove = _copies(base)
    try:
        for path in (fast, usual):
            connection = sqlite3.connect(path)
            with connection:
                connection.execute("UPDATE sessions SET date = '2026-11-15x' WHERE id = 2")
            connection.close()
        said, orm = _orm_ran(fast, "log", "redness=1")
        assert orm
        with usual_path_only():
            assert tracker(usual, "log", "redness=1") == said
        assert rows(fast) == rows(usual)
    finally:
        remove()


def test_a_locked_database_is_said_once_not_waited_for_twice(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program keeps the write lock: the quick path says so in the usual path's
    words, without handing over to it (which would wait the busy timeout again)."""
    fast, usual, remove = _copies(base)
    monkeypatch.setattr("tracker.storage.sqlite_files.BUSY_TIMEOUT_SECONDS", 0.3)
    monkeypatch.setattr("tracker.storage.database.BUSY_TIMEOUT_SECONDS", 0.3)
    holders = [sqlite3.connect(path, isolation_level=None) for path in (fast, usual)]
    try:
        for holder in holders:
            holder.execute("BEGIN IMMEDIATE")
        said, orm = _orm_ran(fast, "log", "redness=1")
        assert not orm  # the usual path was not tried
        assert said == (1, "", "Error: DB is busy in another program; try again in a moment.\n")
        with usual_path_only():
            assert tracker(usual, "log", "redness=1") == said
    finally:
        for holder in holders:
            holder.close()
        remove()


def test_the_quick_path_reads_each_row_once(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinned, as tests/test_query_counts.py pins the usual path's: the schema check, the
    profile, the latest session, the day's values, the UPDATE, INSERTs of values and
    changes, the courses (DELETE, INSERT), whatever the number of symptoms."""
    fast, _, remove = _copies(base)
    statements: list[str] = []

    def traced(path: Path) -> sqlite3.Connection:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(quick, "connect", traced)
    try:
        counts = []
        for args in (
            ("log", "redness=3", "--date", "2026-11-21"),
            ("log", "redness=4", "itching=2", "swelling=1", "--date", "2026-11-21"),
        ):
            statements.clear()
            assert tracker(fast, *args)[0] == 0
            own = [s for s in statements if not s.startswith(("PRAGMA", "BEGIN", "COMMIT"))]
            counts.append(len(own))
            # One transaction, which takes the write lock up front.
            assert [s for s in statements if s.startswith(("BEGIN", "COMMIT"))] == [
                "BEGIN IMMEDIATE",
                "COMMIT",
            ]
        # version, schema, profile, latest session, the day, INSERT values, INSERT changes,
        # DELETE + INSERT courses, the upsert that marks the clinic's kept triage line stale;
        # the second adds the UPDATE of the value it replaced.
        assert counts == [10, 11], statements
    finally:
        remove()


def test_log_on_an_sqlite_file_imports_no_sqlalchemy(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    setup = [sys.executable, "-m", "tracker", "--db", str(db), "session", "add"]
    assert subprocess.run([*setup, "--date", "yesterday"], capture_output=True).returncode == 0
    probe = (
        "import sys\n"
        "from tracker.cli import cli\n"
        "for args in (['log', 'itching=3'], ['log', 'redness=9', 'temp=38.5']):\n"
        "    try:\n"
        f"        cli(['--db', {str(db)!r}, *args], prog_name='tracker')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, exit.code\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'alembic', 'matplotlib') if m in sys.modules)\n"
        "print(','.join(heavy) or 'none')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "URGENT" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "none"


def test_what_the_quick_store_reads_is_what_the_store_reads(base: Path) -> None:
    """Every read the urgent advice and the choice of session make (the profile's skin,
    its own expected courses, sessions, values, temperatures) is the ORM store's, record
    for record, for each profile: a log's words do not show all of them."""
    from tracker.storage.database import Database, resolve

    fast, _, remove = _copies(base)
    days = [dt.date(2026, 10, 31), dt.date(2026, 11, 1), dt.date(2026, 11, 12), TODAY]
    try:
        for profile in ("default", "other"):
            database = Database(resolve(str(fast)), profile)
            with database.reading() as store, quick.quick_writing(fast, profile) as mine:
                numbers = [r.id for r in store.sessions()]
                assert mine.profile() == store.profile()
                assert mine.overrides() == store.overrides()
                assert mine.overrides("ipl") == store.overrides("ipl")
                assert mine.first_session() == store.first_session()
                for day in days:
                    assert mine.latest_session_on_or_before(
                        day
                    ) == store.latest_session_on_or_before(day)
                for number in numbers:
                    assert mine.session(number) == store.session(number)
                asked = [*numbers, 99]
                for day in days:
                    assert mine.latest_runs(asked, day) == store.latest_runs(asked, day)
                assert mine.temperatures_for_sessions(asked) == store.temperatures_for_sessions(
                    asked
                )
            database.dispose()
    finally:
        remove()


def test_a_file_others_can_read_is_warned_about_once(base: Path) -> None:
    fast, usual, remove = _copies(base)
    try:
        for path in (fast, usual):
            path.chmod(0o644)
        for args in (("log", "redness=1"), ("log", "redness=1", "--date", "2026-10-01")):
            said, orm = _orm_ran(fast, *args)  # done quickly; refused by the usual path
            with usual_path_only():
                assert tracker(usual, *args) == said
            assert said[2].count("can be read by other users") == 1
            assert orm == (said[0] != 0)
    finally:
        remove()
