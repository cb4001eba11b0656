"""The audit log in plain words: what each event says to a person.

An event keeps what happened as it happened (``AuditEvent.what``): a request line such as
"POST /clinic/patients/2/review [contacted]", or an action a service recorded such as
"link for ann@example.org". A person reads it as "marked your record contacted" or "made a
one-time link to set the password of ann@example.org". The request line stays for staff
(a details column, the command's JSON); a patient reads the words.

One table, ``ROUTE_ACTS``, gives the words of every route of the clinic's app (a test walks
the app's routes: a new route without its words fails it). A request whose route the table
does not know is said as "another request (METHOD PATH)", so that nothing is hidden; an
action no pattern knows is said as it was recorded.

"{your}" in the words is the patient's record: "your" to the patient; to staff (who see
whose in a column of its own) "their" when the patient did it, else "the patient's".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.domain.audit import AuditEvent

YOUR = "your"
THE_PATIENTS = "the patient's"
THEIR = "their"  # to staff, about a patient's own doing on their own record


@dataclass(frozen=True)
class Act:
    """What a request did, allowed (``done``) or refused (``tried``)."""

    done: str
    tried: str

    def said(self, outcome: str, whose: str, values: Mapping[str, Any]) -> str:
        words = self.done if outcome == "allowed" else self.tried
        return words.format(your=whose, **{k: str(v) for k, v in values.items()})


def _look(thing: str) -> Act:
    return Act(f"looked at {thing}", f"tried to look at {thing}")


def _download(thing: str) -> Act:
    return Act(f"downloaded {thing}", f"tried to download {thing}")


def _did(done: str, tried: str) -> Act:
    return Act(done, tried)


_STATUS = _look("{your} Status page")
_CHART = _look("{your} chart")
_CHART_PICTURE = _look("{your} chart's picture")
_HISTORY = _look("{your} History page")
_REPORT = _download("{your} report for the doctor (PDF)")
_PHOTO = _look("a photo in {your} record")
_THUMBNAIL = _look("a small photo in {your} record")
_PHOTOS = _look("{your} photos side by side")

# Every route of the clinic's app (its endpoint) and what a request to it did.
ROUTE_ACTS: dict[str, Act] = {
    # The patient's own pages (the clinic's staff are refused there).
    "today": _look("{your} Today page (the check-in)"),
    "checkin": _did("saved a check-in in {your} record", "tried to save a check-in"),
    "status": _STATUS,
    "chart": _CHART,
    "chart_svg": _CHART_PICTURE,
    "history": _HISTORY,
    "change_value": _did(
        "corrected a value in {your} record", "tried to correct a value in {your} record"
    ),
    "remove_value": _did(
        "removed a value from {your} record", "tried to remove a value from {your} record"
    ),
    "undo_change": _did(
        "undid a change to {your} record", "tried to undo a change to {your} record"
    ),
    "history_day": _look("a day of {your} History, to correct it"),
    "change_temperature": _did(
        "corrected a temperature in {your} record",
        "tried to correct a temperature in {your} record",
    ),
    "remove_temperature": _did(
        "removed a temperature from {your} record",
        "tried to remove a temperature from {your} record",
    ),
    "add_care": _did("logged an aftercare step in {your} record", "tried to log an aftercare step"),
    "remove_care": _did(
        "removed an aftercare step from {your} record", "tried to remove an aftercare step"
    ),
    "sessions": _look("{your} Sessions page"),
    "add_session": _did(
        "added a treatment session to {your} record", "tried to add a treatment session"
    ),
    "edit_session": _look("a treatment session in {your} record"),
    "save_session": _did(
        "changed a treatment session in {your} record", "tried to change a treatment session"
    ),
    "delete_session": _did(
        "deleted a treatment session from {your} record", "tried to delete a treatment session"
    ),
    "set_course": _did(
        "set the clinic's own expected course for a symptom in {your} record",
        "tried to set an expected course for a symptom",
    ),
    "reset_course": _did(
        "put back the published expected course for a symptom in {your} record",
        "tried to put back an expected course for a symptom",
    ),
    "photo_add": _did("added a photo to {your} record", "tried to add a photo"),
    "photo_image": _PHOTO,
    "photo_thumbnail": _THUMBNAIL,
    "photo_remove": _did(
        "removed a photo from {your} record", "tried to remove a photo from {your} record"
    ),
    "photo_compare": _PHOTOS,
    "downloads": _look("{your} Report page"),
    "report_pdf": _REPORT,
    "export": _download("{your} record as a file ({fmt})"),
    "reminders_ics": _download("{your} reminders (a calendar file)"),
    "own_record_views": _look("who looked at {your} record"),
    "consent_page": _look("the consent text"),
    "consent": _did("agreed to the consent text", "tried to agree to the consent text"),
    # A patient's record, opened by the clinic's staff (read-only).
    "clinic_status": _STATUS,
    "clinic_chart": _CHART,
    "clinic_chart_svg": _CHART_PICTURE,
    "clinic_history": _HISTORY,
    "clinic_report_pdf": _REPORT,
    "clinic_photo_image": _PHOTO,
    "clinic_photo_thumbnail": _THUMBNAIL,
    "clinic_photo_compare": _PHOTOS,
    "clinic_views": _look("who looked at {your} record"),
    "clinic_review": _did(
        "marked {your} record seen or contacted", "tried to mark {your} record seen or contacted"
    ),
    "clinic_follow_up": _did("set {your} follow-up date", "tried to set {your} follow-up date"),
    "clinic_new_link": _did(
        "made {your} new sign-in link", "tried to make {your} new sign-in link"
    ),
    # The clinic's own pages.
    "staff_home": _look("the triage list"),
    "staff_audit": _look("the audit log"),
    "invite_page": _look("the page to invite a patient"),
    "invite": _did("invited a patient", "tried to invite a patient"),
    "staff_accounts": _look("the staff accounts"),
    "staff_add": _did("added a staff account", "tried to add a staff account"),
    "staff_disable": _did("disabled a staff account", "tried to disable a staff account"),
    "staff_enable": _did("enabled a staff account again", "tried to enable a staff account"),
    "staff_new_link": _did(
        "made a staff member a new sign-in link", "tried to make a staff member a new sign-in link"
    ),
    # Everyone's own account.
    "sign_in_page": _look("the sign-in page"),
    "sign_in": _did("signed in", "tried to sign in"),
    "sign_out": _did("signed out", "tried to sign out"),
    "second_factor_page": _look("the page asking for the authenticator's code"),
    "second_factor": _did("gave the authenticator's code", "tried to give an authenticator code"),
    "enrol_page": _look("the page to set up an authenticator app"),
    "enrol": _did("set up an authenticator app", "tried to set up an authenticator app"),
    "enrol_qr": _look("the authenticator app's set-up code"),
    "forgotten": _look("the forgotten-password page"),
    "ask_reset": _did("asked for a link to set a new password", "tried to ask for a new link"),
    "welcome_page": _look("a one-time link's page"),
    "welcome": _did(
        "set a password with a one-time link", "tried to set a password with a one-time link"
    ),
    "password_page": _look("the page to change their password"),
    "password_change": _did("changed their password", "tried to change their password"),
    "recovery_codes_page": _look("their recovery codes page"),
    "recovery_codes_make": _did("made new recovery codes", "tried to make new recovery codes"),
    # The private tracker's choice of profile: no route of the clinic's (always refused).
    "choose_profile": _did("chose a profile", "tried to choose another profile"),
    "add_profile": _did("added a profile", "tried to add another profile"),
}

# A request whose words depend on what it did, recorded after its request line in
# brackets: "POST /clinic/patients/2/review [contacted]".
ROUTE_DETAILS: dict[str, dict[str, Act]] = {
    "clinic_review": {
        "seen": _did("marked {your} record seen", "tried to mark {your} record seen"),
        "contacted": _did(
            "marked {your} record contacted", "tried to mark {your} record contacted"
        ),
    },
}

ANOTHER_REQUEST = "another request ({request})"

# Actions recorded by the services (not requests), as their words are made there.
_ACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (
            r"link for (?P<email>.+) refused: (?P<why>.+)",
            "asked for a one-time link for {email}: refused ({why})",
        ),
        (r"link for (?P<email>.+)", "made a one-time link to set the password of {email}"),
        (r"link e-mailed to (?P<email>.+)", "e-mailed a one-time link to {email}"),
        (
            r"link e-mail to (?P<email>.+?) not sent: (?P<why>.+)",
            "could not e-mail a one-time link to {email} ({why})",
        ),
        (
            r"staff account added: (?P<email>.+) \((?P<role>[a-z]+)\)",
            "added a staff account for {email} ({role})",
        ),
        (r"account (?P<state>disabled|enabled): (?P<email>.+)", "{state} the account of {email}"),
        (
            r"account (?P<state>disable|enable) refused: (?P<email>.+)",
            "tried to {state} the account of {email}: refused (the last active administrator)",
        ),
        (r"password changed", "changed their password"),
        (
            r"password change refused: wrong current password",
            "tried to change their password: the password now was wrong",
        ),
        (
            r"new recovery codes refused: wrong current password",
            "tried to make new recovery codes: the password now was wrong",
        ),
        (
            r"recovery codes made \((?P<count>\d+)\); any earlier ones void",
            "made {count} new recovery codes (any earlier ones no longer work)",
        ),
        (
            r"recovery code used \((?P<count>\d+) left\)",
            "signed in with a recovery code ({count} left)",
        ),
    )
)

_REQUEST = re.compile(r"(?P<method>[A-Z]{1,10}) (?P<target>/.*?)(?: \[(?P<detail>[a-z-]+)\])?")


@dataclass(frozen=True)
class RequestLine:
    """An event's request: method, path (without the query) and the detail, if any."""

    method: str
    path: str
    line: str  # as recorded, query and detail included
    detail: str | None = None


def request_line(what: str) -> RequestLine | None:
    """The request an event records, or None for an action a service recorded."""
    found = _REQUEST.fullmatch(what)
    if found is None:
        return None
    path = found["target"].split("?", 1)[0]
    return RequestLine(found["method"], path, what, found["detail"])


def with_detail(line: str, detail: str) -> str:
    """The request line with what it did after it (``ROUTE_DETAILS``)."""
    return f"{line} [{detail}]"


def said(
    event: AuditEvent,
    route: tuple[str, Mapping[str, Any]] | None,
    *,
    own: bool,
) -> str:
    """What the event did, in words. ``route``: the endpoint and values of its request
    line's route, as the face found it (None: no route there, or not a request)."""
    whose = YOUR if own else THEIR if _by_the_patient(event) else THE_PATIENTS
    request = request_line(event.what)
    if request is None:
        return _action(event.what)
    if route is None or route[0] not in ROUTE_ACTS:
        return ANOTHER_REQUEST.format(request=event.what)
    endpoint, values = route
    act = ROUTE_DETAILS.get(endpoint, {}).get(request.detail or "", ROUTE_ACTS[endpoint])
    try:
        return act.said(event.outcome, whose, values)
    except (KeyError, IndexError):  # a value the words name is not in this route
        return ANOTHER_REQUEST.format(request=event.what)


def _by_the_patient(event: AuditEvent) -> bool:
    """The patient did it to their own record (to staff: "looked at their chart")."""
    return (
        event.actor_role == "patient" and event.actor is not None and (event.actor == event.patient)
    )


def _action(what: str) -> str:
    for pattern, words in _ACTIONS:
        found = pattern.fullmatch(what)
        if found is not None:
            return words.format(**found.groupdict())
    return what if what.strip() else NOTHING_SAID


NOTHING_SAID = "an event recorded without words"


SYSTEM_WHO = "the clinic's administrator, on the server"
PUBLIC_WHO = 'someone not signed in ("Forgotten your password?")'
YOU = "you"
# Another patient, to a patient: never their address (it would tell that they are a
# patient of the clinic); staff see who it was.
ANOTHER_PATIENT = "another patient of the clinic"
ROLE_WORDS = {"admin": "administrator", "clinician": "clinician", "patient": "patient"}


def who(event: AuditEvent, *, you: int | None = None) -> str:
    """Who did it, said to the patient whose account is ``you`` (on their own page), or to
    staff (``you`` None): "you", another patient, the server's administrator, someone not
    signed in, or the account's address with its role."""
    if you is not None and event.actor_role == "patient":
        return YOU if event.actor_id == you else ANOTHER_PATIENT
    if event.actor_role == "system":
        return SYSTEM_WHO
    if event.actor_role == "public":
        return PUBLIC_WHO
    name = event.actor or f"account {event.actor_id}"
    return f"{name} ({ROLE_WORDS.get(event.actor_role, event.actor_role)})"
