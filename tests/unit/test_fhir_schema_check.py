"""The FHIR checking helper itself: it accepts valid R4 and catches what a receiver would
refuse, against one type's definition."""

from __future__ import annotations

import json

import pytest

from tests.fhir_check import (
    SCHEMA_ID,
    SCHEMA_PATH,
    assert_valid,
    parse_model,
    resource_types,
    schema_errors,
    unresolved_references,
    validator_for,
)

PATIENT = {"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-02"}


def test_the_kept_schema_is_the_official_r4_one() -> None:
    document = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert document["id"] == SCHEMA_ID == "http://hl7.org/fhir/json-schema/4.0"
    assert {"PlanDefinition", "MedicationAdministration", "BodyStructure"} <= resource_types()
    assert len(resource_types()) == 146


def test_one_cached_validator_per_type() -> None:
    assert validator_for("Patient") is validator_for("Patient")
    assert validator_for("Patient") is not validator_for("Practitioner")
    assert validator_for("Patient").schema == {"$ref": f"{SCHEMA_ID}#/definitions/Patient"}


def test_valid_resource_passes_schema_and_model() -> None:
    assert schema_errors(PATIENT) == []
    assert_valid(PATIENT)
    assert parse_model(PATIENT).birthDate.isoformat() == "1980-01-02"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"birthDate": "1980-13-02"}, "birthDate"),
        ({"colour": "blue"}, "<root>"),
        ({"gender": "x"}, "gender"),
        ({"name": {"family": "Roe"}}, "name"),
    ],
)
def test_schema_errors_name_the_field(change: dict[str, object], where: str) -> None:
    errors = schema_errors({**PATIENT, **change})
    assert errors and errors[0].startswith(f"{where}:")


def test_unknown_resource_type_is_refused() -> None:
    with pytest.raises(AssertionError, match="not an R4 resource type"):
        schema_errors({"resourceType": "Patent"})


def test_bundle_entries_are_checked_by_their_own_type() -> None:
    bad = {"resourceType": "Patient", "birthDate": "yesterday"}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": "urn:uuid:9d5c9c58-3f57-4e7e-8f1e-000000000001", "resource": bad}],
    }
    with pytest.raises(AssertionError, match="birthDate"):
        assert_valid(bundle)


def test_unresolved_references_are_listed() -> None:
    url = "urn:uuid:9d5c9c58-3f57-4e7e-8f1e-000000000001"
    other = "urn:uuid:9d5c9c58-3f57-4e7e-8f1e-000000000002"
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": url, "resource": PATIENT},
            {
                "fullUrl": other,
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"text": "x"},
                    "subject": {"reference": url},
                    "performer": [{"reference": "urn:uuid:missing"}],
                },
            },
        ],
    }
    assert_valid(bundle)
    assert unresolved_references(bundle) == ["urn:uuid:missing"]


@pytest.mark.parametrize(
    "resource",
    [
        PATIENT,
        {"resourceType": "Patient", "bogus": 1},
        {"resourceType": "Patent"},
        {"birthDate": "1980-01-02"},
    ],
)
def test_resource_list_shortcut_gives_the_plain_verdict(resource: dict[str, object]) -> None:
    from jsonschema import Draft6Validator

    from tests.fhir_check import _registry

    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:9d5c9c58-3f57-4e7e-8f1e-000000000001", "resource": resource}
        ],
    }
    plain = Draft6Validator({"$ref": f"{SCHEMA_ID}#/definitions/Bundle"}, registry=_registry())
    assert plain.is_valid(bundle) == validator_for("Bundle").is_valid(bundle)
    assert plain.is_valid(bundle) == (resource is PATIENT)
