"""`tracker chart` and `tracker report`: pictures and a PDF for the follow-up visit.

matplotlib is imported inside the commands, so that logging stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import SYMPTOM, session_option
from tracker.domain.catalog import SYMPTOMS_BY_KEY
from tracker.domain.errors import TrackerError
from tracker.services import documents
from tracker.services.views import all_views, session_view

OUTPUT = click.Path(dir_okay=False, path_type=Path)


@click.command()
@session_option("Session to draw. Default: the latest one on or before today.")
@click.option("--symptom", "symptoms", type=SYMPTOM, multiple=True, help="Only these (repeat).")
@click.option("-o", "--output", type=OUTPUT, help="File to write: .png, .svg or .pdf.")
@click.option("--compare", is_flag=True, help="Every session side by side, aligned at day 0.")
@pass_app
def chart(
    app: AppContext,
    session_id: int | None,
    symptoms: tuple[str, ...],
    output: Path | None,
    compare: bool,
) -> None:
    """Draw how each symptom evolved, with its expected course, flags and care."""
    if compare and session_id is not None:
        raise TrackerError.malformed("--compare draws every session; leave out --session.")
    if compare:
        views = all_views(app.db, app.today)
        path = output or Path("recovery-compare.png")
    else:
        views = [session_view(app.db, session_id, app.today)]
        path = output or Path(f"recovery-session-{views[0].session.id}.png")
    if symptoms:
        missing = [s for s in symptoms if not any(s in v.symptoms for v in views)]
        if len(missing) == len(symptoms):
            names = ", ".join(SYMPTOMS_BY_KEY[s].name.lower() for s in missing)
            raise TrackerError(f"Nothing logged for {names} in the sessions drawn.")
        views = [v.only(symptoms) for v in views]
    documents.write_chart(views, path, compare=compare)
    click.echo(f"Chart written to {path}")
    if compare:
        click.echo("Days each symptom took to reach 0:")
        for symptom in dict.fromkeys(s for v in views for s in v.symptoms):
            parts = []
            for view in views:
                summary = next((x for x in view.summaries if x.symptom == symptom), None)
                if summary is not None:
                    day = summary.resolved_day
                    text = f"day {day}" if day is not None else "not yet"
                    parts.append(f"session {view.session.id} {text}")
            click.echo(f"  {symptom}: {', '.join(parts)}")


@click.command()
@session_option("Session to report on. Default: the latest one on or before today.")
@click.option("-o", "--output", type=OUTPUT, help="PDF file to write.")
@pass_app
def report(app: AppContext, session_id: int | None, output: Path | None) -> None:
    """Write a PDF to hand to the doctor at the follow-up visit."""
    view = session_view(app.db, session_id, app.today)
    path = output or Path(f"recovery-report-session-{view.session.id}.pdf")
    pages = documents.write_report(view, path, app.today)
    click.echo(f"Report written to {path} ({pages} pages)")
