"""The store: one transaction, one profile, plain records in and out.

Every method that takes a session number or care id holds to the store's profile: a number
this profile's sessions do not have is refused, another profile's care id too, and nothing
of the other profile's is read or changed (its session with the same number included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from conftest import TODAY

from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Override
from tracker.domain.hints import Hint
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
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
    """Bob's second session, with a value and a care entry; and the care entry's id. Session
    numbers count each profile's own: the default profile's one session is its number 1, so
    Bob's number 2 is none of its."""
    with databases["default"].writing() as store:
        store.add_profile(ProfileRecord("bob"))
    with databases["bob"].writing() as store:
        store.add_session(SessionRecord(0, DAY - dt.timedelta(days=30), "laser"))
        session = store.add_session(SessionRecord(0, DAY, "ipl"))
        assert session.id == 2
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
    "logged_days": lambda s, b, _: s.logged_days(b.id, ["redness"], DAY, DAY),
    "insert_values": lambda s, b, _: s.insert_values([(b.id, TODAY, "redness", 1, None)]),
    "replace_values": lambda s, b, _: s.replace_values([(b.id, DAY, "redness", 0, None)]),
    "same_care exactly": lambda s, b, _: s.same_care(b, DAY, "ice-pack", None, exact=True),
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
        assert store.gone_days(TODAY) == ({}, {})
        assert store.courses() == []


def test_a_day_written_again_replaces_values_and_keeps_a_note_unless_given(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int]
) -> None:
    session, _ = bobs
    with databases["bob"].writing() as store:
        stored = store.write_day(session, DAY, {"redness": 2, "itching": 1}, None)
    assert stored == [
        (ValueRecord(session.id, DAY, 0, "redness", 2, "bob's note"), 4),
        (ValueRecord(session.id, DAY, 0, "itching", 1, None), None),
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
    assert raised.value.message == "There is no profile named 'bob'."
    assert raised.value.hint == Hint("profile-add", profile="bob")


# Bulk import


def test_bulk_values_go_in_are_probed_by_stretch_of_days_and_replaced(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int]
) -> None:
    session, _ = bobs
    later = DAY + dt.timedelta(days=1)
    with databases["default"].reading() as store:
        assert store.sessions_matching(DAY, "ipl") == []  # bob's, not this profile's
    with databases["bob"].writing() as store:
        assert store.sessions_matching(DAY, "ipl") == [session]
        assert store.sessions_matching(DAY, "peel") == []
        store.insert_values(
            [(session.id, later, "itching", 3, "new"), (session.id, later, "redness", 2, None)]
        )
        assert store.logged_days(session.id, ["redness", "pain"], DAY, later) == {
            ("redness", DAY),
            ("redness", later),
        }
        assert store.logged_days(session.id, ["redness", "itching"], later, later) == {
            ("redness", later),
            ("itching", later),
        }
        assert store.logged_days(session.id, ["itching"], DAY, DAY) == set()
        store.replace_values(
            [(session.id, DAY, "redness", 7, None), (session.id, later, "itching", 5, "again")]
        )
    with databases["bob"].reading() as store:
        values = {
            (e.date, e.symptom): e for e in store.entries_for_sessions([session.id])[session.id]
        }
    assert values == {
        (DAY, "redness"): ValueRecord(session.id, DAY, 0, "redness", 7, None),
        (later, "redness"): ValueRecord(session.id, later, 1, "redness", 2, None),
        (later, "itching"): ValueRecord(session.id, later, 1, "itching", 5, "again"),
    }


def test_the_very_same_care_is_the_same_action_day_and_note_a_missing_note_included(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int]
) -> None:
    session, _ = bobs  # holds an ice-pack on DAY, without a note
    with databases["bob"].writing() as store:
        assert store.same_care(session, DAY, "ice-pack", None, exact=True)
        assert not store.same_care(session, DAY, "ice-pack", "cold", exact=True)
        assert not store.same_care(session, DAY, "sunscreen", None, exact=True)
        assert not store.same_care(session, TODAY, "ice-pack", None, exact=True)
        store.add_care(session, DAY, "ice-pack", "cold")
        assert store.same_care(session, DAY, "ice-pack", "cold", exact=True)
        assert store.same_care(session, DAY, "ice-pack", None, exact=True)
        assert not store.same_care(session, DAY, "ice-pack", "warm", exact=True)


def test_own_courses_and_patient_ids_for_the_import(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int]
) -> None:
    with databases["bob"].writing() as store:
        assert store.override_for("ipl", "redness") is None
        store.set_override(Override("ipl", "redness", 9, 4))
        assert store.override_for("ipl", "redness") == Override("ipl", "redness", 9, 4)
        assert store.override_for("ipl", "itching") is None
        assert store.profile_owning_uuid(store.profile_uuid()) == "bob"
        store.adopt_uuid("4f1c0c1e-0000-4000-8000-000000000001")
    with databases["default"].reading() as store:
        assert store.override_for("ipl", "redness") is None  # bob's, not this profile's
        assert store.profile_owning_uuid("4f1c0c1e-0000-4000-8000-000000000001") == "bob"
        assert store.profile_owning_uuid("4f1c0c1e-0000-4000-8000-000000000002") is None


def test_each_profile_numbers_its_own_sessions_and_a_number_names_only_its_own(
    databases: dict[str, Database], bobs: tuple[SessionRecord, int]
) -> None:
    with databases["default"].writing() as store:
        first = store.add_session(SessionRecord(0, DAY, "peel"))
        second = store.add_session(SessionRecord(0, DAY, "laser"))
        store.write_day(first, DAY, {"itching": 6}, None)
    assert (first.id, second.id) == (1, 2)  # not 3 and 4 after Bob's two
    with databases["bob"].reading() as store:
        assert [s.id for s in store.sessions()] == [1, 2]
        assert store.entries_on(1, DAY) == {}  # the default profile's 1 is not Bob's
    with databases["default"].writing() as store:
        store.delete_session(2)
        assert store.add_session(SessionRecord(0, DAY, "ipl")).id == 2  # one past the highest
    with databases["bob"].reading() as store:
        assert store.entries_on(2, DAY)["redness"].severity == 4
