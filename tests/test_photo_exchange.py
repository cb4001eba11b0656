"""Photos in the exports: JSON carries them as base64 with type and date, FHIR as R4 Media
linked to the patient, session and day, and the tracker's own import brings them back
byte for byte."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, State
from photo_support import phone_jpeg
from PIL import Image
from test_fhir import validate


def _add_photos(run: Run, session_id: int, tmp_path: Path) -> None:
    source = tmp_path / "cheek.jpg"
    source.write_bytes(phone_jpeg())
    for date, note in (("2026-11-14", "day 0"), ("2026-11-17", None), ("2026-11-20", "gone")):
        args = ["photo", "add", str(source), "--date", date]
        added = run(*args, *(["--note", note] if note else []))
        assert added.exit_code == 0, added.output
    assert run("photo", "remove", "3").exit_code == 0


def _export(run: Run, fmt: str, *args: str) -> dict[str, Any]:
    result = run(*args, "export", "--format", fmt)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _photo_bytes(run: Run, photo_id: int, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / f"p{photo_id}-{len(args)}.jpg"
    assert run(*args, "photo", "show", str(photo_id), "--out", str(out)).exit_code == 0
    return out.read_bytes()


def test_json_round_trip_gives_identical_photo_bytes(
    run: Run, session_id: int, tmp_path: Path
) -> None:
    _add_photos(run, session_id, tmp_path)
    first = _export(run, "json")
    photos = first["sessions"][0]["photos"]
    assert [(p["date"], p["media_type"], p["note"]) for p in photos] == [
        ("2026-11-14", "image/jpeg", "day 0"),
        ("2026-11-17", "image/jpeg", None),
        ("2026-11-20", "image/jpeg", "gone"),
    ]
    assert photos[2]["removed_at"] is not None and photos[0]["removed_at"] is None
    stored = _photo_bytes(run, 1, tmp_path)
    assert base64.b64decode(photos[0]["data"]) == stored

    export = tmp_path / "export.json"
    export.write_text(json.dumps(first))
    # A SQLite file, also when the suite runs on PostgreSQL: the way back may cross engines.
    other = str(tmp_path / "empty.db")
    imported = run("--db", other, "import", str(export))
    assert imported.exit_code == 0, imported.output
    assert "3 photos" in imported.stdout
    assert _export(run, "json", "--db", other) == first
    assert _photo_bytes(run, 1, tmp_path, "--db", other) == stored
    listed = json.loads(run("--db", other, "photo", "list", "--json").stdout)
    assert [p["date"] for p in listed] == ["2026-11-14", "2026-11-17"]  # the removed one kept
    again = run("--db", other, "import", str(export), "--on-duplicate", "skip")
    assert again.exit_code == 0 and "skipped as already there" in again.stdout
    assert _export(run, "json", "--db", other) == first


def _with_photo_data(document: dict[str, Any], data: bytes) -> dict[str, Any]:
    document["sessions"][0]["photos"][0]["data"] = base64.b64encode(data).decode()
    return document


def _with_exif() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (40, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: _with_photo_data(d, phone_jpeg()), "carries metadata"),
        (lambda d: _with_photo_data(d, _with_exif()), "carries metadata"),
        (lambda d: _with_photo_data(d, b"not a picture at all"), "not a whole JPEG"),
        (lambda d: _with_photo_data(d, b"<html><script>x</script>"), "not only a photo"),
        (lambda d: d["sessions"][0]["photos"][0].update(data="!!!") or d, "not valid base64"),
        (lambda d: d["sessions"][0]["photos"][0].update(media_type="image/svg+xml") or d, "svg"),
        (lambda d: d["sessions"][0]["photos"][0].update(date="2026-11-01") or d, "before"),
    ],
    ids=["phone jpeg", "exif", "not jpeg", "polyglot", "base64", "svg type", "before session"],
)
def test_a_tampered_photo_in_an_export_is_refused_and_nothing_is_written(
    run: Run, session_id: int, tmp_path: Path, change: Any, words: str
) -> None:
    _add_photos(run, session_id, tmp_path)
    document = change(_export(run, "json"))
    export = tmp_path / "export.json"
    export.write_text(json.dumps(document))
    other = tmp_path / "empty.db"
    result = run("--db", str(other), "import", str(export))
    assert result.exit_code in (1, 2)
    assert "sessions[0].photos[0]" in result.output and words in result.output
    assert result.output.count("\n") == 1
    assert json.loads(run("--db", str(other), "session", "list", "--json").stdout) == []


def test_fhir_carries_photos_as_media_and_brings_them_back(
    run: Run, session_id: int, tmp_path: Path, state: State
) -> None:
    _add_photos(run, session_id, tmp_path)
    first = _export(run, "fhir")
    validate(first)
    entries = first["entry"]
    patient_url = entries[0]["fullUrl"]
    procedure_url = next(
        e["fullUrl"] for e in entries if e["resource"]["resourceType"] == "Procedure"
    )
    media = [e["resource"] for e in entries if e["resource"]["resourceType"] == "Media"]
    assert len(media) == 2  # the removed photo is not sent to a clinic
    assert media[0]["subject"] == {"reference": patient_url}
    assert media[0]["partOf"] == [{"reference": procedure_url}]
    assert [m["createdDateTime"] for m in media] == ["2026-11-14", "2026-11-17"]
    assert media[1]["content"]["title"] == "Day 3 after the session"
    assert media[0]["content"]["contentType"] == "image/jpeg"
    assert base64.b64decode(media[0]["content"]["data"]) == _photo_bytes(run, 1, tmp_path)
    assert media[0]["note"] == [{"text": "day 0"}]

    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(first))
    other = str(tmp_path / "empty.db")
    imported = run("--db", other, "import", str(bundle))
    assert imported.exit_code == 0, imported.output
    assert "2 photos" in imported.stdout
    assert _export(run, "fhir", "--db", other) == first
