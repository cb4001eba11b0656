"""Status judges only the sessions that can still hold an active flag, and says the same
as judging every session (as it did before) on any history."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from conftest import TODAY
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracker.domain.courses import personal_courses
from tracker.domain.flags import active_only, evaluate_sessions, sort_flags
from tracker.domain.records import ProfileRecord, SessionRecord
from tracker.domain.status import Status, build_status
from tracker.domain.temperature import parse_temperature
from tracker.services import common, recovery
from tracker.services.common import expectations_for
from tracker.storage.database import Database, Location, resolve

START = TODAY - dt.timedelta(days=60)
NAMES = itertools.count()

# One session: (start day, kind, {symptom: {day after the session: value}}).
SESSIONS = st.lists(
    st.tuples(
        st.integers(0, 60),
        st.sampled_from(["laser-rejuvenation", "ipl"]),
        st.dictionaries(
            st.sampled_from(["redness", "swelling", "blistering", "darkening"]),
            st.dictionaries(st.integers(0, 30), st.integers(0, 10), max_size=8),
            max_size=3,
        ),
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def location(db_url: str) -> Iterator[Location]:
    yield resolve(db_url)


def _stored(location: Location, history: list[tuple[int, str, dict[str, dict[int, int]]]]) -> str:
    """A new profile holding the history; its name."""
    name = f"h{next(NAMES)}"
    db = Database(location, name)
    try:
        with db.writing() as store:
            store.add_profile(ProfileRecord(name))
            for start, kind, values in history:
                date = START + dt.timedelta(days=start)
                record = store.add_session(SessionRecord(0, date, kind))
                days = sorted({day for by_day in values.values() for day in by_day})
                for day in days:
                    severities = {s: v[day] for s, v in values.items() if day in v}
                    store.write_day(record, date + dt.timedelta(days=day), severities, None)
    finally:
        db.dispose()
    return name


def _judging_every_session(db: Database, as_of: dt.date) -> Status:
    """The status as computed before: every session's values read, every session judged."""
    with db.reading() as store:
        records = store.sessions(up_to=as_of)
        entries = store.entries_for_sessions([r.id for r in records])
        expectations = expectations_for(store)
    record, earlier = records[-1], records[:-1]
    judged = evaluate_sessions(earlier, entries, expectations.for_pair, as_of)
    still_open = sort_flags(active_only(f for r in earlier for f in judged[r.id]))
    personal = personal_courses(record, [(r, entries[r.id]) for r in earlier])
    return build_status(
        record, entries[record.id], expectations.for_pair, as_of, personal, still_open
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(SESSIONS, st.integers(0, 90))
# An earlier session with values after the as-of date: its personal course counts them.
@example([(0, "ipl", {"redness": {0: 5, 10: 0}}), (5, "ipl", {"redness": {0: 4}})], 6)
def test_status_is_the_same_as_judging_every_session(
    location: Location, history: list[tuple[int, str, dict[str, dict[int, int]]]], as_of_day: int
) -> None:
    as_of = START + dt.timedelta(days=as_of_day)
    if all(START + dt.timedelta(days=start) > as_of for start, _, _ in history):
        return
    db = Database(location, _stored(location, history))
    try:
        with db.reading() as store:
            found = recovery.status(store, as_of)
        assert found == _judging_every_session(db, as_of)
    finally:
        db.dispose()


def test_an_earlier_sessions_open_flag_and_the_personal_course(location: Location) -> None:
    history = [
        (0, "ipl", {"redness": {0: 5, 3: 0}}),  # gone on day 3
        (10, "ipl", {"redness": {0: 8, 1: 9, 20: 6}, "swelling": {0: 3, 2: 0}}),  # still there
        (20, "laser-rejuvenation", {"redness": {0: 4, 9: 0}}),  # another kind
        (40, "ipl", {"redness": {0: 5, 1: 4}}),
    ]
    as_of = START + dt.timedelta(days=42)
    db = Database(location, _stored(location, history))
    try:
        with db.reading() as store:
            found = recovery.status(store, as_of)
        assert found == _judging_every_session(db, as_of)
    finally:
        db.dispose()
    assert [(f.symptom, f.rule) for f in found.earlier] == [("redness", "persisting")]
    personal = {s.latest.symptom: s.personal for s in found.symptoms}["redness"]
    assert personal is not None
    # Earlier ipl sessions only, with the day each was gone (the second one was not).
    assert personal.slowest == (1, 3)


@pytest.mark.parametrize(("typed", "alarm"), [("37.0", False), ("38.6", True)])
def test_an_earlier_session_with_a_temperature_and_no_open_symptom(
    location: Location, typed: str, alarm: bool
) -> None:
    # Judged for its temperature alone (its redness is gone): Status said nothing of it
    # before, it failed with a KeyError (no personal course made for that session).
    name = _stored(location, [(0, "ipl", {"redness": {0: 3, 2: 0}}), (20, "ipl", {})])
    db = Database(location, name)
    try:
        with db.writing() as store:
            first = store.session(1)
            store.add_temperature(
                first, START + dt.timedelta(days=1), parse_temperature(typed), None
            )
        with db.reading() as store:
            found = recovery.status(store, START + dt.timedelta(days=21))
    finally:
        db.dispose()
    assert [(f.session_id, f.symptom, f.level) for f in found.earlier] == (
        [(1, "temperature", "urgent")] if alarm else []
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    # Up to 12 sessions: more than FEW_SESSIONS asked for at once.
    st.lists(SESSIONS, min_size=1, max_size=2).map(lambda parts: [s for p in parts for s in p]),
    st.integers(0, 90),
)
# An earlier session with values after the as-of date: as of then, redness was not gone.
@example([(0, "ipl", {"redness": {0: 5, 10: 0}}), (5, "ipl", {"redness": {0: 4}})], 6)
# Two earlier recoveries as slow: the later session's is named.
@example(
    [(0, "ipl", {"redness": {0: 5, 2: 0}}), (5, "ipl", {"redness": {1: 5, 2: 0}}), (9, "ipl", {})],
    12,
)
def test_the_personal_courses_read_from_the_slowest_recoveries_are_the_values_own(
    location: Location, history: list[tuple[int, str, dict[str, dict[int, int]]]], as_of_day: int
) -> None:
    """What a page shows of the earlier sessions (each symptom's slowest recovery, read from
    the symptom courses) is what judging their values says: as of the day, and over every
    value; for one session asked for, and for every session at once (a chart comparing
    them, past FEW_SESSIONS: one pass over every session's gone days)."""
    as_of = START + dt.timedelta(days=as_of_day)
    db = Database(location, _stored(location, history))
    try:
        with db.reading() as store:
            records = store.sessions()
            entries = store.entries_for_sessions([r.id for r in records])
            asked = [[r] for r in records] + [records]
            found = [common.personal_courses(store, wanted, as_of) for wanted in asked]
    finally:
        db.dispose()
    for wanted, (then, ever) in zip(asked, found, strict=True):
        ids = {r.id for r in wanted}
        every = [r for r in records if r.date <= as_of or r.id in ids]
        for record in wanted:
            seen = [(r, [e for e in entries[r.id] if e.date <= as_of]) for r in every]
            assert then[record.id] == personal_courses(record, seen), (record, as_of)
            whole = [(r, entries[r.id]) for r in every]
            assert ever[record.id] == personal_courses(record, whole), (record, as_of)
