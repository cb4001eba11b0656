"""A temperature reading is corrected and removed as a value is: in place, every change
kept, undo putting back what it replaced (services and `tracker log`/`tracker undo`, on a
real database). The day's readings keep their order: they are judged in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run, State
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from units import Units

from tracker.domain.errors import TrackerError
from tracker.domain.records import SessionRecord, TypedValue
from tracker.domain.temperature import parse_temperature
from tracker.services import corrections, sessions, symptom_log
from tracker.services.sessions import SessionFields
from tracker.storage.database import Database, resolve

SESSION_DAY = TODAY - dt.timedelta(days=10)
DAYS = [SESSION_DAY + dt.timedelta(days=n) for n in (1, 2)]
DEGREES = ["36.4", "37,2", "38.4", "101.2F", "39"]

# What a session holds: its values and its readings in the order judged.
Shown = tuple[dict[tuple[dt.date, str], int], list[tuple[int, dt.date, str, str, str | None]]]


@pytest.fixture
def db(db_url: str) -> Iterator[Units]:
    database = Units(Database(resolve(db_url), "default"))
    yield database
    database.dispose()


def _shown(db: Units, session: SessionRecord) -> Shown:
    groups = db(symptom_log.history, session_id=session.id)
    values = {(e.date, e.symptom): e.severity for _, found in groups for e in found}
    measured = db(symptom_log.temperature_history, session_id=session.id).get(session.id, [])
    return values, [(t.id, t.date, t.value, t.unit, t.note) for t in measured]


STEP = st.one_of(
    st.tuples(st.just("log"), st.sampled_from(DAYS), st.integers(0, 10)),
    st.tuples(
        st.just("add"), st.sampled_from(DAYS), st.sampled_from(DEGREES), st.sampled_from(["", "a"])
    ),
    st.tuples(
        st.just("correct"),
        st.integers(0, 5),
        st.sampled_from(DEGREES),
        st.sampled_from([None, "b"]),
    ),
    st.tuples(st.just("remove"), st.integers(0, 5)),
    st.tuples(st.just("undo")),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, max_size=12))
def test_any_sequence_of_temperature_changes_is_kept_and_undo_returns_each_state(
    db: Units, steps: list[tuple[object, ...]]
) -> None:
    """Readings added, corrected and removed among values logged: after each undo the
    session holds exactly what it held before the change undone (values and readings, in
    their order, with their ids), and every change stays kept."""
    session = db(sessions.add_session, SessionFields(date=SESSION_DAY, kind="ipl"))
    try:
        _play(db, session, steps)
    finally:  # the next example starts with no session, hence no change to undo
        db(sessions.delete_session, session.id)


def _play(db: Units, session: SessionRecord, steps: list[tuple[object, ...]]) -> None:
    states: list[Shown] = []  # the state before each change not undone yet
    made = 0
    for step in steps:
        before = _shown(db, session)
        readings = before[1]
        try:
            if step[0] == "log":
                _, day, value = step
                db(
                    symptom_log.log_symptoms,
                    [TypedValue("redness", int(value))],  # type: ignore[call-overload]
                    date=day,  # type: ignore[arg-type]
                    today=TODAY,
                    session_id=session.id,
                )
            elif step[0] == "add":
                _, day, degrees, note = step
                db(
                    symptom_log.log_symptoms,
                    [],
                    date=day,  # type: ignore[arg-type]
                    today=TODAY,
                    session_id=session.id,
                    note=note or None,  # type: ignore[arg-type]
                    temperature=parse_temperature(str(degrees)),
                )
            elif step[0] == "correct":
                _, index, degrees, note = step
                reading = db(corrections.temperature_reading, readings[int(index)][0])  # type: ignore[call-overload]
                db(
                    corrections.correct_temperature,
                    reading,
                    parse_temperature(str(degrees)),
                    today=TODAY,
                    note=note,  # type: ignore[arg-type]
                )
            elif step[0] == "remove":
                reading = db(corrections.temperature_reading, readings[int(step[1])][0])  # type: ignore[call-overload]
                db(corrections.remove_temperature, reading)
            else:
                db(corrections.undo_last)
        except (TrackerError, IndexError):
            assert _shown(db, session) == before  # a refusal changes nothing
            if step[0] == "undo":
                assert not states
            continue
        after = _shown(db, session)
        if step[0] == "undo":
            assert after == states.pop()
            continue
        assert after != before or step[0] == "log"
        if after != before:
            states.append(before)
            made += 1
    kept = db(corrections.value_changes, session.id)
    kept_temperatures = db.reading(lambda store: store.temperature_changes(session_id=session.id))
    assert len(kept) + len(kept_temperatures) == made
    assert len([c for c in [*kept, *kept_temperatures] if c.undone_at is None]) == len(states)


def test_a_reading_corrected_keeps_its_place_and_history_says_what_it_was(db: Units) -> None:
    session = db(sessions.add_session, SessionFields(date=SESSION_DAY, kind="ipl"))
    day = DAYS[0]
    for degrees in ("39.4", "37.0"):
        db(
            symptom_log.log_symptoms,
            [],
            date=day,
            today=TODAY,
            session_id=session.id,
            temperature=parse_temperature(degrees),
        )
    first = db(
        corrections.temperature_on_day, date=day, today=TODAY, value=parse_temperature("39.4")
    )
    fix = db(corrections.correct_temperature, first, parse_temperature("36.4"), today=TODAY)
    assert fix.after is not None and fix.after.id == first.id and not fix.urgent
    _, readings = _shown(db, session)
    assert [(r[0], r[2]) for r in readings] == [(first.id, "36.4"), (first.id + 1, "37.0")]
    was = db(corrections.temperature_corrections, session.id)
    assert was[first.id].before_temperature == parse_temperature("39.4")
    # The day's latest reading corrected to a fever: said at once.
    latest = db(corrections.temperature_reading, first.id + 1)
    fever = db(corrections.correct_temperature, latest, parse_temperature("38.6"), today=TODAY)
    assert [f.symptom for f in fever.urgent] == ["temperature"]
    with pytest.raises(TrackerError, match="already"):
        db(corrections.correct_temperature, fever.after, parse_temperature("38.6"), today=TODAY)
    with pytest.raises(TrackerError, match=r"2 temperatures .* say which one"):
        db(corrections.temperature_on_day, date=day, today=TODAY)


def test_tracker_log_corrects_and_removes_a_temperature_and_undo_puts_each_back(
    run: Run, state: State
) -> None:
    assert run("session", "add", "--date", "2026-11-12").exit_code == 0
    assert run("log", "temperature=37.0", "--date", "2026-11-20").exit_code == 0
    assert run("log", "temp=39.4", "--date", "2026-11-20", "--note", "after a run").exit_code == 0

    before = state()
    which = run("log", "--remove", "temperature", "--date", "2026-11-20")
    assert which.exit_code == 2, which.output
    assert "2 temperatures were logged on 2026-11-20 in session 1 (37.0 °C, 39.4 °C)" in (
        which.stderr
    )
    missing = run("log", "temperature=36.1", "--instead-of", "38", "--date", "2026-11-20")
    assert missing.exit_code == 1, missing.output
    assert "No temperature of 38 °C was logged on 2026-11-20" in missing.stderr
    assert state() == before

    fixed = run("log", "temperature=36.4", "--instead-of", "39.4", "--date", "2026-11-20")
    assert fixed.exit_code == 0, fixed.output
    assert "temperature  36.4 °C  (was 39.4 °C)" in fixed.stdout
    shown = run("history").stdout
    assert "36.4 °C (changed from 39.4 °C on " in shown
    assert shown.index("37.0 °C") < shown.index("36.4 °C")  # in its place, after 37.0
    assert "after a run" in shown  # the note stays

    removed = run("log", "--remove", "temperature=37", "--date", "2026-11-20")
    assert removed.exit_code == 0, removed.output
    assert "temperature  37.0 °C" in removed.stdout
    assert "37.0 °C" not in run("history").stdout

    first = run("undo")
    assert "temperature on 2026-11-20: 37.0 °C removed at " in first.stdout
    assert "Now the temperature 37.0 °C on 2026-11-20 is back." in first.stdout
    second = run("undo")
    assert "changed from 39.4 °C to 36.4 °C at " in second.stdout
    assert "Now the temperature on 2026-11-20 is 39.4 °C again, not 36.4 °C." in second.stdout
    shown = run("history").stdout
    assert shown.index("37.0 °C") < shown.index("39.4 °C") and "36.4" not in shown
    third = run("undo")
    assert "Now the temperature 39.4 °C on 2026-11-20 is no longer recorded." in third.stdout
    fourth = run("undo")
    assert "Now the temperature 37.0 °C on 2026-11-20 is no longer recorded." in fourth.stdout
    assert run("undo").exit_code == 1
    assert "temperature" not in run("history").stdout


def test_a_temperature_of_another_profile_cannot_be_corrected(
    db: Units, run: Run, db_url: str
) -> None:
    assert run("session", "add", "--date", "2026-11-12").exit_code == 0
    assert run("log", "temperature=38.2").exit_code == 0
    assert run("profile", "add", "anna").exit_code == 0
    assert run("--profile", "anna", "session", "add", "--date", "2026-11-12").exit_code == 0
    (reading,) = next(iter(db(symptom_log.temperature_history).values()))
    anna = Units(Database(resolve(db_url), "anna"))
    try:
        for service in (corrections.temperature_reading,):
            with pytest.raises(TrackerError) as refused:
                anna(service, reading.id)
            assert refused.value.kind.name == "NOT_FOUND"
        with pytest.raises(TrackerError, match="no longer there"):
            anna(corrections.remove_temperature, reading)
        assert anna(corrections.last_change) is None  # anna's undo cannot reach it
    finally:
        anna.dispose()
    assert next(iter(db(symptom_log.temperature_history).values())) == [reading]
