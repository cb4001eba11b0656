"""Chart, report and exports: the drawing code's output, served instead of written."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import quote

from flask import Flask, Response, current_app, render_template, request, url_for

from tracker.domain.clock import zone_words
from tracker.domain.errors import TrackerError
from tracker.domain.profiles import DEFAULT_PROFILE, profile_sentence
from tracker.domain.records import latest_started
from tracker.domain.reminders import NextSteps, calendar_bytes, parse_time, zone
from tracker.services import documents, exports, reminders, sessions
from tracker.services.views import all_views, session_view
from tracker.web.app import (
    Page,
    current_profile,
    http_error,
    patient_zone,
    reading,
    settings,
    today,
)
from tracker.web.chart_cache import ChartCache, fingerprint
from tracker.web.forms import asked_session
from tracker.web.hints import link, missing_page, status_of

EXPORTS = {
    "csv": ("values.csv", "text/csv", "Values (CSV, for spreadsheets)"),
    "care-csv": ("care.csv", "text/csv", "Care log (CSV)"),
    "temperature-csv": ("temperatures.csv", "text/csv", "Temperatures (CSV)"),
    "json": ("tracker-export.json", "application/json", "Everything (JSON, restores with import)"),
    "fhir": ("fhir-bundle.json", "application/fhir+json", "For a clinic's systems (HL7 FHIR R4)"),
}


def charts() -> ChartCache:
    found: ChartCache = current_app.extensions["tracker.charts"]
    return found


def chart_page() -> Page:
    compare = request.args.get("compare") == "1"
    with reading() as store:  # the whole page in one transaction
        found = sessions.list_sessions(store)
        if not found:
            return render_template("start.html", message="No sessions yet: nothing to chart."), 200
        try:
            view = None if compare else session_view(store, asked_session(), today())
        except TrackerError as exc:
            return missing_page(exc)
    return render_template("chart.html", found=found, view=view, compare=compare)


def chart_svg() -> Response:
    # A phone's page asks for the phone's own layout (its <picture> source, chosen by width).
    phone = request.args.get("layout") == "phone"
    compare = request.args.get("compare") == "1"
    try:
        with reading() as store:
            if compare:
                views = all_views(store, today())
            else:
                views = [session_view(store, asked_session(), today())]
        if not views:
            raise TrackerError("No sessions yet: nothing to chart.")
        key = fingerprint(views, compare, phone)
        image = charts().get(
            key, lambda: documents.chart_bytes(views, "svg", compare=compare, phone=phone)
        )
    except TrackerError as exc:  # the picture's address opened by hand: a page that says why
        page, status = missing_page(exc)
        return Response(page, status=status)
    return Response(image, mimetype="image/svg+xml")


def _downloads(status: int = 200, **problems: object) -> Page:
    with reading() as store:
        found = sessions.list_sessions(store)
    page = render_template(
        "downloads.html",
        found=found,
        default=latest_started([r for r, _ in found], today()),
        exports=EXPORTS,
        zone_name=zone_words(patient_zone()),
        **{"problem": "", "reminder_problem": "", "next": None, **problems},
    )
    return page, status


def downloads_page() -> Page:
    return _downloads()


def _attachment(body: bytes | str, name: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    # RFC 6266: an ASCII name for every browser, and the real one (日本-values.csv) as
    # filename*, UTF-8 percent-encoded; a header holds no other characters.
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    disposition = f'attachment; filename="{plain}"'
    if plain != name:
        disposition += f"; filename*=UTF-8''{quote(name, safe='')}"
    response.headers["Content-Disposition"] = disposition
    return response


def report_pdf() -> Response | Page:
    try:
        with reading() as store:  # the session and its photos in one transaction
            view = replace(session_view(store, asked_session(), today()), zone=patient_zone())
            photos = documents.NO_PHOTOS
            if "no-photos" not in request.args:
                photos = documents.report_photos(store, view.session.id)
        pdf = documents.report_bytes(view, today(), photos)
    except TrackerError as exc:
        return _downloads(status_of(exc), problem=exc.message, next=link(exc.hint))
    name = f"recovery-report-session-{view.session.id}.pdf"
    return _attachment(pdf, name, "application/pdf")


def reminders_ics() -> Response | Page:
    """The calendar file `tracker remind` writes, in this computer's time zone."""
    try:
        at = parse_time(request.args.get("at", "20:00"))
        tz = zone(settings().zone_name or "UTC")
        with reading() as store:
            plan = reminders.reminder_plan(store, as_of=today(), session_id=asked_session())
    except TrackerError as exc:
        return _downloads(status_of(exc), reminder_problem=exc.message, next=link(exc.hint))
    page = f"Check in on the tracker's page: {url_for('today', _external=True)}"
    steps = NextSteps(
        check_in=" ".join(filter(None, [profile_sentence(current_profile()), page])),
        report=f"Download it from {url_for('downloads', _external=True)}",
    )
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = calendar_bytes(plan, at, tz, stamp, steps)
    return _attachment(data, "recovery-reminders.ics", "text/calendar")


def export(fmt: str) -> Response:
    if fmt not in EXPORTS:
        return http_error(404)
    name, mimetype, _ = EXPORTS[fmt]
    profile = current_profile()
    # The profile's name goes into the file name, so several people's files stay apart.
    stem = "" if profile == DEFAULT_PROFILE else "".join(c for c in profile if c.isalnum())[:40]
    with reading() as store:
        body = exports.export_text(store, fmt)
    return _attachment(body, f"{stem}{'-' if stem else ''}{name}", mimetype)


def register(app: Flask) -> None:
    app.extensions["tracker.charts"] = ChartCache()
    app.add_url_rule("/chart", "chart", chart_page)
    app.add_url_rule("/chart.svg", "chart_svg", chart_svg)
    app.add_url_rule("/report", "downloads", downloads_page)
    app.add_url_rule("/report.pdf", "report_pdf", report_pdf)
    app.add_url_rule("/export/<fmt>", "export", export)
    app.add_url_rule("/reminders.ics", "reminders_ics", reminders_ics)
