"""Rules shared by the use cases that record something on a day of a session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from tracker.domain.courses import PersonalCourse, courses_from_gone_days
from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.words import Words

if TYPE_CHECKING:  # a day's log must not pay for the flag rules or SQLAlchemy unless used
    from tracker.domain.expectations import Expectations, Override
    from tracker.domain.flags import Flag
    from tracker.domain.temperature import TemperatureRecord, TypedTemperature
    from tracker.storage.store import Store


class DayStore(Protocol):
    """What logging a day needs of a store: ``Store`` (SQLAlchemy, any database) has it,
    and so has ``tracker.storage.quick.QuickStore`` (sqlite3 alone, an SQLite file whose
    schema is current), which `tracker log` uses first."""

    def session(self, session_id: int) -> SessionRecord: ...

    def latest_session_on_or_before(self, date: dt.date) -> SessionRecord | None: ...

    def first_session(self) -> SessionRecord | None: ...

    def write_day(
        self, session: SessionRecord, date: dt.date, severities: dict[str, int], note: str | None
    ) -> list[tuple[ValueRecord, int | None]]: ...

    def add_temperature(
        self, session: SessionRecord, date: dt.date, typed: TypedTemperature, note: str | None
    ) -> TemperatureRecord: ...

    def profile(self) -> ProfileRecord: ...

    def overrides(self, kind: str | None = None) -> list[Override]: ...

    def latest_runs(
        self, session_ids: Sequence[int], as_of: dt.date
    ) -> dict[int, list[ValueRecord]]: ...

    def temperatures_for_sessions(
        self, session_ids: Sequence[int]
    ) -> dict[int, list[TemperatureRecord]]: ...


def chosen_session(store: DayStore, session_id: int | None, date: dt.date) -> SessionRecord:
    """The session named, or else the latest one on or before the date; refuses when none."""
    if session_id is not None:
        return store.session(session_id)
    found = store.latest_session_on_or_before(date)
    if found is None:
        first = store.first_session()
        if first is not None:
            raise TrackerError(
                f"{date} is before your first session (session {first.id} on {first.date}); "
                "choose a day on or after it.",
                field="date",
            )
        raise TrackerError.not_found(
            Words.NO_SESSION_BEFORE.format(date=date), field="date", hint=Hint("session-add")
        )
    return found


def session_for_day(
    store: DayStore, *, date: dt.date, today: dt.date, session_id: int | None, what: str = "log"
) -> SessionRecord:
    """The session a day's record belongs to: the one named, or the latest on or before it."""
    if date > today:
        raise TrackerError(Words.IN_THE_FUTURE.format(date=date, what=what), field="date")
    record = chosen_session(store, session_id, date)
    if date < record.date:
        raise TrackerError(
            f"{date} is before session {record.id} ({record.date}); a {what} belongs to a day "
            "on or after its session.",
            field="date",
        )
    return record


def expectations_for(store: DayStore) -> Expectations:
    """The expected courses for this profile: shipped figures, its overrides, its skin."""
    from tracker.domain.expectations import Expectations, shipped_table

    return Expectations(shipped_table(), store.overrides(), skin=store.profile())


# Past this many sessions asked for at once (a chart comparing every session), one pass
# over every session's gone days costs less than finding each one's slowest in SQL.
FEW_SESSIONS = 8

Courses = dict[int, dict[str, PersonalCourse]]


def personal_courses(
    store: Store, records: Sequence[SessionRecord], as_of: dt.date
) -> tuple[Courses, Courses]:
    """The personal courses of these sessions (on or before as_of, or asked for by number),
    by session id: as of the date (what their flags judge) and over every value logged
    (what the summary shows); the same but for a past as-of date before an earlier
    session's last values.

    Of a few sessions, only each symptom's slowest recovery is read (one row per session
    and symptom), whatever the length of the history; of many, or as of a past date, every
    session's gone days, in one pass.
    """
    wanted = {r.id for r in records}
    if len(wanted) <= FEW_SESSIONS:
        slowest, later = store.slowest_recoveries(sorted(wanted), as_of)
        ever = {
            number: {s: PersonalCourse(s, found) for s, found in symptoms.items()}
            for number, symptoms in slowest.items()
        }
        if not later:
            return ever, ever
    every = [r for r in store.sessions() if r.date <= as_of or r.id in wanted]
    gone_then, gone_ever = store.gone_days(as_of)
    then = courses_from_gone_days(every, gone_then, wanted)
    if len(wanted) > FEW_SESSIONS:
        ever = courses_from_gone_days(every, gone_ever, wanted)
    return then, ever


def urgent_now(
    store: DayStore, session_ids: set[int], today: dt.date, *, temperatures: bool = False
) -> list[Flag]:
    """The active urgent flags, as of today, of these sessions: what a write that brought a
    severe or red-flag value (or, with ``temperatures``, a high temperature) says at once
    (log, import).

    Judged on each symptom's values since its last 0 only (``Store.latest_runs``), of the
    symptoms whose latest value is above 0: a 0 ends every episode, so an urgent flag
    still active is about no value before it, and a symptom at 0 holds none. The same
    flags as judging every value (tests/test_urgent_now.py), in memory bounded by what is
    still there: a million-value import does not load its million values again."""
    from tracker.domain.flags import evaluate, sort_flags

    if not session_ids:
        return []
    expectations = expectations_for(store)
    ids = sorted(session_ids)
    entries = store.latest_runs(ids, today)
    measured = store.temperatures_for_sessions(ids) if temperatures else {}
    return sort_flags(
        flag
        for session_id in ids
        for flag in evaluate(
            store.session(session_id),
            entries[session_id],
            expectations.for_pair,
            today,
            temperatures=measured.get(session_id, ()),
        )
        if flag.active and flag.level == "urgent"
    )
