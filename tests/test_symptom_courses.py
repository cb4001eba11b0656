"""The symptom courses (a summary of each session's symptoms, kept on write) always equal
what the values come to, after any sequence of writes; and what is read from them (gone
days, open sessions) equals judging the values themselves, on any as-of date."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.domain.courses import gone_days
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.storage.database import Database, resolve
from tracker.storage.store import Store

STARTS = (dt.date(2026, 11, 1), dt.date(2026, 11, 5))
SYMPTOMS = ("redness", "itching", "swelling")
AS_OF = (dt.date(2026, 11, 3), dt.date(2026, 11, 8), dt.date(2026, 11, 24))

severities = st.dictionaries(st.sampled_from(SYMPTOMS), st.integers(0, 10), min_size=1)
where = st.tuples(st.integers(0, 1), st.integers(0, 8))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("log"), where, severities),
        st.tuples(st.just("remove"), where, st.sets(st.sampled_from(SYMPTOMS), min_size=1)),
        st.tuples(st.just("undo"), st.just((0, 0)), st.just({})),
        st.tuples(
            st.just("import"),
            st.tuples(st.integers(0, 1), st.just(0)),
            st.dictionaries(
                st.tuples(st.integers(0, 8), st.sampled_from(SYMPTOMS)),
                st.integers(0, 10),
                min_size=1,
                max_size=12,
            ),
        ),
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(resolve(db_url), "default")
    yield database
    database.dispose()


def _apply(store: Store, sessions: list[SessionRecord], op: tuple[str, object, object]) -> None:
    kind, (index, day), what = op  # type: ignore[misc]
    session = sessions[index]
    date = session.date + dt.timedelta(days=day)
    if kind == "log":
        store.write_day(session, date, dict(what), None)  # type: ignore[call-overload]
    elif kind == "remove":
        store.remove_values(session.id, date, sorted(what))  # type: ignore[call-overload]
    elif kind == "undo":
        change = store.last_change()
        if change is not None:
            store.undo_change(change)
    else:  # an import: values not logged yet are inserted, the others replaced
        rows = [
            (session.id, session.date + dt.timedelta(days=d), s, v, None)
            for (d, s), v in what.items()  # type: ignore[attr-defined]
        ]
        logged = store.logged_days(
            session.id, SYMPTOMS, min(r[1] for r in rows), max(r[1] for r in rows)
        )
        fresh = [r for r in rows if (r[2], r[1]) not in logged]
        again = [r for r in rows if (r[2], r[1]) in logged]
        if fresh:
            store.insert_values(fresh)
        if again:
            store.replace_values(again)


def _expected(entries: dict[int, list[ValueRecord]]) -> list[tuple[object, ...]]:
    """The courses computed here from the values, independently of the store's SQL."""
    found = []
    for session_id, values in entries.items():
        for symptom in sorted({v.symptom for v in values}):
            series = sorted((v for v in values if v.symptom == symptom), key=lambda v: v.date)
            present = [i for i, v in enumerate(series) if v.severity > 0]
            after = present[-1] + 1 if present else None
            gone = series[after].date if after is not None and after < len(series) else None
            found.append(
                (session_id, symptom, series[-1].date, series[-1].severity, gone, len(series))
            )
    return sorted(found)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations, st.lists(st.booleans(), min_size=12, max_size=12))
def test_the_courses_kept_equal_the_values_after_any_writes(
    db_url: str, ops: list[tuple[str, object, object]], together: list[bool]
) -> None:
    name = f"p{uuid.uuid4().hex[:10]}"  # each example its own patient in the same database
    with Database(resolve(db_url), "default").writing() as store:
        store.add_profile(ProfileRecord(name))
    database = Database(resolve(db_url), name)
    try:
        with database.writing() as store:
            sessions = [store.add_session(SessionRecord(0, d, "ipl")) for d in STARTS]
        pending: list[tuple[str, object, object]] = []
        for op, joined in zip(ops, together, strict=False):
            pending.append(op)
            if joined:  # several writes in one transaction, the courses read inside it
                continue
            with database.writing() as store:
                for each in pending:
                    _apply(store, sessions, each)
                assert store.courses() == _expected(store.entries_with_sessions())
            pending = []
        with database.writing() as store:
            for each in pending:
                _apply(store, sessions, each)
        with database.reading() as store:
            entries = store.entries_with_sessions()
            assert store.courses() == _expected(entries)
            for as_of in AS_OF:
                seen = {s: [v for v in vs if v.date <= as_of] for s, vs in entries.items()}
                wanted = {
                    r.id: days for r in sessions if (days := gone_days(r, seen.get(r.id, [])))
                }
                assert store.gone_days(as_of)[0] == wanted
                open_ids = {
                    r.id
                    for r in sessions
                    if r.date <= as_of
                    and any(
                        [v for v in seen.get(r.id, []) if v.symptom == s][-1:][0].severity > 0
                        for s in {v.symptom for v in seen.get(r.id, [])}
                    )
                }
                assert store.open_session_ids(as_of) == open_ids
            ever = {r.id: gone_days(r, entries.get(r.id, [])) for r in sessions}
            assert store.gone_days(AS_OF[0])[1] == {s: days for s, days in ever.items() if days}
    finally:
        database.dispose()


def test_a_deleted_session_takes_its_courses_with_it(db: Database) -> None:
    with db.writing() as store:
        session = store.add_session(SessionRecord(0, STARTS[0], "ipl"))
        store.write_day(session, STARTS[0], {"redness": 3}, None)
    with db.writing() as store:
        assert [c[:2] for c in store.courses()] == [(session.id, "redness")]
        store.delete_session(session.id)
    with db.reading() as store:
        assert store.courses() == []


def test_a_dry_run_leaves_no_courses(db: Database) -> None:
    with db.writing() as store:
        session = store.add_session(SessionRecord(0, STARTS[0], "ipl"))
    with db.writing() as store:
        store.insert_values([(session.id, STARTS[0], "redness", 4, None)])
        assert [c[3] for c in store.courses()] == [4]
        store.discard()
    with db.reading() as store:
        assert store.courses() == []
