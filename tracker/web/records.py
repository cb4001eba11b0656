"""History: every value of a session, with editing (log again) and removal."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from flask import Flask, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from tracker.domain.care import CARE_ACTIONS, CareRecord, care_key, care_name
from tracker.domain.catalog import symptom_key
from tracker.domain.changes import changed_from, what_it_did, what_undo_gives
from tracker.domain.dates import parse_date
from tracker.domain.errors import TrackerError
from tracker.domain.photos import PhotoRecord
from tracker.domain.records import (
    ChangeRecord,
    SessionRecord,
    TypedValue,
    ValueRecord,
    latest_started,
)
from tracker.domain.severity import MAX_SEVERITY, MIN_SEVERITY, band, parse_severity
from tracker.domain.temperature import TemperatureRecord, parse_temperature
from tracker.services import care, corrections, photos, sessions, symptom_log
from tracker.web.app import Page, patient_zone, reading, today, writing
from tracker.web.forms import Form, asked_session, empty, number_of, session_number
from tracker.web.hints import missing_page


def _severity_options(chosen: int) -> Markup:
    return Markup("").join(
        Markup('<option value="{0}"{1}>{0} {2}</option>').format(
            n, Markup(" selected") if n == chosen else "", band(n)
        )
        for n in range(MIN_SEVERITY, MAX_SEVERITY + 1)
    )


# The 0-10 choices of every row, made once: a session's history has hundreds of rows.
SEVERITY_OPTIONS = {n: _severity_options(n) for n in range(MIN_SEVERITY, MAX_SEVERITY + 1)}


_entry_id = number_of("care entry")


_change_id = number_of("change")


def history_page() -> Page:
    try:
        asked = asked_session()
    except TrackerError as exc:
        return missing_page(exc)
    return _history(asked)


def _history(
    asked: int | None,
    problem: tuple[str, str, str] | None = None,
    status: int = 200,
    care_form: Form | None = None,
) -> Page:
    """The page for a session (default the latest); ``problem`` is (date, symptom, message)."""
    with reading() as store:  # the whole page in one transaction
        found = sessions.list_sessions(store)
        if not found:
            message = "No sessions yet, so nothing is logged."
            return render_template("start.html", message=message), 200
        default = latest_started([r for r, _ in found], today()) or found[-1][0]
        chosen = asked if asked is not None else default.id
        try:
            groups = symptom_log.history(store, session_id=chosen)
            care_log = care.list_care(store, chosen)
            changes = changed_from(corrections.value_changes(store, chosen))
            latest = corrections.last_change(store)
            session_photos = photos.list_photos(store, chosen)
            measured = symptom_log.temperature_history(store, session_id=chosen).get(chosen, [])
            fixed = corrections.temperature_corrections(store, chosen) if measured else {}
        except TrackerError as exc:
            return missing_page(exc)
    record = next(r for r, _ in found if r.id == chosen)
    entries = groups[0][1] if groups else []
    if problem:
        problem = ("", "", problem[2])  # rows are corrected on their day's page: at the top
    page = render_template(
        "history.html",
        days=history_days(record, entries, session_photos, measured, care_log),
        has_photos=bool(session_photos),
        found=found,
        record=record,
        entries=entries,
        care_log=care_log,
        problem=problem,
        options=SEVERITY_OPTIONS,
        changes=changes,
        undo=_undo_offer(latest),
        care_form=care_form or empty(),
        care_actions=CARE_ACTIONS,
        temperatures=measured,
        fixed=fixed,
    )
    return page, status


class HistoryDay(NamedTuple):
    """One day's card in History: its values, temperatures and photos (any may be empty)."""

    date: dt.date
    day: int
    values: list[ValueRecord]
    photos: list[PhotoRecord]
    temperatures: tuple[TemperatureRecord, ...] = ()
    care: tuple[CareRecord, ...] = ()


def history_days(
    record: SessionRecord,
    entries: list[ValueRecord],
    shown: list[PhotoRecord],
    measured: list[TemperatureRecord] | None = None,
    care_log: list[CareRecord] | None = None,
) -> list[HistoryDay]:
    """Every day with a value, a temperature, a care entry or a photo, oldest first: each
    goes on its own day's card."""
    values: dict[dt.date, list[ValueRecord]] = {}
    for entry in entries:
        values.setdefault(entry.date, []).append(entry)
    pictures: dict[dt.date, list[PhotoRecord]] = {}
    for photo in shown:
        pictures.setdefault(photo.date, []).append(photo)
    readings: dict[dt.date, list[TemperatureRecord]] = {}
    for taken in measured or ():
        readings.setdefault(taken.date, []).append(taken)
    cared: dict[dt.date, list[CareRecord]] = {}
    for item in care_log or ():
        cared.setdefault(item.date, []).append(item)
    return [
        HistoryDay(
            date,
            record.day_of(date),
            values.get(date, []),
            pictures.get(date, []),
            tuple(readings.get(date, ())),
            tuple(cared.get(date, ())),
        )
        for date in sorted(values.keys() | pictures.keys() | readings.keys() | cared.keys())
    ]


def history_day_page() -> Page:
    """One day of a session with a form for each of its values and temperatures: where a
    value or a reading is corrected or removed (History shows the days; this, one)."""
    form = Form(request.args)
    session_id = form.read("session", session_number, required=True)
    date = form.date("date", today(), required=True)
    if not form.ok or session_id is None or date is None:
        return missing_page(TrackerError.malformed(" ".join(form.errors.values())))
    return _day(session_id, date)


def _day(
    session_id: int,
    date: dt.date,
    problem: tuple[str, str, str] | None = None,
    status: int = 200,
) -> Page:
    """The day's page; ``problem`` is (date, row, message), the row a symptom's key or
    "t-<reading id>"."""
    with reading() as store:
        try:
            groups = symptom_log.history(store, session_id=session_id)
            changes = changed_from(corrections.value_changes(store, session_id))
            measured = symptom_log.temperature_history(store, session_id=session_id)
            fixed = corrections.temperature_corrections(store, session_id)
            record, _ = sessions.show_session(store, session_id)
            care_log = [c for c in care.list_care(store, session_id) if c.date == date]
        except TrackerError as exc:
            return missing_page(exc)
    entries = [e for _, found in groups for e in found if e.date == date]
    readings = [t for t in measured.get(session_id, []) if t.date == date]
    rows = {e.symptom for e in entries} | {f"t-{t.id}" for t in readings}
    if problem and problem[1] not in rows:
        problem = ("", "", problem[2])  # no row to put it next to: at the top
    page = render_template(
        "history_day.html",
        record=record,
        date=date,
        day=record.day_of(date),
        entries=entries,
        readings=readings,
        care_log=care_log,
        changes=changes,
        fixed=fixed,
        problem=problem,
        options=SEVERITY_OPTIONS,
        undo=None,
    )
    return page, status


def _undo_offer(latest: tuple[ChangeRecord, SessionRecord] | None) -> dict[str, object] | None:
    """The Undo button's change and its words: what it did, and what undo gives back."""
    if latest is None:
        return None
    change, record = latest
    return {
        "id": change.id,
        "session": record.id,
        "did": f"Session {record.id}: {what_it_did(change, patient_zone())}.",
        "gives": f"After the undo, {what_undo_gives(change)}.",
    }


def undo_change() -> Response | Page:
    """Undo the latest change, the one the page showed (its id is sent with the button)."""
    form = Form(request.form)
    expected = form.read("change", _change_id, required=True)
    session_id = form.read("session", session_number)
    if form.ok and expected:
        try:
            with writing() as store:
                done = corrections.undo_last(store, expected=expected)
        except TrackerError as exc:
            form.fail("change", exc)
        else:
            did = what_it_did(done.change, patient_zone())
            flash(f"Undone: {did}. Now {what_undo_gives(done.change)}.")
            return redirect(url_for("history", session=done.session.id), code=303)
    message = " ".join(form.errors.values())
    return _history(session_id, ("", "", message), 400)


def _value_row(form: Form) -> tuple[int | None, dt.date | None, str | None]:
    """The row of the history a change or a removal is about: session, date and symptom."""
    return (
        form.read("session", session_number, required=True),
        form.date("date", today(), required=True),
        form.read("symptom", symptom_key, required=True),
    )


def _refused(form: Form, session_id: int | None, row: str | None = None) -> Page:
    """The day's page again (History when the day is not known), with what was wrong next
    to the row it was about."""
    message = " ".join(form.errors.values())
    date = form.data.get("date", "")
    problem = (date, row if row is not None else form.data.get("symptom", ""), message)
    try:
        day = parse_date(date, today()) if date else None
    except TrackerError:
        day = None
    if session_id is None or day is None:
        return _history(session_id, problem, 400)
    return _day(session_id, day, problem, 400)


def change_value() -> Response | Page:
    """Editing a value is logging it again: the log replaces that day's value."""
    form = Form(request.form)
    session_id, date, symptom = _value_row(form)
    severity = form.read(
        "severity", lambda text: parse_severity(text, symptom=symptom or ""), required=True
    )
    if form.ok and session_id and date and symptom and severity is not None:
        try:
            with writing() as store:
                result = symptom_log.log_symptoms(
                    store,
                    [TypedValue(symptom, severity)],
                    date=date,
                    today=today(),
                    session_id=session_id,
                )
        except TrackerError as exc:
            form.fail("severity", exc)
        else:
            item = result.logged[0]
            was = f" (was {item.replaced}/10)" if item.replaced is not None else ""
            flash(f"{symptom} on {date} is now {severity}/10 {band(severity)}{was}. Undo below.")
            return redirect(url_for("history", session=session_id), code=303)
    return _refused(form, session_id)


def remove_value() -> Response | Page:
    form = Form(request.form)
    session_id, date, symptom = _value_row(form)
    if form.ok and session_id and date and symptom:
        try:
            with writing() as store:
                removal = corrections.remove_values(
                    store, [symptom], date=date, today=today(), session_id=session_id
                )
        except TrackerError as exc:
            form.fail("symptom", exc)
        else:
            gone = ", ".join(f"{e.symptom} {e.severity}/10" for e in removal.removed)
            flash(f"Removed {gone} on {date} from session {removal.session.id}. Undo below.")
            return redirect(url_for("history", session=session_id), code=303)
    return _refused(form, session_id)


_reading_id = number_of("temperature reading")


def _reading_row(form: Form) -> tuple[int | None, int | None]:
    return (
        form.read("session", session_number, required=True),
        form.read("reading", _reading_id, required=True),
    )


def change_temperature() -> Response | Page:
    """A reading corrected in place: the one it replaces is kept, and undo puts it back."""
    form = Form(request.form)
    session_id, reading_id = _reading_row(form)
    typed = form.read("temperature", parse_temperature, required=True)
    if form.ok and session_id and reading_id and typed is not None:
        try:
            with writing() as store:
                before = corrections.temperature_reading(store, reading_id)
                fix = corrections.correct_temperature(store, before, typed, today=today())
        except TrackerError as exc:
            form.fail("temperature", exc)
        else:
            assert fix.after is not None
            fever = " That is a fever (38 °C, 100.4 °F, or more): see Status." if fix.urgent else ""
            flash(
                f"The temperature on {before.date} is now {fix.after.words()} "
                f"(was {before.words()}).{fever} Undo below."
            )
            return redirect(url_for("history", session=fix.session.id), code=303)
    return _refused(form, session_id, f"t-{reading_id}")


def remove_temperature() -> Response | Page:
    form = Form(request.form)
    session_id, reading_id = _reading_row(form)
    if form.ok and session_id and reading_id:
        try:
            with writing() as store:
                before = corrections.temperature_reading(store, reading_id)
                fix = corrections.remove_temperature(store, before)
        except TrackerError as exc:
            form.fail("reading", exc)
        else:
            flash(
                f"Removed the temperature {before.words()} on {before.date} from session "
                f"{fix.session.id}. Undo below."
            )
            return redirect(url_for("history", session=fix.session.id), code=303)
    return _refused(form, session_id, f"t-{reading_id}")


def remove_care() -> Response | Page:
    form = Form(request.form)
    care_id = form.read("care", _entry_id, required=True)
    session_id = form.read("session", session_number)
    if form.ok and care_id:
        try:
            with writing() as store:
                record = corrections.remove_care(store, care_id)
        except TrackerError as exc:
            form.fail("care", exc)
        else:
            name = care_name(record.action)
            flash(f"Removed {name} on {record.date} from session {record.session_id}.")
            return redirect(url_for("history", session=record.session_id), code=303)
    message = " ".join(form.errors.values())
    return _history(session_id, ("", "", message), 400)


# A refusal about one of these goes next to its field on the care form.
CARE_FIELDS = {"date": "care-date", "note": "care-note", "care": "care-action"}


def add_care() -> Response | Page:
    """A care action of the session shown, as `tracker care add` records it: any action,
    'other' with what it was in its note, on any day of the session up to today."""
    form = Form(request.form)
    session_id = form.read("session", session_number, required=True)
    date = form.date("care-date", today(), required=True)
    action = form.read("care-action", care_key, required=True)
    note = form.text("care-note")
    if form.ok and session_id and date and action:
        try:
            with writing() as store:
                record = care.add_care(
                    store,
                    action,
                    date=date,
                    today=today(),
                    session_id=session_id,
                    note=note,
                    again=form.data.get("care-again") == "yes",
                )
        except TrackerError as exc:
            field = CARE_FIELDS.get(exc.field or "", "care-action")
            form.fail(field, exc)
        else:
            what = care_name(record.action) + (f" ({record.note})" if record.note else "")
            flash(f"Recorded {what} on {record.date} for session {record.session_id}.")
            return redirect(url_for("history", session=record.session_id) + "#care", code=303)
    return _history(session_id, None, 400, care_form=form)


def register(app: Flask) -> None:
    app.add_url_rule("/history/care", "add_care", add_care, methods=["POST"])
    app.add_url_rule("/history", "history", history_page)
    app.add_url_rule("/history/value", "change_value", change_value, methods=["POST"])
    app.add_url_rule("/history/value/remove", "remove_value", remove_value, methods=["POST"])
    app.add_url_rule("/history/care/remove", "remove_care", remove_care, methods=["POST"])
    app.add_url_rule("/history/undo", "undo_change", undo_change, methods=["POST"])
    app.add_url_rule("/history/day", "history_day", history_day_page)
    app.add_url_rule(
        "/history/temperature", "change_temperature", change_temperature, methods=["POST"]
    )
    app.add_url_rule(
        "/history/temperature/remove",
        "remove_temperature",
        remove_temperature,
        methods=["POST"],
    )
