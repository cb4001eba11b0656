"""FHIR out and back in: one profile's data as the Bundle a clinic files, and its return."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tracker.domain.errors import TrackerError
from tracker.domain.exchange import ImportedEntry, SessionBundle
from tracker.domain.fhir import fhir_bundle, parse_bundle
from tracker.domain.hints import Hint
from tracker.domain.words import Words
from tracker.services import exchange
from tracker.storage.store import Store


def export_fhir(store: Store, session_id: int | None = None) -> dict[str, Any]:
    """The current profile's sessions and values as an R4 collection Bundle."""
    patient_id = store.profile_uuid()
    if session_id is not None:
        store.session(session_id)  # refuses another profile's session
    records = store.sessions()
    wanted = [r.id for r in records if session_id in (None, r.id)]
    entries = store.entries_for_sessions(wanted)
    photos = store.stored_photos(wanted)
    measured = store.temperatures_for_sessions(wanted)
    bundles = [
        SessionBundle(
            r,
            entries.get(r.id, []),
            photos=[p for p in photos if p.record.session_id == r.id],
            temperatures=measured.get(r.id, []),
        )
        for r in records
    ]
    return fhir_bundle(patient_id, bundles, only_session=session_id)


def import_fhir(
    store: Store,
    path: Path,
    document: dict[str, Any],
    *,
    today: dt.date,
    policy: str = "error",
    dry_run: bool = False,
) -> exchange.ImportReport:
    """Read a bundle the tracker exported back into the current profile, all or nothing.

    A bundle is one patient's: it goes into the profile that carries its patient id, or
    into an empty profile, which then takes that id so that the clinic still sees one
    patient. Another patient's bundle is refused rather than mixed into this profile.
    """
    try:
        parsed = parse_bundle(document, today)
    except TrackerError as exc:
        raise exc.at(str(path)) from None

    def work(importer: exchange.Importer) -> None:
        if importer.store.profile_uuid() != parsed.patient_id:
            _adopt(importer.store, parsed.patient_id, path, importer.report)

        def place(entry: ImportedEntry) -> str:
            return f"{path}: entry[{entry.line}]"

        for item in parsed.sessions:
            session_id = importer.session_id(item.key, distinct=True, fields=item.fields)
            importer.report.rows += len(item.entries)
            importer.entries([(session_id, e) for e in item.entries], place)
            importer.report.rows += len(item.temperatures)
            importer.temperatures(session_id, item.temperatures)
            for number, photo in enumerate(item.photos):
                importer.report.rows += 1
                importer.photo(session_id, photo, f"{path}: photo {number + 1} of {item.key.date}")

    return exchange.run_import(store, policy, dry_run, work, today=today)


def _adopt(store: Store, patient_id: str, path: Path, report: exchange.ImportReport) -> None:
    owner = store.profile_owning_uuid(patient_id)
    if owner is not None:
        raise TrackerError.conflict(
            Words.OTHER_PROFILES_BUNDLE.format(path=path, owner=owner),
            hint=Hint("import-into", profile=owner, path=str(path)),
        )
    name = store.profile_name
    if store.first_session() is not None:
        raise TrackerError.conflict(
            Words.ANOTHER_PATIENTS_BUNDLE.format(path=path, patient_id=patient_id, name=name),
            hint=Hint("import-into", path=str(path)),
        )
    store.adopt_uuid(patient_id)
    report.notes.append(
        f"Profile {name!r} now carries the bundle's patient id {patient_id}, "
        "so that its next FHIR export is the same patient."
    )
