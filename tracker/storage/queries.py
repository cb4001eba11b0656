"""The SQL behind the store: queries over the models, with the profile passed in.

Only ``tracker.storage`` uses these; services reach them through ``Store``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Subquery

from tracker.domain.care import CareRecord
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Override
from tracker.domain.hints import Hint
from tracker.domain.records import ChangeRecord, ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.temperature import TypedTemperature
from tracker.domain.words import Words
from tracker.storage.models import (
    CareEntry,
    EntryChange,
    Measurement,
    Profile,
    ProtocolOverride,
    SymptomCourse,
    SymptomValue,
    TreatmentSession,
)


def _core(tx: Session) -> Connection:
    """The transaction's connection, for a bulk read of plain columns (SQLAlchemy Core
    rows, without the ORM's result handling), after what the ORM holds is written."""
    tx.flush()
    return tx.connection()


def session_record(row: TreatmentSession) -> SessionRecord:
    """The record of a session row: its ``id`` is the profile's own session number (the
    row id stays in storage, for the joins)."""
    return SessionRecord(
        id=row.number,
        date=row.date,
        kind=row.kind,
        area=row.area,
        clinic=row.clinic,
        notes=row.notes,
        follow_up=row.follow_up,
    )


def entry_record(row: SymptomValue, session: SessionRecord) -> ValueRecord:
    return ValueRecord(
        session_id=session.id,
        date=row.date,
        day=(row.date - session.date).days,
        symptom=row.symptom,
        severity=row.severity,
        note=row.note,
    )


def count_entries(tx: Session, session_id: int) -> int:
    query = (
        select(func.count()).select_from(SymptomValue).where(SymptomValue.session_id == session_id)
    )
    return tx.scalar(query) or 0


def entry_dates_range(tx: Session, session_id: int) -> tuple[dt.date | None, dt.date | None]:
    query = select(func.min(SymptomValue.date), func.max(SymptomValue.date)).where(
        SymptomValue.session_id == session_id
    )
    first, last = tx.execute(query).one()
    return first, last


def entries_on(tx: Session, session_id: int, date: dt.date) -> dict[str, SymptomValue]:
    """A session's entries for one day, by symptom."""
    query = select(SymptomValue).where(
        SymptomValue.session_id == session_id, SymptomValue.date == date
    )
    return {row.symptom: row for row in tx.scalars(query)}


def _typed(value: str | None, unit: str | None) -> TypedTemperature | None:
    return TypedTemperature(value, unit) if value is not None and unit is not None else None


def _change_record(row: EntryChange, number: int) -> ChangeRecord:
    return ChangeRecord(
        row.id,
        number,
        row.date,
        row.symptom,
        row.before,
        row.before_note,
        row.after,
        row.after_note,
        row.changed_at,
        row.undone_at,
        row.reading_id,
        _typed(row.before_reading, row.before_unit),
        _typed(row.after_reading, row.after_unit),
    )


def changes(
    tx: Session,
    profile_id: int,
    *,
    session_id: int | None = None,
    pending_only: bool = False,
    temperatures: bool = False,
) -> list[ChangeRecord]:
    """The changes to values (or, with ``temperatures``, to temperature readings)."""
    query = (
        select(EntryChange, TreatmentSession.number)
        .join(TreatmentSession, TreatmentSession.id == EntryChange.session_id)
        .where(
            TreatmentSession.profile_id == profile_id,
            EntryChange.reading_id.is_not(None)
            if temperatures
            else EntryChange.reading_id.is_(None),
        )
    )
    if session_id is not None:
        query = query.where(TreatmentSession.number == session_id)
    if pending_only:
        query = query.where(EntryChange.undone_at.is_(None))
    found = tx.execute(query.order_by(EntryChange.id))
    return [_change_record(row, number) for row, number in found]


def last_change(tx: Session, profile_id: int) -> ChangeRecord | None:
    query = (
        select(EntryChange, TreatmentSession.number)
        .join(TreatmentSession, TreatmentSession.id == EntryChange.session_id)
        .where(TreatmentSession.profile_id == profile_id, EntryChange.undone_at.is_(None))
        .order_by(EntryChange.id.desc())
        .limit(1)
    )
    found = tx.execute(query).first()
    return _change_record(found[0], found[1]) if found is not None else None


def entries_with_sessions(
    tx: Session, profile_id: int, *, session_id: int | None = None, symptom: str | None = None
) -> dict[int, list[ValueRecord]]:
    """A profile's entries by session number, sessions oldest first."""
    query = (
        select(*ENTRY_COLUMNS, TreatmentSession.date)
        .join(SymptomValue.session)
        .where(TreatmentSession.profile_id == profile_id)
    )
    if session_id is not None:
        query = query.where(TreatmentSession.number == session_id)
    if symptom is not None:
        query = query.where(SymptomValue.symptom == symptom)
    query = query.order_by(
        TreatmentSession.date, TreatmentSession.number, SymptomValue.date, SymptomValue.symptom
    )
    return _entries_by_session(tx.execute(query))


def entry_counts(tx: Session, profile_id: int) -> dict[int, int]:
    """How many values each session holds, from the symptom courses (no value is read)."""
    query = (
        select(TreatmentSession.number, func.sum(SymptomCourse.value_count))
        .join(TreatmentSession, TreatmentSession.id == SymptomCourse.session_id)
        .where(TreatmentSession.profile_id == profile_id)
        .group_by(TreatmentSession.number)
    )
    return {number: count for number, count in tx.execute(query)}


# Bulk reads select plain columns: building ORM objects for a clinic's hundreds of
# thousands of values costs several times more than the query itself. The session is
# named by its number: each query joins the sessions table.
ENTRY_COLUMNS = (
    TreatmentSession.number,
    SymptomValue.date,
    SymptomValue.symptom,
    SymptomValue.severity,
    SymptomValue.note,
)


def _entries_by_session(rows: Iterable[Any]) -> dict[int, list[ValueRecord]]:
    grouped: dict[int, list[ValueRecord]] = {}
    for session_id, date, symptom, severity, note, session_date in rows:
        record = ValueRecord(session_id, date, (date - session_date).days, symptom, severity, note)
        grouped.setdefault(session_id, []).append(record)
    return grouped


def entries_for_sessions(
    tx: Session, profile_id: int, session_ids: Sequence[int]
) -> dict[int, list[ValueRecord]]:
    """The entries of several of a profile's sessions in one query, keyed by number."""
    query = (
        select(*ENTRY_COLUMNS, TreatmentSession.date)
        .join(SymptomValue.session)
        .where(TreatmentSession.number.in_(session_ids), TreatmentSession.profile_id == profile_id)
        .order_by(TreatmentSession.number, SymptomValue.date, SymptomValue.symptom)
    )
    found = _entries_by_session(tx.execute(query))
    return {session_id: found.get(session_id, []) for session_id in session_ids}


def latest_runs(
    tx: Session, profile_id: int, session_ids: Sequence[int], as_of: dt.date
) -> dict[int, list[ValueRecord]]:
    """For each of these sessions (by number), the values of each symptom that may still be
    there as of a date (its kept course's latest value above 0, or a value after the date),
    from its last 0 on or before the date (that 0 included; from the session's day when it
    has none) up to the date. Each pair's start is found by the unique index (session,
    symptom, date) read backwards from the date; then only that stretch of values is read.
    In one query per 500 sessions, whatever the number of values."""
    found: dict[int, list[ValueRecord]] = {number: [] for number in session_ids}
    numbers = sorted(set(session_ids))
    for start in range(0, len(numbers), COURSE_CHUNK):
        chunk = numbers[start : start + COURSE_CHUNK]
        pairs = (
            select(
                SymptomCourse.session_id,
                SymptomCourse.symptom,
                TreatmentSession.number,
                TreatmentSession.date.label("session_date"),
            )
            .join(TreatmentSession, TreatmentSession.id == SymptomCourse.session_id)
            .where(
                TreatmentSession.profile_id == profile_id,
                TreatmentSession.number.in_(chunk),
                or_(SymptomCourse.latest_severity > 0, SymptomCourse.latest > as_of),
            )
            .subquery("pairs")
        )
        zero = aliased(SymptomValue)
        since = (
            select(zero.date)
            .where(
                zero.session_id == pairs.c.session_id,
                zero.symptom == pairs.c.symptom,
                zero.severity == 0,
                zero.date <= as_of,
                zero.date >= pairs.c.session_date,
            )
            .order_by(zero.date.desc())
            .limit(1)
            .scalar_subquery()
        )
        # Materialized: each pair's start is found once, not again for each of its values.
        starts = (
            select(pairs, func.coalesce(since, pairs.c.session_date).label("since"))
            .cte("starts")
            .prefix_with("MATERIALIZED")
        )
        query = (
            select(
                starts.c.number,
                SymptomValue.date,
                SymptomValue.symptom,
                SymptomValue.severity,
                SymptomValue.note,
                starts.c.session_date,
            )
            .join(
                SymptomValue,
                (SymptomValue.session_id == starts.c.session_id)
                & (SymptomValue.symptom == starts.c.symptom),
            )
            .where(SymptomValue.date <= as_of, SymptomValue.date >= starts.c.since)
            .order_by(starts.c.number, SymptomValue.date, SymptomValue.symptom)
        )
        found.update(_entries_by_session(tx.execute(query)))
    return found


def overrides(tx: Session, profile_id: int, kind: str | None = None) -> list[Override]:
    query = select(ProtocolOverride).where(ProtocolOverride.profile_id == profile_id)
    if kind is not None:
        query = query.where(ProtocolOverride.kind == kind)
    return [
        Override(row.kind, row.symptom, row.max_days, row.typical_days) for row in tx.scalars(query)
    ]


def find_override(tx: Session, profile_id: int, kind: str, symptom: str) -> ProtocolOverride | None:
    query = select(ProtocolOverride).where(
        ProtocolOverride.profile_id == profile_id,
        ProtocolOverride.kind == kind,
        ProtocolOverride.symptom == symptom,
    )
    return tx.scalars(query).first()


def delete_overrides(tx: Session, profile_id: int, kind: str | None, symptom: str | None) -> int:
    query = select(ProtocolOverride).where(ProtocolOverride.profile_id == profile_id)
    if kind is not None:
        query = query.where(ProtocolOverride.kind == kind)
    if symptom is not None:
        query = query.where(ProtocolOverride.symptom == symptom)
    rows = tx.scalars(query).all()
    for row in rows:
        tx.delete(row)
    return len(rows)


def care_record(row: CareEntry, session_date: dt.date, number: int) -> CareRecord:
    return CareRecord(
        id=row.id,
        session_id=number,
        date=row.date,
        day=(row.date - session_date).days,
        action=row.action,
        note=row.note,
    )


def get_care(tx: Session, profile_id: int, care_id: int) -> tuple[CareEntry, dt.date, int]:
    """One care entry of this profile, with its session's date and number; refuses any
    other id."""
    query = (
        select(CareEntry, TreatmentSession.date, TreatmentSession.number)
        .join(TreatmentSession, CareEntry.session_id == TreatmentSession.id)
        .where(CareEntry.id == care_id, TreatmentSession.profile_id == profile_id)
    )
    found = tx.execute(query).first()
    if found is None:
        raise TrackerError.not_found(
            Words.NO_CARE_ENTRY.format(care_id=care_id), field="care", hint=Hint("care-list")
        )
    return found[0], found[1], found[2]


def same_care(
    tx: Session, session_id: int, date: dt.date, action: str, note: str | None, exact: bool
) -> CareEntry | None:
    """An entry already recording this action on this day of this session: with this
    note when one is given (any note when none is), or, ``exact``, with this very note or
    none (what an import brings again)."""
    query = select(CareEntry).where(
        CareEntry.session_id == session_id, CareEntry.date == date, CareEntry.action == action
    )
    if exact and note is None:
        query = query.where(CareEntry.note.is_(None))
    elif note is not None:
        query = query.where(CareEntry.note == note)
    return tx.scalars(query.order_by(CareEntry.id).limit(1)).first()


def care_records(
    tx: Session, profile_id: int, session_ids: Sequence[int] | None = None
) -> list[CareRecord]:
    query = (
        select(CareEntry, TreatmentSession.date, TreatmentSession.number)
        .join(TreatmentSession, CareEntry.session_id == TreatmentSession.id)
        .where(TreatmentSession.profile_id == profile_id)
    )
    if session_ids is not None:
        query = query.where(TreatmentSession.number.in_(session_ids))
    query = query.order_by(CareEntry.date, CareEntry.id)
    return [care_record(row, date, number) for row, date, number in tx.execute(query)]


def profile_record(row: Profile) -> ProfileRecord:
    return ProfileRecord(row.name, row.skin_type, row.sensitive_skin)


def find_profile(tx: Session, name: str) -> Profile | None:
    return tx.scalars(select(Profile).where(Profile.name == name)).first()


def profile_with_uuid(tx: Session, value: str) -> Profile | None:
    return tx.scalars(select(Profile).where(Profile.uuid == value)).first()


def all_profiles(tx: Session) -> Sequence[Profile]:
    return tx.scalars(select(Profile).order_by(Profile.name)).all()


def session_counts_by_profile(tx: Session) -> dict[int, int]:
    query = select(TreatmentSession.profile_id, func.count()).group_by(TreatmentSession.profile_id)
    return {pid: count for pid, count in tx.execute(query)}


def _latest_per_profile(as_of: dt.date) -> Subquery:
    """Each profile's sessions ranked newest first (rank 1: the latest on or before as_of)."""
    return (
        select(
            TreatmentSession.id,
            TreatmentSession.date,
            func.row_number()
            .over(
                partition_by=TreatmentSession.profile_id,
                order_by=(TreatmentSession.date.desc(), TreatmentSession.id.desc()),
            )
            .label("rank"),
        )
        .where(TreatmentSession.date <= as_of)
        .subquery()
    )


def latest_sessions_all_profiles(tx: Session, as_of: dt.date) -> list[tuple[str, TreatmentSession]]:
    """Each profile's latest session on or before as_of, in one query."""
    ranked = _latest_per_profile(as_of)
    query = (
        select(Profile.name, TreatmentSession)
        .join(TreatmentSession, TreatmentSession.profile_id == Profile.id)
        .join(ranked, ranked.c.id == TreatmentSession.id)
        .where(ranked.c.rank == 1)
        .order_by(Profile.name)
    )
    return [(name, row) for name, row in tx.execute(query)]


def last_logged_of_latest_sessions(tx: Session, as_of: dt.date) -> dict[str, dt.date]:
    """The last day (up to as_of) logged for every profile's latest session, in one query,
    by profile name (session numbers repeat across profiles)."""
    ranked = _latest_per_profile(as_of)
    query = (
        select(Profile.name, func.max(SymptomValue.date))
        .join(ranked, ranked.c.id == SymptomValue.session_id)
        .join(TreatmentSession, TreatmentSession.id == SymptomValue.session_id)
        .join(Profile, Profile.id == TreatmentSession.profile_id)
        .where(ranked.c.rank == 1, SymptomValue.date <= as_of)
        .group_by(Profile.name)
    )
    return {name: last for name, last in tx.execute(query)}


def overrides_by_profile(tx: Session) -> dict[int, list[Override]]:
    grouped: dict[int, list[Override]] = {}
    query = select(
        ProtocolOverride.profile_id,
        ProtocolOverride.kind,
        ProtocolOverride.symptom,
        ProtocolOverride.max_days,
        ProtocolOverride.typical_days,
    ).order_by(ProtocolOverride.id)
    for profile_id, kind, symptom, max_days, typical in _core(tx).execute(query):
        grouped.setdefault(profile_id, []).append(Override(kind, symptom, max_days, typical))
    return grouped


def _open_candidates(as_of: Any) -> Any:
    """Sessions that may be open as of a date (or a bound parameter standing for one), from
    the symptom courses' indexes alone: a symptom whose latest value is above 0, or a value
    dated after as_of (its latest value as of then is not the one kept). A patient whose
    recoveries ended costs nothing here."""
    return select(SymptomCourse.session_id).where(
        or_(SymptomCourse.latest_severity > 0, SymptomCourse.latest > as_of)
    )


def _open_session_ids(as_of: Any) -> Any:
    """Sessions (on or before as_of: a date, or a bound parameter standing for one) with a
    symptom whose latest value up to as_of is above 0.

    Only those can hold an active flag: every flag rule needs the latest value above 0.
    Judged from the values, but only of the candidates the symptom courses name.
    """
    last_present = func.max(case((SymptomValue.severity > 0, SymptomValue.date)))
    last_gone = func.max(case((SymptomValue.severity == 0, SymptomValue.date)))
    return (
        select(SymptomValue.session_id)
        .join(TreatmentSession, TreatmentSession.id == SymptomValue.session_id)
        .where(
            TreatmentSession.date <= as_of,
            SymptomValue.date <= as_of,
            SymptomValue.session_id.in_(_open_candidates(as_of)),
        )
        .group_by(SymptomValue.session_id, SymptomValue.symptom)
        .having(last_present.is_not(None), or_(last_gone.is_(None), last_present > last_gone))
    )


def open_session_ids(tx: Session, profile_id: int, as_of: dt.date) -> set[int]:
    """This profile's sessions (their numbers) that can still hold an active flag as of a
    date."""
    query = (
        _open_session_ids(as_of)
        .where(TreatmentSession.profile_id == profile_id)
        .with_only_columns(TreatmentSession.number)
        .group_by(TreatmentSession.number)
    )
    return set(tx.scalars(query))


def gone_days(
    tx: Session, profile_id: int, as_of: dt.date
) -> tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]]:
    """For each session of this profile, the day each symptom was gone: judged on the
    values up to as_of, and on every value; in one query (two for a past as-of date).

    Gone: the first day logged 0 after its last value above 0; a symptom still there, or
    never above 0, has none. What the personal course needs of an earlier session, without
    reading its values: read from the symptom courses, except for a session holding values
    after as_of, judged from its values up to as_of.
    """
    query = (
        select(
            SymptomCourse.session_id,
            TreatmentSession.number,
            SymptomCourse.symptom,
            SymptomCourse.gone,
            SymptomCourse.latest,
            TreatmentSession.date,
        )
        .join(TreatmentSession, TreatmentSession.id == SymptomCourse.session_id)
        .where(TreatmentSession.profile_id == profile_id)
    )
    ever: dict[int, dict[str, int]] = {}  # by session number
    later: dict[int, int] = {}  # row id: number
    for row_id, number, symptom, gone, latest, session_date in tx.execute(query):
        if latest > as_of:
            later[row_id] = number
        if gone is not None:
            ever.setdefault(number, {})[symptom] = (gone - session_date).days
    # Only a past as-of date has any (a value is never logged after today): one query more.
    then = {s: days for s, days in ever.items() if s not in later.values()}
    if later:
        then.update(gone_days_from_values(tx, profile_id, as_of, later))
    return then, ever


def _days_between(dialect: str, later: Any, earlier: Any) -> Any:
    """Days from one date column to another, in SQL (SQLite keeps dates as ISO text)."""
    if dialect == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def _slowest_recoveries_query(dialect: str) -> Any:
    """slowest_recoveries()'s statement, made once per dialect (building its two aliases
    costs more than running it)."""
    target = aliased(TreatmentSession, name="target")
    earlier = aliased(TreatmentSession, name="earlier")
    day = _days_between(dialect, SymptomCourse.gone, earlier.date)
    as_of = bindparam("as_of", type_=Date)
    numbers: Any = bindparam("numbers", expanding=True)
    return (
        select(
            target.number,
            SymptomCourse.symptom,
            day,
            func.max(earlier.number),
            func.max(SymptomCourse.latest),
        )
        .select_from(target)
        .join(
            earlier,
            and_(
                earlier.profile_id == target.profile_id,
                earlier.kind == target.kind,
                # the sessions on or before as_of, and those asked for
                or_(earlier.date <= as_of, earlier.number.in_(numbers)),
                or_(
                    earlier.date < target.date,
                    and_(earlier.date == target.date, earlier.number < target.number),
                ),
            ),
        )
        .join(SymptomCourse, SymptomCourse.session_id == earlier.id)
        .where(
            target.profile_id == bindparam("profile_id"),
            target.number.in_(numbers),
        )
        .group_by(target.number, SymptomCourse.symptom, day)
    )


_SLOWEST_RECOVERIES: dict[str, Any] = {}


def slowest_recoveries(
    tx: Session, profile_id: int, numbers: Sequence[int], as_of: dt.date
) -> tuple[dict[int, dict[str, tuple[int, int]]], bool]:
    """For each of these sessions (by number), each symptom's slowest recovery after the
    earlier sessions of its kind (those on or before as_of, and those asked for): (session
    number, the day it was gone), of equally slow ones the later session's: what the
    personal course shows. From the symptom courses, grouped by session, symptom and gone
    day: as many rows as there are distinct gone days, however many sessions came before.
    Also whether any of those earlier sessions holds a value after as_of (their gone day as
    of then is not the one kept: only a past as-of date has any)."""
    dialect = tx.get_bind().dialect.name
    query = _SLOWEST_RECOVERIES.get(dialect)
    if query is None:
        query = _SLOWEST_RECOVERIES.setdefault(dialect, _slowest_recoveries_query(dialect))
    found: dict[int, dict[str, tuple[int, int]]] = {number: {} for number in numbers}
    later = False
    asked = {"profile_id": profile_id, "numbers": sorted(set(numbers)), "as_of": as_of}
    for number, symptom, days, slowest, last in tx.execute(query, asked):
        later = later or last > as_of
        if days is None:
            continue  # not gone (yet) after those sessions
        kept = found[number].get(symptom)
        if kept is None or (days, slowest) > (kept[1], kept[0]):
            found[number][symptom] = (slowest, days)
    return found, later


def gone_days_from_values(
    tx: Session,
    profile_id: int,
    as_of: dt.date | None = None,
    session_ids: Iterable[int] | None = None,
) -> dict[int, dict[str, int]]:
    """gone_days() judged from the values themselves (of the sessions named by row id),
    in one query, by session number: what the symptom courses keep, for a day they do not
    describe."""
    seen = [TreatmentSession.profile_id == profile_id]
    if session_ids is not None:
        seen.append(SymptomValue.session_id.in_(sorted(session_ids)))
    if as_of is not None:
        seen.append(SymptomValue.date <= as_of)
    last_present = (
        select(
            SymptomValue.session_id,
            SymptomValue.symptom,
            func.max(SymptomValue.date).label("last"),
        )
        .join(TreatmentSession, TreatmentSession.id == SymptomValue.session_id)
        .where(SymptomValue.severity > 0, *seen)
        .group_by(SymptomValue.session_id, SymptomValue.symptom)
        .subquery()
    )
    # Every value after the last one above 0 is 0: the earliest of them is the gone day.
    query = (
        select(
            TreatmentSession.number,
            SymptomValue.symptom,
            func.min(SymptomValue.date),
            TreatmentSession.date,
        )
        .join(
            last_present,
            (last_present.c.session_id == SymptomValue.session_id)
            & (last_present.c.symptom == SymptomValue.symptom)
            & (SymptomValue.date > last_present.c.last),
        )
        .join(TreatmentSession, TreatmentSession.id == SymptomValue.session_id)
        .where(*seen)
        .group_by(
            SymptomValue.session_id,
            TreatmentSession.number,
            SymptomValue.symptom,
            TreatmentSession.date,
        )
    )
    found: dict[int, dict[str, int]] = {}
    for number, symptom, date, session_date in tx.execute(query):
        found.setdefault(number, {})[symptom] = (date - session_date).days
    return found


def open_sessions_all_profiles(
    tx: Session, as_of: dt.date
) -> Iterator[tuple[str, SessionRecord, list[ValueRecord]]]:
    """Each open session of every profile with its entries up to as_of, profile by profile.

    Streamed in profile name order, so a clinic's triage holds one session's values at a
    time however many patients it has.
    """
    open_ids = _open_session_ids(as_of).subquery()
    query = (
        select(
            Profile.name,
            TreatmentSession.id,
            TreatmentSession.number,
            TreatmentSession.date,
            TreatmentSession.kind,
            SymptomValue.date,
            SymptomValue.symptom,
            SymptomValue.severity,
        )
        .join(TreatmentSession, TreatmentSession.profile_id == Profile.id)
        .join(SymptomValue, SymptomValue.session_id == TreatmentSession.id)
        .where(
            TreatmentSession.id.in_(select(open_ids.c.session_id)),
            SymptomValue.date <= as_of,
        )
        .order_by(Profile.name, TreatmentSession.date, TreatmentSession.id, SymptomValue.date)
        .execution_options(yield_per=5000)
    )
    current: tuple[int, str, SessionRecord] | None = None  # row id, profile, record
    entries: list[ValueRecord] = []
    rows = _core(tx).execute(query)  # Core rows: no ORM result handling per value
    for name, row_id, number, session_date, kind, date, symptom, severity in rows:
        if current is None or current[0] != row_id:
            if current is not None:
                yield current[1], current[2], entries
            current, entries = (row_id, name, SessionRecord(number, session_date, kind)), []
        entries.append(ValueRecord(number, date, (date - session_date).days, symptom, severity))
    if current is not None:
        yield current[1], current[2], entries


def profile_records(tx: Session) -> dict[str, tuple[int, ProfileRecord]]:
    """Every profile by name, with its id; read as columns (a clinic has thousands)."""
    query = select(Profile.id, Profile.name, Profile.skin_type, Profile.sensitive_skin).order_by(
        Profile.name
    )
    return {
        name: (row_id, ProfileRecord(name, skin, sensitive))
        for row_id, name, skin, sensitive in _core(tx).execute(query)
    }


def session_numbered(tx: Session, profile_id: int, number: int) -> TreatmentSession | None:
    """A profile's session by its number (another profile's has none)."""
    query = select(TreatmentSession).where(
        TreatmentSession.profile_id == profile_id, TreatmentSession.number == number
    )
    return tx.scalars(query).first()


def next_session_number(tx: Session, profile_id: int) -> int:
    """The number a profile's next session gets: one more than its highest.

    On PostgreSQL the profile's row is locked first, so that two sessions added at once
    for one person wait for each other instead of taking the same number (SQLite's
    writers already wait: a write transaction takes the database's lock when it begins).
    """
    if tx.get_bind().dialect.name != "sqlite":
        tx.execute(select(Profile.id).where(Profile.id == profile_id).with_for_update())
    query = select(func.max(TreatmentSession.number)).where(
        TreatmentSession.profile_id == profile_id
    )
    return (tx.scalar(query) or 0) + 1


_SESSION_COLUMNS = (
    TreatmentSession.id,
    TreatmentSession.number,
    TreatmentSession.date,
    TreatmentSession.kind,
    TreatmentSession.area,
    TreatmentSession.clinic,
    TreatmentSession.notes,
    TreatmentSession.follow_up,
)


def session_rows(tx: Session, profile_id: int) -> list[tuple[int, SessionRecord]]:
    """A profile's sessions, oldest first, each as its row id and record (the store keeps
    them for its transaction): plain columns, no ORM row."""
    query = (
        select(*_SESSION_COLUMNS)
        .where(TreatmentSession.profile_id == profile_id)
        .order_by(TreatmentSession.date, TreatmentSession.id)
    )
    return [
        (row_id, SessionRecord(number, date, kind, area, clinic, notes, follow_up))
        for row_id, number, date, kind, area, clinic, notes, follow_up in tx.execute(query)
    ]


def _status_sessions_query() -> Any:
    """status_session_rows()'s statement, made once (building it costs more than running
    it)."""
    as_of = bindparam("as_of", type_=Date)
    since = bindparam("since", type_=Date)
    profile_id = bindparam("profile_id", type_=Integer)
    latest = aliased(TreatmentSession, name="latest")
    latest_id = (
        select(latest.id)
        .where(latest.profile_id == profile_id, latest.date <= as_of)
        .order_by(latest.date.desc(), latest.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    still_open = TreatmentSession.id.in_(
        _open_session_ids(as_of).where(TreatmentSession.profile_id == profile_id)
    )
    measured = select(Measurement.id).where(Measurement.session_id == TreatmentSession.id).exists()
    return (
        select(*_SESSION_COLUMNS, still_open)
        .where(
            TreatmentSession.profile_id == profile_id,
            TreatmentSession.date <= as_of,
            or_(
                TreatmentSession.id == latest_id,
                TreatmentSession.id.in_(_open_candidates(as_of)),
                TreatmentSession.follow_up >= as_of,
                measured,
                TreatmentSession.date >= since,  # never, when since is NULL
            ),
        )
        .order_by(TreatmentSession.date, TreatmentSession.id)
    )


_STATUS_SESSIONS: list[Any] = []


def status_session_rows(
    tx: Session, profile_id: int, as_of: dt.date, since: dt.date | None = None
) -> list[tuple[int, SessionRecord, bool]]:
    """The sessions on or before as_of that a page about that day needs, oldest first, each
    as its row id, record and whether it is open (can still hold an active flag as of the
    date, as open_session_ids() says): the latest, and of the earlier ones only those that
    may be open, hold a measurement, have a follow-up on or after the date or (with
    ``since``) began on or after since. One query, as many rows as those, however many
    sessions ended before."""
    if not _STATUS_SESSIONS:
        _STATUS_SESSIONS.append(_status_sessions_query())
    asked = {"profile_id": profile_id, "as_of": as_of, "since": since}
    return [
        (row_id, SessionRecord(number, date, kind, area, clinic, notes, follow_up), bool(is_open))
        for row_id, number, date, kind, area, clinic, notes, follow_up, is_open in tx.execute(
            _STATUS_SESSIONS[0], asked
        )
    ]


def latest_session(tx: Session, profile_id: int, *, up_to: dt.date) -> TreatmentSession | None:
    """A profile's latest session on or before ``up_to``."""
    query = select(TreatmentSession).where(
        TreatmentSession.profile_id == profile_id, TreatmentSession.date <= up_to
    )
    return tx.scalars(
        query.order_by(TreatmentSession.date.desc(), TreatmentSession.id.desc()).limit(1)
    ).first()


def first_session(tx: Session, profile_id: int) -> TreatmentSession | None:
    query = select(TreatmentSession).where(TreatmentSession.profile_id == profile_id)
    return tx.scalars(query.order_by(TreatmentSession.date, TreatmentSession.id).limit(1)).first()


def sessions_matching(
    tx: Session, profile_id: int, date: dt.date, kind: str
) -> list[TreatmentSession]:
    """A profile's sessions on that date of that kind, oldest first."""
    query = select(TreatmentSession).where(
        TreatmentSession.profile_id == profile_id,
        TreatmentSession.date == date,
        TreatmentSession.kind == kind,
    )
    return list(tx.scalars(query.order_by(TreatmentSession.id)))


def logged_days(
    tx: Session, session_id: int, symptoms: Iterable[str], first: dt.date, last: dt.date
) -> set[tuple[str, dt.date]]:
    """Which of these symptoms hold a value on which days from first to last."""
    # Session, symptom and date lead the unique index: the probe reads only this stretch
    # of days, however many values the session already holds.
    query = select(SymptomValue.symptom, SymptomValue.date).where(
        SymptomValue.session_id == session_id,
        SymptomValue.symptom.in_(set(symptoms)),
        SymptomValue.date >= first,
        SymptomValue.date <= last,
    )
    return {(symptom, date) for symptom, date in tx.execute(query)}


def profile_id(tx: Session, name: str) -> int | None:
    return tx.scalar(select(Profile.id).where(Profile.name == name))


def add_values(tx: Session, rows: list[dict[str, object]]) -> None:
    """New values (none logged yet), in one multi-row INSERT however many symptoms."""
    if rows:
        tx.execute(insert(SymptomValue), rows)


def add_changes(tx: Session, changes: list[dict[str, object]]) -> None:
    """Changes to values (each value's before and after), in one multi-row INSERT."""
    if changes:
        tx.execute(insert(EntryChange), changes)


def values_between(
    tx: Session, session_id: int, symptoms: Iterable[str], first: dt.date, last: dt.date
) -> list[tuple[dt.date, str, int, str | None]]:
    """Date, symptom, severity and note of these symptoms' values from first to last."""
    query = select(
        SymptomValue.date, SymptomValue.symptom, SymptomValue.severity, SymptomValue.note
    ).where(
        SymptomValue.session_id == session_id,
        SymptomValue.symptom.in_(set(symptoms)),
        SymptomValue.date >= first,
        SymptomValue.date <= last,
    )
    return [(d, sym, v, n) for d, sym, v, n in tx.execute(query)]


def replace_values(tx: Session, rows: Sequence[tuple[int, dt.date, str, int, str | None]]) -> None:
    """Overwrite the severity and note of values logged (same session, symptom and day)."""
    # Run on the connection: a plain executemany, not the ORM's bulk update by id.
    statement = (
        update(SymptomValue)
        .where(
            SymptomValue.session_id == bindparam("b_session"),
            SymptomValue.symptom == bindparam("b_symptom"),
            SymptomValue.date == bindparam("b_date"),
        )
        .values(severity=bindparam("b_severity"), note=bindparam("b_note"))
    )
    tx.connection().execute(
        statement,
        [
            {
                "b_session": session_id,
                "b_date": date,
                "b_symptom": symptom,
                "b_severity": severity,
                "b_note": note,
            }
            for session_id, date, symptom, severity, note in rows
        ],
    )


COURSE_CHUNK = 500  # sessions per statement: well under any driver's parameter limit


def refresh_courses(tx: Session, dirty: dict[int, set[str] | None]) -> None:
    """Make the symptom courses of these sessions (of these symptoms; None: all of the
    session's) what their values now come to: the rows deleted, then made anew from the
    values in one INSERT ... SELECT, whatever the number of values or symptoms."""
    if not dirty:
        return
    tx.flush()
    whole = any(symptoms is None for symptoms in dirty.values())
    named = sorted(set().union(*(s for s in dirty.values() if s is not None)))
    ids = sorted(dirty)
    for start in range(0, len(ids), COURSE_CHUNK):
        chunk = ids[start : start + COURSE_CHUNK]
        gone_rows = delete(SymptomCourse).where(SymptomCourse.session_id.in_(chunk))
        where = [SymptomValue.session_id.in_(chunk)]
        if not whole:
            gone_rows = gone_rows.where(SymptomCourse.symptom.in_(named))
            where.append(SymptomValue.symptom.in_(named))
        tx.execute(gone_rows, execution_options={"synchronize_session": False})
        tx.execute(insert(SymptomCourse).from_select(COURSE_COLUMNS, course_rows(where)))


COURSE_COLUMNS = ["session_id", "symptom", "latest", "latest_severity", "gone", "value_count"]


def course_rows(where: Sequence[Any]) -> Any:
    """The symptom courses of the values matching ``where``, as a SELECT."""
    grouped = (
        select(
            SymptomValue.session_id,
            SymptomValue.symptom,
            func.max(SymptomValue.date).label("latest"),
            func.max(case((SymptomValue.severity > 0, SymptomValue.date))).label("present"),
            func.count().label("value_count"),
        )
        .where(*where)
        .group_by(SymptomValue.session_id, SymptomValue.symptom)
        .subquery("g")
    )
    last, after = aliased(SymptomValue), aliased(SymptomValue)
    latest_severity = (
        select(last.severity)
        .where(
            last.session_id == grouped.c.session_id,
            last.symptom == grouped.c.symptom,
            last.date == grouped.c.latest,
        )
        .scalar_subquery()
    )
    gone = (
        select(func.min(after.date))
        .where(
            after.session_id == grouped.c.session_id,
            after.symptom == grouped.c.symptom,
            after.date > grouped.c.present,
        )
        .scalar_subquery()
    )
    return select(
        grouped.c.session_id,
        grouped.c.symptom,
        grouped.c.latest,
        latest_severity.label("latest_severity"),
        gone.label("gone"),
        grouped.c.value_count,
    )


def courses(
    tx: Session, profile_id: int
) -> list[tuple[int, str, dt.date, int, dt.date | None, int]]:
    """This profile's symptom courses as kept: session, symptom, latest date and value,
    gone date, number of values; in session and symptom order."""
    query = (
        select(
            TreatmentSession.number,
            SymptomCourse.symptom,
            SymptomCourse.latest,
            SymptomCourse.latest_severity,
            SymptomCourse.gone,
            SymptomCourse.value_count,
        )
        .join(TreatmentSession, TreatmentSession.id == SymptomCourse.session_id)
        .where(TreatmentSession.profile_id == profile_id)
        .order_by(TreatmentSession.number, SymptomCourse.symptom)
    )
    return [tuple(row) for row in tx.execute(query)]  # type: ignore[misc]
