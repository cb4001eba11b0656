"""The store: one transaction, one profile, plain records in and out.

Every method that takes a session or care id holds to the store's profile: another
profile's id is refused as if it did not exist, and nothing of it is read or changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from conftest import TODAY

from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Override
from tracker.domain.records import EntryRecord, ProfileRecord, SessionRecord
from tracker.storage.database import Database, resolve
from tracker.storage.store import Store

DAY = TODAY - dt.timedelta(days=3)


@pytest.fixture
def databases(db_url: str) -> Iterator[dict[str, Database]]:
    found = {name: Database(resolve(db_url), name) for name in ("default", "bob")}
    yield found
    for db in found.values():
        db.dispose()


@pytest.fixture
def bobs(databases: dict[str, Database]) -> tuple[SessionRecord, int]:
    """Bob's session, with a value and a care entry; and the care entry's id."""
    with databases["default"].writing() as store:
        store.add_profile(ProfileRecord("bob"))
    with databases["bob"].writing() as store:
        session = store.add_session(SessionRecord(0, DAY, "ipl"))
        store.write_day(session, DAY, {"redness": 4}, "bob's note")
        care = store.add_care(session, DAY, "ice-pack", None)
    return session, care.id


ACROSS: dict[str, Callable[[Store, SessionRecord, int], object]] = {
    "session": lambda s, b, _: s.session(b.id),
    "update_session": lambda s, b, _: s.update_session(b),
    "delete_session": lambda s, b, _: s.delete_session(b.id),
    "entry_count": lambda s, b, _: s.entry_count(b.id),
    "entry_dates_range": lambda s, b, _: s.entry_dates_range(b.id),
    "entries_on": lambda s, b, _: s.entries_on(b.id, DAY),
    "write_day": lambda s, b, _: s.write_day(b, DAY, {"redness": 0}, None),
    "remove_values": lambda s, b, _: s.remove_values(b.id, DAY, ["redness"]),
    "same_care": lambda s, b, _: s.same_care(b, DAY, "ice-pack"),
    "add_care": lambda s, b, _: s.add_care(b, DAY, "ice-pack", None),
    "care_entry": lambda s, _, c: s.care_entry(c),
    "remove_care": lambda s, _, c: s.remove_care(c),
}


@pytest.mark.parametrize("method", sorted(ACROSS))
def test_another_profile_s_ids_are_refused_and_left_as_they_are(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int], method: str
) -> None:
    session, care_id = bobs
    with databases["default"].writing() as store:
        store.add_session(SessionRecord(0, DAY, "peel"))  # the default profile has its own
    with pytest.raises(TrackerError) as raised, databases["default"].writing() as store:
        ACROSS[method](store, session, care_id)
    assert f"no session {session.id}" in raised.value.message or (
        f"no care entry {care_id}" in raised.value.message
    )
    with databases["bob"].reading() as store:
        assert store.session(session.id) == session
        assert store.entries_on(session.id, DAY)["redness"].severity == 4
        assert [c.id for c in store.care_records()] == [care_id]


def test_reads_across_sessions_leave_out_another_profile_s(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int]
) -> None:
    session, _ = bobs
    with databases["default"].reading() as store:
        assert store.sessions() == []
        assert store.entries_for_sessions([session.id]) == {session.id: []}
        assert store.entries_with_sessions() == {}
        assert store.care_records([session.id]) == []
        assert store.entry_counts() == {}
        assert store.open_session_ids(TODAY) == set()
        assert store.gone_days() == {}


def test_a_day_written_again_replaces_values_and_keeps_a_note_unless_given(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int]
) -> None:
    session, _ = bobs
    with databases["bob"].writing() as store:
        stored = store.write_day(session, DAY, {"redness": 2, "itching": 1}, None)
    assert stored == [
        (EntryRecord(session.id, DAY, 0, "redness", 2, "bob's note"), 4),
        (EntryRecord(session.id, DAY, 0, "itching", 1, None), None),
    ]
    with databases["bob"].reading() as store:
        assert store.entries_on(session.id, DAY) == {e.symptom: e for e, _ in stored}


def test_a_failing_transaction_leaves_nothing_behind(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int]
) -> None:
    session, _ = bobs
    with pytest.raises(ZeroDivisionError), databases["bob"].writing() as store:
        store.write_day(session, DAY, {"redness": 9}, None)
        store.set_override(Override("ipl", "redness", 3, 2))
        store.delete_session(session.id)
        _ = 1 / 0
    with databases["bob"].reading() as store:
        assert store.session(session.id) == session
        assert store.entries_on(session.id, DAY)["redness"].severity == 4
        assert store.overrides() == []


def test_a_store_for_a_missing_profile_says_how_to_add_it(
    databases: dict[str, Database],
) -> None:
    with pytest.raises(TrackerError) as raised, databases["bob"].reading() as store:
        store.sessions()
    assert raised.value.message == (
        "There is no profile named 'bob'. Add it with: tracker profile add bob"
    )
