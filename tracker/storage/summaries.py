"""The symptom courses (a summary of each session's symptoms, kept on write) checked
against the values they summarise, and made anew from them.

The values are the record; a course is derived from them. The tracker keeps them equal on
every write, but a database edited by hand (raw SQL, another program, a generator that
writes values alone) can leave a course that no longer says what the values do: Status,
the personal course and triage then read a wrong summary. ``tracker db check`` lists such
courses; ``tracker db check --repair`` makes every course anew from the values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Date, Integer, and_, delete, insert, literal, or_, select
from sqlalchemy.orm import Session

from tracker.storage.models import Profile, SymptomCourse, TreatmentSession
from tracker.storage.queries import COURSE_COLUMNS, course_rows

_FIELDS = ("latest", "latest_severity", "gone", "value_count")


def _differing() -> Any:
    """Every (session, symptom) whose kept course differs from what its values come to, or
    that has one and not the other: profile name, session number, symptom, then the kept
    fields and the made ones (NULL where there is none), in profile, session, symptom order."""
    made = course_rows([]).cte("made").prefix_with("MATERIALIZED")  # made once
    kept = SymptomCourse.__table__
    same_pair = and_(made.c.session_id == kept.c.session_id, made.c.symptom == kept.c.symptom)
    none = [
        literal(None, type_=Date),
        literal(None, type_=Integer),
        literal(None, type_=Date),
        literal(None, type_=Integer),
    ]
    changed = (
        select(
            kept.c.session_id,
            kept.c.symptom,
            *(kept.c[f] for f in _FIELDS),
            *(made.c[f] for f in _FIELDS),
        )
        .select_from(kept.outerjoin(made, same_pair))
        .where(
            or_(
                made.c.session_id.is_(None),
                *(kept.c[f].is_distinct_from(made.c[f]) for f in _FIELDS),
            )
        )
    )
    missing = (
        select(made.c.session_id, made.c.symptom, *none, *(made.c[f] for f in _FIELDS))
        .select_from(made.outerjoin(kept, same_pair))
        .where(kept.c.session_id.is_(None))
    )
    both = changed.union_all(missing).subquery("differ")
    return (
        select(Profile.name, TreatmentSession.number, *list(both.c)[1:])
        .join(TreatmentSession, TreatmentSession.id == both.c.session_id)
        .join(Profile, Profile.id == TreatmentSession.profile_id)
        .order_by(Profile.name, TreatmentSession.number, both.c.symptom)
    )


def _course_words(fields: Sequence[Any]) -> str:
    latest, severity, gone, count = fields
    if isinstance(latest, str):  # SQLite's raw text in a union
        latest = dt.date.fromisoformat(latest)
    ended = f"gone on {gone}" if gone is not None else "not gone"
    return f"latest value {severity} on {latest}, {ended}, {count} values"


def _line(row: Sequence[Any]) -> str:
    name, number, symptom = row[0], row[1], row[2]
    kept, made = row[3:7], row[7:11]
    where = f"symptom summary of profile {name!r}, session {number}, {symptom}"
    if made[0] is None:
        return f"{where}: kept ({_course_words(kept)}), but the session holds no such value"
    if kept[0] is None:
        return f"{where}: missing (its values: {_course_words(made)})"
    return f"{where}: says {_course_words(kept)}; its values say {_course_words(made)}"


def differences(connection: Connection | Session, limit: int = 50) -> tuple[list[str], int]:
    """The first ``limit`` symptom courses that differ from their values, in words, and how
    many differ in all; changing nothing. One query (the courses made from every value)."""
    lines: list[str] = []
    count = 0
    for row in connection.execute(_differing()):
        count += 1
        if len(lines) < limit:
            lines.append(_line(row))
    return lines, count


def problem_lines(connection: Connection) -> list[str]:
    """The symptom courses that differ from their values, as ``tracker db check`` lists
    them: the first 40 (a line each), then how many more."""
    lines, count = differences(connection, limit=40)
    if count > len(lines):
        lines.append(f"and {count - len(lines)} more symptom summaries differ from their values")
    return lines


def refill(tx: Session) -> None:
    """Every symptom course made anew from the values, in the caller's transaction."""
    tx.flush()
    tx.execute(delete(SymptomCourse), execution_options={"synchronize_session": False})
    tx.execute(insert(SymptomCourse).from_select(COURSE_COLUMNS, course_rows([])))
