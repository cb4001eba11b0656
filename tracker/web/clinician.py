"""The clinician's view of a clinic's hosted tracker (issue 26, items 4 and 5).

- ``/clinic``: the triage list, one line per patient, worst first (tracker.domain.triage);
- ``/clinic/patients/<profile id>/...``: that patient's status, chart, history, photos and
  report, READ-ONLY: the patient's own pages rendered for the patient's profile with their
  write controls left out (``read_only()``) and their links kept on these routes
  (``page_url``); the status page also marks the line "seen" or "contacted" and sets the
  follow-up date;
- ``/clinic/patients/<profile id>/views``: who looked at the record (the audit log), for
  staff; ``/record-views`` the same for the patient about their own record.

Every request that reaches or tries to reach a patient's record is written to the audit
log in one place (``_audit``, after the response is made): who, whose, what, when, from
where, allowed or refused (a refusal by role, or a patient id that is not a patient's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import Role
from tracker.domain.audit import MAX_WHAT_CHARS, AuditEvent
from tracker.domain.audit_words import with_detail
from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.profiles import DEFAULT_PROFILE
from tracker.domain.staff_words import StaffWords
from tracker.domain.triage import ACTIONS, CATEGORIES
from tracker.domain.words import Words
from tracker.services import audit, reviews, triage_pages
from tracker.services.databases import Store
from tracker.web import audit_view, documents, hints, pages, photos, records
from tracker.web.app import Page, databases, read_only, today
from tracker.web.forms import Form
from tracker.web.hosted import actor, client_address, now, route, signed_in

STAFF = (Role.CLINICIAN, Role.ADMIN)
PATIENT = (Role.PATIENT,)
# The patient's pages a clinician opens, and the routes they open them on.
VIEWS = {
    "status": "clinic_status",
    "chart": "clinic_chart",
    "chart_svg": "clinic_chart_svg",
    "history": "clinic_history",
    "report_pdf": "clinic_report_pdf",
    "photo_image": "clinic_photo_image",
    "photo_thumbnail": "clinic_photo_thumbnail",
    "photo_compare": "clinic_photo_compare",
}
CATEGORY_WORDS = {
    "urgent": "Urgent",
    "warning": "Warning",
    "no-data": "No data since an alarm",
    "follow-up": "Follow-up due",
    "silent": "Nothing logged lately",
    "info": "Information",
    "none": "Nothing open",
    "no-session": "No session yet",
}
assert set(CATEGORY_WORDS) == set(CATEGORIES)
AUDIT_PAGE_EVENTS = 200  # the latest events a page lists; the command lists them all


def _refusal(status: int) -> bool:
    """Any 4xx: the request was refused and changed nothing (a 400 on another patient's
    reading id, a 409, a 413 too), so the audit must not say it was done."""
    return 400 <= status < 500


@dataclass(frozen=True)
class Viewing:
    """The patient whose record a staff member has open."""

    profile_id: int
    profile: str
    email: str


# -- template helpers (the private mode and a patient see their own pages unchanged) -----


def viewing() -> Viewing | None:
    found: Viewing | None = g.get("viewing")
    return found


def _viewing() -> Viewing:
    shown = viewing()
    assert shown is not None  # inside _patient_unit
    return shown


def page_url(endpoint: str, **values: Any) -> str:
    """A link to one of the patient's pages: their own route, or, for a staff member with
    the record open, the same page on the clinician's routes (only read-only pages have one:
    a write control asked for here is a mistake in a template, and fails its test)."""
    shown = viewing()
    if shown is None:
        return url_for(endpoint, **values)
    return url_for(VIEWS[endpoint], patient=shown.profile_id, **values)


def hint_link(*args: Any) -> hints.Link | None:
    """No "log it now" button on a record opened read-only."""
    return None if read_only() else hints.link(*args)


# -- opening a patient's record ---------------------------------------------------------


def _open(store: Store, patient: int) -> Store:
    """The patient with this profile id, for a staff member, and their record's store in
    the same transaction; 404 for any id that is not a patient's (the refusal is audited
    with the id asked for)."""
    found = reviews.patient_named(store, patient)
    if found is None:
        abort(404)
    shown = Viewing(patient, found[0], found[1])
    g.viewing = shown
    g.profile = shown.profile  # the patient's pages read this profile, and only it
    return store.for_profile(shown.profile)


@contextmanager
def _patient_unit(patient: int, *, write: bool = False) -> Iterator[Store]:
    """The request's one unit of work on a patient's record: the patient found and their
    record read (or changed) in one transaction; the patient's own pages called inside
    read in it too (``tracker.web.app.reading``)."""
    database = databases().get(DEFAULT_PROFILE)
    with database.writing() if write else database.reading() as base:
        store = _open(base, patient)
        g.unit_of_work = store
        try:
            yield store
        finally:
            g.pop("unit_of_work", None)


def _read_only_view(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def opened(patient: int, **values: Any) -> Any:
        with _patient_unit(patient):
            return view(**values)

    return opened


# -- the triage list ----------------------------------------------------------------------


def triage_page() -> Page:
    """A page of the triage list (?page=N, 50 lines each), with how many patients each
    category holds. The kept lines that do not hold today are judged first and kept
    (tracker.services.triage_pages), 500 at a time, each part in a unit of work of its own
    (a first load after an upgrade keeps what it judged even if it is cut short); most
    loads have none, and read the page in one unit that only reads."""
    day = today()
    number = request.args.get("page", "1")
    if not number.isdigit() or int(number) < 1:
        abort(404)
    database = databases().get(DEFAULT_PROFILE)
    shown = None
    with database.reading() as store:
        todo = triage_pages.stale(store, day)
        if not todo:
            shown = triage_pages.page(store, day, int(number))
    part = triage_pages.JUDGE_PART
    for start in range(0, len(todo), part):
        with database.reading() as store:
            judged = triage_pages.judge(store, todo[start : start + part], day)
        with database.writing() as store:
            triage_pages.keep(store, judged)
            if start + part >= len(todo):
                shown = triage_pages.page(store, day, int(number))
    assert shown is not None
    if shown.number > shown.pages:
        abort(404)
    # A disabled patient stays on the list, marked: what they logged before still needs the
    # clinic's eyes (an urgent flag must not vanish), but they can no longer sign in to add.
    return render_template(
        "clinic_triage.html",
        shown=shown,
        as_of=day,
        category_words=CATEGORY_WORDS,
        empty=Empty(AccountWords.NO_PATIENTS.value, hints.link(Hint("invite-patient"))),
    )


@dataclass(frozen=True)
class Empty:
    """An empty list's words (the catalogue's) and the web's way on (a link)."""

    words: str
    next: hints.Link | None


# -- the patient's status, with the review and the follow-up ----------------------------


def status_page(patient: int) -> Page:
    with _patient_unit(patient) as store:
        g.clinic_line = reviews.patient_line(store, today())
        g.clinic_reviews = reviews.reviews(store)[:5]
        return pages.status_page()


def review(patient: int) -> Response | Page:
    form = Form(request.form)
    account = actor()
    assert account is not None
    if form.text("action") in ACTIONS:  # the audit log says which: "marked ... contacted"
        g.audit_detail = form.text("action")
    try:
        with _patient_unit(patient, write=True) as store:
            shown = _viewing()
            done = reviews.add_review(
                store,
                today(),
                form.text("action") or "",
                form.text("note"),
                account.id,
                now(),
            )
    except TrackerError as exc:
        flash(exc.message)
        return redirect(url_for("clinic_status", patient=patient), code=303)
    word = "seen" if done.action == "seen" else "contacted"
    flash(f"Marked {word}: {shown.email} moves down the list until a new or worse concern.")
    return redirect(url_for("staff_home"), code=303)


def follow_up(patient: int) -> Response:
    form = Form(request.form)
    date = form.date("follow_up", today())
    if not form.ok:
        flash(next(iter(form.errors.values())))
        return redirect(url_for("clinic_status", patient=patient), code=303)
    try:
        with _patient_unit(patient, write=True) as store:
            shown = _viewing()
            changed = reviews.set_follow_up(store, today(), date)
    except TrackerError as exc:
        flash(exc.message)
    else:
        said = changed.follow_up.isoformat() if changed.follow_up else "none"
        flash(f"Follow-up for {shown.email}: {said}.")
    return redirect(url_for("clinic_status", patient=patient), code=303)


# -- who looked at a record ---------------------------------------------------------------


def _shown(events: list[AuditEvent], you: int | None = None) -> list[audit_view.ShownEvent]:
    """Newest first, in words (the request line kept for staff); ``you``: the patient's
    account, reading about their own record."""
    return audit_view.shown(current_app.url_map, reversed(events), you=you)


def views_page(patient: int) -> Page:
    with _patient_unit(patient) as store:
        events = audit.listed(store, _viewing().profile_id, limit=AUDIT_PAGE_EVENTS)
    return render_template(
        "record_views.html", events=_shown(events), own=False, limit=AUDIT_PAGE_EVENTS
    )


def audit_page() -> Page:
    """The whole log's latest events, newest first (every patient's): for staff."""
    with databases().get(DEFAULT_PROFILE).reading() as store:
        events = audit.listed(store, limit=AUDIT_PAGE_EVENTS)
    return render_template("clinic_audit.html", events=_shown(events), limit=AUDIT_PAGE_EVENTS)


def own_views_page() -> Page:
    account = actor()
    assert account is not None and account.profile is not None
    with databases().get(account.profile).reading() as store:
        profile_id = store.profile_id
        # Others' views: the patient's own would bury them (the log keeps those too).
        events = audit.listed(store, profile_id, limit=AUDIT_PAGE_EVENTS, not_by=account.id)
    return render_template(
        "record_views.html", events=_shown(events, account.id), own=True, limit=AUDIT_PAGE_EVENTS
    )


# -- the audit hook ---------------------------------------------------------------------


def _record_asked(
    endpoint: str | None, args: dict[str, Any]
) -> tuple[int | None, str | None] | None:
    """Whose record a request reaches or tries to reach: (profile id, profile name), either
    or both unknown (the triage list names every patient, so no one); None for a request
    that reaches no patient's record (signing in, a link's page)."""
    shown = viewing()
    if shown is not None:
        return shown.profile_id, None
    if "patient" in args:  # refused before it was opened: by role, method, or no such patient
        return int(args["patient"]), None
    audited: set[str] = current_app.extensions["tracker.audited"]
    if endpoint in audited:
        return None, g.get("profile")  # a patient's own page (staff are refused there)
    return None


def _matched() -> tuple[str | None, dict[str, Any]]:
    """The route a request names: its own, or, for one refused by Flask's routing before any
    route was chosen (a 405: the address is a route's, the method is not), the route at
    that address, so that the refusal is audited with the patient it names."""
    if request.endpoint is not None:
        return request.endpoint, dict(request.view_args or {})
    methods = getattr(request.routing_exception, "valid_methods", None) or []
    adapter = current_app.create_url_adapter(request)
    if not methods or adapter is None:
        return None, {}
    try:
        endpoint, args = adapter.match(method=sorted(methods)[0])
    except HTTPException:
        return None, {}
    return str(endpoint), dict(args)


def _audit(response: Response) -> Response:
    """One event per request that reaches, or tries to reach, a patient's record, and per
    request refused to someone signed in (whatever it asked for)."""
    signed = signed_in()
    if signed is None or request.endpoint == "static":
        return response  # not signed in: sent to sign in, nothing of a record was shown
    # A refusal answered with a way on (a redirect with its message) is a refusal too.
    refused = _refusal(response.status_code) or bool(g.get("audit_refused"))
    if request.endpoint is None and not refused:
        return response  # a redirect to the address with its final slash
    asked = _record_asked(*_matched())
    if asked is None and not refused:
        return response
    profile_id, name = asked or (None, None)
    account = signed.account
    line = f"{request.method} {request.full_path.rstrip('?')}"
    detail: str | None = g.get("audit_detail")
    if detail is not None:  # what the request did, after its line (tracker.domain.audit_words)
        line = with_detail(line[: MAX_WHAT_CHARS - len(detail) - 3], detail)
    with databases().get(DEFAULT_PROFILE).writing() as store:
        if profile_id is None and name is not None and name == account.profile:
            profile_id = account.profile_id  # a patient's own page: read with the account
        if profile_id is None and name is not None:
            profile_id = reviews.profile_id_named(store, name)
        event = AuditEvent.of(
            now(),
            (account.id, account.role.value),
            profile_id,
            line,
            client_address(),
            "refused" if refused else "allowed",
        )
        audit.record(store, event)
    return response


def register(app: Flask, patient_pages: set[str]) -> None:
    """The clinician's routes, the patient's record-views page, the template helpers and
    the audit hook. ``patient_pages``: the endpoints of the patient's own pages."""
    read: dict[str, tuple[str, Callable[..., Any]]] = {
        "clinic_chart": ("chart", documents.chart_page),
        "clinic_chart_svg": ("chart.svg", documents.chart_svg),
        "clinic_history": ("history", records.history_page),
        "clinic_report_pdf": ("report.pdf", documents.report_pdf),
        "clinic_photo_compare": ("photos/compare", photos.compare_page),
        "clinic_photo_image": ("photos/<int:photo_id>/image", photos.image),
        "clinic_photo_thumbnail": ("photos/<int:photo_id>/thumbnail", photos.thumbnail),
    }
    base = "/clinic/patients/<int:patient>"
    route(app, "/clinic", "staff_home", triage_page, roles=STAFF)
    route(app, f"{base}/", "clinic_status", status_page, roles=STAFF)
    for endpoint, (path, view) in read.items():
        route(app, f"{base}/{path}", endpoint, _read_only_view(view), roles=STAFF)
    route(app, f"{base}/views", "clinic_views", views_page, roles=STAFF)
    route(app, "/clinic/audit", "staff_audit", audit_page, roles=STAFF)
    route(app, f"{base}/review", "clinic_review", review, roles=STAFF, methods=("POST",))
    route(app, f"{base}/follow-up", "clinic_follow_up", follow_up, roles=STAFF, methods=("POST",))
    route(app, "/record-views", "own_record_views", own_views_page, roles=PATIENT)
    # Audited when allowed too: every page of a patient's record, and the triage list.
    app.extensions["tracker.audited"] = {
        *patient_pages,
        "own_record_views",
        "staff_home",
        "staff_audit",  # the log names patients and who looked: reading it is an event too
    }
    app.jinja_env.globals.update(
        page_url=page_url,
        read_only=read_only,
        viewing=viewing,
        hint_link=hint_link,
        review_words=Words,
        staff_words=StaffWords,
    )
    app.after_request(_audit)
