"""The use cases called directly, on a real database (a SQLite file, or PostgreSQL in CI).

The clock is passed in: `today` is an argument of every service that needs it, so these
tests pick days around TODAY instead of depending on when they run.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import POSTGRES_URL, TODAY
from units import Units

from tracker.domain.errors import CONFLICT, MALFORMED, NOT_FOUND, REFUSED, Kind, TrackerError
from tracker.domain.records import SessionRecord, TypedValue
from tracker.domain.temperature import TypedTemperature
from tracker.services import care, database_admin, exports, profiles, sessions, symptom_log
from tracker.services.sessions import SessionFields
from tracker.storage.database import Database, Location, resolve
from tracker.storage.revisions import HEAD

SESSION_DAY = TODAY - dt.timedelta(days=10)
Open = Callable[..., Units]


@pytest.fixture
def location(db_url: str) -> Location:
    return resolve(db_url)


@pytest.fixture
def open_db(location: Location) -> Iterator[Open]:
    """Databases on the location under test, one per profile asked for, closed afterwards."""
    opened: list[Units] = []

    def open_(profile: str = "default") -> Units:
        opened.append(Units(Database(location, profile)))
        return opened[-1]

    yield open_
    for db in opened:
        db.dispose()


@pytest.fixture
def db(open_db: Open) -> Units:
    return open_db()


@pytest.fixture
def laser(db: Units) -> SessionRecord:
    return db(sessions.add_session, SessionFields(date=SESSION_DAY, kind="laser-rejuvenation"))


def _refused(kind: Kind, words: str, action: Callable[[], object]) -> None:
    with pytest.raises(TrackerError) as raised:
        action()
    assert raised.value.kind == kind
    assert words in raised.value.message


# sessions


def test_a_session_is_stored_as_typed_an_empty_detail_as_none_and_listed_with_its_count(
    db: Units,
) -> None:
    fields = SessionFields(
        date=SESSION_DAY, kind="ipl", area="  face ", clinic="", follow_up=TODAY, notes="ok"
    )
    added = db(sessions.add_session, fields)
    assert added == SessionRecord(added.id, SESSION_DAY, "ipl", "  face ", None, "ok", TODAY)
    db(symptom_log.log_symptoms, [TypedValue("redness", 4)], date=TODAY, today=TODAY)
    assert db(sessions.list_sessions) == [(added, 1)]
    assert db(sessions.show_session, added.id) == (added, 1)


def test_a_follow_up_before_its_session_is_refused_and_nothing_is_stored(db: Units) -> None:
    early = SESSION_DAY - dt.timedelta(days=1)
    fields = SessionFields(date=SESSION_DAY, kind="ipl", follow_up=early)
    _refused(REFUSED, "cannot be before the session", lambda: db(sessions.add_session, fields))
    _refused(
        MALFORMED, "needs a date and a kind", lambda: db(sessions.add_session, SessionFields())
    )
    assert db(sessions.list_sessions) == []


def test_an_edit_changes_only_the_fields_given_and_keeps_the_date_before_the_entries(
    db: Units, laser: SessionRecord
) -> None:
    edited = db(sessions.edit_session, laser.id, SessionFields(area="neck"))
    assert (edited.kind, edited.date, edited.area) == (laser.kind, laser.date, "neck")
    db(symptom_log.log_symptoms, [TypedValue("itching", 2)], date=SESSION_DAY, today=TODAY)
    later = SessionFields(date=SESSION_DAY + dt.timedelta(days=1))
    _refused(REFUSED, "has entries from", lambda: db(sessions.edit_session, laser.id, later))
    _refused(
        MALFORMED, "Nothing to change", lambda: db(sessions.edit_session, laser.id, SessionFields())
    )
    assert db(sessions.show_session, laser.id) == (edited, 1)


def test_deleting_a_session_returns_it_with_its_count_and_takes_its_entries(
    db: Units, laser: SessionRecord
) -> None:
    db(
        symptom_log.log_symptoms,
        [TypedValue("itching", 2), TypedValue("redness", 5)],
        date=TODAY,
        today=TODAY,
    )
    assert db(sessions.delete_session, laser.id) == sessions.Deleted(laser, 2, 0, 0)
    assert db(symptom_log.history) == []
    _refused(NOT_FOUND, str(laser.id), lambda: db(sessions.show_session, laser.id))


# profiles


def test_profiles_are_cleaned_unique_and_listed_with_their_sessions(
    db: Units, laser: SessionRecord
) -> None:
    alice = db(profiles.add_profile, "  alice ", "iii", sensitive_skin=True)
    assert (alice.name, alice.skin_type, alice.sensitive_skin) == ("alice", "III", True)
    _refused(CONFLICT, "already exists", lambda: db(profiles.add_profile, "alice"))
    _refused(MALFORMED, "Fitzpatrick", lambda: db(profiles.add_profile, "bob", "VII"))
    _refused(MALFORMED, "printable", lambda: db(profiles.add_profile, "a\tb"))
    listed = {record.name: count for record, count in db(profiles.list_profiles)}
    assert listed == {"default": 1, "alice": 0}


def test_a_profile_sees_only_its_own_sessions(open_db: Open, laser: SessionRecord) -> None:
    default = open_db()
    default(profiles.add_profile, "alice")
    alice = open_db("alice")
    assert alice(sessions.list_sessions) == []
    _refused(NOT_FOUND, str(laser.id), lambda: alice(sessions.show_session, laser.id))
    own = alice(sessions.add_session, SessionFields(date=SESSION_DAY, kind="ipl"))
    assert [record for record, _ in alice(sessions.list_sessions)] == [own]
    assert [record for record, _ in default(sessions.list_sessions)] == [laser]


def test_the_default_profile_keeps_its_name_and_an_edit_needs_a_change(db: Units) -> None:
    _refused(
        REFUSED,
        "keeps its name",
        lambda: db(profiles.edit_profile, "default", new_name="me"),
    )
    _refused(MALFORMED, "Nothing to change", lambda: db(profiles.edit_profile, "default"))
    _refused(NOT_FOUND, "no profile named", lambda: db(profiles.edit_profile, "x", skin_type="I"))
    edited = db(profiles.edit_profile, "default", skin_type="ii", sensitive_skin=True)
    assert (edited.name, edited.skin_type, edited.sensitive_skin) == ("default", "II", True)


# symptom log


def test_a_log_says_what_it_replaced_and_history_reads_back_by_session_and_symptom(
    db: Units, laser: SessionRecord
) -> None:
    first = db(
        symptom_log.log_symptoms,
        [TypedValue("redness", 6), TypedValue("itching", 3)],
        date=TODAY,
        today=TODAY,
        note="hot",
    )
    assert [(item.entry.day, item.replaced) for item in first.logged] == [(10, None), (10, None)]
    again = db(symptom_log.log_symptoms, [TypedValue("redness", 4)], date=TODAY, today=TODAY)
    assert [(item.entry.severity, item.replaced) for item in again.logged] == [(4, 6)]
    assert again.logged[0].entry.note == "hot"  # a log without a note keeps the day's note
    ((found_session, entries),) = db(symptom_log.history, symptom="redness")
    assert found_session == laser
    assert [(e.date, e.symptom, e.severity, e.note) for e in entries] == [
        (TODAY, "redness", 4, "hot")
    ]
    _refused(NOT_FOUND, "99", lambda: db(symptom_log.history, session_id=99))


def test_a_log_goes_to_the_latest_session_on_or_before_its_day(db: Units) -> None:
    old = db(sessions.add_session, SessionFields(date=SESSION_DAY, kind="ipl"))
    new = db(sessions.add_session, SessionFields(date=TODAY - dt.timedelta(days=2), kind="peel"))
    before_new = TODAY - dt.timedelta(days=3)
    assert (
        db(
            symptom_log.log_symptoms, [TypedValue("peeling", 2)], date=before_new, today=TODAY
        ).session
        == old
    )
    assert (
        db(symptom_log.log_symptoms, [TypedValue("peeling", 2)], date=TODAY, today=TODAY).session
        == new
    )


def test_the_clock_passed_in_decides_what_is_the_future(db: Units, laser: SessionRecord) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    log = symptom_log.log_symptoms
    _refused(
        REFUSED,
        "in the future",
        lambda: db(log, [TypedValue("rash", 1)], date=tomorrow, today=TODAY),
    )
    assert db(log, [TypedValue("rash", 1)], date=tomorrow, today=tomorrow).logged[0].entry.day == 11
    eve = SESSION_DAY - dt.timedelta(days=1)
    _refused(
        REFUSED,
        f"is before session {laser.id}",
        lambda: db(log, [TypedValue("rash", 1)], date=eve, today=TODAY, session_id=laser.id),
    )
    _refused(
        REFUSED,
        f"{eve} is before your first session (session {laser.id} on {SESSION_DAY})",
        lambda: db(log, [TypedValue("rash", 1)], date=eve, today=TODAY),
    )


def test_a_refused_log_stores_none_of_its_readings(db: Units, laser: SessionRecord) -> None:
    readings = [TypedValue("itching", 2), TypedValue("redness", 5)]
    _refused(
        MALFORMED,
        "NUL",
        lambda: db(symptom_log.log_symptoms, readings, date=TODAY, today=TODAY, note="a\x00b"),
    )
    assert db(symptom_log.history) == []


# care log


def test_care_is_logged_against_the_day_s_session_and_listed_per_session(
    db: Units, laser: SessionRecord
) -> None:
    other = db(sessions.add_session, SessionFields(date=TODAY, kind="ipl"))
    early = db(care.add_care, "ice-pack", date=SESSION_DAY, today=TODAY, note="10 minutes")
    assert (early.session_id, early.day, early.note) == (laser.id, 0, "10 minutes")
    late = db(care.add_care, "sunscreen", date=TODAY, today=TODAY)
    assert late.session_id == other.id
    assert db(care.list_care) == [early, late]
    assert db(care.list_care, laser.id) == [early]
    _refused(NOT_FOUND, "99", lambda: db(care.list_care, 99))


def test_care_refuses_the_future_an_unexplained_other_and_a_day_before_the_session(
    db: Units, laser: SessionRecord
) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    _refused(
        REFUSED,
        "in the future",
        lambda: db(care.add_care, "ice-pack", date=tomorrow, today=TODAY),
    )
    _refused(MALFORMED, "in a note", lambda: db(care.add_care, "other", date=TODAY, today=TODAY))
    eve = SESSION_DAY - dt.timedelta(days=1)
    _refused(
        REFUSED,
        "a care action belongs to a day on or after its session",
        lambda: db(care.add_care, "ice-pack", date=eve, today=TODAY, session_id=laser.id),
    )
    assert db(care.list_care) == []


# exports


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_the_web_pages_export_text_is_what_the_command_writes_a_bare_carriage_return_quoted(
    db: Units, laser: SessionRecord, fmt: str
) -> None:
    note = "red\rthen pale"
    db(symptom_log.log_symptoms, [TypedValue("redness", 4)], date=TODAY, today=TODAY, note=note)
    # A temperature with the same note, so the temperatures CSV has a row to quote too.
    fever = TypedTemperature("38.2", "C")
    db(symptom_log.log_symptoms, [], date=TODAY, today=TODAY, note=note, temperature=fever)
    db(care.add_care, "cold-compress", date=TODAY, today=TODAY, note=note)
    streamed = io.StringIO(newline="")
    db(exports.write_export, fmt, streamed)
    text = db(exports.export_text, fmt)
    assert text == streamed.getvalue()
    if fmt.endswith("csv"):
        assert ',"red\rthen pale"\n' in text


# database administration


@pytest.mark.sqlite_only
def test_current_leaves_a_missing_file_missing_and_upgrade_brings_it_to_head(
    tmp_path: Path,
) -> None:
    location = resolve(str(tmp_path / "new.db"))
    before = database_admin.current(location)
    assert (before.revision, before.is_current) == (None, False)
    assert not (tmp_path / "new.db").exists()
    after = database_admin.upgrade(location)
    assert (after.revision, after.head, after.is_current) == (HEAD, HEAD, True)
    assert ((tmp_path / "new.db").stat().st_mode & 0o777) == 0o600


def test_upgrade_is_idempotent_and_current_reports_head(location: Location) -> None:
    assert database_admin.upgrade(location).is_current
    assert database_admin.upgrade(location).revision == HEAD
    assert database_admin.current(location).revision == HEAD


@pytest.mark.new_database
def test_current_on_an_empty_database_reports_no_revision(location: Location) -> None:
    if POSTGRES_URL is None:
        assert location.path is not None
        location.path.touch()  # an empty file, which SQLite reads as an empty database
    assert database_admin.current(location).revision is None
