"""Corrections keep the record: every change to a value is kept, and undo puts back the
previous value, again and again (services and `tracker undo`, on a real database)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run, State
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from units import Units

from tracker.domain.changes import changed_from
from tracker.domain.errors import TrackerError
from tracker.domain.records import SessionRecord, TypedValue
from tracker.services import corrections, sessions, symptom_log
from tracker.services.sessions import SessionFields
from tracker.storage.database import Database, resolve

SESSION_DAY = TODAY - dt.timedelta(days=10)
DAYS = [SESSION_DAY + dt.timedelta(days=n) for n in (1, 2)]
SYMPTOMS = ["itching", "redness"]

Key = tuple[dt.date, str]
Values = dict[Key, tuple[int, str | None]]


@pytest.fixture
def db(db_url: str) -> Iterator[Units]:
    database = Units(Database(resolve(db_url), "default"))
    yield database
    database.dispose()


def _now(db: Units, session: SessionRecord) -> Values:
    (found,) = db(symptom_log.history, session_id=session.id) or [(session, [])]
    return {(e.date, e.symptom): (e.severity, e.note) for e in found[1]}


# One step: log a value (with or without a note), remove one, or undo.
STEP = st.one_of(
    st.tuples(
        st.just("log"),
        st.sampled_from(DAYS),
        st.sampled_from(SYMPTOMS),
        st.integers(0, 10),
        st.sampled_from([None, "a", "b"]),
    ),
    st.tuples(st.just("remove"), st.sampled_from(DAYS), st.sampled_from(SYMPTOMS)),
    st.tuples(st.just("undo")),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, max_size=12))
def test_any_sequence_of_changes_keeps_every_value_and_undo_returns_the_previous_state(
    db: Units, steps: list[tuple[object, ...]]
) -> None:
    session = db(sessions.add_session, SessionFields(date=SESSION_DAY, kind="ipl"))
    try:
        _play(db, session, steps)
    finally:  # the next example starts with no session, hence no change to undo
        db(sessions.delete_session, session.id)


def _play(db: Units, session: SessionRecord, steps: list[tuple[object, ...]]) -> None:
    states: list[Values] = []  # the state before each change not undone yet
    written: list[tuple[Key, int | None, int | None]] = []  # every change, undone or not
    for step in steps:
        before = _now(db, session)
        try:
            if step[0] == "log":
                _, day, symptom, value, note = step
                db(
                    symptom_log.log_symptoms,
                    [TypedValue(str(symptom), int(value))],  # type: ignore[call-overload]
                    date=day,  # type: ignore[arg-type]
                    today=TODAY,
                    session_id=session.id,
                    note=note,  # type: ignore[arg-type]
                )
            elif step[0] == "remove":
                _, day, symptom = step
                db(
                    corrections.remove_values,
                    [str(symptom)],
                    date=day,
                    today=TODAY,
                    session_id=session.id,  # type: ignore[arg-type]
                )
            else:
                undone = db(corrections.undo_last)
        except TrackerError:
            assert _now(db, session) == before  # a refusal changes nothing
            assert step[0] != "log"
            if step[0] == "undo":
                assert not states  # nothing left to undo
            continue
        after = _now(db, session)
        if step[0] == "undo":
            assert after == states.pop()  # back to the state before the change undone
            assert undone.change.undone_at is None
            continue
        if after != before:
            states.append(before)
            (key,) = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
            was, now = before.get(key), after.get(key)
            written.append((key, was[0] if was else None, now[0] if now else None))
    # Every value ever written, and every value it replaced, is in the kept changes.
    kept = db(corrections.value_changes, session.id)
    assert [((c.date, c.symptom), c.before, c.after) for c in kept] == written
    # Replaying the changes not undone, oldest first, gives the values as they are.
    replayed: dict[Key, int] = {}
    for change in kept:
        if change.undone_at is None:
            if change.after is None:
                del replayed[(change.date, change.symptom)]
            else:
                replayed[(change.date, change.symptom)] = change.after
    assert replayed == {key: value for key, (value, _) in _now(db, session).items()}
    assert len([c for c in kept if c.undone_at is None]) == len(states)


def test_changed_from_names_the_value_a_correction_replaced(db: Units) -> None:
    session = db(sessions.add_session, SessionFields(date=SESSION_DAY, kind="ipl"))
    day = DAYS[0]
    for value in (5, 4, 3):
        db(
            symptom_log.log_symptoms,
            [TypedValue("redness", value)],
            date=day,
            today=TODAY,
            session_id=session.id,
        )
    latest = changed_from(db(corrections.value_changes, session.id))
    assert latest[(session.id, day, "redness")].before == 4
    db(corrections.undo_last)
    latest = changed_from(db(corrections.value_changes, session.id))
    assert latest[(session.id, day, "redness")].before == 5
    db(corrections.undo_last)
    assert changed_from(db(corrections.value_changes, session.id)) == {}


def test_tracker_undo_puts_back_a_removed_value_and_then_the_one_before(
    run: Run, state: State
) -> None:
    assert run("session", "add", "--date", "2026-11-12").exit_code == 0
    assert run("log", "redness=5", "--date", "2026-11-20", "--note", "hot").exit_code == 0
    replaced = run("log", "redness=4", "--date", "2026-11-20")
    assert "(replaced 5/10 logged earlier for this day)" in replaced.stdout
    removed = run("log", "--remove", "redness", "--date", "2026-11-20")
    assert "`tracker undo` puts back" in removed.stdout
    assert json.loads(run("history", "--json").stdout) == []

    before = state()
    dry = run("undo", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would undo the latest change, in session 1" in dry.stdout
    assert "redness on 2026-11-20: 4/10 removed at " in dry.stdout
    assert "Then redness on 2026-11-20 is 4/10 again. Dry run: nothing was changed." in dry.stdout
    assert state() == before

    first = run("undo")
    assert "Now redness on 2026-11-20 is 4/10 again." in first.stdout
    entries = json.loads(run("history", "--json").stdout)
    assert [(e["severity"], e["note"]) for e in entries] == [(4, "hot")]
    second = run("undo")
    assert "redness on 2026-11-20: changed from 5/10 to 4/10 at " in second.stdout
    entries = json.loads(run("history", "--json").stdout)
    assert [(e["severity"], e["note"]) for e in entries] == [(5, "hot")]
    third = run("undo")
    assert "Now redness on 2026-11-20 has no value again." in third.stdout
    none_left = run("undo")
    assert none_left.exit_code == 1
    assert "Nothing to undo" in none_left.stderr


def test_undo_acts_on_the_profile_s_own_changes_only(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-12").exit_code == 0
    assert run("log", "itching=2").exit_code == 0
    assert run("profile", "add", "anna").exit_code == 0
    assert run("--profile", "anna", "session", "add", "--date", "2026-11-12").exit_code == 0
    assert run("--profile", "anna", "log", "itching=7").exit_code == 0
    assert run("undo").exit_code == 0
    assert json.loads(run("history", "--json").stdout) == []
    anna = json.loads(run("--profile", "anna", "history", "--json").stdout)
    assert [e["severity"] for e in anna] == [7]
