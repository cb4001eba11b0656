"""Photos on the web page: added from the check-in (a phone offers its camera), shown as
thumbnails in History, two days side by side, removed keeping the record.

The images are served only behind the same key cookie as every page, as JPEGs the intake
wrote. A photo is never cached (Cache-Control: no-store); its thumbnail, asked for by its
version, may be kept by the patient's own browser (private, immutable), so History's
thumbnails load once, lazily, as they are scrolled near.
"""

from __future__ import annotations

from flask import Flask, Response, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tracker.domain.errors import NOT_FOUND, TrackerError
from tracker.domain.photos import PhotoRecord, same_day_across, shared_days
from tracker.services import photos as service
from tracker.services import sessions
from tracker.web.app import Page, reading, today, writing
from tracker.web.forms import Form
from tracker.web.hints import missing_page

UPLOAD_FIELD = "photo"


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise TrackerError.malformed(f"A number is needed, not {text!r}.")
    return int(text)


def add_photo() -> BaseResponse:
    """The check-in's photo form: one photo for the day shown, then back to that day."""
    form = Form(request.form)
    day = today()
    date = form.date("date", day, required=True) or day
    session_id = form.read("session", _number)
    back = redirect(url_for("today", date=date.isoformat()) + "#photos", code=303)
    upload = request.files.get(UPLOAD_FIELD)
    if upload is None or not upload.filename:
        flash("Choose a photo (or take one) first; nothing was saved.")
        return back
    if not form.ok:
        flash(f"This photo was not saved: {next(iter(form.errors.values()))}")
        return back
    try:
        data = service.read_upload(upload.stream)
        with reading() as store:  # a wrong day or session is said before decoding
            service.check_photo_day(store, date=date, today=day, session_id=session_id)
        prepared = service.prepare_photo(data)  # no lock held while decoding
        with writing() as store:
            record = service.add_photo(
                store, prepared, date=date, today=day, session_id=session_id, note=form.text("note")
            )
    except TrackerError as exc:
        flash(exc.message)
        return back
    flash(
        f"Photo added for {record.date} (day {record.day}); its location and camera "
        "details were left out."
    )
    return back


# A thumbnail asked for by its version (the address History and Today write) never changes:
# the patient's own browser may keep it, no shared cache ever ("private"), for a week.
KEPT_THUMBNAIL = f"private, max-age={7 * 24 * 3600}, immutable"


def _image(photo_id: int, *, thumbnail: bool) -> Response:
    try:
        with reading() as store:
            record, data = service.photo_image(store, photo_id, thumbnail=thumbnail)
    except TrackerError:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    kept = thumbnail and request.args.get("v") == record.version
    response.headers["Cache-Control"] = KEPT_THUMBNAIL if kept else "no-store"
    return response


def thumbnail(photo_id: int) -> Response:
    """A photo's thumbnail (at most 320 px, stored with it): kept by the browser when asked
    for by its current version, else never stored."""
    return _image(photo_id, thumbnail=True)


def image(photo_id: int) -> Response:
    return _image(photo_id, thumbnail=False)


def remove_photo(photo_id: int) -> BaseResponse:
    try:
        with writing() as store:
            record = service.remove_photo(store, photo_id)
    except TrackerError as exc:
        if exc.kind == NOT_FOUND:  # not this patient's photo: a refusal, as its image's GET
            g.audit_refused = True
        flash(exc.message)
        return redirect(url_for("history"), code=303)
    flash(f"Photo of {record.date} removed; its record is kept.")
    return redirect(url_for("history", session=record.session_id) + f"#d-{record.date}", code=303)


def default_pair(records: list[PhotoRecord]) -> tuple[PhotoRecord | None, PhotoRecord | None]:
    """Day 0's photo (else the first) and the latest one."""
    if not records:
        return None, None
    first = next((r for r in records if r.day == 0), records[0])
    return first, records[-1] if records[-1] is not first else None


def compare_page() -> Page:
    form = Form(request.args)
    with reading() as store:  # the whole page in one transaction
        found = sessions.list_sessions(store)
        if not found:
            return render_template("start.html", message="No sessions yet, so no photos."), 200
        asked = form.read("session", _number)
        chosen = asked if asked is not None else found[-1][0].id
        if chosen not in {r.id for r, _ in found}:
            try:
                service.list_photos(store, chosen)  # refuses another profile's session
                raise TrackerError.not_found(f"There is no session {chosen}.", field="session")
            except TrackerError as exc:
                return missing_page(exc)
        every = service.list_photos(store)
    records = [r for r in every if r.session_id == chosen]
    by_id = {r.id: r for r in records}
    left, right = default_pair(records)
    a, b = form.read("a", _number), form.read("b", _number)
    if a is not None and a in by_id:
        left = by_id[a]
    if b is not None and b in by_id:
        right = by_id[b]
    days = shared_days(every)
    day = form.read("day", _number)
    if day not in days:
        day = days[-1] if days else None
    record = next(r for r, _ in found if r.id == chosen)
    return render_template(
        "photo_compare.html",
        found=found,
        record=record,
        photos=records,
        left=left,
        right=right,
        days=days,
        day=day,
        across=same_day_across(every, day) if day is not None else [],
        sessions_with_photos=len({r.session_id for r in every}),
        session_of={r.id: r for r, _ in found},
    )


def register(app: Flask) -> None:
    app.add_url_rule("/photos", "photo_add", add_photo, methods=["POST"])
    app.add_url_rule("/photos/<int:photo_id>/thumbnail", "photo_thumbnail", thumbnail)
    app.add_url_rule("/photos/<int:photo_id>/image", "photo_image", image)
    app.add_url_rule(
        "/photos/<int:photo_id>/remove", "photo_remove", remove_photo, methods=["POST"]
    )
    app.add_url_rule("/photos/compare", "photo_compare", compare_page)
