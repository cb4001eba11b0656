"""A realistic sample recovery in a database of its own, never the user's real one."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.flags import Flag
from tracker.domain.records import SessionRecord, TypedValue
from tracker.domain.summaries import SessionView
from tracker.services import documents
from tracker.services.care import add_care
from tracker.services.sessions import SessionFields, add_session
from tracker.services.symptom_log import log_symptoms
from tracker.services.views import session_view
from tracker.storage.database import PRIVATE_DIR, Database, Location, resolve
from tracker.storage.private_files import output_target
from tracker.storage.store import Store

DEMO_FILE = "demo.db"
SESSION_DAYS_AGO = 12

# Day-by-day severities after a laser rejuvenation session (None: not logged that day):
# itching, swelling and the pink rash fade within a few days, light peeling comes and
# goes, while redness lingers past its expected week.
DEMO_COURSE: dict[str, list[int | None]] = {
    "itching": [4, 5, 3, 2, 1, 0, 0],
    "swelling": [6, 5, 3, 1, 0, 0],
    "rash": [5, 4, 3, 2, 1, 0, 0],
    "pain": [3, 1, 0],
    "peeling": [None, None, 1, 2, 2, 1, 1, 0],
    "redness": [6, 6, 5, 5, 4, 4, 3, 3, 3, 3, 2, 2, 2],
}
DEMO_CARE: dict[int, list[tuple[str, str | None]]] = {
    0: [("ice-pack", "twice, 10 minutes"), ("prescribed-cream", "hydrocortisone 1%")],
    1: [("ice-pack", None), ("prescribed-cream", None)],
    2: [("moisturizer", None), ("prescribed-cream", None)],
    **{day: [("moisturizer", None), ("sunscreen", "SPF 50")] for day in range(3, 13)},
}
DEMO_NOTES: dict[int, str] = {
    0: "Face felt hot in the evening; ice pack twice.",
    1: "Itchy at night. Used the cream the clinic gave me.",
    4: "Moisturiser morning and night; skin flaking a little.",
    9: "Redness still there in the mornings.",
}


@dataclass(frozen=True)
class DemoResult:
    location: Location
    session: SessionRecord
    entries: int
    flags: list[Flag]
    chart: Path
    report: Path


def build_demo(folder: Path, today: dt.date) -> DemoResult:
    """Make DIR/demo.db afresh with one session and its daily logs up to today."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    path = folder / DEMO_FILE
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    location = resolve(os.fspath(path))
    db = Database(location)
    try:
        with db.writing() as store:
            view, count = _fill(store, today)
    finally:
        db.dispose()
    session = view.session
    chart, report = folder / "recovery-chart.png", folder / "recovery-report.pdf"
    # The demo folder is the demo's own: its pictures are redrawn on every run.
    documents.write_chart([view], output_target(chart, force=True))
    documents.write_report(view, output_target(report, force=True), today)
    return DemoResult(location, session, count, view.flags, chart, report)


def _fill(store: Store, today: dt.date) -> tuple[SessionView, int]:
    start = today - dt.timedelta(days=SESSION_DAYS_AGO)
    session = add_session(
        store,
        SessionFields(
            date=start,
            kind="laser-rejuvenation",
            area="cheeks and forehead",
            clinic="Demo Skin Clinic",
            notes="Demo data: a sample recovery, moderate settings.",
            follow_up=start + dt.timedelta(days=14),
        ),
    )
    count = 0
    for day in range(SESSION_DAYS_AGO + 1):
        readings = [
            TypedValue(symptom, value)
            for symptom, course in DEMO_COURSE.items()
            if day < len(course) and (value := course[day]) is not None
        ]
        log_symptoms(
            store,
            readings,
            date=start + dt.timedelta(days=day),
            today=today,
            session_id=session.id,
            note=DEMO_NOTES.get(day),
        )
        count += len(readings)
        for action, note in DEMO_CARE.get(day, []):
            add_care(
                store,
                action,
                date=start + dt.timedelta(days=day),
                today=today,
                session_id=session.id,
                note=note,
            )
    return session_view(store, session.id, today), count
