"""Expected recovery, flags and the daily status: the use cases around the flag engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.domain.catalog import KINDS_BY_KEY, in_catalog_order
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Expectation, Expectations, Override
from tracker.domain.flags import Flag, active_only, evaluate, evaluate_sessions, sort_flags
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.status import Status, build_status
from tracker.domain.words import Words
from tracker.services.common import (
    chosen_session,
    expectations_for,
    personal_courses,
    session_for_day,
)

if TYPE_CHECKING:  # the store's module (SQLAlchemy) loads when a command opens the database
    from tracker.storage.store import Store

# Asked in every first check-in, before anything has been logged for the session.
FIRST_CHECKIN = ("itching", "swelling", "redness", "rash")


def _sessions_up_to(
    store: Store, as_of: dt.date
) -> tuple[list[SessionRecord], dict[int, list[ValueRecord]]]:
    """Every session on or before as_of, oldest first, with its entries."""
    records = store.sessions(up_to=as_of)
    return records, store.entries_for_sessions([r.id for r in records])


def flags(
    store: Store,
    *,
    as_of: dt.date,
    session_id: int | None = None,
    history: bool = False,
    every_session: bool = False,
) -> tuple[list[Flag], int | None]:
    """Active flags of every session on or before as_of (or of the one named).

    An earlier session's flags stay until they are resolved, even once a newer session
    exists. With ``history``, resolved flags are listed too. Also returns the current
    session's id (the latest on or before as_of), to tell earlier sessions' flags apart.
    """
    if session_id is not None:
        store.session(session_id)  # refuses another profile's session
    records, entries = _sessions_up_to(store, as_of)
    if not records and not every_session:
        chosen_session(store, None, as_of)  # refuses, saying how to add one
    expectations = expectations_for(store)
    measured = store.temperatures_for_sessions([r.id for r in records])
    judged = evaluate_sessions(records, entries, expectations.for_pair, as_of, measured)
    found = [
        flag
        for record in records
        if session_id is None or record.id == session_id
        for flag in judged[record.id]
    ]
    current = records[-1].id if records else None
    return sort_flags(found if history else active_only(found)), current


def status(store: Store, as_of: dt.date) -> Status:
    """The current session's status, with every earlier session's still-active flags."""
    return _status(store, as_of)[0]


@dataclass(frozen=True)
class StatusPage:
    """A status with what a page shows beside it: the sessions its flags belong to (by
    number) and the follow-up visits still to come, soonest first."""

    status: Status
    sessions: dict[int, SessionRecord]
    follow_ups: list[SessionRecord]


def status_page(store: Store, as_of: dt.date) -> StatusPage:
    """The status as of a day, with the sessions of its flags and the follow-ups on or after
    the day of the sessions on or before it; from the sessions the status reads."""
    report, records = _status(store, as_of)
    follow_ups = sorted(
        (r for r in records if r.follow_up is not None and r.follow_up >= as_of),
        key=lambda r: (r.follow_up, r.id),
    )
    return StatusPage(report, {r.id: r for r in records}, follow_ups)


def _status(store: Store, as_of: dt.date) -> tuple[Status, list[SessionRecord]]:
    """The status, and the sessions read for it (``Store.status_sessions``).

    Only the sessions that can still hold an active flag (a symptom whose latest value is
    above 0: every rule needs that) are judged in full, with those holding a temperature;
    of the others the personal courses need only each symptom's slowest recovery, found in
    SQL. A patient with 200 sessions costs what one with a few open ones does.
    """
    records, open_ids = store.status_sessions(as_of)
    # The current session is the latest of them (chosen_session refuses when there is none).
    record = records[-1] if records else chosen_session(store, None, as_of)
    still_judged = open_ids - {record.id}
    entries = store.entries_for_sessions([record.id, *sorted(still_judged)])
    # Every session's temperatures: a high one stays an alarm until a lower one is logged.
    measured = store.temperatures_of_every_session()
    judged = [
        r for r in records if r.id in still_judged or (r.id != record.id and r.id in measured)
    ]
    # The earlier sessions are judged against the courses as of the day; the current
    # session's comparison has always counted earlier sessions' values dated after as_of
    # too (only a past as-of date has any); kept as it was.
    courses, shown = personal_courses(store, [*judged, record], as_of)
    expectations = expectations_for(store)
    still_open = sort_flags(
        flag
        for r in judged
        for flag in active_only(
            evaluate(
                r,
                entries.get(r.id, ()),
                expectations.for_pair,
                as_of,
                courses[r.id],
                temperatures=measured.get(r.id, []),
            )
        )
    )
    report = build_status(
        record,
        entries[record.id],
        expectations.for_pair,
        as_of,
        shown[record.id],
        still_open,
        temperatures=measured.get(record.id, []),
    )
    return report, records


def status_if_any(store: Store, as_of: dt.date) -> Status | None:
    """The status of the latest session on or before as_of; None when there is none yet."""
    if store.latest_session_on_or_before(as_of) is None:
        return None
    return status(store, as_of)


def protocol(store: Store, kind: str | None = None) -> list[Expectation]:
    expectations = expectations_for(store)
    return expectations.rows([kind] if kind else list(KINDS_BY_KEY))


def set_override(
    store: Store, kind: str, symptom: str, max_days: int, typical_days: int | None
) -> Expectation:
    if max_days < 0 or (typical_days is not None and typical_days < 0):
        raise TrackerError.malformed("Days must be 0 or more.")
    if typical_days is None:
        # Keep the figure's typical course where it still fits inside the new maximum.
        before = expectations_for(store).for_pair(kind, symptom).typical_days
        typical_days = min(before, max_days) if before is not None else None
    if typical_days is not None and typical_days > max_days:
        raise TrackerError(
            f"The typical course ({typical_days} days) cannot be longer than the maximum "
            f"({max_days} days)."
        )
    store.set_override(Override(kind, symptom, max_days, typical_days))
    return expectations_for(store).for_pair(kind, symptom)


def reset_overrides(store: Store, kind: str | None = None, symptom: str | None = None) -> int:
    return store.delete_overrides(kind, symptom)


def _first_asked(expectations: Expectations, kind: str) -> list[str]:
    """The first check-in asks the usual four, and every symptom a source names as part of
    this treatment's course (peeling after a peel, crusting after CO2...), in catalogue order."""
    typical = [e.symptom for e in expectations.rows([kind]) if e.basis == "published"]
    return in_catalog_order([*FIRST_CHECKIN, *typical])


@dataclass(frozen=True)
class CheckinPlan:
    session: SessionRecord
    date: dt.date
    # Each symptom to ask about, with its latest value on or before this date if any.
    questions: list[tuple[str, ValueRecord | None]]
    today: dict[str, int]  # values already logged for this date


def checkin_plan(
    store: Store, date: dt.date, today: dt.date, session_id: int | None = None
) -> CheckinPlan:
    """The check-in of the session named, or of the latest on or before the date."""
    if session_id is None:
        return checkin_plans(store, date, today)[0]
    record = session_for_day(store, date=date, today=today, session_id=session_id)
    entries = store.entries_for_sessions([record.id])[record.id]
    expectations = expectations_for(store)
    return _plan(record, entries, date, expectations)


def checkin_plans(store: Store, date: dt.date, today: dt.date) -> list[CheckinPlan]:
    """One check-in per treatment still open on the date: the latest session on or before
    it first, then every earlier one still in its recovery window (its longest expected
    course) or with an active flag, latest first. Each is logged to on its own."""
    if date > today:
        raise TrackerError(Words.IN_THE_FUTURE.format(date=date, what="check in on"), field="date")
    expectations = expectations_for(store)
    # The latest session, those that may be open and those begun within the longest
    # course of any kind (a superset of those within their own kind's window).
    since = date - dt.timedelta(days=expectations.longest_course_bound())
    records, candidates = store.status_sessions(date, since=since)
    # The latest of them (chosen_session refuses when there is none).
    record = records[-1] if records else chosen_session(store, None, date)
    earlier = [r for r in records if r.id != record.id]
    windows = {kind: _window(expectations, kind) for kind in {r.kind for r in earlier}}
    windowed = {r.id for r in earlier if date <= r.date + windows[r.kind]}
    entries = store.entries_for_sessions(
        [record.id, *{r.id for r in earlier if r.id in candidates or r.id in windowed}]
    )
    still_open = [
        r
        for r in reversed(earlier)
        if r.id in windowed
        or (
            r.id in candidates
            and active_only(evaluate(r, entries[r.id], expectations.for_pair, date))
        )
    ]
    return [_plan(r, entries[r.id], date, expectations) for r in [record, *still_open]]


def _window(expectations: Expectations, kind: str) -> dt.timedelta:
    """A treatment's recovery window: its longest expected course (7 days with none)."""
    courses = [row.max_days for row in expectations.rows([kind]) if row.has_course]
    return dt.timedelta(days=max(courses, default=7))


def _plan(
    record: SessionRecord, entries: list[ValueRecord], date: dt.date, expectations: Expectations
) -> CheckinPlan:
    latest: dict[str, ValueRecord] = {}
    on_date: dict[str, int] = {}
    for entry in entries:
        if entry.date <= date:
            latest[entry.symptom] = entry  # entries come oldest first
        if entry.date == date:
            on_date[entry.symptom] = entry.severity
    asked = in_catalog_order([*latest, *on_date]) or _first_asked(expectations, record.kind)
    return CheckinPlan(record, date, [(s, latest.get(s)) for s in asked], on_date)
