"""Sessions and profiles: add and edit sessions, choose whose data the page shows."""

from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from tracker.domain.catalog import (
    DEFAULT_KIND,
    SYMPTOMS,
    TREATMENT_KINDS,
    kind_key,
    kind_words,
    symptom_key,
    symptom_name,
)
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Expectation
from tracker.domain.limits import MAX_COURSE_DAYS
from tracker.domain.records import SKIN_TYPE_WORDS, SKIN_TYPES, SessionRecord
from tracker.domain.words import Words
from tracker.services import photos, profiles, recovery, sessions
from tracker.services.databases import Store
from tracker.web.app import (
    Page,
    choose_profile_cookie,
    current_profile,
    hosted,
    reading,
    today,
    writing,
)
from tracker.web.forms import Form, empty
from tracker.web.hints import missing_page, status_of


def _session_fields(form: Form) -> sessions.SessionFields:
    day = today()
    return sessions.SessionFields(
        date=form.date("date", day, required=True),
        kind=form.read("kind", kind_key, required=True),
        # An empty box clears the field, as `--area ""` does.
        area=form.data.get("area", ""),
        clinic=form.data.get("clinic", ""),
        notes=form.data.get("notes", ""),
        follow_up=form.date("follow_up", day),
    )


# The fields of the session form an error can be next to; any other goes next to the date.
SESSION_FIELDS = ("date", "kind", "follow_up")


def _list_page(form: Form, profile_form: Form, status: int = 200) -> Page:
    with reading() as store:
        found = sessions.list_sessions(store)
        # Hosted, a patient has their own profile alone: no other is named, or chosen.
        people = [] if hosted() else profiles.list_profiles(store)
    page = render_template(
        "sessions.html",
        found=found,
        people=people,
        chosen=current_profile(),
        form=form,
        profile_form=profile_form,
        kinds=TREATMENT_KINDS,
        default_kind=DEFAULT_KIND,
        skin_types=[(t, SKIN_TYPE_WORDS[t]) for t in SKIN_TYPES],
    )
    return page, status


def list_page() -> Page:
    return _list_page(empty(), empty())


def add() -> Response | Page:
    form = Form(request.form)
    fields = _session_fields(form)
    status = 400
    if form.ok:
        try:
            with writing() as store:
                record, still_open = sessions.start_session(store, fields, today=today())
        except TrackerError as exc:
            form.refuse(exc, SESSION_FIELDS, "date")
            status = status_of(exc)
        else:
            flash(f"Added session {record.id} ({kind_words(record.kind)} on {record.date}).")
            if still_open:
                previous = still_open[0].session_id
                flash(
                    f"Session {previous} still has open flags; they stay on the Status page "
                    "until resolved."
                )
            return redirect(url_for("today"), code=303)
    return _list_page(form, empty(), status)


def edit_page(session_id: int) -> Page:
    try:
        with reading() as store:
            shown = _what_deleting_takes(store, session_id)
    except TrackerError as exc:
        return missing_page(exc)
    record = shown[0]
    data = {
        "date": str(record.date),
        "kind": record.kind,
        "area": record.area or "",
        "clinic": record.clinic or "",
        "notes": record.notes or "",
        "follow_up": str(record.follow_up or ""),
    }
    form = Form(MultiDict(data))
    return _edit_page(shown, form)


def _days(text: str) -> int:
    """A course's day, as `tracker protocol set --max-days` reads it."""
    words = f"a whole number of days after the session, from 0 to {MAX_COURSE_DAYS}"
    if not text.strip().isascii() or not text.strip().isdigit() or len(text.strip()) > 6:
        raise TrackerError.malformed(f"{text.strip()!r} is not a number: give {words}.")
    number = int(text.strip())
    if number > MAX_COURSE_DAYS:
        raise TrackerError.malformed(f"{number} is out of range: give {words}.")
    return number


def _courses(store: Store, kind: str) -> list[Expectation]:
    """The kind's expected course for each symptom (the clinic's own where set)."""
    return recovery.protocol(store, kind)


Shown = tuple[SessionRecord, int, int, list[Expectation]]


def _what_deleting_takes(store: Store, session_id: int) -> Shown:
    """The session, its number of values and of photos (read in the page's own transaction:
    the delete form says what goes with it), and its kind's expected courses."""
    record, count = sessions.show_session(store, session_id)
    return record, count, photos.photo_count(store, session_id), _courses(store, record.kind)


def _edit_page(
    shown: Shown,
    form: Form,
    refusal: str = "",
    status: int = 200,
    course_form: Form | None = None,
) -> Page:
    record, count, photo_count, courses = shown
    page = render_template(
        "session_edit.html",
        record=record,
        form=form,
        kinds=TREATMENT_KINDS,
        count=count,
        photo_count=photo_count,
        refusal=refusal,
        courses=courses,
        own=[c for c in courses if c.overridden],
        symptoms=SYMPTOMS,
        course_form=course_form or empty(),
    )
    return page, status


def _record_form(record: SessionRecord) -> Form:
    return Form(MultiDict({"date": str(record.date), "kind": record.kind}))


def set_course(session_id: int) -> Response | Page:
    """The clinic's own expected course for one symptom after this session's kind, as
    `tracker protocol set KIND SYMPTOM --max-days N [--typical-days N]` sets it."""
    form = Form(request.form)
    try:
        with reading() as store:
            shown = _what_deleting_takes(store, session_id)
    except TrackerError as exc:
        return missing_page(exc)
    record = shown[0]
    symptom = form.read("course-symptom", symptom_key, required=True)
    typical = form.read("course-typical", _days)
    latest = form.read("course-max", _days, required=True)
    if form.ok and symptom is not None and latest is not None:
        try:
            with writing() as store:
                row = recovery.set_override(store, record.kind, symptom, latest, typical)
        except TrackerError as exc:
            field = "course-typical" if typical is not None and typical > latest else "course-max"
            form.fail(field, exc)
        else:
            flash(
                f"{symptom_name(symptom)} after {kind_words(record.kind)} (your clinic's "
                f"course): {row.plain_course}"
            )
            return redirect(url_for("edit_session", session_id=record.id) + "#course", code=303)
    return _edit_page(shown, _record_form(record), status=400, course_form=form)


def reset_course(session_id: int) -> Response | Page:
    """Back to the published figure for one symptom (`tracker protocol reset KIND SYMPTOM`)."""
    form = Form(request.form)
    try:
        with reading() as store:
            shown = _what_deleting_takes(store, session_id)
    except TrackerError as exc:
        return missing_page(exc)
    record = shown[0]
    symptom = form.read("course-symptom", symptom_key, required=True)
    if form.ok and symptom is not None:
        with writing() as store:
            recovery.reset_overrides(store, record.kind, symptom)
        kind = kind_words(record.kind)
        flash(f"{symptom_name(symptom)} after {kind}: back to the published course.")
        return redirect(url_for("edit_session", session_id=record.id) + "#course", code=303)
    return _edit_page(shown, _record_form(record), status=400, course_form=form)


def delete(session_id: int) -> Response | Page:
    """Delete a session, once the box saying so is ticked (the page asks first)."""
    try:
        with reading() as store:
            shown = _what_deleting_takes(store, session_id)
    except TrackerError as exc:
        return missing_page(exc)
    if request.form.get("confirm") != "yes":
        refusal = f"Nothing was deleted: tick the box to delete session {shown[0].id}."
        return _edit_page(shown, _record_form(shown[0]), refusal, 400)
    with writing() as store:
        deleted = sessions.delete_session(store, session_id)
    record = deleted.session
    flash(
        f"Deleted session {record.id} ({kind_words(record.kind)} on {record.date}) "
        f"with {deleted.what_went()}."
    )
    return redirect(url_for("sessions"), code=303)


def edit(session_id: int) -> Response | Page:
    form = Form(request.form)
    fields = _session_fields(form)
    try:
        with reading() as store:
            shown = _what_deleting_takes(store, session_id)
    except TrackerError as exc:
        return missing_page(exc)
    status = 400
    if form.ok:
        try:
            with writing() as store:
                record = sessions.edit_session(store, session_id, fields)
        except TrackerError as exc:
            form.refuse(exc, SESSION_FIELDS, "date")
            status = status_of(exc)
        else:
            flash(f"Updated session {record.id} ({kind_words(record.kind)} on {record.date}).")
            return redirect(url_for("sessions"), code=303)
    return _edit_page(shown, form, status=status)


def choose_profile() -> Response | Page:
    form = Form(request.form)
    name = form.text("profile")
    with reading() as store:
        known = {record.name for record, _ in profiles.list_profiles(store)}
    if name not in known:
        form.errors["profile"] = Words.NO_PROFILE.format(name=name, did_you_mean="")
        return _list_page(empty(), form, 400)
    response = redirect(url_for("today"), code=303)
    choose_profile_cookie(response, name)
    flash(f"Showing {name}'s data.")
    return response


def add_profile() -> Response | Page:
    form = Form(request.form)
    name = form.data.get("name", "")
    try:
        with writing() as store:
            record = profiles.add_profile(
                store,
                name,
                form.text("skin_type"),
                sensitive_skin=form.data.get("sensitive_skin") == "yes",
            )
    except TrackerError as exc:
        form.refuse(exc, ("name", "skin_type"), "name")
        return _list_page(empty(), form, status_of(exc))
    flash(f"Added profile {record.name!r} ({record.describe_skin()}). Choose it below to use it.")
    return redirect(url_for("sessions"), code=303)


def register(app: Flask) -> None:
    app.add_url_rule("/sessions", "sessions", list_page)
    app.add_url_rule("/sessions", "add_session", add, methods=["POST"])
    app.add_url_rule("/sessions/<int:session_id>", "edit_session", edit_page)
    app.add_url_rule("/sessions/<int:session_id>", "save_session", edit, methods=["POST"])
    app.add_url_rule(
        "/sessions/<int:session_id>/delete", "delete_session", delete, methods=["POST"]
    )
    app.add_url_rule(
        "/sessions/<int:session_id>/course", "set_course", set_course, methods=["POST"]
    )
    app.add_url_rule(
        "/sessions/<int:session_id>/course/reset", "reset_course", reset_course, methods=["POST"]
    )
    app.add_url_rule("/profile", "choose_profile", choose_profile, methods=["POST"])
    app.add_url_rule("/profiles", "add_profile", add_profile, methods=["POST"])
