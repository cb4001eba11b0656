"""Photos in FHIR R4: a Media resource per photo, linked to the patient (subject), to the
session (partOf its Procedure) and to the day (createdDateTime), the JPEG inline."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from tracker.domain.errors import TrackerError
from tracker.domain.exchange import iso_date, note_text
from tracker.domain.photos import (
    ImportedPhoto,
    StoredPhoto,
    decode_bytes,
    encode_bytes,
    imported_photo,
)

MEDIA_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/media-type"


def media_key(photo: StoredPhoto) -> str:
    """What a Media's id is derived from besides its session and day: the image itself."""
    return hashlib.sha256(photo.data).hexdigest()


def media_resource(
    photo: StoredPhoto, media_id: str, patient_url: str, procedure_id: str
) -> dict[str, Any]:
    r = photo.record
    resource: dict[str, Any] = {
        "resourceType": "Media",
        "id": media_id,
        "status": "completed",
        "type": {"coding": [{"system": MEDIA_TYPE_SYSTEM, "code": "image", "display": "Image"}]},
        "subject": {"reference": patient_url},
        "partOf": [{"reference": f"urn:uuid:{procedure_id}"}],
        "createdDateTime": r.date.isoformat(),
        "width": r.width,
        "height": r.height,
        "content": {
            "contentType": r.media_type,
            "data": encode_bytes(photo.data),
            "title": f"Day {r.day} after the session",
            "creation": r.created_at.isoformat() + "Z",  # stored in UTC
        },
    }
    if r.note:
        resource["note"] = [{"text": r.note}]
    return resource


def parse_media(
    resource: Mapping[str, Any], session_date: dt.date, today: dt.date
) -> ImportedPhoto:
    content = resource.get("content")
    if not isinstance(content, dict):
        raise TrackerError.malformed("the Media has no content")
    notes = resource.get("note")
    note = None
    if isinstance(notes, list) and notes and isinstance(notes[0], dict):
        note = note_text(notes[0].get("text"))
    return imported_photo(
        iso_date(resource.get("createdDateTime"), "createdDateTime"),
        session_date,
        today,
        media_type=content.get("contentType"),
        data=decode_bytes(content.get("data"), "content.data"),
        note=note,
        created_at=content.get("creation"),
    )
