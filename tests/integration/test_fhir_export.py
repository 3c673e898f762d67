"""FHIR export from the records database (SQLite and PostgreSQL): a patient's Bundle
resolves and validates; bulk NDJSON holds every live record, validated line by line."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from mesoplan.domain.outcomes import Measurement
from mesoplan.domain.record_errors import NotFoundError
from mesoplan.services import fhir_export, measurements, reactions, sessions, signing
from mesoplan.services.sessions import SessionInput, UseInput
from mesoplan.services.unit_of_work import UnitOfWork
from tests.fhir_check import assert_valid, unresolved_references

from .conftest import Clock, dump
from .records_factory import (
    DIRECTOR,
    DR,
    add_patient,
    setup_clinic,
    start_course,
    two_lot_mix,
    world,
)

ONSET = datetime(2025, 3, 3, 11, 0, tzinfo=UTC)
WATER = SessionInput(diluent=UseInput("Water for injection", "WFI-9", 6.5, "VW"), notes="fine")


def history(uow: UnitOfWork, clock: Clock) -> tuple[int, int]:
    """One patient with a signed, co-signed and amended session, a second session, a
    reaction and two measurements; a second patient with a course and nothing else."""
    w = world(uow)
    first = sessions.record_session(uow, DR, w.course_id, two_lot_mix(), details=WATER)
    signing.sign_session(uow, DR, first.id)
    signing.cosign_session(uow, DIRECTOR, first.id)
    signing.add_addendum(uow, DR, first.id, "Called the patient: no bruising.")
    clock.advance(days=7)
    sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    clock.advance(days=2)
    reactions.record_reaction(
        uow, DR, first.id, "redness", "thigh-left-lateral", ONSET, "mild", 2880, True
    )
    taken = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
    measurements.record_measurement(
        uow,
        DR,
        w.patient_id,
        Measurement("thigh_circumference_cm", taken, 58.0, "left", 18.0),
        w.course_id,
    )
    measurements.record_measurement(uow, DR, w.patient_id, Measurement("gais", taken, 3))
    other = add_patient(uow, "Otherpatient")
    start_course(uow, other)
    return w.patient_id, other


def kinds(resources: list[dict[str, Any]]) -> Counter[str]:
    return Counter(r["resourceType"] for r in resources)


def test_patient_bundle_resolves_and_validates(
    uow: UnitOfWork, clock: Clock, engine: Engine
) -> None:
    patient_id, _ = history(uow, clock)
    before = dump(engine)
    bundle = fhir_export.patient_bundle(uow, patient_id)
    assert dump(engine) == before
    assert_valid(bundle)
    assert unresolved_references(bundle) == []
    resources = [e["resource"] for e in bundle["entry"]]
    assert kinds(resources) == {
        "Organization": 1, "Practitioner": 3, "Patient": 1, "PlanDefinition": 1,
        "BodyStructure": 2, "CarePlan": 1, "Procedure": 2, "MedicationAdministration": 7,
        "Observation": 3, "AdverseEvent": 1, "Provenance": 3, "Consent": 1,
    }  # fmt: skip
    screening = next(
        r for r in resources
        if r["resourceType"] == "Observation" and r["code"]["text"] == "safety screening"
    )  # fmt: skip
    answers = {c["code"]["text"]: c["valueBoolean"] for c in screening["component"]}
    assert len(answers) == 8 and answers["pregnant"] is False
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    assert patient["name"][0]["family"] == "Testpatient"
    assert patient["identifier"] == [{"system": "clinic-mrn", "value": "MRN-Testpatient"}]
    lots = sorted(
        (r["contained"][0]["batch"]["lotNumber"], r["contained"][0]["batch"]["expirationDate"])
        for r in resources
        if r["resourceType"] == "MedicationAdministration"
    )
    assert lots[:3] == [("CN-77", "2026-03-31"), ("CN-77", "2026-03-31"), ("TF-A1", "2026-01-31")]
    doses = [
        r["dosage"]["dose"]["value"]
        for r in resources
        if r["resourceType"] == "MedicationAdministration"
    ]
    assert sorted(doses) == [0.75, 0.75, 0.75, 0.75, 2, 2, 6.5]
    outcomes = sorted(r["outcome"]["text"] for r in resources if r["resourceType"] == "Procedure")
    assert outcomes == [
        "session 1: 50 of 50 planned points injected, 10.000 mL delivered",
        "session 2: 50 of 50 planned points injected, 10.000 mL delivered (chart not signed)",
    ]
    care_plan = next(r for r in resources if r["resourceType"] == "CarePlan")
    actions = care_plan["contained"][0]["action"]
    assert actions[0]["timingDateTime"] == "2025-03-03T10:00:00+01:00"
    signatures = Counter(
        r["signature"][0]["type"][0]["display"]
        for r in resources
        if r["resourceType"] == "Provenance"
    )
    assert signatures == {
        "Author's Signature": 1, "Verification Signature": 1, "Addendum Signature": 1
    }  # fmt: skip


def test_unknown_patient_is_a_clear_error(uow: UnitOfWork, clock: Clock) -> None:
    history(uow, clock)
    with pytest.raises(NotFoundError):
        fhir_export.patient_bundle(uow, 999)


def test_bulk_export_writes_every_record(uow: UnitOfWork, clock: Clock, tmp_path: Path) -> None:
    history(uow, clock)
    seen: list[str] = []
    manifest = fhir_export.bulk_export(uow, tmp_path / "bulk", seen.append)
    counts = {o["type"]: o["count"] for o in manifest["output"]}
    assert counts == {
        "AdverseEvent": 1, "BodyStructure": 4, "CarePlan": 2, "MedicationAdministration": 7,
        "Observation": 4, "Organization": 1, "Patient": 2, "PlanDefinition": 1,
        "Practitioner": 3, "Procedure": 2, "Provenance": 3, "Consent": 2,
    }  # fmt: skip
    assert len(seen) == sum(counts.values())
    assert fhir_export.record_count(uow) >= sum(counts.values()) - counts["BodyStructure"] - 2
    ids: set[str] = set()
    refs: set[str] = set()
    for output in manifest["output"]:
        for line in (tmp_path / "bulk" / output["url"]).read_text(encoding="utf-8").splitlines():
            resource = json.loads(line)
            assert_valid(resource)
            ids.add(f"{resource['resourceType']}/{resource['id']}")
            refs.update(_references(resource))
    assert refs <= ids, sorted(refs - ids)[:5]
    on_disk = json.loads((tmp_path / "bulk" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["request"] == "mesoplan export fhir --all"


def _references(node: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str) and not value.startswith("#"):
                out.add(value)
            else:
                out |= _references(value)
    elif isinstance(node, list):
        for item in node:
            out |= _references(item)
    return out


def test_csv_export_per_record_type(uow: UnitOfWork, clock: Clock, tmp_path: Path) -> None:
    import csv

    from mesoplan.services import csv_export

    patient_id, _ = history(uow, clock)
    allergic = add_patient(uow, "Allergic", allergies=("sulfite",))
    start_course(uow, allergic, overrides={"allergy": "sulfite-free tefamine"})
    bundle = fhir_export.patient_bundle(uow, allergic)
    (allergy,) = [
        e["resource"] for e in bundle["entry"]
        if e["resource"]["resourceType"] == "AllergyIntolerance"
    ]  # fmt: skip
    assert allergy["code"] == {"text": "sulfite"}
    assert_valid(bundle)
    counts = csv_export.export_csv_folder(uow, tmp_path / "csv")
    assert counts == {
        "patients": 3, "practitioners": 3, "courses": 3, "sessions": 2, "product-uses": 7,
        "measurements": 2, "reactions": 1, "signatures": 3, "histories": 3, "overrides": 1,
    }  # fmt: skip
    with (tmp_path / "csv" / "overrides.csv").open(encoding="utf-8") as f:
        (override,) = list(csv.DictReader(f))
    assert override["patient_id"] == str(allergic) and override["code"] == "allergy"
    assert override["reason"] == "sulfite-free tefamine"
    with (tmp_path / "csv" / "histories.csv").open(encoding="utf-8") as f:
        last = list(csv.DictReader(f))[-1]
    assert last["allergies"] == "sulfite" and last["pregnant"] == "False"
    with (tmp_path / "csv" / "product-uses.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["lot_number"] == "TF-A1" and rows[0]["expiry_date"] == "2026-01-31"
    assert rows[0]["vial"] == "VA" and rows[0]["volume_ml"] == "0.75"
    assert rows[0]["route"] == "intradermal" and rows[0]["provides"] == "tefamine"
    with (tmp_path / "csv" / "sessions.csv").open(encoding="utf-8") as f:
        sessions_rows = list(csv.DictReader(f))
    assert [r["points_done"] for r in sessions_rows] == ["50", "50"]
    assert [r["signed"] for r in sessions_rows] == ["True", "False"]
    one = tmp_path / "one.csv"
    with one.open("w", encoding="utf-8", newline="") as out:
        assert csv_export.export_csv(uow, "patients", out, patient_id) == 1
    assert "Testpatient" in one.read_text(encoding="utf-8")


def test_csv_cells_that_start_like_formulas_are_neutralised(uow: UnitOfWork) -> None:
    import csv
    import io

    from mesoplan.services import csv_export

    setup_clinic(uow)
    families = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "Ok"]
    for family in families:
        add_patient(uow, family)
    out = io.StringIO()
    assert csv_export.export_csv(uow, "patients", out) == len(families)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["family_name"] for r in rows] == ["'" + f for f in families[:-1]] + ["Ok"]
    assert rows[0]["identifiers"] == 'clinic-mrn=MRN-=HYPERLINK("http://x","y")'


def test_skipped_points_lower_the_exported_outcome(uow: UnitOfWork) -> None:
    from mesoplan.domain.charting_points import PointChange, PointStatus

    w = world(uow)
    skips = [PointChange(f"thigh-left-lateral:{i}", PointStatus.SKIPPED) for i in range(5)]
    sessions.record_session(uow, DR, w.course_id, two_lot_mix(), changes=skips)
    bundle = fhir_export.patient_bundle(uow, w.patient_id)
    (procedure,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"
    ]
    assert procedure["outcome"]["text"] == (
        "session 1: 45 of 50 planned points injected, 9.000 mL delivered (chart not signed)"
    )


def test_deleted_patients_leave_nothing_behind_and_overrides_are_detected_issues(
    uow: UnitOfWork, clock: Clock, tmp_path: Path
) -> None:
    from mesoplan.services import patients

    patient_id, other = history(uow, clock)
    patients.delete_patient(uow, DR, patient_id, "duplicate record")
    allergic = add_patient(uow, "Allergic", allergies=("sulfite",))
    start_course(uow, allergic, overrides={"allergy": "sulfite-free tefamine"})
    manifest = fhir_export.bulk_export(uow, tmp_path / "bulk")
    counts = {o["type"]: o["count"] for o in manifest["output"]}
    assert counts["Patient"] == 2 and counts["CarePlan"] == 2
    assert "Procedure" not in counts and "MedicationAdministration" not in counts
    ids: set[str] = set()
    refs: set[str] = set()
    issues = []
    for output in manifest["output"]:
        for line in (tmp_path / "bulk" / output["url"]).read_text(encoding="utf-8").splitlines():
            resource = json.loads(line)
            ids.add(f"{resource['resourceType']}/{resource['id']}")
            refs.update(_references(resource))
            if resource["resourceType"] == "DetectedIssue":
                assert_valid(resource)
                issues.append(resource)
    assert refs <= ids, sorted(refs - ids)[:5]
    (issue,) = issues
    assert issue["code"]["coding"][0]["code"] == "allergy"
    assert issue["mitigation"][0]["action"]["text"] == "overridden: sulfite-free tefamine"
    assert issue["implicated"][0]["reference"].startswith("CarePlan/")
    assert other != allergic
