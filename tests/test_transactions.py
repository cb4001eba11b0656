"""Each command writes in one transaction: all of it is saved, or none of it.

Counted with SQLAlchemy's "begin" event, which fires on SQLite and PostgreSQL alike. Opening
the database reads its schema revision in a transaction of its own before the command's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import TODAY, Run
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import Pool

OPENING = 1  # the revision check of Database.open()


@pytest.fixture
def begun() -> Iterator[list[bool]]:
    """One item per transaction begun: whether it may write."""
    found: list[bool] = []

    def record(connection: Connection) -> None:
        found.append(not connection.get_execution_options().get("tracker_reading", False))

    event.listen(Engine, "begin", record)
    yield found
    event.remove(Engine, "begin", record)


def _writes(found: list[bool]) -> int:
    return sum(found[OPENING:])


@pytest.mark.parametrize(
    ("command", "transactions"),
    [
        # The session, and the earlier session's open flags to warn about: one transaction.
        (("session", "add", "--date", "2026-11-23", "--kind", "ipl"), 1),
        (("log", "itching=3", "redness=2"), 1),
        (("session", "delete", "1", "--yes"), 1),
        (("care", "add", "ice-pack"), 1),
        (("log", "--remove", "itching"), 1),
    ],
)
def test_a_command_that_writes_opens_one_transaction(
    run: Run,
    begun: list[bool],
    command: tuple[str, ...],
    transactions: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `log` on its usual path (as on PostgreSQL); through sqlite3 alone, its one transaction
    # is counted by tests/test_quick_log.py.
    monkeypatch.setattr("tracker.services.quick.quick_file", lambda *_: None)
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    assert run("log", "itching=2").exit_code == 0
    begun.clear()
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert len(begun) == OPENING + transactions, begun
    assert _writes(begun) == 1


def test_checkin_saves_alone_and_reads_the_status_after_the_commit(
    run: Run, begun: list[bool]
) -> None:
    """The questions are read first (no lock while the patient answers); then the answers
    are saved in a write of their own, and the status shown is read after the commit."""
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    begun.clear()
    result = run("checkin", input="3\n2\n0\n1\n\n")
    assert result.exit_code == 0, result.output
    assert "Saved for 2026-11-24: itching 3 (mild)" in result.output
    # The status shown holds the values just saved.
    assert "itching 3/10, day 4 (most people gone by day 3; flagged after day 5)" in " ".join(
        result.output.split()
    )
    assert begun[OPENING:] == [False, True, False], begun


# One engine per database for the life of a web server ----------------------------------


def test_200_profiles_chosen_in_turn_share_one_engine_and_its_bounded_pool(
    db_url: str,
) -> None:
    """A browser picking profile after profile opens no engine and no connection of its
    own: the server keeps one engine, holding at most POOL_SIZE connections."""
    from web_support import Browser

    from tracker.domain.records import ProfileRecord
    from tracker.storage.database import POOL_SIZE, Database, resolve

    names = [f"p{number:03d}" for number in range(200)]
    setup = Database(resolve(db_url))
    with setup.writing() as store:
        for name in names:
            store.add_profile(ProfileRecord(name))
    setup.dispose()

    pools: set[int] = set()
    opened: list[object] = []

    def on_engine(connection: Connection) -> None:
        pools.add(id(connection.engine.pool))

    def on_connect(dbapi_connection: object, _record: object) -> None:
        opened.append(dbapi_connection)

    event.listen(Engine, "engine_connect", on_engine)
    event.listen(Pool, "connect", on_connect)
    web = Browser(db_url, TODAY)
    try:
        assert web.sign_in().status_code == 303
        for name in names:
            assert web.post("/profile", {"profile": name}).status_code == 303
            page = web.get("/status")
            assert page.status_code == 200
            assert f'<span class="who">· {name}</span>' in page.text
    finally:
        web.close()
        event.remove(Engine, "engine_connect", on_engine)
        event.remove(Pool, "connect", on_connect)
    assert len(pools) == 1
    assert 1 <= len(opened) <= POOL_SIZE


# Readers never wait for a writer --------------------------------------------------------

HOLD_THE_LOCK = """
import sys
url = sys.argv[1]
if "://" not in url:
    import sqlite3
    connection = sqlite3.connect(url, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")  # SQLite's write lock, as a long import holds it
else:
    from sqlalchemy import create_engine, text
    connection = create_engine(url).connect()
    connection.execute(text("LOCK TABLE entries IN EXCLUSIVE MODE"))  # writes wait, reads not
print("held", flush=True)
sys.stdin.read()
connection.rollback()
"""


def test_history_answers_at_once_while_a_web_checkin_waits_for_the_write_lock(
    db_url: str, session_id: int
) -> None:
    import subprocess
    import sys
    import threading
    import time

    from web_support import BASE, Browser

    web = Browser(db_url, TODAY)
    assert web.sign_in().status_code == 303
    writer = web.app.test_client()
    assert writer.get(f"{BASE}/?token={web.keys.token}").status_code == 303
    writing = threading.Event()

    def on_statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith(("BEGIN IMMEDIATE", "INSERT")):
            writing.set()

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, db_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    answers: list[int] = []
    form = {"csrf": web.keys.csrf_token, "date": "today", "value-redness": "4"}
    checkin = threading.Thread(
        target=lambda: answers.append(writer.post(f"{BASE}/checkin", data=form).status_code)
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        event.listen(Engine, "before_cursor_execute", on_statement)
        checkin.start()
        assert writing.wait(10)
        time.sleep(0.2)  # the check-in is now waiting for the lock
        event.remove(Engine, "before_cursor_execute", on_statement)
        took = []
        for _ in range(20):
            start = time.monotonic()
            assert web.get("/history").status_code == 200
            took.append(time.monotonic() - start)
        assert max(took) < 1.0, took
        assert checkin.is_alive() and not answers  # the write waited all along
    finally:
        holder.communicate("")
        if checkin.ident is not None:
            checkin.join(40)
        web.close()
    assert answers == [303]
