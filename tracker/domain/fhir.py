"""HL7 FHIR R4: the Bundle a clinic's system files, and reading the tracker's own back.

A collection Bundle holds one Patient (the profile's random id, with an identifier in the
tracker's own system), a Procedure per session, a Media per photo (``fhir_media``) and an
Observation per logged value, shaped
as the HL7 Symptoms IG models a symptom: the 0-10 value, plus its band as a component.
Every other resource id is derived from the patient id and the data itself, so that
exporting, importing into an empty database and exporting again gives the same resources.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.domain.catalog import SYMPTOMS_BY_KEY, kind_key, kind_name, symptom_key, symptom_name
from tracker.domain.errors import TrackerError
from tracker.domain.exchange import (
    ImportedEntry,
    ImportedTemperature,
    SessionBundle,
    SessionKey,
    iso_date,
    note_text,
    parse_entry_row,
    parse_temperature_item,
)
from tracker.domain.fhir_media import media_key, media_resource, parse_media
from tracker.domain.photos import ImportedPhoto
from tracker.domain.records import ValueRecord
from tracker.domain.severity import BAND_SNOMED, band
from tracker.domain.temperature import UCUM, TemperatureRecord

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
# The tracker's own naming systems. URNs: the tracker has no web address of its own, and
# a clinic needs only that they are stable and never collide with another system's.
PROFILE_ID_SYSTEM = "urn:skin-recovery-tracker:profile-id"
KIND_SYSTEM = "urn:skin-recovery-tracker:treatment-kind"
SYMPTOM_SYSTEM = "urn:skin-recovery-tracker:symptom"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
BAND_TEXT = "Severity band (0 none, 1-3 mild, 4-6 moderate, 7-10 severe)"
FOLLOW_UP = "Follow-up visit: "
UCUM_SYSTEM = "http://unitsofmeasure.org"
BODY_TEMPERATURE = ("8310-5", "Body temperature")  # LOINC, as the FHIR vital-signs profile
VITAL_SIGNS = ("vital-signs", "Vital Signs")
UNIT_OF_UCUM = {code: unit for unit, code in UCUM.items()}
_NAMESPACE = uuid.UUID("7b4f2a52-1d55-4c55-9a53-6f1c3b7e2d10")


def _resource_id(patient_id: str, *parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join([patient_id, *map(str, parts)])))


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


# --- export -----------------------------------------------------------------------------


def fhir_bundle(
    patient_id: str, bundles: Sequence[SessionBundle], only_session: int | None = None
) -> dict[str, Any]:
    """An R4 collection Bundle for one profile: Patient, Procedures, Observations.

    ``bundles`` are all the profile's sessions, oldest first, so that a session keeps its
    resource ids when ``only_session`` exports it alone.
    """
    patient_url = f"urn:uuid:{patient_id}"
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": patient_url,
            "resource": {
                "resourceType": "Patient",
                "id": patient_id,
                "identifier": [{"system": PROFILE_ID_SYSTEM, "value": patient_id}],
                "active": True,
            },
        }
    ]
    # Two sessions on the same day and kind stay two: the n-th of them keeps its id.
    seen: Counter[tuple[dt.date, str]] = Counter()
    for b in bundles:
        s = b.session
        ordinal = seen[(s.date, s.kind)]
        seen[(s.date, s.kind)] += 1
        if only_session is not None and s.id != only_session:
            continue
        procedure_id = _resource_id(patient_id, "session", s.date, s.kind, ordinal)
        entries.append(
            {
                "fullUrl": f"urn:uuid:{procedure_id}",
                "resource": _procedure(b, procedure_id, patient_url),
            }
        )
        for e in b.entries:
            observation_id = _resource_id(patient_id, "entry", procedure_id, e.symptom, e.date)
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{observation_id}",
                    "resource": _observation(e, observation_id, patient_url, procedure_id),
                }
            )
        # The n-th reading of a day keeps its id: readings are never replaced.
        day_count: Counter[dt.date] = Counter()
        for t in b.temperatures:
            nth = day_count[t.date]
            day_count[t.date] += 1
            temperature_id = _resource_id(patient_id, "temperature", procedure_id, t.date, nth)
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{temperature_id}",
                    "resource": _temperature(t, temperature_id, patient_url, procedure_id),
                }
            )
        for photo in b.photos:
            if photo.record.removed_at is not None:
                continue
            media_id = _resource_id(
                patient_id, "photo", procedure_id, photo.record.date, media_key(photo)
            )
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{media_id}",
                    "resource": media_resource(photo, media_id, patient_url, procedure_id),
                }
            )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _procedure(b: SessionBundle, procedure_id: str, patient_url: str) -> dict[str, Any]:
    s = b.session
    name = kind_name(s.kind)
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": procedure_id,
        "status": "completed",
        "code": {"coding": [_coding(KIND_SYSTEM, s.kind, name)], "text": name},
        "subject": {"reference": patient_url},
        "performedDateTime": s.date.isoformat(),
    }
    if s.area:
        resource["bodySite"] = [{"text": s.area}]
    notes = [n for n in (s.notes, f"{FOLLOW_UP}{s.follow_up}" if s.follow_up else None) if n]
    if notes:
        resource["note"] = [{"text": n} for n in notes]
    if s.clinic:
        resource["location"] = {"display": s.clinic}
    return resource


def _observation(
    e: ValueRecord, observation_id: str, patient_url: str, procedure_id: str
) -> dict[str, Any]:
    known = SYMPTOMS_BY_KEY.get(e.symptom)
    name = symptom_name(e.symptom)
    codings = []
    if known is not None and known.snomed is not None:
        codings.append(_coding(SNOMED, *known.snomed))
    if known is not None and known.loinc is not None:
        codings.append(_coding(LOINC, *known.loinc))
    codings.append(_coding(SYMPTOM_SYSTEM, e.symptom, name))
    word = band(e.severity)
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": observation_id,
        "status": "final",
        "category": [{"coding": [_coding(CATEGORY_SYSTEM, "survey", "Survey")]}],
        "code": {"coding": codings, "text": name},
        "subject": {"reference": patient_url},
        "partOf": [{"reference": f"urn:uuid:{procedure_id}"}],
        "effectiveDateTime": e.date.isoformat(),
        "valueInteger": e.severity,
        "component": [
            {
                "code": {"text": BAND_TEXT},
                "valueCodeableConcept": {
                    "coding": [_coding(SNOMED, *BAND_SNOMED[word])],
                    "text": word,
                },
            }
        ],
    }
    if e.note:
        observation["note"] = [{"text": e.note}]
    return observation


def _temperature(
    t: TemperatureRecord, observation_id: str, patient_url: str, procedure_id: str
) -> dict[str, Any]:
    """A body temperature as the FHIR vital-signs profile has it: LOINC 8310-5, in the
    unit it was given in (UCUM Cel or [degF])."""
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": observation_id,
        "status": "final",
        "category": [{"coding": [_coding(CATEGORY_SYSTEM, *VITAL_SIGNS)]}],
        "code": {"coding": [_coding(LOINC, *BODY_TEMPERATURE)], "text": "Body temperature"},
        "subject": {"reference": patient_url},
        "partOf": [{"reference": f"urn:uuid:{procedure_id}"}],
        "effectiveDateTime": t.date.isoformat(),
        "valueQuantity": {
            "value": float(t.typed.number),
            "unit": "°C" if t.unit == "C" else "°F",
            "system": UCUM_SYSTEM,
            "code": UCUM[t.unit],
        },
    }
    if t.note:
        observation["note"] = [{"text": t.note}]
    return observation


# --- import -----------------------------------------------------------------------------


@dataclass
class FhirSession:
    key: SessionKey
    fields: dict[str, Any]
    entries: list[ImportedEntry] = field(default_factory=list)
    photos: list[ImportedPhoto] = field(default_factory=list)
    temperatures: list[ImportedTemperature] = field(default_factory=list)


@dataclass
class FhirDocument:
    """What a tracker bundle holds, checked: whose it is, and each session's values."""

    patient_id: str
    sessions: list[FhirSession]


def is_bundle(document: object) -> bool:
    return isinstance(document, dict) and document.get("resourceType") == "Bundle"


def parse_bundle(document: Mapping[str, Any], today: dt.date) -> FhirDocument:
    """Read a bundle the tracker exported. Problems name the entry: ``entry[3]: ...``."""
    items = document.get("entry", [])
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("resource"), dict) for i in items
    ):
        raise TrackerError.malformed('"entry" must be a list of objects with a "resource"')
    patient_url, patient_id = _patient(items)
    sessions: dict[str, FhirSession] = {}
    for index, item in enumerate(items):
        resource = item["resource"]
        kind = resource.get("resourceType")
        try:
            if kind == "Procedure":
                _check_subject(resource, patient_url)
                sessions[str(item.get("fullUrl"))] = _session(resource)
            elif kind in ("Observation", "Media"):
                _check_subject(resource, patient_url)
                part_of = _first(resource.get("partOf"), "partOf").get("reference")
                if part_of not in sessions:
                    raise TrackerError.malformed(
                        f"partOf {part_of!r} is not a Procedure listed before it"
                    )
                session = sessions[part_of]
                if kind == "Media":
                    session.photos.append(parse_media(resource, session.key.date, today))
                elif _own_code(resource.get("code"), LOINC) == BODY_TEMPERATURE[0]:
                    session.temperatures.append(_temperature_of(resource, session.key, today))
                else:
                    session.entries.append(_entry(resource, index, session.key, today))
            elif kind != "Patient":
                raise TrackerError.malformed(
                    f"a {kind} resource: the tracker reads back only the bundles it exports"
                )
        except TrackerError as exc:
            raise exc.at(f"entry[{index}]") from None
    return FhirDocument(patient_id, list(sessions.values()))


def _patient(items: list[dict[str, Any]]) -> tuple[str, str]:
    found = [
        (str(item.get("fullUrl")), identifier.get("value"))
        for item in items
        if item["resource"].get("resourceType") == "Patient"
        for identifier in item["resource"].get("identifier") or []
        if isinstance(identifier, dict) and identifier.get("system") == PROFILE_ID_SYSTEM
    ]
    if len(found) != 1:
        raise TrackerError.malformed(
            "not a bundle the tracker exported: it needs one Patient with an identifier "
            f"in {PROFILE_ID_SYSTEM}"
        )
    url, value = found[0]
    try:
        patient_id = str(uuid.UUID(str(value)))
    except ValueError:
        raise TrackerError.malformed(f"patient id {value!r} is not a UUID") from None
    return url, patient_id


def _first(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, list) or not value or not isinstance(value[0], dict):
        raise TrackerError.malformed(f"{what} must be a list of objects")
    return value[0]


def _check_subject(resource: Mapping[str, Any], patient_url: str) -> None:
    subject = resource.get("subject")
    if not isinstance(subject, dict) or subject.get("reference") != patient_url:
        raise TrackerError.malformed("its subject is not the bundle's Patient")


def _own_code(concept: object, system: str) -> str | None:
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("system") == system:
            return str(coding.get("code") or "")
    return None


def _session(resource: Mapping[str, Any]) -> FhirSession:
    code = _own_code(resource.get("code"), KIND_SYSTEM)
    if code is None:
        raise TrackerError.malformed(f"the Procedure has no code in {KIND_SYSTEM}")
    date = iso_date(resource.get("performedDateTime"), "performedDateTime")
    fields: dict[str, Any] = {"area": None, "clinic": None, "notes": None, "follow_up": None}
    sites = resource.get("bodySite")
    if sites:
        fields["area"] = note_text(_first(sites, "bodySite").get("text"))
    location = resource.get("location")
    if isinstance(location, dict):
        fields["clinic"] = note_text(location.get("display"))
    notes = []
    for note in resource.get("note") or []:
        words = str(note.get("text") or "") if isinstance(note, dict) else ""
        if words.startswith(FOLLOW_UP):
            fields["follow_up"] = iso_date(words.removeprefix(FOLLOW_UP), "follow-up date")
        elif words:
            notes.append(words)
    fields["notes"] = note_text("\n".join(notes)) if notes else None
    return FhirSession(SessionKey(date, kind_key(code)), fields)


def _entry(
    resource: Mapping[str, Any], index: int, session: SessionKey, today: dt.date
) -> ImportedEntry:
    concept = resource.get("code")
    symptom = _own_code(concept, SYMPTOM_SYSTEM)
    if symptom is None:
        text = concept.get("text") if isinstance(concept, dict) else None
        symptom = symptom_key(str(text or ""))
    value = resource.get("valueInteger")
    if not isinstance(value, int) or isinstance(value, bool):
        raise TrackerError.malformed("valueInteger must be a whole number from 0 to 10")
    notes = resource.get("note")
    row = {
        "session_date": session.date.isoformat(),
        "kind": session.kind,
        "date": resource.get("effectiveDateTime"),
        "symptom": symptom,
        "severity": value,
        "note": _first(notes, "note").get("text") if notes else None,
    }
    return parse_entry_row(row, index, today)


def _temperature_of(
    resource: Mapping[str, Any], session: SessionKey, today: dt.date
) -> ImportedTemperature:
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, dict):
        raise TrackerError.malformed("a body temperature needs a valueQuantity")
    number = quantity.get("value")
    if not isinstance(number, int | float) or isinstance(number, bool):
        raise TrackerError.malformed("valueQuantity.value must be a number of degrees")
    unit = UNIT_OF_UCUM.get(str(quantity.get("code") or ""))
    if unit is None or quantity.get("system") != UCUM_SYSTEM:
        raise TrackerError.malformed(f"valueQuantity must be in UCUM {' or '.join(UCUM.values())}")
    notes = resource.get("note")
    item = {
        "date": resource.get("effectiveDateTime"),
        "value": repr(number) if isinstance(number, float) else str(number),
        "unit": unit,
        "note": _first(notes, "note").get("text") if notes else None,
    }
    return parse_temperature_item(item, session.date, today)
