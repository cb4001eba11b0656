"""`tracker log` and `tracker history`: the daily values themselves."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import PAST_DATE, PAST_DATE_HELP, SYMPTOM, json_option, session_option
from tracker.cli.render import echo_json, echo_urgent, table
from tracker.domain.catalog import symptom_key
from tracker.domain.errors import TrackerError
from tracker.domain.records import ChangeRecord, SessionRecord, ValueRecord, parse_values
from tracker.domain.severity import band
from tracker.domain.temperature import (
    TemperatureRecord,
    TypedTemperature,
    is_temperature_name,
    parse_temperature,
    split_typed,
)
from tracker.domain.text import visible
from tracker.services import symptom_log as service

if TYPE_CHECKING:
    from tracker.services.common import DayStore
    from tracker.services.symptom_log import LogResult

WIDTH = 92


@click.command()
@click.argument("readings", metavar="SYMPTOM=SEVERITY...", nargs=-1)
@click.option("--date", type=PAST_DATE, default="today", show_default=True, help=PAST_DATE_HELP)
@session_option("Session to log against. Default: the latest one on or before the date.")
@click.option("--note", metavar="NOTE", help="A note for this day, stored with each value.")
@click.option(
    "--remove",
    is_flag=True,
    help="Remove the day's values of the symptoms named instead (tracker log --remove itching"
    "; a temperature: --remove temperature=39.4).",
)
@click.option(
    "--instead-of",
    "instead_of",
    metavar="DEGREES",
    help="With temperature=DEGREES: correct the day's reading of these degrees to it, in its "
    "place, instead of adding one more (tracker log temperature=36.4 --instead-of 39.4).",
)
@pass_app
def log(
    app: AppContext,
    readings: tuple[str, ...],
    date: dt.date,
    session_id: int | None,
    note: str | None,
    remove: bool,
    instead_of: str | None,
) -> None:
    """Log how strong each symptom is today, from 0 to 10.

    \b
    Example: tracker log itching=3 swelling=1 redness=5
    Bands: 0 none, 1-3 mild, 4-6 moderate, 7-10 severe.
    A body temperature in degrees, not 0-10: temperature=38.4 (°C) or temp=101.2F (°F);
    each is one more reading of the day, and 38 °C (100.4 °F) or more is a warning sign.
    Logging a symptom again for the same day replaces its value.
    A value logged by mistake: tracker log --remove itching [--date DATE]
    A temperature typed wrong: tracker log temperature=36.4 --instead-of 39.4,
    or tracker log --remove temperature=39.4 (tracker undo puts either back).
    """
    if remove:
        if instead_of is not None:
            raise TrackerError.malformed("--instead-of goes with a temperature, not --remove.")
        _remove(app, readings, date, session_id, note)
        return
    pairs, temperature = split_typed(readings)
    if instead_of is not None:
        _correct_temperature(app, (pairs, temperature), instead_of, date, session_id, note)
        return

    def work(store: DayStore) -> LogResult:
        return service.log_symptoms(
            store,
            parse_values(pairs) if pairs or temperature is None else [],
            date=date,
            today=app.today,
            session_id=session_id,
            note=note,
            temperature=temperature,
        )

    result = app.writing_day(work)
    s = result.session
    day = s.day_of(date)
    click.echo(f"Logged for {date}, day {day} after session {s.id} ({s.kind} on {s.date}):")
    names = [item.entry.symptom for item in result.logged]
    width = max(len(name) for name in [*names, *(["temperature"] if result.temperature else [])])
    if result.temperature is not None:
        click.echo(f"  {'temperature':<{width}}  {result.temperature.words()}")
    for item in result.logged:
        entry = item.entry
        line = f"  {entry.symptom:<{width}}  {entry.severity:>2}/10  {band(entry.severity)}"
        if item.replaced is not None:
            line += f"  (replaced {item.replaced}/10 logged earlier for this day)"
        click.echo(line)
    echo_urgent(result.urgent, WIDTH)


def _remove(
    app: AppContext,
    names: tuple[str, ...],
    date: dt.date,
    session_id: int | None,
    note: str | None,
) -> None:
    from tracker.services.corrections import remove_values

    if note is not None:
        raise TrackerError.malformed("--note goes with a log, not with --remove.")
    if not names:
        raise TrackerError.malformed(
            "Name the symptoms to remove, for example: tracker log --remove itching"
        )
    names, temperature = _temperature_named(names)
    if any("=" in name for name in names):
        raise TrackerError.malformed(
            "With --remove, name the symptoms alone (itching), without a value (itching=3)."
        )
    symptoms = [symptom_key(name) for name in names]
    if temperature is not None:
        if symptoms:
            raise TrackerError.malformed(
                "Remove a temperature on its own: tracker log --remove temperature=39.4"
            )
        _remove_temperature(app, temperature[0], date, session_id)
        return
    with app.writing() as store:
        result = remove_values(store, symptoms, date=date, today=app.today, session_id=session_id)
    s = result.session
    day = s.day_of(result.date)
    click.echo(
        f"Removed from {result.date}, day {day} after session {s.id} ({s.kind} on {s.date}):"
    )
    width = max(len(entry.symptom) for entry in result.removed)
    for entry in result.removed:
        click.echo(f"  {entry.symptom:<{width}}  {entry.severity:>2}/10  {band(entry.severity)}")
    if result.not_logged:
        click.echo(f"Nothing was logged that day for: {', '.join(result.not_logged)}.")
    click.echo("Removed by mistake? `tracker undo` puts back one value each time it runs.")


def _temperature_named(
    names: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[TypedTemperature | None] | None]:
    """The names to remove without the temperature, and the temperature named (with its
    degrees when given: temperature=39.4), if one was."""
    rest: list[str] = []
    found: tuple[TypedTemperature | None] | None = None
    for name in names:
        word, sep, degrees = name.partition("=")
        if not is_temperature_name(word):
            rest.append(name)
        elif found is not None:
            raise TrackerError.malformed("Name one temperature to remove at a time.")
        else:
            found = (parse_temperature(degrees) if sep else None,)
    return tuple(rest), found


def _remove_temperature(
    app: AppContext, value: TypedTemperature | None, date: dt.date, session_id: int | None
) -> None:
    from tracker.services import corrections

    with app.writing() as store:
        reading = corrections.temperature_on_day(
            store, date=date, today=app.today, session_id=session_id, value=value
        )
        fix = corrections.remove_temperature(store, reading)
    s = fix.session
    click.echo(
        f"Removed from {reading.date}, day {reading.day} after session {s.id} "
        f"({s.kind} on {s.date}):"
    )
    click.echo(f"  temperature  {reading.words()}")
    click.echo("Removed by mistake? `tracker undo` puts it back.")


def _correct_temperature(
    app: AppContext,
    typed: tuple[list[str], TypedTemperature | None],
    instead_of: str,
    date: dt.date,
    session_id: int | None,
    note: str | None,
) -> None:
    from tracker.services import corrections

    pairs, temperature = typed
    if temperature is None or pairs:
        raise TrackerError.malformed(
            "--instead-of corrects one temperature, given alone: "
            "tracker log temperature=36.4 --instead-of 39.4"
        )
    wrong = parse_temperature(instead_of)
    with app.writing() as store:
        reading = corrections.temperature_on_day(
            store, date=date, today=app.today, session_id=session_id, value=wrong
        )
        fix = corrections.correct_temperature(
            store, reading, temperature, today=app.today, note=note
        )
    s = fix.session
    assert fix.after is not None
    click.echo(
        f"Corrected for {reading.date}, day {reading.day} after session {s.id} "
        f"({s.kind} on {s.date}):"
    )
    click.echo(f"  temperature  {fix.after.words()}  (was {reading.words()})")
    click.echo("Corrected by mistake? `tracker undo` puts it back.")
    echo_urgent(fix.urgent, WIDTH)


@click.command()
@session_option("Only this session.")
@click.option("--symptom", type=SYMPTOM, help="Only this symptom (any of its names).")
@json_option
@pass_app
def history(app: AppContext, session_id: int | None, symptom: str | None, as_json: bool) -> None:
    """Every logged value, by session.

    Date, day after the session, symptom, severity and note; the temperatures too
    (in --json, items with "measure": "temperature").
    """
    from tracker.cli.local_zone import patient_zone
    from tracker.domain.changes import changed_words
    from tracker.services.corrections import corrections_in_force, temperature_corrections

    with app.reading() as store:
        groups = service.history(store, session_id=session_id, symptom=symptom)
        changed = corrections_in_force(store, session_id) if groups else {}
        # The temperatures too, with their sessions when they have no value.
        groups, measured = service.with_temperatures(store, groups, session_id, symptom)
        fixed = temperature_corrections(store, session_id) if measured else {}
    if as_json:
        echo_json(_history_json(groups, changed, measured, fixed))
        return
    tz = patient_zone()
    if not groups:
        click.echo("Nothing logged yet. Log today's values with: tracker log itching=3 redness=5")
        return
    for index, (record, entries) in enumerate(groups):
        if index:
            click.echo()
        where = f" · {visible(record.area)}" if record.area else ""
        click.echo(f"Session {record.id} · {record.kind} · {record.date}{where}")
        if record.id in measured:
            click.echo(
                table(
                    ("date", "day", "temperature", "note"),
                    [
                        (t.date, t.day, _reading_words(t, fixed.get(t.id), tz), t.note or "")
                        for t in measured[record.id]
                    ],
                    frozenset({1}),
                )
            )
        if not entries:
            continue
        rows = []
        previous: tuple[dt.date, str | None] | None = None
        for entry in entries:
            # One log command stores its note on every value; show it once per day.
            shown = entry.note if previous != (entry.date, entry.note) else None
            previous = (entry.date, entry.note)
            was = changed.get(_key(entry))
            rows.append(
                (
                    entry.date,
                    entry.day,
                    entry.symptom,
                    f"{entry.severity:>2} {band(entry.severity)}"
                    + (f" ({changed_words(was, tz)})" if was else ""),
                    shown or "",
                )
            )
        click.echo(table(("date", "day", "symptom", "severity", "note"), rows, frozenset({1})))


def _reading_words(reading: TemperatureRecord, was: ChangeRecord | None, tz: dt.tzinfo) -> str:
    """ "36.4 °C", or "36.4 °C (changed from 39.4 °C on 2026-11-21)" once corrected."""
    if was is None or was.before_temperature is None:
        return reading.words()
    from tracker.domain.clock import local_date

    when = local_date(was.changed_at, tz)
    if was.before_temperature == reading.typed:
        return f"{reading.words()} (its note changed on {when})"
    return f"{reading.words()} (changed from {was.before_temperature.words()} on {when})"


def _history_json(
    groups: list[tuple[SessionRecord, list[ValueRecord]]],
    changed: dict[tuple[int, dt.date, str], ChangeRecord],
    measured: dict[int, list[TemperatureRecord]],
    fixed: dict[int, ChangeRecord],
) -> list[dict[str, Any]]:
    """Each session's values and temperatures by day (a day's values first, then its
    readings in the order logged). A reading says ``"measure": "temperature"`` and has no
    symptom or severity: its number as typed, its unit, its °C and what a correction
    replaced (``previous``: value, unit, note and when, or null)."""
    shown: list[dict[str, Any]] = []
    for record, entries in groups:
        items: list[tuple[dt.date, int, dict[str, Any]]] = [
            (e.date, 0, _with_previous(e.to_json(), changed.get(_key(e)))) for e in entries
        ]
        for t in measured.get(record.id, []):
            was = fixed.get(t.id)
            before = was.before_temperature if was is not None else None
            item = {"measure": "temperature", **t.to_json()}
            item["previous"] = (
                None
                if was is None or before is None
                else {
                    "value": before.value,
                    "unit": before.unit,
                    "note": was.before_note,
                    "changed_at": was.changed_at.isoformat() + "Z",
                }
            )
            items.append((t.date, 1, item))
        shown.extend(item for _, _, item in sorted(items, key=lambda i: (i[0], i[1])))
    return shown


def _key(entry: ValueRecord) -> tuple[int, dt.date, str]:
    return entry.session_id, entry.date, entry.symptom


def _with_previous(shown: dict[str, Any], change: ChangeRecord | None) -> dict[str, Any]:
    """A value's JSON with what a correction replaced: ``previous`` is null for a value
    never changed, else the earlier severity and note and when (UTC) they were replaced."""
    shown["previous"] = (
        None
        if change is None
        else {
            "severity": change.before,
            "note": change.before_note,
            "changed_at": change.changed_at.isoformat() + "Z",
        }
    )
    return shown


@click.command()
@click.option("--dry-run", is_flag=True, help="Say what would be undone; change nothing.")
@pass_app
def undo(app: AppContext, dry_run: bool) -> None:
    """Take back the latest change to a value; again for the one before.

    \b
    A value logged, changed or removed: undo puts back what the day held before it.
    The change stays in the history (nothing is ever lost), so undo can be run again
    and again, each time for the change before.
    """
    from tracker.cli.local_zone import patient_zone
    from tracker.domain.changes import what_it_did, what_undo_gives
    from tracker.services.corrections import undo_last

    tz = patient_zone()
    with app.reading() if dry_run else app.writing() as store:
        done = undo_last(store, dry_run=dry_run)
    s = done.session
    where = f"session {s.id} ({s.kind} on {s.date})"
    if dry_run:
        click.echo(f"Would undo the latest change, in {where}: {what_it_did(done.change, tz)}.")
        click.echo(f"Then {what_undo_gives(done.change)}. Dry run: nothing was changed.")
        return
    click.echo(f"Undone, in {where}: {what_it_did(done.change, tz)}.")
    click.echo(
        f"Now {what_undo_gives(done.change)}. Run `tracker undo` again for the change before."
    )
