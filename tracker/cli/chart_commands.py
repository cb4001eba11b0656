"""`tracker chart` and `tracker report`: pictures and a PDF for the follow-up visit.

matplotlib is imported inside the commands, so that logging stays fast.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.local_zone import patient_zone
from tracker.cli.params import SYMPTOM, force_option, output_option, session_option
from tracker.cli.render import counted
from tracker.domain.catalog import symptom_name
from tracker.domain.errors import TrackerError
from tracker.domain.photos import describe_size
from tracker.domain.summaries import SessionView
from tracker.services import documents
from tracker.services.views import all_views, session_view


@click.command()
@session_option("Session to draw. Default: the latest one on or before today.")
@click.option("--symptom", "symptoms", type=SYMPTOM, multiple=True, help="Only these (repeat).")
@output_option("File to write: .png, .svg or .pdf; - for standard output (PNG).")
@force_option
@click.option("--compare", is_flag=True, help="Every session side by side, aligned at day 0.")
@pass_app
def chart(
    app: AppContext,
    session_id: int | None,
    symptoms: tuple[str, ...],
    output: str | None,
    force: bool,
    compare: bool,
) -> None:
    """Draw the recovery as a picture (PNG, SVG or PDF).

    How each symptom evolved, with its expected course, flags and care; --compare draws
    every session side by side, aligned at day 0.
    """
    views, path = _views(app, session_id, compare)
    views = _only(views, symptoms)
    path = output or path
    target = app.output(Path(path), force=force)
    documents.load_drawing()
    gc.freeze()  # matplotlib's objects too: drawing allocates enough to trigger collections
    documents.write_chart(views, target, compare=compare)
    # With the chart itself on standard output, what we say goes to standard error.
    say = partial(click.echo, err=target.kind == "stdout")
    say(f"Chart written to {target.shown}")
    if compare:
        _echo_days_to_zero(say, views)


@click.command()
@session_option("Session to report on. Default: the latest one on or before today.")
@output_option("PDF file to write; - for standard output.")
@click.option("--no-photos", is_flag=True, help="Leave the photo page out.")
@force_option
@pass_app
def report(
    app: AppContext, session_id: int | None, output: str | None, no_photos: bool, force: bool
) -> None:
    """A PDF to hand to the doctor at the follow-up.

    The treatment, each symptom against its expected course, the flags, questions to
    ask, the chart, a page of photos (up to 6, chosen evenly across the days), the care
    log and the daily values.
    """
    with app.reading() as store:  # the session and its photos in one transaction
        view = replace(session_view(store, session_id, app.today), zone=patient_zone())
        photos = (
            documents.NO_PHOTOS if no_photos else documents.report_photos(store, view.session.id)
        )
    path = output or f"recovery-report-session-{view.session.id}.pdf"
    target = app.output(Path(path), force=force)
    documents.load_drawing()
    gc.freeze()
    pages = documents.write_report(view, target, app.today, photos)
    extra = ""
    if photos[0]:  # a photo page: the PDF's size matters for mailing it
        extra = f", with {counted(len(photos[0]), 'photo')}"
        if target.kind == "file":
            extra += f": {describe_size(target.path.stat().st_size)}"
    click.echo(
        f"Report written to {target.shown} ({pages} pages{extra})",
        err=target.kind == "stdout",
    )


def _views(app: AppContext, session_id: int | None, compare: bool) -> tuple[list[SessionView], str]:
    """The sessions to draw, and the file's name when none is given."""
    if compare and session_id is not None:
        raise TrackerError.malformed("--compare draws every session; leave out --session.")
    if compare:
        with app.reading() as store:
            return all_views(store, app.today), "recovery-compare.png"
    with app.reading() as store:
        view = session_view(store, session_id, app.today)
    return [view], f"recovery-session-{view.session.id}.png"


def _only(views: list[SessionView], symptoms: tuple[str, ...]) -> list[SessionView]:
    """The views with only the symptoms asked for (all when none is); refused when none of
    them was logged."""
    if not symptoms:
        return views
    missing = [s for s in symptoms if not any(s in v.symptoms for v in views)]
    if len(missing) == len(symptoms):
        names = ", ".join(symptom_name(s).lower() for s in missing)
        raise TrackerError(f"Nothing logged for {names} in the sessions drawn.")
    return [v.only(symptoms) for v in views]


def _echo_days_to_zero(say: Callable[[str], None], views: list[SessionView]) -> None:
    say("Days each symptom took to reach 0:")
    for symptom in dict.fromkeys(s for v in views for s in v.symptoms):
        parts = []
        for view in views:
            summary = next((x for x in view.summaries if x.symptom == symptom), None)
            if summary is not None:
                day = summary.resolved_day
                text = f"day {day}" if day is not None else "not yet"
                parts.append(f"session {view.session.id} {text}")
        say(f"  {symptom}: {', '.join(parts)}")
