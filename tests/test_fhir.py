"""FHIR a clinic can file: one patient per profile, verified codes, and the way back in."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, State, refusal

from tracker.domain.errors import MALFORMED, REFUSED

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
PROFILE_SYSTEM = "urn:skin-recovery-tracker:profile-id"
# Every SNOMED CT code the export may send, each a clinical finding, with its preferred
# term, as checked against the SNOMED International IPS Free Set expansion (HL7 fhir-ips,
# ProblemsSnomedCtIpsFreeSet: descendants of 404684003 |Clinical finding|) and, for
# peeling, against sources giving its fully specified name "Peeling of skin (finding)".
FINDINGS = {
    "418290006": "Itching",
    "65124004": "Swelling",
    "247441003": "Erythema",
    "271807003": "Eruption",
    "90673000": "Burning sensation",
    "271767006": "Peeling of skin",
    "417237009": "Blister",
    "22253000": "Pain",
}
BANDS = {
    "2667000": "Absent",
    "255604002": "Mild",
    "6736007": "Moderate",
    "24484000": "Severe",
}


def validate(document: dict[str, Any]) -> None:
    """The Bundle and each resource in it, against fhir.resources' R4B models."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(document)
    for entry in document["entry"]:
        resource_type = entry["resource"]["resourceType"]
        module = __import__(f"fhir.resources.R4B.{resource_type.lower()}", fromlist=["_"])
        getattr(module, resource_type).model_validate(entry["resource"])


def _resources(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def _fill(run: Run, profile: str = "default") -> None:
    p = ["--profile", profile]
    assert run(*p, "session", "add", "--date", "2026-11-14", "--kind", "laser").exit_code == 0
    values = [
        "itching=3",
        "swelling=2",
        "redness=6",
        "rash=1",
        "pain=4",
        "burning=2",
        "peeling=1",
        "blistering=1",
        "dryness=3",
    ]
    assert run(*p, "log", *values, "--date", "2026-11-15", "--note", "warm").exit_code == 0
    assert run(*p, "log", "redness=7", "itching=0", "--date", "2026-11-16").exit_code == 0


def _export(run: Run, *args: str) -> dict[str, Any]:
    result = run(*args, "export", "--format", "fhir")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    validate(document)
    return document


def test_two_profiles_stay_two_patients(run: Run) -> None:
    for name in ("alice", "bob"):
        assert run("profile", "add", name).exit_code == 0
        _fill(run, name)
    alice = _export(run, "--profile", "alice")
    bob = _export(run, "--profile", "bob")
    patients = [_resources(d, "Patient") for d in (alice, bob)]
    assert [len(p) for p in patients] == [1, 1]
    ids = [p[0]["id"] for p in patients]
    assert ids[0] != ids[1]
    for patient, document in zip(patients, (alice, bob), strict=True):
        (only,) = patient
        assert str(uuid.UUID(only["id"])) == only["id"]
        assert only["identifier"] == [{"system": PROFILE_SYSTEM, "value": only["id"]}]
        assert document["entry"][0]["fullUrl"] == f"urn:uuid:{only['id']}"
        subjects = {
            r["subject"]["reference"]
            for r in _resources(document, "Procedure") + _resources(document, "Observation")
        }
        assert subjects == {f"urn:uuid:{only['id']}"}
    # Same dates, kinds and values, yet no resource of one is a resource of the other.
    assert not {e["fullUrl"] for e in alice["entry"]} & {e["fullUrl"] for e in bob["entry"]}
    assert _export(run, "--profile", "alice") == alice  # stable from one export to the next


def test_codes_are_clinical_findings_with_their_preferred_terms(run: Run) -> None:
    _fill(run)
    document = _export(run)
    observations = _resources(document, "Observation")
    by_name = {}
    for o in observations:
        codings = o["code"]["coding"]
        for coding in codings:
            if coding["system"] == SNOMED:
                assert FINDINGS[coding["code"]] == coding["display"], coding
        band = o["component"][0]["valueCodeableConcept"]["coding"][0]
        assert (band["system"], BANDS[band["code"]]) == (SNOMED, band["display"])
        by_name[(o["code"]["text"], o["effectiveDateTime"])] = o
    day1 = {name: o for (name, date), o in by_name.items() if date == "2026-11-15"}

    def codes(name: str, system: str) -> list[tuple[str, str]]:
        return [
            (c["code"], c["display"]) for c in day1[name]["code"]["coding"] if c["system"] == system
        ]

    assert codes("Itching", SNOMED) == [("418290006", "Itching")]
    assert codes("Blisters", SNOMED) == [("417237009", "Blister")]  # not 339008, a morphology
    assert codes("Red or pink rash", SNOMED) == [("271807003", "Eruption")]
    assert codes("Pain or soreness", SNOMED) == [("22253000", "Pain")]
    assert codes("Pain or soreness", LOINC) == [
        ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
    ]
    assert codes("Dryness or tightness", SNOMED) == []  # no confirmed concept: text only
    assert day1["Dryness or tightness"]["code"]["text"] == "Dryness or tightness"
    redness = by_name[("Redness", "2026-11-16")]
    assert redness["valueInteger"] == 7
    assert redness["component"][0]["valueCodeableConcept"]["coding"][0]["code"] == "24484000"
    absent = by_name[("Itching", "2026-11-16")]["component"][0]["valueCodeableConcept"]
    assert (absent["coding"][0]["code"], absent["text"]) == ("2667000", "none")
    assert day1["Itching"]["note"] == [{"text": "warm"}]


def test_round_trip_through_an_empty_database_gives_the_same_resources(
    run: Run, tmp_path: Path
) -> None:
    assert (
        run(
            "session",
            "add",
            "--date",
            "2026-11-10",
            "--kind",
            "ipl",
            "--area",
            "face",
            "--clinic",
            "Skin & Co",
            "--notes",
            "first pass",
            "--follow-up",
            "2026-11-30",
        ).exit_code
        == 0
    )
    _fill(run)
    first = _export(run)
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(first))

    # A SQLite file, also when the suite runs on PostgreSQL: the way back may cross engines.
    other = str(tmp_path / "empty.db")
    imported = run("--db", other, "import", str(bundle))
    assert imported.exit_code == 0, imported.output
    assert "Imported 11 values from 11 rows" in imported.stdout
    assert "now carries the bundle's patient id" in imported.stdout
    again = _export(run, "--db", other)
    assert again == first
    again_import = run("--db", other, "import", str(bundle), "--on-duplicate", "skip")
    assert again_import.exit_code == 0
    assert "Imported 0 values, 11 skipped as already there" in again_import.stdout
    assert _export(run, "--db", other) == first


def test_another_patients_bundle_is_refused_and_changes_nothing(
    run: Run, tmp_path: Path, state: State
) -> None:
    for name in ("alice", "bob"):
        assert run("profile", "add", name).exit_code == 0
        _fill(run, name)
    bundle = tmp_path / "bob.json"
    bundle.write_text(json.dumps(_export(run, "--profile", "bob")))
    before = state()
    into_alice = run("--profile", "alice", "import", str(bundle))
    assert into_alice.exit_code == 1
    assert "is the bundle of profile 'bob'" in into_alice.stderr
    assert state() == before
    assert run("profile", "add", "carol").exit_code == 0
    taken = run("--profile", "carol", "import", str(bundle))
    assert (taken.exit_code, "profile 'bob'" in taken.stderr) == (1, True)

    # A bundle whose patient this database does not know yet, into a profile with data.
    document = json.loads(bundle.read_text())
    stranger = str(uuid.uuid4())
    text = json.dumps(document).replace(_resources(document, "Patient")[0]["id"], stranger)
    bundle.write_text(text)
    before = state()
    refused = run("--profile", "alice", "import", str(bundle))
    assert refused.exit_code == 1
    assert "another patient's bundle" in refused.stderr
    assert "tracker profile add NAME" in refused.stderr
    assert state() == before
    dry = run("--profile", "carol", "import", str(bundle), "--dry-run")
    assert dry.exit_code == 0 and "Would import 11 values" in dry.stdout
    assert state() == before


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["entry"].pop(0), "needs one Patient with an identifier"),
        (
            lambda d: d["entry"][2]["resource"].update(valueInteger=11),
            "entry[2]: Severity for blistering must be from 0 (none) to 10",
        ),
        (
            lambda d: d["entry"][2]["resource"].update(effectiveDateTime="2026-11-01"),
            "entry[2]: 2026-11-01 is before its session",
        ),
        (
            lambda d: d["entry"].append({"resource": {"resourceType": "Condition"}}),
            "a Condition resource: the tracker reads back only the bundles it exports",
        ),
        (
            lambda d: d["entry"][2]["resource"].update(partOf=[{"reference": "urn:uuid:x"}]),
            "entry[2]: partOf 'urn:uuid:x' is not a Procedure listed before it",
        ),
    ],
)
def test_a_damaged_bundle_is_refused_with_where(
    run: Run, tmp_path: Path, state: State, change: Any, words: str
) -> None:
    _fill(run)
    document = _export(run)
    assert run("profile", "add", "empty").exit_code == 0
    change(document)
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(document))
    before = state()
    result = run("--profile", "empty", "import", str(bundle))
    # A wrong shape is malformed; a value before its session is refused, as when typed.
    kind = REFUSED if "before its session" in words else MALFORMED
    assert (result.exit_code, result.kind) == refusal(kind), result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert state() == before


def test_one_session_alone_keeps_its_resource_ids(run: Run) -> None:
    _fill(run)
    # A second session on the same day and kind: the second of its kind keeps its own ids.
    again = run("session", "add", "--date", "2026-11-14", "--kind", "laser", "--again")
    assert again.exit_code == 0
    assert run("log", "redness=3", "--session", "2", "--date", "2026-11-15").exit_code == 0
    whole = _export(run)
    result = run("export", "--format", "fhir", "--session", "2")
    assert result.exit_code == 0, result.output
    alone = json.loads(result.stdout)
    validate(alone)
    procedures = [e for e in whole["entry"] if e["resource"]["resourceType"] == "Procedure"]
    second = procedures[1]["fullUrl"]
    expected = [whole["entry"][0]] + [
        e
        for e in whole["entry"]
        if e["fullUrl"] == second or e["resource"].get("partOf", [{}])[0].get("reference") == second
    ]
    assert alone["entry"] == expected
    assert len(expected) == 3  # the Patient, the session, its one value
