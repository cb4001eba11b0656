"""Reminders: which days to ask for a log, written as a calendar file the patient opens."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tracker.domain.reminders import NextSteps, ReminderPlan, calendar_bytes, plan_reminders
from tracker.services.common import chosen_session, expectations_for
from tracker.storage.private_files import Target, private_output
from tracker.storage.store import Store


def reminder_plan(store: Store, *, as_of: dt.date, session_id: int | None = None) -> ReminderPlan:
    """The plan for the session named, or the latest on or before as_of."""
    record = chosen_session(store, session_id, as_of)
    entries = store.entries_for_sessions([record.id])[record.id]
    # Red-flag and pigment symptoms have no course to wait for; skin settings count.
    rows = expectations_for(store).rows([record.kind])
    courses = [row for row in rows if row.has_course]
    uid_base = store.profile_uuid()
    named = len(store.sessions()) > 1
    return plan_reminders(record, entries, courses, as_of=as_of, uid_base=uid_base, named=named)


def write_calendar(
    target: Target,
    plan: ReminderPlan,
    *,
    at: dt.time,
    tz: ZoneInfo,
    stamp: dt.datetime,
    steps: NextSteps,
) -> None:
    data = calendar_bytes(plan, at, tz, stamp, steps)
    with private_output(target) as handle:
        handle.write(data)
