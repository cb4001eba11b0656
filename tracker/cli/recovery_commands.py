"""`tracker protocol`, `flags`, `status` and `checkin`: is recovery on course?"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from typing import Any

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.hints import command, said
from tracker.cli.params import (
    DATE,
    DATE_HELP,
    DAYS,
    KIND,
    PAST_DATE,
    PAST_DATE_HELP,
    SEVERITY,
    SYMPTOM,
    json_option,
    session_option,
)
from tracker.cli.render import echo_json, relative_day, table
from tracker.domain.catalog import symptom_key
from tracker.domain.checkin import may_keep
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Expectation, group_rule
from tracker.domain.flags import DISCLAIMER, LEVELS, Flag, level_at_least
from tracker.domain.records import SessionRecord, TypedValue, ValueRecord
from tracker.domain.severity import BANDS, band
from tracker.domain.status import Status
from tracker.domain.temperature import TypedTemperature, parse_temperature
from tracker.domain.text import visible
from tracker.domain.words import Words
from tracker.services import recovery as service
from tracker.services.checkin import save_checkin
from tracker.services.sessions import sessions_by_number
from tracker.services.symptom_log import Logged

FAIL_EXIT = 3
WIDTH = 92
SCALE = "0 none · 1-3 mild · 4-6 moderate · 7-10 severe"
assert [word for _, word in BANDS] == ["none", "mild", "moderate", "severe"]


@click.group(invoke_without_command=True)
@click.option("--kind", type=KIND, help="Only this treatment kind.")
@json_option
@click.pass_context
def protocol(ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """Expected recovery per treatment kind; your own settings.

    How long each symptom is expected to last after each treatment.

    Days count from the session (day 0). 'published' figures come from a cited
    source, 'inferred' ones were reasoned from nearby figures or borrowed from a
    related treatment, 'default' means no figure exists (7 days). Change any course
    with `tracker protocol set`.
    """
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(AppContext)
    assert app is not None
    with app.reading() as store:
        rows = service.protocol(store, kind)
    if as_json:
        echo_json([row.to_json() for row in rows])
        return
    lines = [_protocol_line(r) for r in rows]
    headers = (
        "kind",
        "symptom",
        "rises on",
        "strong to",
        "eased by",
        "typical",
        "max",
        "basis",
        "source",
    )
    click.echo(table(headers, lines, frozenset({3, 4, 5, 6})))
    notes = []
    if any(r.overridden for r in rows):
        notes.append("* your own setting; `tracker protocol reset` returns to the shipped figures.")
    adjusted = sorted({note for r in rows for note in r.adjusted})
    notes += [f"Adjusted for your skin: {note}." for note in adjusted]
    watched = sorted({r.watch.source for r in rows if r.watch is not None})
    notes += [f"Watch: {note}." for note in watched]
    notes.append(
        "The expected course of each symptom, as an envelope: rises on: days it is expected to "
        "appear or rise (not a sign of worsening); strong to: the last day of its strong stage, "
        "when a severe value (7-10) is expected; eased by: the latest day a strong value may "
        "still be easing; typical: most people are gone by then; max: later than that is "
        "unusual, and the tracker then flags it. "
        "'no figure': no source gives one, so it is judged by the general course (the "
        "treatment's shortest course, mild values only). `--json` gives each figure's source."
    )
    for note in notes:
        click.echo()
        click.echo(textwrap.fill(note, WIDTH))


def _protocol_line(r: Expectation) -> tuple[object, ...]:
    if not r.has_course:
        return (r.kind, r.symptom, "", "", "", "-", "-", r.group, group_rule(r.group))
    basis = ("no figure" if r.no_figure else r.basis) + (" *" if r.overridden else "")
    if r.from_kind:
        basis += f", from {r.from_kind}"
    if r.adjusted:
        basis += ", adjusted"
    rises = ", ".join(
        f"{w.first_day}-{w.last_day}" + (f" (from {w.from_kind})" if w.from_kind else "")
        for w in r.onsets
    )
    strong = r.ease_by if r.ease_by is not None else ""
    eased = r.latest_strong if r.latest_strong is not None else ""
    return (
        r.kind,
        r.symptom,
        rises,
        strong,
        eased,
        r.typical_days if r.typical_days is not None else "-",
        r.max_days,
        basis,
        r.source,
    )


@protocol.command("set")
@click.argument("kind", type=KIND)
@click.argument("symptom", type=SYMPTOM)
@click.option(
    "--max-days", type=DAYS, required=True, help="Flagged after this day (later is unusual)."
)
@click.option("--typical-days", type=DAYS, help="Most people gone by this day.")
@pass_app
def protocol_set(
    app: AppContext, kind: str, symptom: str, max_days: int, typical_days: int | None
) -> None:
    """Set your own expected course for a kind and a symptom."""
    with app.writing() as store:
        row = service.set_override(store, kind, symptom, max_days, typical_days)
    click.echo(f"{symptom} after {kind}: {row.plain_course}")


@protocol.command("reset")
@click.argument("kind", type=KIND, required=False)
@click.argument("symptom", type=SYMPTOM, required=False)
@pass_app
def protocol_reset(app: AppContext, kind: str | None, symptom: str | None) -> None:
    """Remove your own settings: all, one kind's or one symptom's."""
    with app.writing() as store:
        count = service.reset_overrides(store, kind, symptom)
    click.echo(f"Removed {count} setting{'s' * (count != 1)}; the shipped figures apply.")


def _flag_lines(
    flag: Flag,
    with_session: bool,
    with_advice: bool = True,
    named: Mapping[int, SessionRecord] | None = None,
) -> list[str]:
    """A flag's lines; ``named``: the patient's sessions, when there are several, so that
    the flag says whose it is by kind, date and area, as the web page does."""
    session = named.get(flag.session_id) if named else None
    where = f"session {flag.session_id}, " if with_session and session is None else ""
    indent = " " * 11
    if flag.active:
        what = flag.no_data_words or flag.rule  # an aged alarm: "no data since day 4"
        head = f"  {flag.level.upper():<8} {flag.symptom} {what} ({where}{flag.days})"
    else:
        head = (
            f"  {'resolved':<8} {flag.symptom} {flag.rule} ({where}{flag.days}; "
            f"{flag.level}, ended {flag.resolved_date})"
        )
    lines = [head]
    if session is not None:
        lines.append(f"{indent}{session.heading()}")
    lines += textwrap.wrap(flag.message, WIDTH, initial_indent=indent, subsequent_indent=indent)
    for reason in flag.reasons:
        lines += textwrap.wrap(
            f"Also: {reason}", WIDTH, initial_indent=indent, subsequent_indent=indent + "  "
        )
    if flag.active and with_advice:
        lines += textwrap.wrap(flag.advice, WIDTH, initial_indent=indent, subsequent_indent=indent)
    if flag.active and flag.hint is not None:
        number = flag.session_id if with_session or session is not None else None
        lines.append(f"{indent}To log it: {command(flag.hint, number)}")
    return lines


def echo_flags(
    flags: list[Flag],
    with_session: bool = False,
    with_advice: bool = True,
    named: Mapping[int, SessionRecord] | None = None,
) -> None:
    for flag in flags:
        for line in _flag_lines(flag, with_session, with_advice, named):
            click.echo(line)


def several(records: Mapping[int, SessionRecord]) -> Mapping[int, SessionRecord] | None:
    """The sessions to name flags by: only when the patient has more than one."""
    return records if len(records) > 1 else None


def _echo_wrapped(text: str, indent: str = "") -> None:
    for line in textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent):
        click.echo(line)


def echo_earlier_hint(flags: list[Flag], latest_session: int | None) -> None:
    earlier = sorted({f.session_id for f in flags if f.active and f.session_id != latest_session})
    for session_id in earlier:
        click.echo(
            f"Session {session_id} is an earlier session: its flags end when you log there, "
            f"for example: tracker log SYMPTOM=0 --session {session_id}"
        )


@click.command()
@session_option("Only this session. Default: every session on or before the as-of date.")
@click.option("--all", "every_session", is_flag=True, hidden=True, help="Every session.")
@click.option(
    "--all-profiles",
    is_flag=True,
    help="Every profile's open flags, on any session: a clinic's triage list.",
)
@click.option("--history", is_flag=True, help="Also list resolved flags.")
@click.option("--as-of", type=DATE, help=f"Judge on this day (default today). {DATE_HELP}")
@click.option(
    "--fail-on",
    type=click.Choice(LEVELS),
    help="Exit with status 3 when an active flag at or above this level exists.",
)
@json_option
@pass_app
def flags(
    app: AppContext,
    session_id: int | None,
    every_session: bool,
    all_profiles: bool,
    history: bool,
    as_of: dt.date | None,
    fail_on: str | None,
    as_json: bool,
) -> None:
    """Symptoms lasting too long, coming back, or urgent.

    Flags symptoms lasting longer than expected, coming back, or needing the clinic now.
    Flags are active while their cause lasts and resolved once it has ended; an earlier
    session's active flags are listed until they are resolved.
    """
    if sum((session_id is not None, every_session, all_profiles)) > 1:
        raise TrackerError.malformed("Give one of --session, --all or --all-profiles.")
    day = as_of or app.today
    if all_profiles:
        if history:
            raise TrackerError.malformed(
                "--history lists one profile's resolved flags; triage lists open ones only."
            )
        _triage(app, day, fail_on, as_json)
        return
    with app.reading() as store:
        found, current = service.flags(
            store, as_of=day, session_id=session_id, history=history, every_session=every_session
        )
        named = several(sessions_by_number(store))  # read with the flags: no query more
    if as_json:
        echo_json([flag.to_json() for flag in found])
    else:
        active = [f for f in found if f.active]
        resolved = [f for f in found if not f.active]
        if active:
            click.echo(f"Flags as of {day}:")
            echo_flags(active, with_session=True, named=named)
            echo_earlier_hint(active, current)
        else:
            # Judged on what was logged only: no claim about what was not.
            click.echo(
                f"No flags as of {day} in what was logged; a symptom not logged is not "
                "judged (log each day, 0 for what has gone)."
            )
        if history:
            click.echo("Resolved:" if resolved else "Resolved: none.")
            echo_flags(resolved, with_session=True, named=named)
        click.echo(textwrap.fill(DISCLAIMER, WIDTH))
    if fail_on is not None and level_at_least(found, fail_on):
        click.get_current_context().exit(FAIL_EXIT)


def _triage(app: AppContext, day: dt.date, fail_on: str | None, as_json: bool) -> None:
    from tracker.services import triage

    found = app.reading_quickly(lambda store: triage.all_flags(store, day))
    if as_json:
        echo_json([item.to_json() for item in found])
    elif not found:
        click.echo(f"No flags in any profile as of {day}.")
    else:
        click.echo(f"Open flags in every profile as of {day}, most urgent first:")
        for item in found:
            lines = _flag_lines(item.flag, with_session=True)
            lines[0] = f"{lines[0]} · {item.profile}"
            for line in lines:
                click.echo(line)
        click.echo(textwrap.fill(DISCLAIMER, WIDTH))
    if fail_on is not None and level_at_least([item.flag for item in found], fail_on):
        click.get_current_context().exit(FAIL_EXIT)


def _echo_status(
    report: Status, today: dt.date, named: Mapping[int, SessionRecord] | None = None
) -> None:
    s = report.session
    click.echo(f"{s.heading()}, day {report.day} on {report.as_of}")
    if s.follow_up is not None:
        when = relative_day(s.follow_up, report.as_of)
        if report.as_of != today:
            when += f" as of {report.as_of}"
        click.echo(f"Follow-up: {s.follow_up} ({when})")
    click.echo()
    # One summary first, and each level's advice once; the flags below say why.
    _echo_wrapped(report.summary)
    for line in report.advice:
        _echo_wrapped(line, "  ")
    click.echo()
    if report.symptoms:
        click.echo("Latest values against the expected course:")
        for item in report.symptoms:
            for number, line in enumerate(textwrap.wrap(item.describe(), WIDTH - 4)):
                click.echo(("  " if number == 0 else "    ") + line)
    else:
        click.echo("Nothing logged for this session yet.")
    if report.temperature is not None:
        click.echo(f"Temperature, latest: {report.temperature.describe()}.")
    for symptom, expected in report.watches:
        assert expected.watch is not None
        click.echo(
            f"  Watch for {symptom} (darker patches) until day {expected.watch.last_day}: "
            f"on your skin type they can appear weeks after a treatment. Log {symptom}=N "
            "if you see any."
        )
    click.echo()
    if report.flags:
        click.echo("Flags:")
        echo_flags(report.flags, with_advice=False)
    elif report.earlier:
        click.echo(f"Flags on session {s.id}: none.")  # "none" alone would hide the ones below
    else:
        click.echo("Flags: none.")
    if report.earlier:
        click.echo("Still open from earlier sessions:")
        echo_flags(report.earlier, with_session=True, with_advice=False, named=named)
        echo_earlier_hint(report.earlier, s.id)
    click.echo("Care today:")
    for line in report.care:
        _echo_wrapped(line, "  ")
    if report.unlogged:
        shown = ", ".join(str(d) for d in report.unlogged[-7:])
        more = f" and {len(report.unlogged) - 7} earlier" if len(report.unlogged) > 7 else ""
        click.echo(f"Days not logged yet: {shown}{more}.")
    if report.checkin_due:
        click.echo("Log today with: tracker checkin  (or tracker log itching=N ...)")
    click.echo(textwrap.fill(DISCLAIMER, WIDTH))


@click.command()
@click.option("--as-of", type=DATE, help=f"Show the status on this day. {DATE_HELP}")
@click.option(
    "--all-profiles",
    is_flag=True,
    help=(
        "One line per profile, most in need first: urgent, warning, no data since an alarm, "
        "follow-up due, nothing logged lately."
    ),
)
@json_option
@pass_app
def status(app: AppContext, as_of: dt.date | None, all_profiles: bool, as_json: bool) -> None:
    """Today: each symptom against its expected course, and the flags.

    One screen: the session, the latest value of each symptom, the flags and the days
    not logged yet. --as-of shows another day, counting every day from it.
    """
    day = as_of or app.today
    if all_profiles and as_json:
        raise TrackerError.malformed("--json gives one profile's status; leave out --all-profiles.")
    if not all_profiles:
        with app.reading() as store:
            # Every session first (to name flags by): the status then reads no session more.
            named = several(sessions_by_number(store))
            report = service.status(store, day)
        if as_json:
            echo_json(report.to_json())
            return
        _echo_status(report, app.today, named)
        return
    from tracker.services import triage

    rows: list[tuple[object, ...]] = []
    with app.reading() as store:
        found = triage.clinic_lines(store, day)
    for item in found:
        worst = item.words if item.category in ("follow-up", "silent") else "none"
        if item.flags:
            top = item.flags[0]
            worst = f"{top.level} {top.symptom} {top.no_data_words or top.rule}"
        if item.session is None:
            rows.append((item.profile, "no session yet", "", "", ""))
            continue
        rows.append(
            (
                item.profile,
                f"{item.session.kind} {item.session.date}",
                item.day,
                worst,
                item.last_logged or "never",
            )
        )
    click.echo(f"Every profile as of {day}, most in need first:")
    click.echo(table(("profile", "session", "day", "triage", "last logged"), rows))


def _saved(logged: list[Logged]) -> str:
    """Each value saved, and the one it replaced where the day had another already."""
    parts = []
    for item in logged:
        entry = item.entry
        text = f"{entry.symptom} {entry.severity} ({band(entry.severity)}"
        if item.replaced is not None and item.replaced != entry.severity:
            text += f"; replaced {item.replaced}"
        parts.append(text + ")")
    return ", ".join(parts)


# Words that keep the value shown beside a symptom; Enter alone skips it.
SAME_WORDS = ("same", "s", "keep", "=")


class Answer(click.ParamType[int | None, Any]):
    """One symptom's answer: a value 0-10, Enter to skip (None), or `same` for the value
    shown, unless it is a warning sign (never copied: see domain.checkin.may_keep)."""

    name = "0-10"

    def __init__(self, symptom: str, shown: int | None) -> None:
        self.symptom = symptom
        self.shown = shown

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip().lower()
        if not text:
            return None
        if text not in SAME_WORDS:
            return SEVERITY.convert(text, param, ctx)
        if self.shown is None:
            self.fail("There is no value to keep: type 0-10, or press Enter to skip.")
        if not may_keep(self.symptom, self.shown):
            self.fail(
                f"{self.symptom} {self.shown}/10 is a warning sign: type today's value "
                "(0-10), or press Enter to skip."
            )
        return self.shown


def _ask_value(symptom: str, label: str, shown: int | None) -> int | None:
    value: int | None = click.prompt(
        f"  {label}", type=Answer(symptom, shown), default="", show_default=False
    )
    return value


def _label(symptom: str, last: ValueRecord | None, date: dt.date) -> str:
    if last is None:
        return f"{symptom} (0-10)"
    if last.date == date:
        return f"{symptom} (already {last.severity}/10 for this day)"
    return f"{symptom} (last {last.severity}/10 on day {last.day})"


def _ask_temperature() -> TypedTemperature | None:
    """The day's temperature, if the patient took it: asked last, Enter (or the end of
    piped answers) skips it; a number that is not a body temperature is asked again."""
    while True:
        try:
            text = click.prompt(
                "  Temperature, if you took it (38.4, or 101.2F in °F; Enter to skip)",
                default="",
                show_default=False,
            )
        except click.Abort:
            return None
        if not text.strip():
            return None
        try:
            return parse_temperature(text)
        except TrackerError as exc:
            click.echo(f"  {said(exc)}")


@click.command()
@click.option("--date", type=PAST_DATE, default="today", show_default=True, help=PAST_DATE_HELP)
@session_option("Session to check in for. Default: the latest one on or before the date.")
@pass_app
def checkin(app: AppContext, date: dt.date, session_id: int | None) -> None:
    """Answer symptom by symptom, then see today's status.

    Asks how strong each symptom is, one at a time, for today (or --date).

    Type 0-10; press Enter to skip a symptom (nothing is saved for it); type `same` to
    keep the last value shown (never a warning sign's: those you give again). Last, the
    temperature if you took it (Enter skips it). Nothing is saved until the end, and
    only what you typed.
    """
    if session_id is None:
        with app.reading() as store:
            plans = service.checkin_plans(store, date, app.today)
        plan, others = plans[0], plans[1:]
    else:
        with app.reading() as store:
            plan, others = service.checkin_plan(store, date, app.today, session_id), []
    s = plan.session
    click.echo(
        f"Check-in for {date}, day {s.day_of(date)} after session {s.id} ({s.kind} on {s.date}"
        + (f", {visible(s.area)}" if s.area else "")
        + ")."
    )
    for other in others:
        o = other.session
        where = f", {visible(o.area)}" if o.area else ""
        click.echo(
            f"Also open: session {o.id} ({o.kind} on {o.date}{where}), day {o.day_of(date)}: "
            f"check in for it with tracker checkin --session {o.id}"
        )
    click.echo(f"Rate each symptom from 0 to 10: {SCALE}.")
    click.echo("Press Enter to skip a symptom; type 'same' to keep the last value shown.")
    answers: dict[str, int] = {}
    for symptom, last in plan.questions:
        value = _ask_value(symptom, _label(symptom, last, date), last.severity if last else None)
        if value is not None:
            answers[symptom] = value
    while True:
        try:
            name = click.prompt(
                "  Another symptom? Type its name, or press Enter to finish",
                default="",
                show_default=False,
            )
        except click.Abort:
            break  # end of piped answers: finish with what was given
        if not name.strip():
            break
        try:
            key = symptom_key(name)
        except TrackerError as exc:
            click.echo(f"  {said(exc)}")
            continue
        if key in answers:
            click.echo(f"  {Words.GIVEN_TWICE.format(symptom=key, what='check-in')}")
            continue
        last = dict(plan.questions).get(key)  # one skipped above can be given here
        value = _ask_value(key, _label(key, last, date), last.severity if last else None)
        if value is not None:
            answers[key] = value
    temperature = _ask_temperature()
    if not answers and temperature is None:
        click.echo(f"Nothing typed, so nothing was saved for {date}.")
        return
    readings = [TypedValue(symptom, value) for symptom, value in answers.items()]
    # The plan above was read before the questions: no lock is held while the patient
    # thinks. The answers are saved alone; the status shown is read after the commit.
    with app.writing() as store:
        result = save_checkin(
            store,
            readings,
            [],
            date=date,
            today=app.today,
            session_id=s.id,
            temperature=temperature,
        )
    saved = [_saved(result.logged)] if result.logged else []
    if result.temperature is not None:
        saved.append(f"temperature {result.temperature.words()}")
    click.echo(f"Saved for {date}: {'; '.join(saved)}.")
    click.echo()
    with app.reading() as store:
        report = service.status(store, date)
    _echo_status(report, app.today)
