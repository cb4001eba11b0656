"""History: every value of a session, with editing (log again) and removal."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from flask import Flask, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from tracker.domain.care import CARE_ACTIONS, care_key, care_name
from tracker.domain.catalog import symptom_key
from tracker.domain.changes import changed_from, what_it_did, what_undo_gives
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
        except TrackerError as exc:
            return missing_page(exc)
    record = next(r for r, _ in found if r.id == chosen)
    entries = groups[0][1] if groups else []
    if problem and not any((str(e.date), e.symptom) == problem[:2] for e in entries):
        problem = ("", "", problem[2])  # no row to put it next to: at the top of the table
    page = render_template(
        "history.html",
        days=history_days(record, entries, session_photos),
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
    )
    return page, status


class HistoryDay(NamedTuple):
    """One day's card in History: its values and its photos (either may be empty)."""

    date: dt.date
    day: int
    values: list[ValueRecord]
    photos: list[PhotoRecord]


def history_days(
    record: SessionRecord, entries: list[ValueRecord], shown: list[PhotoRecord]
) -> list[HistoryDay]:
    """Every day with a value or a photo, oldest first: a photo goes on its own day's card
    beside that day's values."""
    values: dict[dt.date, list[ValueRecord]] = {}
    for entry in entries:
        values.setdefault(entry.date, []).append(entry)
    pictures: dict[dt.date, list[PhotoRecord]] = {}
    for photo in shown:
        pictures.setdefault(photo.date, []).append(photo)
    return [
        HistoryDay(date, record.day_of(date), values.get(date, []), pictures.get(date, []))
        for date in sorted(values.keys() | pictures.keys())
    ]


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


def _refused(form: Form, session_id: int | None) -> Page:
    """The history again, with what was wrong next to the row it was about."""
    message = " ".join(form.errors.values())
    return _history(
        session_id, (form.data.get("date", ""), form.data.get("symptom", ""), message), 400
    )


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
