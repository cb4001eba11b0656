"""Export and import: moving a person's data out and back in, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tracker.domain.errors import TrackerError
from tracker.domain.exchange import (
    CARE_TYPES,
    ENTRY_TYPES,
    JSON_FORMAT,
    JSON_VERSION,
    OVERRIDE_TYPES,
    SESSION_TYPES,
    TEMPERATURE_TYPES,
    ImportedCare,
    ImportedEntry,
    ImportedTemperature,
    SessionBundle,
    SessionKey,
    check_types,
    csv_kind,
    from_spreadsheet_safe,
    iso_date,
    not_text_at,
    note_text,
    parse_care_row,
    parse_entry_row,
    parse_override,
    parse_temperature_item,
    parse_temperature_row,
    session_key,
)
from tracker.domain.expectations import Override
from tracker.domain.fhir import is_bundle
from tracker.domain.flags import Flag
from tracker.domain.hints import Hint
from tracker.domain.limits import MAX_TEXT_CHARS
from tracker.domain.photos import PHOTO_TYPES, ImportedPhoto, decode_bytes, imported_photo
from tracker.domain.records import SessionRecord
from tracker.domain.severity import can_be_urgent
from tracker.domain.temperature import parse_temperature
from tracker.domain.words import Words
from tracker.services.common import urgent_now
from tracker.services.photos import utc_now
from tracker.storage.revisions import REVISIONS
from tracker.storage.store import NewValue, Store

BATCH = 5000
# A cell may hold the longest text the tracker stores, plus the spreadsheet's text mark.
csv.field_size_limit(MAX_TEXT_CHARS + 1)
DUPLICATE_POLICIES = ("error", "skip", "replace")
DUPLICATE = Hint("on-duplicate")  # what a duplicate refused on import can be told to do
Progress = Callable[[int], None]


def export_data(
    store: Store, session_id: int | None = None
) -> tuple[list[SessionBundle], list[Override]]:
    records = [store.session(session_id)] if session_id is not None else store.sessions()
    ids = [r.id for r in records]
    entries = store.entries_for_sessions(ids)
    care = store.care_records(ids)
    photos = store.stored_photos(ids, with_removed=True)
    measured = store.temperatures_for_sessions(ids)
    overrides = store.overrides()
    bundles = [
        SessionBundle(
            r,
            entries[r.id],
            [c for c in care if c.session_id == r.id],
            [p for p in photos if p.record.session_id == r.id],
            measured[r.id],
        )
        for r in records
    ]
    return bundles, overrides


@dataclass
class ImportReport:
    rows: int = 0
    added: int = 0
    replaced: int = 0
    skipped: int = 0
    care_added: int = 0
    photos_added: int = 0
    temperatures_added: int = 0
    sessions_created: int = 0
    sessions_matched: int = 0
    sessions_updated: int = 0  # matched, details replaced by the file's (replace)
    sessions_kept: int = 0  # matched, details differ, left as they were (skip)
    overrides: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    # Active urgent flags as of today on the sessions that took a severe or red-flag value:
    # an import must not bring them in silently.
    urgent: list[Flag] = field(default_factory=list)


class Importer:
    """Writes checked rows in batches inside one transaction."""

    def __init__(self, store: Store, policy: str, report: ImportReport) -> None:
        self.store = store
        self.policy = policy
        self.report = report
        self.session_ids: dict[SessionKey, int] = {}
        self.claimed: set[int] = set()
        self.may_be_urgent: set[int] = set()  # sessions that took a severe or red-flag value
        self.took_fever = False  # a temperature of 38 °C (100.4 °F) or more came in
        self.sessions: dict[int, SessionRecord] = {}  # those this import matched or made

    def session_id(
        self,
        key: SessionKey,
        *,
        distinct: bool = False,
        fields: dict[str, Any] | None = None,
        where: str = "",
    ) -> int:
        """The session for a date and kind: matched, or created.

        ``distinct``: each document session claims its own match (JSON import), so two
        sessions on the same day and kind stay two.
        """
        if not distinct and key in self.session_ids:
            return self.session_ids[key]
        found = [
            s
            for s in self.store.sessions_matching(key.date, key.kind)
            if not (distinct and s.id in self.claimed)
        ]
        if found:
            session = found[0]
            self.report.sessions_matched += 1
            if fields is not None:
                session = self._matched_details(session, key, fields, where)
        else:
            session = self.store.add_session(SessionRecord(0, key.date, key.kind, **(fields or {})))
            self.report.sessions_created += 1
        self.session_ids[key] = session.id
        self.claimed.add(session.id)
        self.sessions[session.id] = session
        return session.id

    def _matched_details(
        self, session: SessionRecord, key: SessionKey, fields: dict[str, Any], where: str
    ) -> SessionRecord:
        """A matched session whose details differ from the file's: never dropped silently."""
        differ = [name for name, value in fields.items() if getattr(session, name) != value]
        if not differ:
            return session
        if self.policy == "error":
            raise TrackerError.conflict(
                f"{where}: the session on {key.date} ({key.kind}) is already there with a "
                f"different {', '.join(differ)}",
                hint=DUPLICATE,
            )
        if self.policy == "skip":
            self.report.sessions_kept += 1
            return session
        self.report.sessions_updated += 1
        return self.store.update_session(replace(session, **{n: fields[n] for n in differ}))

    def entries(
        self, batch: list[tuple[int, ImportedEntry]], where: Callable[[ImportedEntry], str]
    ) -> None:
        if not batch:
            return
        by_session: dict[int, list[ImportedEntry]] = {}
        for session_id, e in batch:
            by_session.setdefault(session_id, []).append(e)
        existing: set[tuple[int, str, dt.date]] = set()
        for session_id, mine in by_session.items():
            logged = self.store.logged_days(
                session_id,
                {e.symptom for e in mine},
                min(e.date for e in mine),
                max(e.date for e in mine),
            )
            existing.update((session_id, symptom, date) for symptom, date in logged)
        fresh: dict[tuple[int, str, dt.date], NewValue] = {}
        updates: dict[tuple[int, str, dt.date], NewValue] = {}
        for session_id, e in batch:
            if session_id not in self.may_be_urgent and can_be_urgent(e.symptom, e.severity):
                self.may_be_urgent.add(session_id)
            key = (session_id, e.symptom, e.date)
            values = (session_id, e.date, e.symptom, e.severity, e.note)
            if key in existing or key in fresh:
                if self.policy == "error":
                    raise TrackerError.conflict(
                        f"{where(e)}: {e.symptom} on {e.date} is already logged for that session",
                        hint=DUPLICATE,
                    )
                if self.policy == "skip":
                    self.report.skipped += 1
                    continue
                self.report.replaced += 1
                if key in fresh:
                    fresh[key] = values
                else:
                    updates[key] = values
                continue
            fresh[key] = values
        if fresh:
            self.store.insert_values(list(fresh.values()))
        if updates:
            self.store.replace_values(list(updates.values()))
        self.report.added += len(fresh)

    def override(self, item: Override, where: str) -> None:
        found = self.store.override_for(item.kind, item.symptom)
        if found is not None:
            same = (found.max_days, found.typical_days) == (item.max_days, item.typical_days)
            if same or self.policy == "skip":
                self.report.skipped += 0 if same else 1
                return
            if self.policy == "error":
                raise TrackerError.conflict(
                    f"{where}: a different setting for {item.symptom} after {item.kind} exists",
                    hint=DUPLICATE,
                )
        self.store.set_override(item)
        self.report.overrides += 1

    def care(self, session_id: int, item: ImportedCare) -> None:
        # The same action already recorded: importing twice adds nothing.
        session = self.sessions.get(session_id) or self.store.session(session_id)
        if self.policy != "replace" and self.store.same_care(
            session, item.date, item.action, item.note, exact=True
        ):
            self.report.skipped += 1
            return
        self.store.add_care(session, item.date, item.action, item.note)
        self.report.care_added += 1

    def temperatures(self, session_id: int, items: list[ImportedTemperature]) -> None:
        """A session's temperatures from a file, each as typed. The readings already there
        are not added twice: of readings alike (day, value, unit, note), only as many as
        the file holds beyond those already stored are added, whatever the policy."""
        if not items:
            return
        session = self.sessions.get(session_id) or self.store.session(session_id)
        there = Counter(
            (t.date, t.value, t.unit, t.note)
            for t in self.store.temperatures_for_sessions([session_id])[session_id]
        )
        fresh = []
        for item in items:
            if there[item.key] > 0:
                there[item.key] -= 1
                self.report.skipped += 1
                continue
            fresh.append((session.id, item.date, item.value, item.unit, item.note))
            if parse_temperature(item.value + item.unit).fever:
                self.may_be_urgent.add(session_id)
                self.took_fever = True
        self.store.insert_temperatures(fresh)
        self.report.temperatures_added += len(fresh)

    def photo(self, session_id: int, item: ImportedPhoto, where: str) -> None:
        """Store a photo from an export byte for byte (checked as the intake's own JPEG);
        the very same photo on the same day is already there: skipped."""
        from tracker.imaging.intake import check_stored

        try:
            prepared = check_stored(item.data)
        except TrackerError as exc:
            raise exc.at(where) from None
        if self.store.same_photo(session_id, item.date, prepared.image) is not None:
            self.report.skipped += 1
            return
        session = self.sessions.get(session_id) or self.store.session(session_id)
        created = item.created_at or utc_now()
        self.store.add_photo(session, item.date, prepared, item.note, created, item.removed_at)
        self.report.photos_added += 1


def run_import(
    store: Store,
    policy: str,
    dry_run: bool,
    work: Callable[[Importer], None],
    *,
    today: dt.date,
) -> ImportReport:
    """Runs ``work`` on an importer in one transaction (rolled back on a dry run): the
    import of every format, this tracker's own, FHIR and other trackers'."""
    if policy not in DUPLICATE_POLICIES:
        raise TrackerError.malformed(
            f"What to do with a duplicate is one of {', '.join(DUPLICATE_POLICIES)}.",
            field="on_duplicate",
        )
    report = ImportReport(dry_run=dry_run)
    importer = Importer(store, policy, report)
    work(importer)
    report.urgent = urgent_now(
        store, importer.may_be_urgent, today, temperatures=importer.took_fever
    )
    if dry_run:
        store.discard()  # the unit of work rolls back: nothing is written
    return report


def _lines(handle: io.TextIOWrapper, progress: Progress | None) -> Iterator[str]:
    for line in handle:
        if progress is not None:
            progress(len(line))
        yield line


def import_csv(
    store: Store,
    path: Path,
    *,
    today: dt.date,
    policy: str = "error",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Stream a CSV of entries (or of care actions, or temperatures) into the database in
    one transaction."""

    def work(importer: Importer) -> None:
        with open_text(path) as handle:
            # strict: a quote never closed is an error, not the rest of the file in one note
            lines = handle if progress is None else _lines(handle, progress)
            # A plain reader, each row made a dict here: csv.DictReader's own Python code
            # cost a tenth of a million-row import.
            reader = csv.reader(lines, strict=True)
            try:
                header = next(reader, None)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise TrackerError.malformed(f"{path}:1: {_reason(exc)}") from None
            if header is None:
                raise TrackerError.malformed(f"{path}: the file is empty")
            try:
                kind = csv_kind(header)
            except TrackerError as exc:
                raise exc.at(f"{path}:1") from None
            batch: list[tuple[int, ImportedEntry]] = []
            # A temperatures CSV: each session's readings, in the file's order.
            readings: dict[int, list[ImportedTemperature]] = {}

            def where(entry: ImportedEntry) -> str:
                return f"{path}:{entry.line}"

            while True:
                begins = reader.line_num + 1  # the row's first line, however many it takes
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except (csv.Error, UnicodeDecodeError) as exc:
                    raise TrackerError.malformed(f"{path}:{begins}: {_reason(exc)}") from None
                if not values:
                    continue  # a blank line
                line = reader.line_num
                if len(values) > len(header):
                    raise TrackerError.malformed(f"{path}:{line}: more values than columns")
                # a missing value: no key, read as None
                row = dict(zip(header, values, strict=False))
                importer.report.rows += 1
                if row.get("note"):
                    row["note"] = from_spreadsheet_safe(row["note"])
                try:
                    if kind == "care":
                        item = parse_care_row(row, line, today)
                        importer.care(importer.session_id(item.session), item)
                        continue
                    if kind == "temperatures":
                        key, reading = parse_temperature_row(row, today)
                        readings.setdefault(importer.session_id(key), []).append(reading)
                        continue
                    entry = parse_entry_row(row, line, today)
                except TrackerError as exc:
                    raise exc.at(f"{path}:{line}") from None
                known = importer.session_ids.get(entry.session)
                batch.append((known or importer.session_id(entry.session), entry))
                if len(batch) >= BATCH:
                    importer.entries(batch, where)
                    batch = []
            importer.entries(batch, where)
            for session_id, items in readings.items():
                importer.temperatures(session_id, items)

    return run_import(store, policy, dry_run, work, today=today)


def import_json(
    store: Store,
    path: Path,
    *,
    today: dt.date,
    policy: str = "error",
    dry_run: bool = False,
) -> ImportReport:
    """Restore an export document. JSON is read whole; use CSV for very large files."""
    with open_text(path) as handle:
        try:
            document = json.load(handle)
        except json.JSONDecodeError as exc:
            raise TrackerError.malformed(
                f"{path}:{exc.lineno}: not valid JSON ({exc.msg})"
            ) from None
        except UnicodeDecodeError:
            raise TrackerError.malformed(Words.NOT_UTF8.format(path=path)) from None
        except RecursionError:
            raise TrackerError.malformed(
                f"{path}: nested too deeply to read (an export is 4 levels deep)"
            ) from None
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            raise TrackerError.malformed(f"{path}: not a valid export ({exc})") from None
    unreadable = not_text_at(document)
    if unreadable is not None:
        raise TrackerError.malformed(
            f"{path}: {unreadable or 'the document'}: not valid text (a lone surrogate, "
            "such as \\ud800)"
        )
    if is_bundle(document):
        from tracker.services.fhir_exchange import import_fhir

        return import_fhir(store, path, document, today=today, policy=policy, dry_run=dry_run)
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise TrackerError.malformed(f'{path}: not a tracker export (no "format": "{JSON_FORMAT}")')
    if document.get("format_version") != JSON_VERSION:
        raise TrackerError(
            f"{path}: export format version {document.get('format_version')!r} is not one "
            "this program reads"
        )
    revision = document.get("schema_revision")
    if revision not in REVISIONS:
        raise TrackerError(
            f"{path}: made by a newer version of the tracker (schema {revision}); "
            "upgrade the program"
        )

    def work(importer: Importer) -> None:
        for index, item in enumerate(_objects(document, "sessions", str(path))):
            where = f"{path}: sessions[{index}]"
            check_types(item, SESSION_TYPES, where)
            try:
                key = session_key(item["date"], item["kind"])
                # Only the details the file gives are compared with a matched session.
                fields: dict[str, Any] = {
                    name: note_text(item[name])
                    for name in ("area", "clinic", "notes")
                    if name in item
                }
                if "follow_up" in item:
                    fields["follow_up"] = None
                if item.get("follow_up"):
                    fields["follow_up"] = iso_date(item["follow_up"], "follow_up")
                    if fields["follow_up"] < key.date:
                        raise TrackerError(
                            f"the follow-up ({fields['follow_up']}) cannot be before the "
                            f"session ({key.date})"
                        )
            except TrackerError as exc:
                raise exc.at(where) from None
            session_id = importer.session_id(key, distinct=True, fields=fields, where=where)
            batch = []
            for number, entry in enumerate(_objects(item, "entries", where)):
                importer.report.rows += 1
                row = {**entry, "session_date": item["date"], "kind": key.kind}
                check_types(entry, ENTRY_TYPES, f"{where}.entries[{number}]")
                try:
                    batch.append((session_id, parse_entry_row(row, number, today)))
                except TrackerError as exc:
                    raise exc.at(f"{where}.entries[{number}]") from None
            importer.entries(batch, _json_place(where))
            for number, care in enumerate(_objects(item, "care", where)):
                importer.report.rows += 1
                row = {**care, "session_date": item["date"], "kind": key.kind}
                check_types(care, CARE_TYPES, f"{where}.care[{number}]")
                try:
                    parsed = parse_care_row(row, number, today)
                except TrackerError as exc:
                    raise exc.at(f"{where}.care[{number}]") from None
                importer.care(session_id, parsed)
            _json_photos(importer, session_id, item, key.date, where, today)
            _json_temperatures(importer, session_id, item, key.date, where, today)
        for index, item in enumerate(_objects(document, "protocol_overrides", str(path))):
            where = f"{path}: protocol_overrides[{index}]"
            check_types(item, OVERRIDE_TYPES, where)
            try:
                override = parse_override(item)
            except TrackerError as exc:
                raise exc.at(where) from None
            importer.override(override, where)

    return run_import(store, policy, dry_run, work, today=today)


def _json_photos(
    importer: Importer,
    session_id: int,
    item: dict[str, Any],
    session_date: dt.date,
    where: str,
    today: dt.date,
) -> None:
    for number, photo in enumerate(_objects(item, "photos", where)):
        place = f"{where}.photos[{number}]"
        importer.report.rows += 1
        check_types(photo, PHOTO_TYPES, place)
        try:
            parsed = imported_photo(
                iso_date(photo["date"], "date"),
                session_date,
                today,
                media_type=photo.get("media_type"),
                data=decode_bytes(photo.get("data"), "data"),
                note=note_text(photo.get("note")),
                created_at=photo.get("created_at"),
                removed_at=photo.get("removed_at"),
            )
        except TrackerError as exc:
            raise exc.at(place) from None
        importer.photo(session_id, parsed, place)


def _json_temperatures(
    importer: Importer,
    session_id: int,
    item: dict[str, Any],
    session_date: dt.date,
    where: str,
    today: dt.date,
) -> None:
    found = []
    for number, reading in enumerate(_objects(item, "temperatures", where)):
        place = f"{where}.temperatures[{number}]"
        importer.report.rows += 1
        check_types(reading, TEMPERATURE_TYPES, place)
        try:
            found.append(parse_temperature_item(reading, session_date, today))
        except TrackerError as exc:
            raise exc.at(place) from None
    importer.temperatures(session_id, found)


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text (save the file as UTF-8 CSV)"
    if "unexpected end of data" in str(exc):
        return 'a quote (") opened in this row is never closed; nothing was imported'
    return str(exc)


def _json_place(where: str) -> Callable[[ImportedEntry], str]:
    def place(entry: ImportedEntry) -> str:
        return f"{where}.entries[{entry.line}]"

    return place


def _objects(container: dict[str, Any], name: str, where: str) -> list[dict[str, Any]]:
    value = container.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise TrackerError.malformed(f'{where}: "{name}" must be a list of objects')
    return value


@contextmanager
def open_text(path: Path) -> Iterator[io.TextIOWrapper]:
    """A file to import, as UTF-8 text (a BOM skipped); a message, not a traceback, when
    it cannot be read."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise TrackerError(f"Cannot read {path}: {exc.strerror}.") from None
    with handle:
        yield handle
