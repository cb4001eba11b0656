"""The SQL behind the store's measurements: body temperatures as typed, with their unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tracker.domain.records import SessionRecord
from tracker.domain.temperature import MEASURE, TemperatureRecord
from tracker.storage.models import Measurement, Profile, TreatmentSession

COLUMNS = (
    Measurement.id,
    TreatmentSession.number,  # the record names a session by its number in the profile
    Measurement.date,
    Measurement.value,
    Measurement.unit,
    Measurement.note,
    TreatmentSession.date,
)


def _record(row: Any) -> TemperatureRecord:
    reading_id, session_id, date, value, unit, note, session_date = row
    return TemperatureRecord(
        reading_id, session_id, date, (date - session_date).days, value, unit, note
    )


def temperatures_for_sessions(
    tx: Session, profile_id: int, session_ids: Sequence[int] | None
) -> dict[int, list[TemperatureRecord]]:
    """The temperatures of several of a profile's sessions in one query, by session id,
    each session's in the order they were logged (by day, then as logged); of every
    session with any, when ``session_ids`` is None (no list of ids to send)."""
    query = (
        select(*COLUMNS)
        .join(TreatmentSession, TreatmentSession.id == Measurement.session_id)
        .where(Measurement.measure == MEASURE, TreatmentSession.profile_id == profile_id)
        .order_by(TreatmentSession.number, Measurement.date, Measurement.id)
    )
    if session_ids is not None:
        query = query.where(TreatmentSession.number.in_(session_ids))
    found: dict[int, list[TemperatureRecord]] = {session_id: [] for session_id in session_ids or ()}
    for row in tx.execute(query):
        found.setdefault(row[1], []).append(_record(row))
    return found


def add_temperature(
    tx: Session,
    row_id: int,
    session: SessionRecord,
    date: dt.date,
    typed: tuple[str, str, str | None],
    when: dt.datetime,
) -> TemperatureRecord:
    """One reading (value as typed, unit, note) added to a day of a session."""
    value, unit, note = typed
    row = Measurement(
        session_id=row_id,
        date=date,
        measure=MEASURE,
        value=value,
        unit=unit,
        note=note,
        logged_at=when,
    )
    tx.add(row)
    tx.flush()
    return TemperatureRecord(row.id, session.id, date, session.day_of(date), value, unit, note)


def reading_row(
    tx: Session, profile_id: int, reading_id: int
) -> tuple[Measurement, TemperatureRecord] | None:
    """One of a profile's temperature readings, its row and its record; None when it is
    not this profile's (or not there)."""
    query = (
        select(Measurement, *COLUMNS)
        .join(TreatmentSession, TreatmentSession.id == Measurement.session_id)
        .where(
            Measurement.id == reading_id,
            Measurement.measure == MEASURE,
            TreatmentSession.profile_id == profile_id,
        )
    )
    found = tx.execute(query).first()
    return None if found is None else (found[0], _record(found[1:]))


def put_back(
    tx: Session,
    reading_id: int,
    where: tuple[int, dt.date],
    typed: tuple[str, str, str | None],
    when: dt.datetime,
) -> None:
    """A removed reading put back with its own id, so it keeps its place among the day's
    readings (they are judged in the order logged, by id)."""
    value, unit, note = typed
    row_id, date = where
    tx.add(
        Measurement(
            id=reading_id,
            session_id=row_id,
            date=date,
            measure=MEASURE,
            value=value,
            unit=unit,
            note=note,
            logged_at=when,
        )
    )


def add_temperatures(
    tx: Session, rows: Sequence[tuple[int, dt.date, str, str, str | None]], when: dt.datetime
) -> None:
    """(session row id, date, value as typed, unit, note) each, in one statement."""
    if not rows:
        return
    tx.execute(
        insert(Measurement),
        [
            {
                "session_id": session_id,
                "date": date,
                "measure": MEASURE,
                "value": value,
                "unit": unit,
                "note": note,
                "logged_at": when,
            }
            for session_id, date, value, unit, note in rows
        ],
    )


def temperatures_all_profiles(
    tx: Session, as_of: dt.date
) -> list[tuple[str, SessionRecord, list[TemperatureRecord]]]:
    """Every profile's sessions with a temperature up to as_of, each with its readings in
    the order logged (a clinic's triage: readings are few beside the 0-10 values)."""
    query = (
        select(Profile.name, TreatmentSession, *COLUMNS[:-1])
        .join(TreatmentSession, TreatmentSession.profile_id == Profile.id)
        .join(Measurement, Measurement.session_id == TreatmentSession.id)
        .where(Measurement.measure == MEASURE, Measurement.date <= as_of)
        .order_by(Profile.name, TreatmentSession.id, Measurement.date, Measurement.id)
    )
    found: dict[int, tuple[str, SessionRecord, list[TemperatureRecord]]] = {}
    for name, row, *reading in tx.execute(query):
        if row.id not in found:
            record = SessionRecord(
                row.number, row.date, row.kind, row.area, row.clinic, row.notes, row.follow_up
            )
            found[row.id] = (name, record, [])
        found[row.id][2].append(_record((*reading, row.date)))
    return list(found.values())
