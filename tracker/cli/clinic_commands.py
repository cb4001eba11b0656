"""`tracker clinic ...`: a clinic's hosted tracker: accounts, and serving it on this machine.

The public address (TRACKER_PUBLIC_URL) and the secret key (TRACKER_SECRET_KEY) come from
the environment or the file TRACKER_CONFIG names (tracker.services.clinic_settings).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import WholeNumber, json_option
from tracker.cli.render import echo_json, table
from tracker.domain.clock import at, zone_or_utc, zone_words

PORT = WholeNumber("PORT", low=1, high=65535, meaning="a port number from 1 to 65535")
WORKERS = WholeNumber("N", low=1, high=64, meaning="a number of processes from 1 to 64")
DEFAULT_PORT = 8766  # tracker.web.clinic_server.DEFAULT_PORT (the web face loads at serve only)


def _db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--db on each clinic command too (as on `tracker --db`); TRACKER_DB by default, then
    the settings file's `database`. None named is refused before the command runs: the
    personal database a bare `tracker` falls back on is never a clinic's."""

    def keep(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value:
            ctx.find_object(AppContext).db_value = value  # type: ignore[union-attr]

    @functools.wraps(command)
    def on_the_clinics_database(*args: Any, **kwargs: Any) -> Any:
        from tracker.services.clinic_settings import clinic_database

        app = click.get_current_context().find_object(AppContext)
        assert app is not None
        app.db_value = clinic_database(os.environ, app.db_value)
        return command(*args, **kwargs)

    return click.option(
        "--db",
        metavar="PATH|URL",
        expose_value=False,
        callback=keep,
        is_eager=True,
        help="The clinic's database (a PostgreSQL URL; an SQLite file for a trial). "
        "Env: TRACKER_DB.",
    )(on_the_clinics_database)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _clinic_zone() -> dt.tzinfo:
    """The clinic's time zone: times of day are said in it, named, as the pages say them."""
    from tracker.services.clinic_settings import read_time_zone

    return zone_or_utc(read_time_zone(os.environ))


def _say_link(app: AppContext, kind: str, issued: Any) -> None:
    """Print the link; with e-mail settings, e-mail it too and say whether it went (a
    failed send leaves the link valid and the account made: copy the link instead)."""
    from tracker.services import accounts, mail
    from tracker.services.clinic_settings import read_link_settings, read_mail_settings

    public_url, _ = read_link_settings(os.environ)
    link = f"{public_url}/welcome/{issued.token}"
    click.echo(f"{kind} {issued.account.email}.")
    click.echo(f"One-time link (works once, until {at(issued.expires_at, _clinic_zone())}):")
    click.echo(link)
    settings = read_mail_settings(os.environ)
    if settings is None:
        return
    purpose = mail.purpose_of(issued.account)
    delivery = mail.send_link(settings, issued.account.email, purpose, link, issued.expires_at)
    with app.writing() as store:
        mail.record_delivery(store, issued.account, delivery, _now(), by=accounts.SYSTEM)
    click.echo(delivery.said(issued.account.email), err=not delivery.sent)


def _lifetime() -> dt.timedelta:
    from tracker.services.clinic_settings import read_link_settings, read_mail_settings

    lifetime = read_link_settings(os.environ)[1]  # refuses a missing public address first
    read_mail_settings(os.environ)  # and wrong e-mail settings, before anything is made
    return lifetime


@click.group()
def clinic() -> None:
    """A clinic hosts the tracker: accounts, hosted app."""


@clinic.command("init")
@click.argument("email")
@_db_option
@pass_app
def init(app: AppContext, email: str) -> None:
    """Set the clinic up: its first administrator.

    Prints a one-time link to set the administrator's password."""
    from tracker.services import accounts

    lifetime = _lifetime()
    with app.writing() as store:
        issued = accounts.init_clinic(store, email, _now(), lifetime)
    _say_link(app, "Added the administrator", issued)


@clinic.group("user")
def user() -> None:
    """The clinic's staff accounts."""


@user.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["clinician", "admin"]),
    required=True,
    help="A clinician sees the patients; an administrator also adds staff.",
)
@_db_option
@pass_app
def user_add(app: AppContext, email: str, role: str) -> None:
    """Add a clinician or an administrator.

    Prints a one-time link to set the password; staff then enrol a second factor."""
    from tracker.services import accounts

    lifetime = _lifetime()
    with app.writing() as store:
        issued = accounts.add_staff(store, email, role, _now(), lifetime)
    _say_link(app, f"Added the {role}", issued)


@user.command("list")
@json_option
@_db_option
@pass_app
def user_list(app: AppContext, as_json: bool) -> None:
    """List the accounts: role, second factor, last active."""
    from tracker.services import accounts

    with app.reading() as store:
        found = accounts.every_account(store)
    if as_json:
        echo_json([_account_json(account, seen) for account, seen in found])
        return
    zone = _clinic_zone()
    rows = [
        (
            account.email,
            account.role.value,
            _state(account),
            ("yes" if account.has_second_factor else "not yet") if account.is_staff else "-",
            "-" if seen is None else at(seen, zone),
        )
        for account, seen in found
    ]
    click.echo(table(("account", "role", "state", "second factor", "last active"), rows))


def _state(account: Any) -> str:
    if account.disabled:
        return "disabled"
    return "active" if account.has_password else "link not used yet"


def _account_json(account: Any, seen: dt.datetime | None) -> dict[str, Any]:
    return {
        "email": account.email,
        "role": account.role.value,
        "state": _state(account),
        "second_factor": account.has_second_factor,
        "consent_version": account.consent_version,
        "last_active": None if seen is None else seen.isoformat(),
    }


@user.command("disable")
@click.argument("email")
@_db_option
@pass_app
def user_disable(app: AppContext, email: str) -> None:
    """Stop an account signing in (staff who left, say).

    Its sessions end at once and its links stop working; a patient's record stays."""
    from tracker.services import accounts

    with app.writing() as store:
        account = accounts.disable(store, email, _now())
    click.echo(f"Disabled {account.email} ({account.role}): it can no longer sign in.")


@user.command("enable")
@click.argument("email")
@_db_option
@pass_app
def user_enable(app: AppContext, email: str) -> None:
    """Let a disabled account sign in again (a disable undone).

    Its password is as it was; its old sessions and links stay ended (someone who never set
    a password needs a new link: tracker clinic link EMAIL)."""
    from tracker.services import accounts

    with app.writing() as store:
        account = accounts.enable(store, email, _now())
    click.echo(f"Enabled {account.email} ({account.role}): it can sign in again.")


@clinic.command("invite")
@click.argument("email")
@_db_option
@pass_app
def invite(app: AppContext, email: str) -> None:
    """Invite a patient: an account and a profile of their own.

    Prints a one-time link to set a password and agree to the consent text."""
    from tracker.services import accounts

    lifetime = _lifetime()
    with app.writing() as store:
        issued = accounts.invite_patient(store, email, _now(), lifetime)
    _say_link(app, "Invited", issued)


@clinic.command("link")
@click.argument("email")
@_db_option
@pass_app
def link(app: AppContext, email: str) -> None:
    """A new one-time link for an account (a forgotten password).

    Give it to the account's owner only: whoever opens it sets the password. The account's
    earlier link stops working; the audit log records that a link was made (not the link).
    Refused for a disabled account (tracker clinic user enable EMAIL first)."""
    from tracker.services import accounts

    lifetime = _lifetime()
    with app.writing() as store:
        issued = accounts.new_link(store, email, _now(), lifetime)
    _say_link(app, "New link for", issued)


@clinic.command("mail-check")
@click.argument("email")
def mail_check(email: str) -> None:
    """Send a test e-mail with the clinic's e-mail settings.

    The settings: TRACKER_SMTP_HOST and the others (README, "E-mail"). It holds no link
    and nothing about anyone: it shows that the server takes the tracker's e-mail. Exit
    status 1 when it could not be sent, and why."""
    from tracker.domain.accounts import clean_email
    from tracker.domain.errors import TrackerError
    from tracker.domain.mail_words import MailWords
    from tracker.services import mail
    from tracker.services.clinic_settings import read_mail_settings

    settings = read_mail_settings(os.environ)
    if settings is None:
        raise TrackerError.malformed(MailWords.NO_SETTINGS.value)
    click.echo(mail.check(settings, clean_email(email)))


@clinic.command("serve")
@click.option(
    "--port",
    type=PORT,
    help=(
        f"Port. Default: the public address's (TRACKER_PUBLIC_URL) when it is plain HTTP on "
        f"this computer, else {DEFAULT_PORT}."
    ),
)
@click.option(
    "--host",
    metavar="ADDRESS",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: this computer only (plain HTTP; a TLS proxy in front).",
)
@click.option(
    "--workers",
    type=WORKERS,
    default=1,
    show_default=True,
    help="App processes: 1 runs waitress in this process; more run gunicorn.",
)
@_db_option
@pass_app
def serve(app: AppContext, port: int | None, host: str, workers: int) -> None:
    """Serve the clinic's tracker on this machine (plain HTTP).

    It speaks plain HTTP, so it listens on this computer only: put a reverse proxy with
    TLS (Caddy, nginx) in front for patients' phones. Stop it with Ctrl-C."""
    from tracker.web.clinic_server import serve_clinic

    serve_clinic(
        os.environ,
        app.db_value,
        host=host,
        port=port,
        workers=workers,
        say=click.echo,
        way_on=_serve_way_on,
    )


def _serve_way_on(url: str, served: str) -> str:
    """What to do when the public address is not this server's."""
    port = urlsplit(url).port
    here = f" (tracker clinic serve --port {port})" if port and url.startswith("http:") else ""
    return (
        f"Serve where the address says{here}; or set TRACKER_PUBLIC_URL=http://{served}; or, "
        f"with a reverse proxy at {url} that forwards here, set TRACKER_TRUSTED_PROXIES=1."
    )


@clinic.command("audit")
@click.option("--patient", metavar="EMAIL", help="Only the events about this patient's record.")
@json_option
@_db_option
@pass_app
def audit(app: AppContext, patient: str | None, as_json: bool) -> None:
    """Who viewed or changed a patient's record: when, from where.

    Oldest first. Append-only: nothing can change or remove an event (the database refuses
    it). Also refusals: a page asked for by someone whose role does not reach it.
    """
    from tracker.services import audit as audit_log
    from tracker.web.audit_view import clinic_routes, shown

    with app.reading() as store:
        events = audit_log.of_patient(store, patient) if patient else audit_log.listed(store)
    said = shown(clinic_routes(), events)
    if as_json:  # each event as recorded, with its words
        echo_json([{**one.event.to_json(), "words": one.what} for one in said])
        return
    if not events:
        click.echo("No events." if patient is None else f"No events about {patient}.")
        return
    zone = _clinic_zone()
    rows = [
        (
            at(one.event.at, zone, seconds=True),
            one.who,
            _patient_of(one.event),
            one.what,
            one.request or "",
            one.event.address or "",
            one.event.outcome,
        )
        for one in said
    ]
    headers = (f"when ({zone_words(zone)})", "who", "patient", "what", "request", "from", "outcome")
    click.echo(table(headers, rows))


def _patient_of(event: Any) -> str:
    return event.patient or ("" if event.profile_id is None else f"profile {event.profile_id}")


@clinic.command("triage")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Judge every patient's line anew, kept or not (after editing the database by hand).",
)
@_db_option
@pass_app
def triage_lines(app: AppContext, every: bool) -> None:
    """Judge the triage lines that changed, ahead of the list.

    What the triage page does on its first load of a day, done ahead: run it from a timer
    just after the clinic's midnight (deploy/tracker-triage.timer) so the first clinician
    of the day does not wait. A line is judged from the patient's values, sessions,
    temperatures and reviews; nothing else changes.
    """
    import time

    from tracker.services import triage_pages

    started = time.perf_counter()
    forgotten = 0
    if every:
        with app.writing() as store:
            forgotten = triage_pages.forget(store)
    with app.reading() as store:
        todo = triage_pages.stale(store, app.today)
    part = triage_pages.JUDGE_PART
    for start in range(0, len(todo), part):
        with app.reading() as store:
            judged = triage_pages.judge(store, todo[start : start + part], app.today)
        with app.writing() as store:
            triage_pages.keep(store, judged)
    took = time.perf_counter() - started
    again = f" ({forgotten} kept lines set aside first)" if every else ""
    click.echo(f"Triage lines judged for {app.today}: {len(todo)}{again}, in {took:.1f} s.")
