"""The urgent advice a write gives at once (log, import) is judged on each symptom's values
since its last 0 only (issue 24: a flat import): the same urgent flags as judging every
value, whatever the series, the treatment, the symptom or the day."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.domain.catalog import KINDS_BY_KEY, SYMPTOMS_BY_KEY
from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import Flag, evaluate, sort_flags
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.services.common import urgent_now
from tracker.storage.database import Database, resolve

START = dt.date(2026, 11, 1)
EXPECT = Expectations(shipped_table()).for_pair
KINDS = st.sampled_from(sorted(KINDS_BY_KEY))
SYMPTOMS = sorted(SYMPTOMS_BY_KEY)
# Values leaning to 0 and to severe ones: the cases where a run ends or turns urgent.
VALUE = st.one_of(st.just(0), st.integers(7, 10), st.integers(0, 10))


def urgent(flags: list[Flag]) -> list[Flag]:
    return [f for f in flags if f.active and f.level == "urgent"]


def latest_run(
    session: SessionRecord, values: list[ValueRecord], as_of: dt.date
) -> list[ValueRecord]:
    """Of one session's values, each symptom's from its last 0 on or before as_of (that 0
    included; all of them when it has none) up to as_of: what ``Store.latest_runs`` reads."""
    kept: list[ValueRecord] = []
    for symptom in sorted({v.symptom for v in values}):
        series = sorted(
            (v for v in values if v.symptom == symptom and session.date <= v.date <= as_of),
            key=lambda v: v.date,
        )
        zeros = [i for i, v in enumerate(series) if v.severity == 0]
        kept.extend(series[zeros[-1] :] if zeros else series)
    return kept


# Any symptoms, or two of them per example (long series: several runs each).
series_of = st.one_of(
    st.dictionaries(
        st.tuples(st.sampled_from(SYMPTOMS), st.integers(0, 80)), VALUE, min_size=1, max_size=60
    ),
    st.lists(st.sampled_from(SYMPTOMS), min_size=2, max_size=2).flatmap(
        lambda two: st.dictionaries(
            st.tuples(st.sampled_from(two), st.integers(0, 80)), VALUE, min_size=1, max_size=60
        )
    ),
)


@settings(max_examples=1500, deadline=None)
@given(KINDS, series_of, st.integers(0, 90))
def test_the_urgent_flags_of_the_latest_runs_are_those_of_every_value(
    kind: str, logged: dict[tuple[str, int], int], as_of_day: int
) -> None:
    session = SessionRecord(1, START, kind)
    values = [
        ValueRecord(1, START + dt.timedelta(days=day), day, symptom, value)
        for (symptom, day), value in sorted(logged.items(), key=lambda item: item[0][1])
    ]
    as_of = START + dt.timedelta(days=as_of_day)
    everything = urgent(evaluate(session, values, EXPECT, as_of))
    assert (
        urgent(evaluate(session, latest_run(session, values, as_of), EXPECT, as_of)) == everything
    )


STORED_SYMPTOMS = ("redness", "swelling", "blistering", "darkening")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.dictionaries(
            st.tuples(st.sampled_from(STORED_SYMPTOMS), st.integers(0, 40)),
            VALUE,
            max_size=40,
        ),
        min_size=2,
        max_size=2,
    ),
    st.integers(0, 45),
)
def test_the_store_reads_the_latest_runs_and_urgent_now_judges_as_every_value_would(
    db_url: str, logged: list[dict[tuple[str, int], int]], as_of_day: int
) -> None:
    name = f"p{uuid.uuid4().hex[:10]}"  # each example its own patient in the same database
    with Database(resolve(db_url), "default").writing() as store:
        store.add_profile(ProfileRecord(name))
    database = Database(resolve(db_url), name)
    as_of = START + dt.timedelta(days=as_of_day)
    try:
        with database.writing() as store:
            sessions = [
                store.add_session(SessionRecord(0, START + dt.timedelta(days=3 * i), "ipl"))
                for i in range(2)
            ]
            for session, values in zip(sessions, logged, strict=True):
                rows = [
                    (session.id, session.date + dt.timedelta(days=day), symptom, value, None)
                    for (symptom, day), value in values.items()
                ]
                if rows:
                    store.insert_values(rows)
        with database.reading() as store:
            ids = [s.id for s in sessions]
            every = store.entries_for_sessions(ids)
            wanted = {}
            for session in sessions:
                values = every[session.id]
                latest = {v.symptom: v for v in values}  # in date order: the last one wins
                still = {s for s, v in latest.items() if v.severity > 0 or v.date > as_of}
                mine = [v for v in values if v.symptom in still]
                wanted[session.id] = sorted(
                    latest_run(session, mine, as_of), key=lambda v: (v.date, v.symptom)
                )
            assert store.latest_runs(ids, as_of) == wanted
            expectations = Expectations(shipped_table(), skin=store.profile())
            judged = [
                flag
                for session in sessions
                for flag in urgent(
                    evaluate(session, every[session.id], expectations.for_pair, as_of)
                )
            ]
            assert urgent_now(store, set(ids), as_of) == sort_flags(judged)
    finally:
        database.dispose()
