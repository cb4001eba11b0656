"""The FHIR bundle as a pure function: the exact resources written, and every check made
when one is read back. (tests/test_fhir.py runs the commands end to end.)"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from tracker.domain.errors import MALFORMED, REFUSED, TrackerError
from tracker.domain.exchange import ImportedEntry, SessionBundle, SessionKey
from tracker.domain.fhir import FhirDocument, FhirSession, fhir_bundle, is_bundle, parse_bundle
from tracker.domain.records import SessionRecord, ValueRecord

D = dt.date(2026, 11, 1)
TODAY = dt.date(2026, 12, 24)
P = "0f8fad5b-d9cb-469f-a165-70867728950e"
PATIENT = f"urn:uuid:{P}"
S1 = "da489d6c-63fe-5af8-8ea7-da685aa2133e"
S2 = "1253207f-4d16-59ec-a423-ed30c5b8c429"  # the same day and kind: the second of them
S3 = "462c1900-dd3a-5cc9-a3ff-37e8492fcf9c"
IPL = "Intense pulsed light (IPL, photofacial)"
BAND = "Severity band (0 none, 1-3 mild, 4-6 moderate, 7-10 severe)"

BUNDLES = [
    SessionBundle(
        SessionRecord(1, D, "ipl", "cheeks", "Skin Clinic", "first", dt.date(2026, 11, 15)),
        [
            ValueRecord(1, D, 0, "pain", 5, "sharp"),
            ValueRecord(1, D + dt.timedelta(1), 1, "dryness", 0),
        ],
    ),
    SessionBundle(
        SessionRecord(2, D, "ipl"), [ValueRecord(2, D + dt.timedelta(2), 2, "tingling", 8)]
    ),
    SessionBundle(
        SessionRecord(3, dt.date(2026, 12, 1), "peel-medium", follow_up=dt.date(2026, 12, 20))
    ),
]


def coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def procedure(id_: str, kind: str, name: str, date: str, **more: Any) -> dict[str, Any]:
    resource = {
        "resourceType": "Procedure",
        "id": id_,
        "status": "completed",
        "code": {
            "coding": [coding("urn:skin-recovery-tracker:treatment-kind", kind, name)],
            "text": name,
        },
        "subject": {"reference": PATIENT},
        "performedDateTime": date,
        **more,
    }
    return {"fullUrl": f"urn:uuid:{id_}", "resource": resource}


def observation(
    id_: str,
    part_of: str,
    codings: list[dict[str, str]],
    name: str,
    date: str,
    value: int,
    band: tuple[str, str, str],
    **more: Any,
) -> dict[str, Any]:
    resource = {
        "resourceType": "Observation",
        "id": id_,
        "status": "final",
        "category": [
            {
                "coding": [
                    coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "survey",
                        "Survey",
                    )
                ]
            }
        ],
        "code": {"coding": codings, "text": name},
        "subject": {"reference": PATIENT},
        "partOf": [{"reference": f"urn:uuid:{part_of}"}],
        "effectiveDateTime": date,
        "valueInteger": value,
        "component": [
            {
                "code": {"text": BAND},
                "valueCodeableConcept": {
                    "coding": [coding("http://snomed.info/sct", band[0], band[1])],
                    "text": band[2],
                },
            }
        ],
        **more,
    }
    return {"fullUrl": f"urn:uuid:{id_}", "resource": resource}


PATIENT_ENTRY = {
    "fullUrl": PATIENT,
    "resource": {
        "resourceType": "Patient",
        "id": P,
        "identifier": [{"system": "urn:skin-recovery-tracker:profile-id", "value": P}],
        "active": True,
    },
}
SESSION_2 = procedure(S2, "ipl", IPL, "2026-11-01")
TINGLING = observation(
    "b21aef8f-80d5-5dc1-867f-e27178665f3c",
    S2,
    [coding("urn:skin-recovery-tracker:symptom", "tingling", "tingling")],
    "tingling",
    "2026-11-03",
    8,
    ("24484000", "Severe", "severe"),
)


def test_the_bundle_holds_the_patient_each_session_and_each_value_exactly() -> None:
    assert fhir_bundle(P, BUNDLES) == {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            PATIENT_ENTRY,
            procedure(
                S1,
                "ipl",
                IPL,
                "2026-11-01",
                bodySite=[{"text": "cheeks"}],
                note=[{"text": "first"}, {"text": "Follow-up visit: 2026-11-15"}],
                location={"display": "Skin Clinic"},
            ),
            observation(
                "0df7d451-46c2-5577-b569-7a6dd77ba66a",
                S1,
                [
                    coding("http://snomed.info/sct", "22253000", "Pain"),
                    coding(
                        "http://loinc.org",
                        "72514-3",
                        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                    ),
                    coding("urn:skin-recovery-tracker:symptom", "pain", "Pain or soreness"),
                ],
                "Pain or soreness",
                "2026-11-01",
                5,
                ("6736007", "Moderate", "moderate"),
                note=[{"text": "sharp"}],
            ),
            observation(
                "767fab12-8a7c-5dd1-96fc-0ded6114c757",
                S1,
                [coding("urn:skin-recovery-tracker:symptom", "dryness", "Dryness or tightness")],
                "Dryness or tightness",
                "2026-11-02",
                0,
                ("2667000", "Absent", "none"),
            ),
            SESSION_2,
            TINGLING,
            procedure(
                S3,
                "peel-medium",
                "Medium-depth chemical peel (e.g. TCA)",
                "2026-12-01",
                note=[{"text": "Follow-up visit: 2026-12-20"}],
            ),
        ],
    }


def test_one_session_alone_keeps_its_ids() -> None:
    assert fhir_bundle(P, BUNDLES, only_session=2)["entry"] == [PATIENT_ENTRY, SESSION_2, TINGLING]
    assert fhir_bundle(P, BUNDLES, only_session=9)["entry"] == [PATIENT_ENTRY]


# --- reading back -----------------------------------------------------------------------


def known_only() -> dict[str, Any]:
    document = fhir_bundle(P, BUNDLES)
    document["entry"] = [
        e for e in document["entry"] if e["resource"]["id"] != TINGLING["resource"]["id"]
    ]
    return document


def test_a_bundle_reads_back_into_its_sessions_and_values() -> None:
    assert (
        is_bundle(known_only()) and not is_bundle([]) and not is_bundle({"resourceType": "Patient"})
    )
    ipl = SessionKey(D, "ipl")
    assert parse_bundle(known_only(), TODAY) == FhirDocument(
        P,
        [
            FhirSession(
                ipl,
                {
                    "area": "cheeks",
                    "clinic": "Skin Clinic",
                    "notes": "first",
                    "follow_up": dt.date(2026, 11, 15),
                },
                [
                    ImportedEntry(2, ipl, D, "pain", 5, "sharp"),
                    ImportedEntry(3, ipl, D + dt.timedelta(1), "dryness", 0, None),
                ],
            ),
            FhirSession(ipl, {"area": None, "clinic": None, "notes": None, "follow_up": None}),
            FhirSession(
                SessionKey(dt.date(2026, 12, 1), "peel-medium"),
                {"area": None, "clinic": None, "notes": None, "follow_up": dt.date(2026, 12, 20)},
            ),
        ],
    )


def test_a_procedures_notes_and_an_observations_name_are_read_leniently() -> None:
    document = known_only()
    first = document["entry"][1]["resource"]
    first["note"] = [{"text": "one"}, "stray", {"text": ""}, {}, {"text": "two"}]
    first["location"] = "not an object"
    first["code"]["coding"].insert(0, "stray")
    first["code"]["coding"].insert(0, {"system": "other", "code": "x"})
    pain = document["entry"][2]["resource"]
    pain["code"] = {
        "coding": [{"system": "http://snomed.info/sct", "code": "22253000"}],
        "text": "Redness",
    }
    pain["note"] = [{"text": "warm"}]
    found = parse_bundle(document, TODAY).sessions[0]
    assert found.fields == {
        "area": "cheeks",
        "clinic": None,
        "notes": "one\ntwo",
        "follow_up": None,
    }
    assert (found.entries[0].symptom, found.entries[0].note) == ("redness", "warm")
    patient = document["entry"][0]["resource"]
    patient["identifier"] = ["x", {"system": "other", "value": "y"}, *patient["identifier"]]
    patient["identifier"][-1]["value"] = P.upper()
    assert parse_bundle(document, TODAY).patient_id == P


def damaged(change) -> str:  # type: ignore[no-untyped-def]
    """The refusal's words; malformed (2) but for a date in the future (refused, 1)."""
    document = copy.deepcopy(known_only())
    change(document)
    with pytest.raises(TrackerError) as refused:
        parse_bundle(document, TODAY)
    assert refused.value.kind == (
        REFUSED if "in the future" in refused.value.message else MALFORMED
    )
    return refused.value.message


def resource(document: dict[str, Any], index: int) -> dict[str, Any]:
    return document["entry"][index]["resource"]


NOT_OURS = (
    "not a bundle the tracker exported: it needs one Patient with an identifier in "
    "urn:skin-recovery-tracker:profile-id"
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(entry={}), '"entry" must be a list of objects with a "resource"'),
        (lambda d: d["entry"].append("x"), '"entry" must be a list of objects with a "resource"'),
        (
            lambda d: d["entry"].append({"resource": []}),
            '"entry" must be a list of objects with a "resource"',
        ),
        (lambda d: d.pop("entry"), NOT_OURS),
        (lambda d: d["entry"].pop(0), NOT_OURS),
        (lambda d: d["entry"].append(d["entry"][0]), NOT_OURS),
        (lambda d: resource(d, 0).pop("identifier"), NOT_OURS),
        (
            lambda d: resource(d, 0)["identifier"][0].update(value="abc"),
            "patient id 'abc' is not a UUID",
        ),
        (
            lambda d: resource(d, 1).update(subject={"reference": "urn:uuid:other"}),
            "entry[1]: its subject is not the bundle's Patient",
        ),
        (
            lambda d: resource(d, 1).pop("subject"),
            "entry[1]: its subject is not the bundle's Patient",
        ),
        (
            lambda d: resource(d, 2).update(subject="x"),
            "entry[2]: its subject is not the bundle's Patient",
        ),
        (
            lambda d: resource(d, 1).update(resourceType="Condition"),
            "entry[1]: a Condition resource: the tracker reads back only the bundles it exports",
        ),
        (
            lambda d: resource(d, 1)["code"].update(coding=[]),
            "entry[1]: the Procedure has no code in urn:skin-recovery-tracker:treatment-kind",
        ),
        (
            lambda d: resource(d, 1).update(code="ipl"),
            "entry[1]: the Procedure has no code in urn:skin-recovery-tracker:treatment-kind",
        ),
        (
            lambda d: resource(d, 1).update(performedDateTime="2026"),
            "entry[1]: performedDateTime '2026' is not a YYYY-MM-DD date",
        ),
        (
            lambda d: resource(d, 1).update(bodySite={"text": "x"}),
            "entry[1]: bodySite must be a list of objects",
        ),
        (
            lambda d: resource(d, 1).update(bodySite=["x"]),
            "entry[1]: bodySite must be a list of objects",
        ),
        (
            lambda d: resource(d, 1).update(note=[{"text": "Follow-up visit: soon"}]),
            "entry[1]: follow-up date 'soon' is not a YYYY-MM-DD date",
        ),
        (lambda d: resource(d, 2).pop("partOf"), "entry[2]: partOf must be a list of objects"),
        (lambda d: resource(d, 2).update(partOf=[]), "entry[2]: partOf must be a list of objects"),
        (
            lambda d: resource(d, 2).update(partOf=[{"reference": "urn:uuid:x"}]),
            "entry[2]: partOf 'urn:uuid:x' is not a Procedure listed before it",
        ),
        (
            lambda d: d["entry"].insert(1, d["entry"].pop(2)),
            f"entry[1]: partOf 'urn:uuid:{S1}' is not a Procedure listed before it",
        ),
        (
            lambda d: resource(d, 2).update(valueInteger=True),
            "entry[2]: valueInteger must be a whole number from 0 to 10",
        ),
        (
            lambda d: resource(d, 2).update(valueInteger="5"),
            "entry[2]: valueInteger must be a whole number from 0 to 10",
        ),
        (
            lambda d: resource(d, 2).pop("valueInteger"),
            "entry[2]: valueInteger must be a whole number from 0 to 10",
        ),
        (
            lambda d: resource(d, 2).update(valueInteger=11),
            "entry[2]: Severity for pain must be from 0 (none) to 10 (worst), not 11.",
        ),
        (
            lambda d: resource(d, 2).update(note={"text": "x"}),
            "entry[2]: note must be a list of objects",
        ),
        (
            lambda d: resource(d, 2).update(effectiveDateTime="2027-01-01"),
            "entry[2]: 2027-01-01 is in the future",
        ),
    ],
)
def test_a_damaged_bundle_is_refused_naming_the_entry(change, message: str) -> None:  # type: ignore[no-untyped-def]
    assert damaged(change) == message


@pytest.mark.parametrize("code", [{"coding": []}, "pain", None])
def test_an_observation_without_a_name_is_an_unknown_symptom(code: object) -> None:
    message = damaged(lambda d: resource(d, 2).update(code=code))
    assert message.startswith("entry[2]: Unknown symptom ''.")


def test_three_sessions_on_one_day_are_three_procedures() -> None:
    same = [SessionBundle(SessionRecord(n, D, "ipl")) for n in (1, 2, 3)]
    ids = [e["resource"]["id"] for e in fhir_bundle(P, same)["entry"][1:]]
    assert ids[:2] == [S1, S2] and len(set(ids)) == 3


def test_a_procedure_code_without_a_value_is_an_unknown_kind() -> None:
    message = damaged(lambda d: resource(d, 1)["code"]["coding"][0].pop("code"))
    assert message.startswith("entry[1]: Unknown treatment kind ''.")
