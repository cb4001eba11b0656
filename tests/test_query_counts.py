"""Commands make a fixed number of queries, however much data the database holds."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from web_support import Browser


@pytest.fixture
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield statements
    event.remove(Engine, "before_cursor_execute", record)


def _patients(run: Run, count: int, days: int) -> None:
    for number in range(count):
        name = f"p{number}"
        assert run("profile", "add", name).exit_code == 0
        assert run("--profile", name, "session", "add", "--date", "2026-11-01").exit_code == 0
        for day in range(1, days + 1):
            date = f"2026-11-{day + 1:02d}"
            logged = run(
                "--profile", name, "log", f"redness={day % 5}", "itching=1", "--date", date
            )
            assert logged.exit_code == 0
        assert run("--profile", name, "care", "add", "ice-pack").exit_code == 0


COMMANDS = [
    ("flags", "--all-profiles", "--json"),
    ("status", "--all-profiles"),
    ("--profile", "p0", "history", "--json"),
    ("--profile", "p0", "status"),
    ("--profile", "p0", "flags", "--all", "--json"),
    ("--profile", "p0", "session", "list", "--json"),
    ("--profile", "p0", "export", "--format", "json"),
]


@pytest.mark.usefixtures("usual_path")
def test_query_counts_do_not_grow_with_the_data(run: Run, count_queries: list[str]) -> None:
    _patients(run, count=2, days=3)
    small = {}
    for command in COMMANDS:
        count_queries.clear()
        assert run(*command).exit_code == 0, command
        small[command] = len(count_queries)
    _patients_more = [("profile", "add", "extra")]
    for args in _patients_more:
        assert run(*args).exit_code == 0
    for number in range(2, 6):
        name = f"p{number}"
        assert run("profile", "add", name).exit_code == 0
        assert run("--profile", name, "session", "add", "--date", "2026-11-01").exit_code == 0
        assert run("--profile", name, "log", "redness=3", "swelling=2").exit_code == 0
    for day in range(5, 15):
        assert (
            run("--profile", "p0", "log", "redness=2", "--date", f"2026-11-{day:02d}").exit_code
            == 0
        )
    for command in COMMANDS:
        count_queries.clear()
        assert run(*command).exit_code == 0, command
        assert len(count_queries) == small[command], command


@pytest.fixture
def usual_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """`tracker log` and `flags --all-profiles` the usual way (SQLAlchemy), as wherever the
    bare driver is unsure; on an SQLite file (and the triage on PostgreSQL) they go through
    the driver alone, whose statements tests/test_quick_log.py and test_quick_triage.py pin."""
    monkeypatch.setattr("tracker.services.quick.quick_file", lambda *_: None)
    monkeypatch.setattr("tracker.services.quick.quick_source", lambda *_: None)


@pytest.mark.usefixtures("usual_path")
def test_logging_several_symptoms_is_a_fixed_number_of_queries(
    run: Run, count_queries: list[str]
) -> None:
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    assert run("log", "itching=1").exit_code == 0
    count_queries.clear()
    assert run("log", "itching=2", "--date", "2026-11-21").exit_code == 0
    one = len(count_queries)
    count_queries.clear()
    assert (
        run(
            "log", "itching=2", "redness=3", "swelling=1", "rash=2", "--date", "2026-11-22"
        ).exit_code
        == 0
    )
    assert len(count_queries) == one


# Pinned: the statements of a command or a page, each row read once ---------------------

# Not the command's own: BEGIN (SQLite sends it as a statement, PostgreSQL's driver does
# not), the schema revision read when a database is opened, a driver's first questions.
NOT_THE_COMMANDS = re.compile(
    r"^\s*(BEGIN|SELECT version_num FROM alembic_version|select pg_catalog|"
    r"select current_schema|show )",
    re.IGNORECASE,
)


MARK = "-- a transaction begins"


def _own(statements: list[str]) -> list[str]:
    """The statements of the last transaction (opening a database reads its revision and
    schema in one of its own before), BEGIN and a driver's first questions left out."""
    if MARK in statements:
        statements = statements[len(statements) - statements[::-1].index(MARK) :]
    return [" ".join(s.split()) for s in statements if not NOT_THE_COMMANDS.match(s)]


@pytest.fixture
def marked(count_queries: list[str]) -> Iterator[list[str]]:
    """count_queries, with a mark where each transaction begins."""

    def mark(_connection: Connection) -> None:
        count_queries.append(MARK)

    event.listen(Engine, "begin", mark)
    yield count_queries
    event.remove(Engine, "begin", mark)


def _reads_of(table: str, statements: list[str]) -> int:
    """SELECTs that read rows of a table itself (not a count or a join through it); of
    profiles, the reads of the one profile by its name."""
    return sum(
        1
        for s in statements
        if s.startswith(f"SELECT {table}.id, ")
        and (table != "profiles" or "WHERE profiles.name" in s)
    )


@pytest.fixture
def begun() -> Iterator[list[Connection]]:
    found: list[Connection] = []

    def record(connection: Connection) -> None:
        found.append(connection)

    event.listen(Engine, "begin", record)
    yield found
    event.remove(Engine, "begin", record)


@pytest.mark.usefixtures("usual_path")
def test_tracker_log_reads_the_profile_and_the_session_once(run: Run, marked: list[str]) -> None:
    count_queries = marked
    assert run("session", "add", "--date", "2026-11-14").exit_code == 0
    assert run("log", "redness=3", "--date", "2026-11-20").exit_code == 0
    count_queries.clear()
    assert run("log", "redness=4", "itching=2").exit_code == 0
    own = _own(count_queries)
    # The profile, the latest session, the day's values, one INSERT for the new values and
    # one for what changed; the symptom courses of what it wrote made anew (DELETE, INSERT);
    # one more write counted for the profile's kept triage line (one upsert).
    assert len(own) == 8, own
    assert _reads_of("profiles", own) == 1
    assert _reads_of("sessions", own) == 1


@pytest.fixture
def web(db_url: str, run: Run) -> Iterator[Browser]:
    assert run("session", "add", "--date", "2026-11-14", "--kind", "laser").exit_code == 0
    assert run("log", "redness=3", "itching=2", "--date", "2026-11-20").exit_code == 0
    assert run("care", "add", "sunscreen", "--date", "2026-11-20").exit_code == 0
    browser = Browser(db_url, TODAY)
    assert browser.sign_in().status_code == 303
    assert browser.get("/").status_code == 200  # the database is opened once, here
    yield browser
    browser.close()


def test_the_web_checkin_writes_alone_reading_each_row_once(
    web: Browser, count_queries: list[str], begun: list[Connection]
) -> None:
    count_queries.clear()
    form = {"date": "today", "value-redness": "5", "value-itching": "1", "care": "ice-pack"}
    assert web.post("/checkin", form).status_code == 303
    own = _own(count_queries)
    # The profile, the latest session, the day's values, their UPDATE, what changed, the
    # day's same care action, its INSERT, the symptom courses made anew (DELETE, INSERT): no
    # status inside the write (Status reads it); one write counted for the kept triage line.
    assert len(own) == 10, own
    assert _reads_of("profiles", own) == 1
    assert _reads_of("sessions", own) == 1
    assert len(begun) == 1


# Each page: how many statements, all in one transaction.
PAGES = {
    # profile, overrides, the sessions it needs (the latest, recent or open ones) with which
    # are open, their values, the day's photos
    "/": 5,
    # profile, the sessions it needs with which are open (not every session), values,
    # temperatures (issue 22: a fever is an alarm of its own), the slowest earlier
    # recoveries (from the symptom courses), overrides; no value counts (the page shows none)
    "/status": 6,
    # profile, counts, sessions, values, care, changes, the latest change, photos, temperatures
    "/history": 9,
    # profile, counts, sessions, own courses, values, care, changes, photo days, temperatures,
    # the slowest earlier recoveries (from the symptom courses: no earlier session's values)
    "/chart": 10,
    "/sessions": 5,  # profile, counts, sessions, every profile, their session counts
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_reads_in_one_transaction_a_pinned_number_of_statements(
    web: Browser, count_queries: list[str], begun: list[Connection], page: str
) -> None:
    count_queries.clear()
    begun.clear()
    assert web.get(page).status_code == 200
    own = _own(count_queries)
    assert len(own) == PAGES[page], own
    assert len(begun) == 1
    assert _reads_of("profiles", own) <= 1
    assert _reads_of("sessions", own) <= 1
