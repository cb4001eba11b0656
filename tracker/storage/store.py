"""The store: one transaction's reads and writes for one profile, in plain records.

Services get a ``Store`` from ``Database.writing()`` or ``Database.reading()``; its methods
take and return the domain's records, so no ORM row or SQL leaves this package. Every
method works for the profile the store was opened for; the few that look across profiles
(a clinic's triage, profile admin) say so in their names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy.orm import Session

from tracker.domain.audit import AuditEvent
from tracker.domain.care import CareRecord
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Override
from tracker.domain.hints import Hint
from tracker.domain.photos import PhotoRecord, Prepared, StoredPhoto
from tracker.domain.records import ChangeRecord, ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.suggestions import closest, did_you_mean
from tracker.domain.temperature import MEASURE, TemperatureRecord, TypedTemperature
from tracker.domain.triage import Review
from tracker.domain.triage_kept import KeptLine, PatientFacts
from tracker.domain.words import Words
from tracker.storage import clinic_queries, measure_queries, photo_queries, queries, triage_lines
from tracker.storage.accounts import AccountStore
from tracker.storage.models import (
    CareEntry,
    EntryChange,
    Profile,
    ProtocolOverride,
    SymptomValue,
    TreatmentSession,
)

# A value as the bulk import writes it: session number, date, symptom, severity, note. A plain
# tuple: a million of them cost less than a million records.
NewValue = tuple[int, dt.date, str, int, str | None]


class Store:
    """Plain records in and out, inside one transaction, for one profile.

    A row the store has loaded is not read again within its transaction: it keeps the
    profile's row and every session it has seen (its row id and record; the ORM row too
    where it read one: the ORM's identity map holds rows only weakly, so a row whose
    record was handed out would otherwise be fetched again), and once it has read all of
    the profile's sessions it answers later questions about them (latest, first, up to a
    day, one by its number) from that list. The whole list is read as plain columns: a
    long history's 200 sessions as ORM rows cost more than the page that shows them.

    Sessions are named by their number within the profile (1, 2, 3 ...: the ``id`` of a
    ``SessionRecord`` and the ``session_id`` of every record about a session); the row ids
    the joins use never leave the store.
    """

    def __init__(self, tx: Session, profile: str) -> None:
        self._tx = tx
        self.profile_name = profile
        self._profile: Profile | None = None
        self._session_rows: dict[int, TreatmentSession] = {}  # ORM rows read, by number
        self._known: dict[int, tuple[int, SessionRecord]] = {}  # (row id, record) by number
        self._every_session: list[SessionRecord] | None = None  # oldest first, when read
        # Sessions (by row id) whose values this transaction wrote (the symptoms written;
        # None: any):
        # their symptom courses are made anew before anything reads them, and at the end.
        self._dirty: dict[int, set[str] | None] = {}
        # Profiles (by id) whose record this transaction wrote: their kept triage lines are
        # stale (one more write counted for each, before the transaction commits).
        self._changed: set[int] = set()
        # Every profile whose write this transaction counted, with its count of writes then.
        self._counted: dict[int, int] = {}
        self._others: list[Store] = []  # other profiles' stores in this transaction
        self.discarded = False

    def _record_changed(self, profile_id: int | None = None) -> None:
        """This profile's (or another's) record was written: its triage line is stale."""
        self._changed.add(self.profile_id if profile_id is None else profile_id)

    def _wrote(self, session_id: int, symptoms: Iterable[str] | None) -> None:
        self._record_changed()
        if symptoms is None or self._dirty.get(session_id, set()) is None:
            self._dirty[session_id] = None
        else:
            self._dirty.setdefault(session_id, set()).update(symptoms)  # type: ignore[union-attr]

    def _wrote_rows(self, rows: Sequence[NewValue], row_ids: dict[int, int] | None = None) -> None:
        """Mark the sessions and symptoms these rows were written to (the rows' first field
        a session row id, or a number that ``row_ids`` turns into one)."""
        written: dict[int, set[str]] = {}
        for row in rows:
            written.setdefault(row[0] if row_ids is None else row_ids[row[0]], set()).add(row[2])
        for session_id, symptoms in written.items():
            self._wrote(session_id, symptoms)

    def settle(self) -> None:
        """Bring the symptom courses of the values written in this transaction up to date:
        done before the transaction commits, and before the store reads them."""
        if self._dirty:
            queries.refresh_courses(self._tx, self._dirty)
            self._dirty = {}
        for other in self._others:
            other.settle()
        if self._changed:
            self._counted.update(triage_lines.count_writes(self._tx, self._changed))
            self._changed = set()

    def written_profiles(self) -> set[int]:
        """The profiles (by id) whose records this transaction wrote, through this store or
        another profile's in the same unit of work (as counted by ``settle``)."""
        return set(self._write_counts())

    def _write_counts(self) -> dict[int, int]:
        found = dict(self._counted)
        for other in self._others:
            found.update(other._write_counts())
        return found

    def courses(self) -> list[tuple[int, str, dt.date, int, dt.date | None, int]]:
        """This profile's symptom courses as kept (session number, symptom, latest date and value,
        gone date, number of values): the summary pages and triage read instead of values."""
        self.settle()
        return queries.courses(self._tx, self.profile_id)

    def refill_courses_all_profiles(self) -> int:
        """Every profile's symptom courses made anew from the values (a database edited by
        hand); how many differed from their values before."""
        from tracker.storage import summaries

        self.settle()
        _, differed = summaries.differences(self._tx, limit=0)
        summaries.refill(self._tx)
        return differed

    def discard(self) -> None:
        """Roll the whole unit of work back when it ends, as if nothing had been written
        (an import's dry run)."""
        self.discarded = True

    def for_profile(self, profile: str) -> Store:
        """Another profile's store in this same transaction (a clinician's request finds
        the patient, then reads their record, in one unit of work)."""
        other = Store(self._tx, profile)
        self._others.append(other)  # settled with this one: its writes counted too
        return other

    def accounts(self) -> AccountStore:
        """A clinic's accounts, in this same transaction (they belong to no one profile)."""
        return AccountStore(self._tx)

    @property
    def profile_id(self) -> int:
        """This store's profile; looked up when first needed, so that profile admin works
        in a database whose named profile does not exist (yet)."""
        return self._profile_row().id

    def _profile_row(self) -> Profile:
        # Kept on the store, not in a functools.cached_property: Python 3.11's holds one
        # lock for every instance, so one store waiting for the write lock would hold up
        # every other thread's reads.
        if self._profile is None:
            self._profile = self._find_profile()
        return self._profile

    def _find_profile(self) -> Profile:
        found = queries.find_profile(self._tx, self.profile_name)
        if found is None:
            # A misspelt name must not lead to a second profile for the same person.
            names = {name.lower(): name for name in self.profile_names()}
            close = closest(self.profile_name, names)
            words = Words.NO_PROFILE.format(name=self.profile_name, did_you_mean="")
            if close:
                words = Words.NO_PROFILE.format(
                    name=self.profile_name, did_you_mean=did_you_mean(close)
                )
                raise TrackerError.not_found(words, field="profile", hint=Hint("profile-list"))
            add = Hint("profile-add", profile=self.profile_name)
            raise TrackerError.not_found(words, field="profile", hint=add)
        return found

    # The profile -------------------------------------------------------------------------

    def profile(self) -> ProfileRecord:
        return queries.profile_record(self._profile_row())

    def profile_uuid(self) -> str:
        """The profile's random id: what a clinic files its FHIR records under."""
        return self._profile_row().uuid

    # Sessions ----------------------------------------------------------------------------

    def session(self, session_id: int) -> SessionRecord:
        """One of this profile's sessions by its number; refuses any other number."""
        return self._known_session(session_id)[1]

    def _known_session(self, session_id: int) -> tuple[int, SessionRecord]:
        """The row id and record of one of this profile's sessions, by its number (read
        once in the transaction); refuses any other number."""
        found = self._known.get(session_id)
        if found is None:
            self._session_row(session_id)
            found = self._known[session_id]
        return found

    def _row_id(self, session_id: int) -> int:
        return self._known_session(session_id)[0]

    def _session_row(self, session_id: int) -> TreatmentSession:
        """The ORM row of one of this profile's sessions (to change or delete it)."""
        row = self._session_rows.get(session_id)
        if row is None:
            row = queries.session_numbered(self._tx, self.profile_id, session_id)
            if row is None:
                raise TrackerError.not_found(
                    Words.NO_SESSION.format(session_id=session_id),
                    field="session",
                    hint=Hint("session-list"),
                )
            self._kept([row])
        return row

    def _kept(self, rows: Iterable[TreatmentSession]) -> list[SessionRecord]:
        """Rows just read, kept so that the transaction does not read them again."""
        found = []
        for row in rows:
            self._session_rows.setdefault(row.number, row)
            if row.number not in self._known:
                self._known[row.number] = (row.id, queries.session_record(row))
            found.append(self._known[row.number][1])
        return found

    def _sessions_changed(self) -> None:
        self._every_session = None  # read again when next asked for

    def sessions(self, *, up_to: dt.date | None = None) -> list[SessionRecord]:
        """This profile's sessions, oldest first (only those on or before ``up_to``)."""
        if self._every_session is None:
            # All of them, even when only those up to a day are asked for: the next
            # question about them then needs no query.
            every = queries.session_rows(self._tx, self.profile_id)
            self._known.update((record.id, (row_id, record)) for row_id, record in every)
            self._every_session = [record for _, record in every]
        return [r for r in self._every_session if up_to is None or r.date <= up_to]

    def status_sessions(
        self, as_of: dt.date, since: dt.date | None = None
    ) -> tuple[list[SessionRecord], set[int]]:
        """The sessions on or before as_of that a page about that day needs, oldest first,
        and which of them are open (``open_session_ids``): the latest, and of the earlier
        ones at least those open, with a temperature, with a follow-up on or after as_of or
        (with ``since``) begun on or after since; all of them when every session was read
        already. One query either way: a long history of ended recoveries is not read."""
        if self._every_session is not None:
            return self.sessions(up_to=as_of), self.open_session_ids(as_of)
        self.settle()
        found = queries.status_session_rows(self._tx, self.profile_id, as_of, since)
        self._known.update((record.id, (row_id, record)) for row_id, record, _ in found)
        return [record for _, record, _ in found], {r.id for _, r, is_open in found if is_open}

    def latest_session_on_or_before(self, date: dt.date) -> SessionRecord | None:
        if self._every_session is not None:
            found = [r for r in self._every_session if r.date <= date]
            return found[-1] if found else None
        row = queries.latest_session(self._tx, self.profile_id, up_to=date)
        return None if row is None else self._kept([row])[0]

    def first_session(self) -> SessionRecord | None:
        if self._every_session is not None:
            every = self._every_session
            return every[0] if every else None
        row = queries.first_session(self._tx, self.profile_id)
        return None if row is None else self._kept([row])[0]

    def add_session(self, new: SessionRecord) -> SessionRecord:
        """Store a new session (its ``id`` is ignored); returns it with the number it was
        given: one more than the profile's highest."""
        number = queries.next_session_number(self._tx, self.profile_id)
        row = TreatmentSession(profile_id=self.profile_id, number=number)
        _copy_details(new, row)
        self._tx.add(row)
        self._tx.flush()
        self._sessions_changed()
        self._record_changed()
        return self._kept([row])[0]

    def update_session(self, changed: SessionRecord) -> SessionRecord:
        """Write every field of one of this profile's sessions."""
        row = self._session_row(changed.id)
        _copy_details(changed, row)
        self._tx.flush()
        self._sessions_changed()
        self._record_changed()
        self._known[row.number] = (row.id, queries.session_record(row))
        return self._known[row.number][1]

    def delete_session(self, session_id: int) -> None:
        """Delete one of this profile's sessions with its values and care entries."""
        row = self._session_row(session_id)
        self._tx.delete(row)
        self._tx.flush()
        self._dirty.pop(row.id, None)  # its courses went with it
        del self._session_rows[session_id]
        del self._known[session_id]
        self._sessions_changed()
        self._record_changed()

    def entry_count(self, session_id: int) -> int:
        return queries.count_entries(self._tx, self._row_id(session_id))

    def entry_counts(self) -> dict[int, int]:
        """How many values each of this profile's sessions holds (sessions with none left out)."""
        self.settle()
        return queries.entry_counts(self._tx, self.profile_id)

    def entry_dates_range(self, session_id: int) -> tuple[dt.date | None, dt.date | None]:
        return queries.entry_dates_range(self._tx, self._row_id(session_id))

    def open_session_ids(self, as_of: dt.date) -> set[int]:
        self.settle()
        return queries.open_session_ids(self._tx, self.profile_id, as_of)

    def gone_days(
        self, as_of: dt.date
    ) -> tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]]:
        """The day each symptom of each session was gone, by session id: as of a date, and
        over every value (from the symptom courses: no session's values are read)."""
        self.settle()
        return queries.gone_days(self._tx, self.profile_id, as_of)

    def slowest_recoveries(
        self, session_ids: Sequence[int], as_of: dt.date
    ) -> tuple[dict[int, dict[str, tuple[int, int]]], bool]:
        """For each of these sessions, each symptom's slowest recovery (session id, day
        gone) after the earlier sessions of its kind, and whether any of those holds values
        after as_of (from the symptom courses: no session's values are read)."""
        self.settle()
        return queries.slowest_recoveries(self._tx, self.profile_id, session_ids, as_of)

    # Symptom values ----------------------------------------------------------------------

    def entries_on(self, session_id: int, date: dt.date) -> dict[str, ValueRecord]:
        """A session's values for one day, by symptom."""
        row_id, session = self._known_session(session_id)
        return {
            symptom: queries.entry_record(row, session)
            for symptom, row in queries.entries_on(self._tx, row_id, date).items()
        }

    def entries_for_sessions(self, session_ids: Sequence[int]) -> dict[int, list[ValueRecord]]:
        """The values of several of this profile's sessions in one query, keyed by session
        id (another profile's session has none)."""
        return queries.entries_for_sessions(self._tx, self.profile_id, session_ids)

    def latest_runs(
        self, session_ids: Sequence[int], as_of: dt.date
    ) -> dict[int, list[ValueRecord]]:
        """The values that can hold an active urgent flag as of a date, by session number:
        of each symptom whose latest value may be above 0 then, those from its last 0 on or
        before the date (see ``tracker.domain.flags.latest_run``). Bounded by what is still
        there, not by the session's history."""
        self.settle()
        return queries.latest_runs(self._tx, self.profile_id, session_ids, as_of)

    def entries_with_sessions(
        self, *, session_id: int | None = None, symptom: str | None = None
    ) -> dict[int, list[ValueRecord]]:
        """This profile's values by session id, sessions oldest first."""
        return queries.entries_with_sessions(
            self._tx, self.profile_id, session_id=session_id, symptom=symptom
        )

    def write_day(
        self,
        session: SessionRecord,
        date: dt.date,
        severities: dict[str, int],
        note: str | None,
    ) -> list[tuple[ValueRecord, int | None]]:
        """Store a day's values, replacing that day's earlier ones: each value as stored,
        with the value it replaced (None where the day had none). A replaced value keeps
        its earlier note unless a new one is given. Every value written that differs from
        what the day held is kept as a change (before, after, when)."""
        # This profile's session (kept by the store: no query).
        row_id, kept = self._known_session(session.id)
        already = queries.entries_on(self._tx, row_id, date)
        day = (date - session.date).days
        stored: list[tuple[ValueRecord, int | None]] = []
        fresh: list[dict[str, object]] = []
        changes: list[dict[str, object]] = []
        where = {"session_id": row_id, "date": date}
        for symptom, severity in severities.items():
            row = already.get(symptom)
            if row is None:
                fresh.append({**where, "symptom": symptom, "severity": severity, "note": note})
                entry = ValueRecord(session.id, date, day, symptom, severity, note)
                stored.append((entry, None))
                changes.append(_change(where, symptom, (None, None), (severity, note)))
                continue
            before = (row.severity, row.note)
            row.severity = severity
            if note is not None:
                row.note = note
            if (row.severity, row.note) != before:
                changes.append(_change(where, symptom, before, (row.severity, row.note)))
            stored.append((queries.entry_record(row, kept), before[0]))
        queries.add_values(self._tx, fresh)
        queries.add_changes(self._tx, changes)
        self._tx.flush()
        self._wrote(row_id, severities)
        return stored

    # Measurements ------------------------------------------------------------------------

    def add_temperature(
        self, session: SessionRecord, date: dt.date, typed: TypedTemperature, note: str | None
    ) -> TemperatureRecord:
        """One more reading for the day, as typed: none replaces another. It is kept as a
        change too (no reading before it), so undo can take it back."""
        row_id = self._row_id(session.id)  # this profile's session, by its number
        self._record_changed()
        when = _now()
        record = measure_queries.add_temperature(
            self._tx, row_id, session, date, (typed.value, typed.unit, note), when
        )
        change = _temperature_change(row_id, record, (None, None), (typed, note), when)
        queries.add_changes(self._tx, [change])
        return record

    def temperature(self, reading_id: int) -> TemperatureRecord:
        """One of this profile's temperature readings; refuses any other id."""
        found = measure_queries.reading_row(self._tx, self.profile_id, reading_id)
        if found is None:
            raise TrackerError.not_found(
                f"There is no temperature reading {reading_id} in this profile: it may have "
                "been removed already.",
                field=MEASURE,
            )
        return found[1]

    def correct_temperature(
        self, reading: TemperatureRecord, typed: TypedTemperature, note: str | None
    ) -> TemperatureRecord | None:
        """Put ``typed`` in place of a reading (same day, same place among the day's); its
        note stays unless a new one is given. What it was is kept as a change. None when
        nothing differs (nothing is written)."""
        found = measure_queries.reading_row(self._tx, self.profile_id, reading.id)
        if found is None:
            raise TrackerError.not_found("That temperature reading is no longer there.")
        row, _ = found
        after_note = row.note if note is None else note
        if (row.value, row.unit, row.note) == (typed.value, typed.unit, after_note):
            return None
        before = (TypedTemperature(row.value, row.unit), row.note)
        row.value, row.unit, row.note = typed.value, typed.unit, after_note
        row_id = row.session_id
        change = _temperature_change(row_id, reading, before, (typed, after_note), _now())
        queries.add_changes(self._tx, [change])
        self._tx.flush()
        self._record_changed()
        return reading._replace(value=typed.value, unit=typed.unit, note=after_note)

    def remove_temperature(self, reading: TemperatureRecord) -> None:
        """Delete one of this profile's readings; what it was is kept as a change (with its
        id, so undo puts it back in its place)."""
        found = measure_queries.reading_row(self._tx, self.profile_id, reading.id)
        if found is None:
            raise TrackerError.not_found("That temperature reading is no longer there.")
        row, _ = found
        before = (TypedTemperature(row.value, row.unit), row.note)
        change = _temperature_change(row.session_id, reading, before, (None, None), _now())
        queries.add_changes(self._tx, [change])
        self._tx.delete(row)
        self._tx.flush()
        self._record_changed()

    def temperature_changes(self, *, session_id: int | None = None) -> list[ChangeRecord]:
        """This profile's changes to temperature readings (of one session), oldest first."""
        return queries.changes(self._tx, self.profile_id, session_id=session_id, temperatures=True)

    def temperatures_for_sessions(
        self, session_ids: Sequence[int]
    ) -> dict[int, list[TemperatureRecord]]:
        """The temperatures of several of this profile's sessions in one query, by session
        id, each session's in the order logged (another profile's session has none)."""
        return measure_queries.temperatures_for_sessions(self._tx, self.profile_id, session_ids)

    def temperatures_of_every_session(self) -> dict[int, list[TemperatureRecord]]:
        """The temperatures of every session of this profile that has any, by session id."""
        return measure_queries.temperatures_for_sessions(self._tx, self.profile_id, None)

    def insert_temperatures(
        self, rows: Sequence[tuple[int, dt.date, str, str, str | None]]
    ) -> None:
        """(session id, date, value as typed, unit, note) each, as an import brings them."""
        ids = self._row_ids({row[0] for row in rows})
        rows = [(ids[n], date, value, unit, note) for n, date, value, unit, note in rows]
        measure_queries.add_temperatures(self._tx, rows, _now())
        self._record_changed()

    def remove_values(self, session_id: int, date: dt.date, symptoms: Sequence[str]) -> None:
        """Delete the named symptoms' values for one day of one of this profile's sessions;
        each value removed is kept as a change (before it, nothing after)."""
        row_id = self._row_id(session_id)
        found = queries.entries_on(self._tx, row_id, date)
        where = {"session_id": row_id, "date": date}
        changes: list[dict[str, object]] = []
        for symptom in symptoms:
            if symptom in found:
                row = found[symptom]
                changes.append(_change(where, symptom, (row.severity, row.note), (None, None)))
                self._tx.delete(row)
        queries.add_changes(self._tx, changes)
        self._tx.flush()
        self._wrote(row_id, symptoms)

    # Changes to values: the history kept by write_day and remove_values, and undo ---------

    def changes(
        self, *, session_id: int | None = None, pending_only: bool = False
    ) -> list[ChangeRecord]:
        """This profile's changes to values (of one session), oldest first; ``pending_only``:
        those not undone."""
        return queries.changes(
            self._tx, self.profile_id, session_id=session_id, pending_only=pending_only
        )

    def last_change(self) -> ChangeRecord | None:
        """The profile's latest change not undone yet: what undo takes back."""
        return queries.last_change(self._tx, self.profile_id)

    def undo_change(self, change: ChangeRecord) -> None:
        """Put back the value (and note) a change replaced, and mark the change undone; the
        change itself is kept, so the value undone stays in the history."""
        row_id = self._row_id(change.session_id)
        if change.reading is not None:
            self._undo_temperature(row_id, change)
            return
        row = queries.entries_on(self._tx, row_id, change.date).get(change.symptom)
        if change.before is None:
            if row is not None:
                self._tx.delete(row)
        elif row is None:
            self._tx.add(
                SymptomValue(
                    session_id=row_id,
                    date=change.date,
                    symptom=change.symptom,
                    severity=change.before,
                    note=change.before_note,
                )
            )
        else:
            row.severity = change.before
            row.note = change.before_note
        stored = self._tx.get(EntryChange, change.id)
        if stored is not None:
            stored.undone_at = _now()
        self._tx.flush()
        self._wrote(row_id, [change.symptom])

    def _undo_temperature(self, row_id: int, change: ChangeRecord) -> None:
        """A temperature change undone: the reading it added removed, the reading it removed
        put back with its own id, or the reading it corrected as it was before."""
        assert change.reading is not None
        found = measure_queries.reading_row(self._tx, self.profile_id, change.reading)
        before = change.before_temperature
        if before is None:
            if found is not None:
                self._tx.delete(found[0])
        elif found is None:
            typed = (before.value, before.unit, change.before_note)
            measure_queries.put_back(self._tx, change.reading, (row_id, change.date), typed, _now())
        else:
            row = found[0]
            row.value, row.unit, row.note = before.value, before.unit, change.before_note
        stored = self._tx.get(EntryChange, change.id)
        if stored is not None:
            stored.undone_at = _now()
        self._tx.flush()
        self._record_changed()

    # Care actions ------------------------------------------------------------------------

    def care_entry(self, care_id: int) -> CareRecord:
        """One care entry of this profile; refuses any other id."""
        row, session_date, number = queries.get_care(self._tx, self.profile_id, care_id)
        return queries.care_record(row, session_date, number)

    def same_care(
        self,
        session: SessionRecord,
        date: dt.date,
        action: str,
        note: str | None = None,
        *,
        exact: bool = False,
    ) -> CareRecord | None:
        """An entry already recording this action on this day of this session: with this
        note when one is given (any note when none is), or, ``exact``, with this very note
        or none."""
        row_id = self._row_id(session.id)
        row = queries.same_care(self._tx, row_id, date, action, note, exact)
        return None if row is None else queries.care_record(row, session.date, session.id)

    def add_care(
        self, session: SessionRecord, date: dt.date, action: str, note: str | None
    ) -> CareRecord:
        row_id = self._row_id(session.id)
        row = CareEntry(session_id=row_id, date=date, action=action, note=note)
        self._tx.add(row)
        self._tx.flush()
        return queries.care_record(row, session.date, session.id)

    def remove_care(self, care_id: int) -> None:
        row, _, _ = queries.get_care(self._tx, self.profile_id, care_id)
        self._tx.delete(row)
        self._tx.flush()

    def care_records(self, session_ids: Sequence[int] | None = None) -> list[CareRecord]:
        """This profile's care entries (of the sessions named), oldest first."""
        return queries.care_records(self._tx, self.profile_id, session_ids)

    # Expected courses of one's own -------------------------------------------------------

    def overrides(self, kind: str | None = None) -> list[Override]:
        return queries.overrides(self._tx, self.profile_id, kind)

    def set_override(self, override: Override) -> None:
        """Store this profile's override of a kind and symptom's expected course (replacing
        an earlier one)."""
        row = queries.find_override(self._tx, self.profile_id, override.kind, override.symptom)
        if row is None:
            row = ProtocolOverride(
                profile_id=self.profile_id, kind=override.kind, symptom=override.symptom
            )
            self._tx.add(row)
        row.max_days = override.max_days
        row.typical_days = override.typical_days
        self._tx.flush()
        self._record_changed()

    def delete_overrides(self, kind: str | None = None, symptom: str | None = None) -> int:
        """Delete this profile's overrides (of a kind, a symptom); returns how many."""
        self._record_changed()
        return queries.delete_overrides(self._tx, self.profile_id, kind, symptom)

    # Across profiles: profile admin and a clinic's views ---------------------------------

    def find_profile(self, name: str) -> ProfileRecord | None:
        row = queries.find_profile(self._tx, name)
        return None if row is None else queries.profile_record(row)

    def add_profile(self, new: ProfileRecord) -> ProfileRecord:
        row = Profile(name=new.name, skin_type=new.skin_type, sensitive_skin=new.sensitive_skin)
        self._tx.add(row)
        self._tx.flush()
        return queries.profile_record(row)

    def update_profile(self, name: str, changed: ProfileRecord) -> ProfileRecord:
        """Write every field of the profile named ``name`` (its name may change)."""
        row = queries.find_profile(self._tx, name)
        if row is None:
            raise TrackerError.not_found(
                Words.NO_PROFILE.format(name=name, did_you_mean=""), field="name"
            )
        row.name = changed.name
        row.skin_type = changed.skin_type
        row.sensitive_skin = changed.sensitive_skin
        self._tx.flush()
        self._record_changed(row.id)
        return queries.profile_record(row)

    def profiles_with_session_counts(self) -> list[tuple[ProfileRecord, int]]:
        """Every profile by name, with how many sessions each holds."""
        counts = queries.session_counts_by_profile(self._tx)
        return [
            (queries.profile_record(row), counts.get(row.id, 0))
            for row in queries.all_profiles(self._tx)
        ]

    def profile_names(self) -> list[str]:
        return [row.name for row in queries.all_profiles(self._tx)]

    def all_profile_records(self) -> dict[str, tuple[int, ProfileRecord]]:
        """Every profile by name, with its id (to match ``overrides_by_profile``)."""
        return queries.profile_records(self._tx)

    def overrides_by_profile(self) -> dict[int, list[Override]]:
        return queries.overrides_by_profile(self._tx)

    def open_sessions_all_profiles(
        self, as_of: dt.date
    ) -> Iterator[tuple[str, SessionRecord, list[ValueRecord]]]:
        return queries.open_sessions_all_profiles(self._tx, as_of)

    def temperatures_all_profiles(
        self, as_of: dt.date
    ) -> list[tuple[str, SessionRecord, list[TemperatureRecord]]]:
        """Every profile's sessions with a temperature up to as_of, with their readings."""
        return measure_queries.temperatures_all_profiles(self._tx, as_of)

    def latest_sessions_all_profiles(self, as_of: dt.date) -> dict[str, SessionRecord]:
        """Each profile's latest session on or before as_of, by profile name."""
        return {
            name: queries.session_record(row)
            for name, row in queries.latest_sessions_all_profiles(self._tx, as_of)
        }

    def last_logged_of_latest_sessions(self, as_of: dt.date) -> dict[str, dt.date]:
        """The last day logged for each profile's latest session, by profile name."""
        return queries.last_logged_of_latest_sessions(self._tx, as_of)

    # Bulk import -------------------------------------------------------------------------
    # The import writes in batches of thousands of values in one transaction: these
    # methods probe and write a batch at a time, without an ORM object per value.

    def sessions_matching(self, date: dt.date, kind: str) -> list[SessionRecord]:
        """This profile's sessions on that date of that kind, oldest first."""
        rows = queries.sessions_matching(self._tx, self.profile_id, date, kind)
        return self._kept(rows)

    def logged_days(
        self, session_id: int, symptoms: Iterable[str], first: dt.date, last: dt.date
    ) -> set[tuple[str, dt.date]]:
        """Which of these symptoms hold a value on which days from first to last, in one
        of this profile's sessions."""
        row_id = self._row_id(session_id)
        return queries.logged_days(self._tx, row_id, symptoms, first, last)

    def insert_values(self, rows: Sequence[NewValue]) -> None:
        """Store new values (none may be logged already) in one driver-level executemany:
        at a million rows, SQLAlchemy's per-row parameter processing would cost more than
        SQLite's own work."""
        row_ids = self._row_ids({row[0] for row in rows})
        self._tx.flush()  # sessions the ORM still holds go first
        connection = self._tx.connection()
        dialect = connection.dialect
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        sql = (
            "INSERT INTO entries (session_id, date, symptom, severity, note) "
            f"VALUES ({', '.join([marker] * 5)})"
        )
        params: list[tuple[object, ...]]
        if dialect.name == "sqlite":  # the driver takes dates as ISO text
            params = [(row_ids[s], d.isoformat(), sym, v, n) for s, d, sym, v, n in rows]
        else:
            params = [(row_ids[s], d, sym, v, n) for s, d, sym, v, n in rows]
        connection.exec_driver_sql(sql, params)
        self._wrote_rows(rows, row_ids)

    def _row_ids(self, numbers: Iterable[int]) -> dict[int, int]:
        """The row ids of these of this profile's sessions (kept by the store once read)."""
        return {number: self._row_id(number) for number in numbers}

    def replace_values(self, rows: Sequence[NewValue]) -> None:
        """Overwrite the severity and note of values already logged (same session, symptom
        and day), in one executemany; each value replaced by a different one is kept as a
        change, as a correction by hand is."""
        row_ids = self._row_ids({row[0] for row in rows})
        by_row = [(row_ids[s], d, sym, v, n) for s, d, sym, v, n in rows]
        self._keep_replaced(by_row)
        queries.replace_values(self._tx, by_row)
        self._wrote_rows(by_row)

    def _keep_replaced(self, rows: Sequence[NewValue]) -> None:
        """The values ``rows`` (by session row id) are about to replace, as changes (only
        those that differ)."""
        changes: list[dict[str, object]] = []
        for session_id in {row[0] for row in rows}:
            mine = {(d, sym): (v, n) for s, d, sym, v, n in rows if s == session_id}
            symptoms = {sym for _, sym in mine}
            first, last = min(d for d, _ in mine), max(d for d, _ in mine)
            found = queries.values_between(self._tx, session_id, symptoms, first, last)
            for date, symptom, severity, note in found:
                after = mine.get((date, symptom))
                if after is not None and after != (severity, note):
                    where = {"session_id": session_id, "date": date}
                    changes.append(_change(where, symptom, (severity, note), after))
        queries.add_changes(self._tx, changes)

    def override_for(self, kind: str, symptom: str) -> Override | None:
        """This profile's override of a kind and symptom's expected course, if it set one."""
        row = queries.find_override(self._tx, self.profile_id, kind, symptom)
        return None if row is None else Override(kind, symptom, row.max_days, row.typical_days)

    def profile_owning_uuid(self, patient_id: str) -> str | None:
        """The name of the profile (any profile) that carries this patient id."""
        row = queries.profile_with_uuid(self._tx, patient_id)
        return None if row is None else row.name

    def adopt_uuid(self, patient_id: str) -> None:
        """Give this profile another patient id (a FHIR bundle's, imported into it)."""
        self._profile_row().uuid = patient_id
        self._tx.flush()

    # Photos ------------------------------------------------------------------------------
    # Records carry no bytes: the image or its thumbnail is read only when asked for.

    def photos(
        self, session_ids: Sequence[int] | None = None, *, with_removed: bool = False
    ) -> list[PhotoRecord]:
        """This profile's photos (of the sessions named), oldest first; removed ones only
        when asked."""
        return photo_queries.photo_records(
            self._tx, self.profile_id, session_ids, with_removed=with_removed
        )

    def photo_dates(self, session_ids: Sequence[int]) -> dict[int, list[dt.date]]:
        """The days with a shown photo, by session (of this profile's sessions named)."""
        return photo_queries.photo_dates(self._tx, self.profile_id, session_ids)

    def photo(self, photo_id: int) -> PhotoRecord:
        """One of this profile's photos (a removed one too); refuses any other id."""
        return photo_queries.photo_record(self._tx, self.profile_id, photo_id)

    def photo_bytes(self, photo_id: int, *, thumbnail: bool = False) -> bytes:
        return self.photo_with_bytes(photo_id, thumbnail=thumbnail)[1]

    def photo_with_bytes(
        self, photo_id: int, *, thumbnail: bool = False
    ) -> tuple[PhotoRecord, bytes]:
        """One of this profile's photos (a removed one too) and its image or thumbnail, in
        one read; refuses any other id."""
        return photo_queries.photo_with_bytes(
            self._tx, self.profile_id, photo_id, thumbnail=thumbnail
        )

    def add_photo(
        self,
        session: SessionRecord,
        date: dt.date,
        prepared: Prepared,
        note: str | None,
        created_at: dt.datetime,
        removed_at: dt.datetime | None = None,
    ) -> PhotoRecord:
        row_id = self._row_id(session.id)
        photo_id = photo_queries.add_photo(
            self._tx, row_id, date, prepared, note, created_at, removed_at
        )
        return self.photo(photo_id)

    def remove_photo(self, photo_id: int, when: dt.datetime) -> PhotoRecord:
        """Mark one of this profile's photos removed; its row and bytes are kept."""
        self.photo(photo_id)
        photo_queries.mark_removed(self._tx, photo_id, when)
        return self.photo(photo_id)

    def stored_photos(
        self, session_ids: Sequence[int], *, with_removed: bool = False
    ) -> list[StoredPhoto]:
        """The photos of these sessions of this profile, with their image bytes."""
        return photo_queries.stored_photos(
            self._tx, self.profile_id, session_ids, with_removed=with_removed
        )

    def same_photo(self, session_id: int, date: dt.date, image: bytes) -> int | None:
        row_id = self._row_id(session_id)
        return photo_queries.same_photo(self._tx, row_id, date, image)

    # A clinic's reviews and audit log: only ever added to -------------------------------

    def add_review(self, review: Review) -> Review:
        """Store a clinician's review of this profile's triage line (its ``id`` is ignored)."""
        self._record_changed()
        return clinic_queries.add_review(self._tx, self.profile_id, review)

    def reviews(self) -> list[Review]:
        """This profile's reviews, newest first."""
        return clinic_queries.reviews(self._tx, self.profile_id)

    def latest_reviews_all_profiles(self) -> dict[int, Review]:
        """Every profile's latest review, by profile id."""
        return clinic_queries.latest_reviews(self._tx)

    # A clinic's kept triage lines (tracker.domain.triage_kept) --------------------------

    def stale_triage_lines(self, as_of: dt.date, rules: str) -> list[tuple[int, int]]:
        """(profile id, count of writes) of every profile whose kept line does not hold on
        as_of (none kept, a write since, other rules, or another day)."""
        self.settle()
        return triage_lines.stale(self._tx, as_of, rules)

    def triage_facts(self, profile_ids: Sequence[int], as_of: dt.date) -> list[PatientFacts]:
        """What judging these profiles' lines on as_of or later needs (any profile's)."""
        self.settle()
        return triage_lines.patient_facts(self._tx, profile_ids, as_of)

    def triage_write_counts(self, profile_ids: Iterable[int]) -> list[tuple[int, int]]:
        """(profile id, count of writes) of these profiles, by profile id: as this
        transaction counted them (their rows locked since) when it wrote them all."""
        self.settle()
        wanted = set(profile_ids)
        counted = self._write_counts()
        if wanted <= set(counted):
            return sorted((pid, counted[pid]) for pid in wanted)
        return triage_lines.write_counts(self._tx, wanted)

    def keep_triage_lines(self, lines: Sequence[tuple[KeptLine, int]], rules: str) -> None:
        """Keep these judged lines, each with the count of writes read before judging it."""
        triage_lines.keep(self._tx, lines, rules)

    def triage_page(
        self, as_of: dt.date, offset: int, limit: int
    ) -> list[tuple[KeptLine, str, str, bool]]:
        """A page of the patients' kept lines in the list's order on as_of: each with the
        profile name, the patient's e-mail, and whether their account is disabled."""
        return triage_lines.page(self._tx, as_of, offset, limit)

    def triage_counts(self) -> dict[str, int]:
        """How many patients' kept lines each category holds."""
        return triage_lines.counts(self._tx)

    def forget_triage_lines(self) -> int:
        """Every kept line judged anew when next asked for; returns how many there were."""
        return triage_lines.forget(self._tx)

    def add_audit_event(self, event: AuditEvent) -> None:
        """Add one event to the audit log (about any profile, or none)."""
        clinic_queries.add_audit_event(self._tx, event)

    def audit_events_all_profiles(
        self, profile_id: int | None = None, *, limit: int | None = None, not_by: int | None = None
    ) -> list[AuditEvent]:
        """The audit log, oldest first: every profile's, or only the one with this id
        (``not_by``: without this account's own events)."""
        return clinic_queries.audit_events(self._tx, profile_id, limit=limit, not_by=not_by)

    def patient_emails(self) -> dict[int, str]:
        """Every patient's profile id and e-mail address (profiles a patient account holds)."""
        return clinic_queries.patient_emails(self._tx)

    def disabled_patients(self) -> set[int]:
        """The profile ids of the patients whose account is disabled."""
        return clinic_queries.disabled_patients(self._tx)

    def patient_named(self, profile_id: int) -> tuple[str, str] | None:
        """The profile name and e-mail of the patient with this profile id, if any."""
        return clinic_queries.patient_named(self._tx, profile_id)

    def profile_id_named(self, name: str) -> int | None:
        return clinic_queries.profile_id_named(self._tx, name)


# What a session record says of itself, beside its id and profile.
SESSION_DETAILS = ("date", "kind", "area", "clinic", "notes", "follow_up")


def _copy_details(record: SessionRecord, row: TreatmentSession) -> None:
    for name in SESSION_DETAILS:
        setattr(row, name, getattr(record, name))


def _now() -> dt.datetime:
    """The time of a change, in UTC, stored without a zone (SQLite keeps none)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _temperature_change(
    row_id: int,
    reading: TemperatureRecord,
    before: tuple[TypedTemperature | None, str | None],
    after: tuple[TypedTemperature | None, str | None],
    when: dt.datetime,
) -> dict[str, object]:
    """A temperature reading's change as a row of ``entry_changes`` (its 0-10 columns empty)."""
    was, now = before[0], after[0]
    return {
        "session_id": row_id,
        "date": reading.date,
        "symptom": MEASURE,
        "before": None,
        "before_note": before[1],
        "after": None,
        "after_note": after[1],
        "changed_at": when,
        "reading_id": reading.id,
        "before_reading": was.value if was else None,
        "before_unit": was.unit if was else None,
        "after_reading": now.value if now else None,
        "after_unit": now.unit if now else None,
    }


def _change(
    where: dict[str, object],
    symptom: str,
    before: tuple[int | None, str | None],
    after: tuple[int | None, str | None],
) -> dict[str, object]:
    return {
        **where,
        "symptom": symptom,
        "before": before[0],
        "before_note": before[1],
        "after": after[0],
        "after_note": after[1],
        "changed_at": _now(),
    }
