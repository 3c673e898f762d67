"""Record-level resources from a made-up patient history: valid R4, codes as documented,
a Bundle whose references all resolve, and bulk NDJSON with its manifest."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mesoplan.adapters.fhir.bulk import write_bulk
from mesoplan.adapters.fhir.export import MemorySource, export_resources, records_bundle
from mesoplan.adapters.fhir.people import gender
from mesoplan.adapters.fhir.refs import Refs
from tests.fhir_check import assert_valid, parse_model, unresolved_references
from tests.fhir_sample import History, cellulite_history

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def source(history: History) -> MemorySource:
    h = history
    return MemorySource(
        [h.clinic],
        h.practitioners,
        [h.patient],
        h.zones,
        [h.course],
        h.sessions,
        h.uses,
        h.measurements,
        h.reactions,
        h.signatures,
        h.histories,
        h.overrides,
    )


@pytest.fixture(scope="module")
def resources() -> list[dict[str, Any]]:
    return [r for _, r in export_resources(source(cellulite_history()), Refs())]


def of_type(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["resourceType"] == kind]


def test_every_resource_is_valid_r4(resources: list[dict[str, Any]]) -> None:
    for resource in resources:
        assert_valid(resource)
    assert Counter(r["resourceType"] for r in resources) == {
        "Organization": 1,
        "Practitioner": 2,
        "Patient": 1,
        "PlanDefinition": 1,
        "BodyStructure": 2,
        "CarePlan": 1,
        "Procedure": 3,
        "MedicationAdministration": 6,
        "Observation": 5,
        "AdverseEvent": 2,
        "Provenance": 5,
        "AllergyIntolerance": 1,
        "MedicationStatement": 1,
        "Consent": 1,
        "DetectedIssue": 1,
    }


def test_medication_administration_carries_lot_expiry_route_and_dose(
    resources: list[dict[str, Any]],
) -> None:
    first = of_type(resources, "MedicationAdministration")[0]
    medication = first["contained"][0]
    assert first["medicationReference"] == {"reference": "#" + medication["id"]}
    assert medication["batch"] == {"lotNumber": "TF2291", "expirationDate": "2027-06-30"}
    assert first["dosage"]["route"]["coding"][0]["code"] == "372464004"
    assert first["dosage"]["dose"] == {
        "value": 1.5,
        "unit": "mL",
        "system": "http://unitsofmeasure.org",
        "code": "mL",
    }
    assert first["dosage"]["site"]["text"] == "Left thigh, front, Stomach"
    procedure_id = of_type(resources, "Procedure")[0]["id"]
    assert first["partOf"] == [{"reference": f"Procedure/{procedure_id}"}]
    model = parse_model(first)
    assert model.contained[0].batch.lotNumber == "TF2291"


def test_procedure_names_sites_performer_outcome_and_course(
    resources: list[dict[str, Any]],
) -> None:
    proc = of_type(resources, "Procedure")[0]
    care_plan = of_type(resources, "CarePlan")[0]
    assert proc["basedOn"] == [{"reference": f"CarePlan/{care_plan['id']}"}]
    assert [c["coding"][0]["code"] for c in proc["bodySite"]] == ["61248009", "818981001"]
    assert proc["outcome"]["text"].startswith("session 1: 41 of 43 planned points injected")
    assert proc["performedPeriod"]["start"] == "2026-03-02T09:00:00+01:00"
    zones = of_type(resources, "BodyStructure")
    assert [e["valueReference"]["reference"] for e in proc["extension"]] == [
        f"BodyStructure/{z['id']}" for z in zones
    ]
    attached = base64.b64decode(zones[0]["image"][0]["data"]).decode()
    assert json.loads(attached) == {"x_cm": [1.0, 3.0]}


def test_observations_use_loinc_snomed_or_the_local_system(
    resources: list[dict[str, Any]],
) -> None:
    thigh, waist, stage, photo, screening = of_type(resources, "Observation")
    answers = {c["code"]["coding"][0]["code"]: c["valueBoolean"] for c in screening["component"]}
    assert answers["antiplatelets"] is True and answers["pregnant"] is False
    assert thigh["code"]["coding"][0]["code"] == "thigh_circumference_cm"
    assert thigh["code"]["coding"][1]["code"] == "413171006"
    assert thigh["valueQuantity"]["value"] == 58.5
    assert thigh["component"][0]["valueQuantity"]["value"] == 18
    assert waist["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "8280-0",
        "display": "Waist Circumference at umbilicus by Tape measure",
    }
    assert stage["valueInteger"] == 2
    assert stage["interpretation"][0]["text"] == "visible standing, not lying down"
    assert photo["valueString"] == "photos/7/front.jpg"


def test_adverse_events_and_provenance(resources: list[dict[str, Any]]) -> None:
    redness, nodule = of_type(resources, "AdverseEvent")
    assert redness["severity"]["coding"][0]["code"] == "mild"
    assert redness["outcome"]["coding"][0]["code"] == "resolved"
    assert nodule["outcome"]["coding"][0]["code"] == "ongoing"
    assert redness["extension"][0]["valueDuration"]["value"] == 1800
    codes = [p["signature"][0]["type"][0]["code"] for p in of_type(resources, "Provenance")]
    assert codes[-2:] == ["1.2.840.10065.1.12.1.5", "1.2.840.10065.1.12.1.15"]


def test_patient_bundle_resolves_every_reference() -> None:
    bundle = records_bundle(source(cellulite_history(sessions=1)), NOW)
    assert_valid(bundle)
    assert unresolved_references(bundle) == []
    assert all(e["fullUrl"] == "urn:uuid:" + e["resource"]["id"] for e in bundle["entry"])
    assert bundle["timestamp"] == "2026-06-01T12:00:00+00:00"
    again = records_bundle(source(cellulite_history(sessions=1)), NOW)
    assert again == bundle


def test_scope_keeps_two_databases_apart() -> None:
    assert Refs(scope="a").id("Patient", "1") != Refs(scope="b").id("Patient", "1")
    assert Refs().url("Patient", "1").startswith("Patient/")
    assert Refs(mode="urn").url("Patient", "1").startswith("urn:uuid:")


@pytest.mark.parametrize(("sex", "fhir"), [("F", "female"), ("male", "male"), ("x", "unknown")])
def test_gender(sex: str, fhir: str) -> None:
    assert gender(sex) == fhir


def test_bulk_ndjson_files_and_manifest(tmp_path: Path) -> None:
    resources = (r for _, r in export_resources(source(cellulite_history()), Refs()))
    seen: list[str] = []
    manifest = write_bulk(
        tmp_path / "out",
        resources,
        transaction_time=NOW,
        request="mesoplan export fhir --all",
        progress=lambda r: seen.append(r["resourceType"]),
    )
    assert manifest["transactionTime"] == "2026-06-01T12:00:00+00:00"
    assert manifest["requiresAccessToken"] is False and manifest["error"] == []
    outputs = {o["type"]: o for o in manifest["output"]}
    assert outputs["MedicationAdministration"] == {
        "type": "MedicationAdministration",
        "url": "MedicationAdministration.ndjson",
        "count": 6,
    }
    assert sum(o["count"] for o in manifest["output"]) == len(seen) == 33
    ids = set()
    for output in manifest["output"]:
        lines = (tmp_path / "out" / output["url"]).read_text(encoding="utf-8").splitlines()
        assert len(lines) == output["count"]
        for line in lines:
            resource = json.loads(line)
            assert resource["resourceType"] == output["type"]
            assert_valid(resource)
            ids.add(f"{resource['resourceType']}/{resource['id']}")
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    procedure = json.loads((tmp_path / "out" / "Procedure.ndjson").read_text().splitlines()[0])
    assert procedure["subject"]["reference"] in ids


def test_stable_uuid_is_uuid5() -> None:
    import uuid

    from mesoplan.adapters.fhir.datatypes import _NAMESPACE, stable_uuid

    for parts in [("", "Patient", "1"), ("x" * 300, "é", "3")]:
        assert stable_uuid(*parts) == str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def test_stored_calendar_gives_the_same_actions_as_apply() -> None:
    from dataclasses import replace

    from mesoplan.adapters.fhir.sessions import course_care_plan
    from mesoplan.adapters.schedule_json import schedule_json

    course = cellulite_history().course
    assert course.schedule is not None
    live = course_care_plan(course, Refs())
    stored = course_care_plan(
        replace(course, schedule=None, schedule_doc=schedule_json(course.schedule)), Refs()
    )
    assert_valid(stored)
    for a, b in zip(live["contained"][0]["action"], stored["contained"][0]["action"], strict=True):
        assert a["id"] == b["id"] and a["title"] == b["title"] and a["code"] == b["code"]
        assert a["timingDateTime"][:10] == b["timingDateTime"][:10]
    assert stored["instantiatesCanonical"] == live["instantiatesCanonical"]


def test_the_benchmark_clinic_exports_valid_resources(tmp_path: Path) -> None:
    import importlib.util
    import sys

    from mesoplan import builtin_protocols

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "fhir_export.py"
    spec = importlib.util.spec_from_file_location("fhir_export_benchmark", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up
    spec.loader.exec_module(bench)
    clinic = bench.GeneratedClinic(20, builtin_protocols()["cellulite"])
    assert bench.export(clinic, tmp_path) == 108
    for file in tmp_path.glob("*.ndjson"):
        for line in file.read_text(encoding="utf-8").splitlines():
            assert_valid(json.loads(line))
