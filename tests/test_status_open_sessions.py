"""Status judges only the sessions that can still hold an active flag, and says the same
as judging every session (as it did before) on any history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from conftest import TODAY
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracker.domain.catalog import KINDS_BY_KEY
from tracker.domain.courses import personal_courses
from tracker.domain.expectations import Expectations, Override, shipped_table
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


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(SESSIONS, st.integers(0, 800), st.booleans())
@example([(0, "ipl", {"redness": {0: 5, 10: 0}}), (5, "ipl", {"redness": {0: 4}})], 70, False)
def test_the_checkins_read_only_recent_or_open_sessions_and_are_the_same(
    location: Location,
    history: list[tuple[int, str, dict[str, dict[int, int]]]],
    as_of_day: int,
    sensitive: bool,
) -> None:
    """Today's check-ins read the latest session, those that may be open and those begun
    within the longest course of any kind (548 days), and are the ones found from every
    session. Sessions 12 days apart per step, over two years: some begin before that."""
    history = [(start * 12, kind, values) for start, kind, values in history]
    as_of = START + dt.timedelta(days=as_of_day)
    if all(START + dt.timedelta(days=start) > as_of for start, _, _ in history):
        return
    name = _stored(location, history)
    db = Database(location, name)
    try:
        if sensitive:
            with db.writing() as store:
                store.update_profile(name, ProfileRecord(name, sensitive_skin=True))
        with db.reading() as store:
            found = recovery.checkin_plans(store, as_of, as_of)
        with db.reading() as store:
            store.sessions()  # every session read first: judged from all of them
            every = recovery.checkin_plans(store, as_of, as_of)
    finally:
        db.dispose()
    assert found == every


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


def test_the_status_page_reads_only_the_sessions_it_shows_or_judges(location: Location) -> None:
    """Of 30 ended recoveries, Status reads the sessions it judges or shows (the latest, an
    open one, one with a temperature, one whose follow-up is still ahead) and says the
    same as judging every session; the same again when every session was read before."""
    ended = [(day, "ipl", {"redness": {0: 4, 1 + day % 5: 0}}) for day in range(0, 30)]
    history = [
        *ended,
        (31, "ipl", {"redness": {0: 3, 2: 0}}),  # 31: its follow-up is still ahead
        (32, "ipl", {"redness": {0: 3, 2: 0}}),  # 32: a temperature, no open symptom
        (33, "laser-rejuvenation", {"swelling": {0: 6, 1: 5}}),  # 33: still open
        (35, "laser-rejuvenation", {"redness": {0: 2, 1: 0}}),  # 34: its follow-up passed
        (40, "ipl", {"redness": {0: 5, 1: 4}}),  # 35: the latest
    ]
    as_of = START + dt.timedelta(days=41)
    db = Database(location, _stored(location, history))
    try:
        with db.writing() as store:
            ahead, passed = store.session(31), store.session(34)
            store.update_session(dataclasses.replace(ahead, follow_up=as_of))
            store.update_session(dataclasses.replace(passed, follow_up=as_of - dt.timedelta(1)))
            store.add_temperature(
                store.session(32), START + dt.timedelta(days=33), parse_temperature("37.1"), None
            )
        with db.reading() as store:
            page = recovery.status_page(store, as_of)
        with db.reading() as store:
            store.sessions()  # every session read first (as `tracker status` does)
            again = recovery.status_page(store, as_of)
        assert page.status == _judging_every_session(db, as_of)
    finally:
        db.dispose()
    assert sorted(page.sessions) == [31, 32, 33, 35]
    assert [r.id for r in page.follow_ups] == [31]
    assert [(f.session_id, f.symptom) for f in page.status.earlier] == [(33, "swelling")]
    assert again.status == page.status
    assert again.follow_ups == page.follow_ups
    assert len(again.sessions) == len(history)


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


@pytest.mark.parametrize("sensitive", [False, True])
def test_no_kind_has_a_window_past_the_longest_course_bound(sensitive: bool) -> None:
    """What Today's narrower read of the sessions rests on: every kind's recovery window
    (shipped, borrowed, overridden, stretched for sensitive skin, or the default of a kind
    the catalogue does not know) is within ``longest_course_bound``."""
    overrides = [Override("ipl", "redness", 700, None), Override("peel-deep", "itching", 3, 2)]
    skin = ProfileRecord("p", sensitive_skin=sensitive)
    for chosen in ([], overrides):
        expectations = Expectations(shipped_table(), chosen, skin=skin)
        bound = dt.timedelta(days=expectations.longest_course_bound())
        windows = {kind: recovery._window(expectations, kind) for kind in KINDS_BY_KEY}
        windows["not-a-kind"] = recovery._window(expectations, "not-a-kind")
        assert all(window <= bound for window in windows.values()), windows
        # And not far past the widest (at most its sensitive-skin stretch).
        assert bound <= max(windows.values()) * 1.5 + dt.timedelta(days=1)
