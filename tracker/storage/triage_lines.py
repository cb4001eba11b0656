"""The SQL behind a clinic's kept triage lines (table ``triage_lines``, migration 0016).

- ``count_writes``: the store adds one to a profile's count of writes in the transaction
  that writes its record (the row is made when missing);
- ``stale``: the profiles whose kept line does not hold on a date (none kept, a write
  since, other rules, or the date outside its days);
- ``patient_facts``: what judging those profiles needs, in a few queries per 500 of them;
- ``keep``: the lines judged, with the count of writes they were judged after;
- ``page`` and ``counts``: a page of the patients' lines in the list's order, computed by
  the query for the day asked (a waiting time that grows with the days is kept as the day
  it counts from), and how many patients each category holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.domain.expectations import Override
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.temperature import MEASURE, TemperatureRecord
from tracker.domain.triage import Review
from tracker.domain.triage_kept import KeptLine, PatientFacts
from tracker.storage import clinic_queries, queries
from tracker.storage.models import (
    Account,
    FlagReview,
    Measurement,
    Profile,
    ProtocolOverride,
    SymptomCourse,
    SymptomValue,
    TreatmentSession,
    TriageLineRow,
)

CHUNK = 500  # profiles (or sessions) per statement: well under any driver's parameter limit


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _upsert(tx: Session) -> Any:
    dialect = tx.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(TriageLineRow)


def count_writes(tx: Session, profile_ids: Iterable[int]) -> dict[int, int]:
    """One more write to each of these profiles' records: their kept lines are stale.
    Returns each one's count of writes now (its row locked until the transaction ends)."""
    counts: dict[int, int] = {}
    for chunk in _chunks(list(set(profile_ids))):
        statement = _upsert(tx).values([{"profile_id": pid, "changes": 1} for pid in chunk])
        statement = statement.on_conflict_do_update(
            index_elements=[TriageLineRow.profile_id],
            set_={"changes": TriageLineRow.changes + 1},
        ).returning(TriageLineRow.profile_id, TriageLineRow.changes)
        counts.update((pid, changes) for pid, changes in tx.execute(statement))
    return counts


def stale(tx: Session, as_of: dt.date, rules: str) -> list[tuple[int, int]]:
    """(profile id, count of writes) of every profile whose kept line does not hold on
    ``as_of``: in one query over the kept lines."""
    row = TriageLineRow
    query = (
        select(Profile.id, row.changes)
        .outerjoin(row, row.profile_id == Profile.id)
        .where(
            or_(
                row.profile_id.is_(None),
                row.judged.is_(None),
                row.judged != row.changes,
                row.rules.is_distinct_from(rules),
                row.since > as_of,
                row.until < as_of,
            )
        )
    )
    return [(pid, changes or 0) for pid, changes in tx.execute(query)]


def write_counts(tx: Session, profile_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(profile id, count of writes) of these profiles that have a row, by profile id."""
    found: list[tuple[int, int]] = []
    for chunk in _chunks(list(set(profile_ids))):
        query = (
            select(TriageLineRow.profile_id, TriageLineRow.changes)
            .where(TriageLineRow.profile_id.in_(chunk))
            .order_by(TriageLineRow.profile_id)
        )
        found.extend((pid, changes) for pid, changes in tx.execute(query))
    return found


def forget(tx: Session) -> int:
    """Every kept line judged anew when next asked for (a repair); returns how many."""
    done = tx.execute(update(TriageLineRow).values(judged=None))
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


# -- what judging needs ------------------------------------------------------------------


def patient_facts(tx: Session, profile_ids: Sequence[int], as_of: dt.date) -> list[PatientFacts]:
    """Each of these profiles' facts for judging their line on ``as_of`` or later: the
    values only of the sessions that may be open then (the symptom courses say which)."""
    found: list[PatientFacts] = []
    for chunk in _chunks(profile_ids):
        found.extend(_facts(tx, chunk, as_of))
    return found


def _facts(tx: Session, chunk: list[int], as_of: dt.date) -> list[PatientFacts]:
    profiles = {row.id: row for row in tx.scalars(select(Profile).where(Profile.id.in_(chunk)))}
    overrides: dict[int, list[Override]] = defaultdict(list)
    for o in tx.scalars(select(ProtocolOverride).where(ProtocolOverride.profile_id.in_(chunk))):
        overrides[o.profile_id].append(Override(o.kind, o.symptom, o.max_days, o.typical_days))
    sessions: dict[int, list[TreatmentSession]] = defaultdict(list)
    by_row: dict[int, TreatmentSession] = {}
    query = (
        select(TreatmentSession)
        .where(TreatmentSession.profile_id.in_(chunk))
        .order_by(TreatmentSession.profile_id, TreatmentSession.date, TreatmentSession.id)
    )
    for session in tx.scalars(query):
        sessions[session.profile_id].append(session)
        by_row[session.id] = session
    logged, open_rows = _courses(tx, chunk, as_of)
    values = _values(tx, open_rows, by_row)
    temperatures = _temperatures(tx, chunk)
    reviews = _reviews(tx, chunk)
    found = []
    for pid in chunk:
        profile = profiles.get(pid)
        if profile is None:
            continue
        rows = sessions.get(pid, [])
        found.append(
            PatientFacts(
                profile.name,
                pid,
                queries.profile_record(profile),
                tuple(overrides.get(pid, ())),
                tuple(queries.session_record(row) for row in rows),
                {row.number: values[row.id] for row in rows if row.id in open_rows},
                {row.number: logged[row.id] for row in rows if row.id in logged},
                temperatures.get(pid, ()),
                reviews.get(pid),
            )
        )
    return found


def _courses(tx: Session, chunk: list[int], as_of: dt.date) -> tuple[dict[int, dt.date], set[int]]:
    """Each session's last day logged, and the sessions that may be open on as_of or later
    (a symptom's latest value above 0, or a value after as_of), by row id."""
    query = (
        select(SymptomCourse.session_id, SymptomCourse.latest, SymptomCourse.latest_severity)
        .join(TreatmentSession, TreatmentSession.id == SymptomCourse.session_id)
        .where(TreatmentSession.profile_id.in_(chunk))
    )
    logged: dict[int, dt.date] = {}
    open_rows: set[int] = set()
    for session_id, latest, severity in tx.execute(query):
        if session_id not in logged or latest > logged[session_id]:
            logged[session_id] = latest
        if severity > 0 or latest > as_of:
            open_rows.add(session_id)
    return logged, open_rows


def _values(
    tx: Session, open_rows: set[int], by_row: dict[int, TreatmentSession]
) -> dict[int, list[ValueRecord]]:
    found: dict[int, list[ValueRecord]] = {row: [] for row in open_rows}
    for chunk in _chunks(list(open_rows)):
        query = (
            select(
                SymptomValue.session_id,
                SymptomValue.date,
                SymptomValue.symptom,
                SymptomValue.severity,
            )
            .where(SymptomValue.session_id.in_(chunk))
            .order_by(SymptomValue.session_id, SymptomValue.date)
        )
        for row_id, date, symptom, severity in tx.execute(query):
            session = by_row[row_id]
            day = (date - session.date).days
            found[row_id].append(ValueRecord(session.number, date, day, symptom, severity))
    return found


def _temperatures(
    tx: Session, chunk: list[int]
) -> dict[int, tuple[tuple[int, tuple[TemperatureRecord, ...]], ...]]:
    """Each profile's temperatures by session number, sessions in row order, each
    session's readings in the order logged (as the whole list reads them)."""
    query = (
        select(
            TreatmentSession.profile_id,
            Measurement.id,
            TreatmentSession.number,
            Measurement.date,
            Measurement.value,
            Measurement.unit,
            Measurement.note,
            TreatmentSession.date,
        )
        .join(TreatmentSession, TreatmentSession.id == Measurement.session_id)
        .where(TreatmentSession.profile_id.in_(chunk), Measurement.measure == MEASURE)
        .order_by(TreatmentSession.id, Measurement.date, Measurement.id)
    )
    grouped: dict[int, dict[int, list[TemperatureRecord]]] = defaultdict(dict)
    for pid, reading_id, number, date, value, unit, note, session_date in tx.execute(query):
        reading = TemperatureRecord(
            reading_id, number, date, (date - session_date).days, value, unit, note
        )
        grouped[pid].setdefault(number, []).append(reading)
    return {
        pid: tuple((number, tuple(readings)) for number, readings in sessions.items())
        for pid, sessions in grouped.items()
    }


def _reviews(tx: Session, chunk: list[int]) -> dict[int, Review]:
    latest = (
        select(func.max(FlagReview.id).label("id"))
        .where(FlagReview.profile_id.in_(chunk))
        .group_by(FlagReview.profile_id)
        .subquery()
    )
    query = select(FlagReview).join(latest, latest.c.id == FlagReview.id)
    return {row.profile_id: clinic_queries.review_record(row) for row in tx.scalars(query)}


# -- keeping and reading the lines -------------------------------------------------------


def _columns(kept: KeptLine, judged: int, rules: str) -> dict[str, Any]:
    session = kept.session
    return {
        "profile_id": kept.profile_id,
        "judged": judged,
        "rules": rules,
        "since": kept.since,
        "until": kept.until,
        "sort_group": kept.group,
        "category_rank": kept.rank,
        "category": kept.category,
        "waiting": None if kept.growing else kept.waiting,
        "waiting_from": kept.since.toordinal() - kept.waiting if kept.growing else None,
        "reviewed": kept.reviewed,
        "words": kept.words,
        "session_number": None if session is None else session.id,
        "session_kind": None if session is None else session.kind,
        "session_date": None if session is None else session.date,
        "last_logged": kept.last_logged,
        "review_action": kept.review_action,
        "review_at": kept.review_at,
    }


def keep(tx: Session, lines: Sequence[tuple[KeptLine, int]], rules: str) -> None:
    """Keep these lines, each with the count of writes read before judging it: a write
    since then leaves the count ahead, and the line stale. In profile order (two clinics'
    pages keeping lines at once lock them in the same order). A line judged after fewer
    writes than the kept one (a list's load that read its facts before a check-in, which
    judged its own line since) does not replace it."""
    rows = [
        _columns(kept, judged, rules)
        for kept, judged in sorted(lines, key=lambda p: p[0].profile_id)
    ]
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        statement = _upsert(tx).values([{**row, "changes": row["judged"]} for row in chunk])
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[TriageLineRow.profile_id],
            set_={name: excluded[name] for name in chunk[0] if name != "profile_id"},
            where=or_(TriageLineRow.judged.is_(None), TriageLineRow.judged <= excluded.judged),
        )
        tx.execute(statement)


def _waiting_now(as_of: dt.date) -> Any:
    row = TriageLineRow
    return case(
        (row.waiting_from.is_not(None), as_of.toordinal() - row.waiting_from),
        else_=row.waiting,
    )


def _kept(row: TriageLineRow) -> KeptLine:
    assert row.since is not None and row.until is not None and row.category is not None
    session = None
    if row.session_number is not None:
        assert row.session_date is not None and row.session_kind is not None
        session = SessionRecord(row.session_number, row.session_date, row.session_kind)
    growing = row.waiting_from is not None
    waiting = (
        row.since.toordinal() - row.waiting_from if row.waiting_from is not None else row.waiting
    )
    return KeptLine(
        row.profile_id,
        row.category,
        bool(row.reviewed),
        row.words or "",
        waiting or 0,
        growing,
        row.since,
        row.until,
        session,
        row.last_logged,
        row.review_action,
        row.review_at,
    )


def _patients() -> Any:
    return select(TriageLineRow).join(
        Account, (Account.profile_id == TriageLineRow.profile_id) & (Account.role == "patient")
    )


def page(
    tx: Session, as_of: dt.date, offset: int, limit: int
) -> list[tuple[KeptLine, str, str, bool]]:
    """A page of the patients' kept lines in the list's order on ``as_of`` (worst first:
    not reviewed, category, longest waiting, then the profile's name in code-point order,
    as Python sorts): each with the profile's name, the patient's e-mail and whether
    their account is disabled."""
    name = Profile.name
    if tx.get_bind().dialect.name == "postgresql":
        name = name.collate("C")  # type: ignore[assignment]
    query = (
        _patients()
        .add_columns(Profile.name, Account.email, Account.disabled_at.is_not(None))
        .join(Profile, Profile.id == TriageLineRow.profile_id)
        .order_by(
            TriageLineRow.sort_group,
            TriageLineRow.category_rank,
            _waiting_now(as_of).desc(),
            name,
        )
        .offset(offset)
        .limit(limit)
    )
    return [
        (_kept(row), profile, email, bool(off)) for row, profile, email, off in tx.execute(query)
    ]


def counts(tx: Session) -> dict[str, int]:
    """How many patients' kept lines each category holds (a patient counted once)."""
    query = (
        _patients()
        .with_only_columns(TriageLineRow.category, func.count())
        .group_by(TriageLineRow.category)
    )
    return {category: int(n) for category, n in tx.execute(query) if category is not None}


def kept_lines(tx: Session) -> dict[int, tuple[int, int | None, str | None]]:
    """Every kept line's (count of writes, count judged after, rules), by profile id: what
    the tests and ``db check`` look at."""
    query = select(
        TriageLineRow.profile_id, TriageLineRow.changes, TriageLineRow.judged, TriageLineRow.rules
    )
    return {pid: (changes, judged, rules) for pid, changes, judged, rules in tx.execute(query)}
