"""FHIR over HTTP on SQLite and PostgreSQL: a patient's $everything Bundle validates and
resolves, stays inside the clinic, and the asynchronous $export runs to a manifest whose
NDJSON files validate line by line and hold only the caller's clinic."""

from __future__ import annotations

import json
import threading
import time
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine

from mesoplan.config import Settings
from mesoplan.entrypoints.api import ApiSettings, create_app
from mesoplan.entrypoints.api.permissions import allowed
from tests.fhir_check import assert_valid, unresolved_references

from .api_support import CHEAP, ROLES, ZONES, Clinic, Seed, clinic_with_roles, seed_records

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration
ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}
PROBLEM = "application/problem+json"


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> tuple[TestClient, Clinic, Seed, Clinic, Seed]:
    """Two tiny clinics, each with one patient's records; exports go under tmp_path."""
    app = create_app(Settings(data_dir=tmp_path), ApiSettings(passwords=CHEAP), engine=engine)
    client = TestClient(app, raise_server_exceptions=False)
    a = clinic_with_roles(client, engine, "a")
    b = clinic_with_roles(client, engine, "b")
    return client, a, seed_records(client, a), b, seed_records(client, b)


def _poll(client: TestClient, url: str, headers: dict[str, str]) -> Any:
    progress = []
    for _ in range(600):
        r = client.get(url, headers=headers)
        if r.status_code != 202:
            return r, progress
        progress.append(r.headers["X-Progress"])
        time.sleep(0.05)
    raise AssertionError("the export did not finish in 30 s")


def test_everything_validates_resolves_and_stays_in_the_clinic(world: Any) -> None:
    client, a, seed, _, b_seed = world
    url = f"/fhir/Patient/{seed.patient_id}/$everything"
    r = client.get(url, headers=a.headers["auditor"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    assert_valid(bundle)
    assert unresolved_references(bundle) == []
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    expected = {"Patient", "Organization", "CarePlan", "Procedure", "MedicationAdministration"}
    assert expected | {"AdverseEvent", "Observation", "Provenance"} <= kinds
    assert b_seed.patient_id != seed.patient_id and "b-Rossi" not in r.text
    for role in ROLES:
        r = client.get(url, headers=a.headers[role])
        assert r.status_code == (200 if allowed("records:read", role) else 403), role
    other = client.get(f"/fhir/Patient/{b_seed.patient_id}/$everything", headers=a.headers["admin"])
    assert other.status_code == 404 and other.headers["content-type"] == PROBLEM
    assert "b-Rossi" not in other.text


def test_bulk_export_kick_off_poll_fetch_delete(world: Any) -> None:
    client, a, _, b, b_seed = world
    auditor = a.headers["auditor"]
    own = {"protocol": "b-cellulite", "zones": ZONES, "start_date": "2025-03-10"}
    url = f"/patients/{b_seed.patient_id}/courses"
    assert client.post(url, json=own, headers=b.headers["practitioner"]).status_code == 201
    r = client.get("/fhir/$export", headers=auditor)
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM
    assert "respond-async" in r.json()["detail"]
    for role in ROLES:
        r = client.get("/fhir/$export", headers=a.headers[role])  # no Prefer: 400 or 403
        assert r.status_code == (400 if allowed("fhir:export", role) else 403), role
    assert not allowed("fhir:export", "assistant") and allowed("fhir:export", "auditor")
    r = client.get("/fhir/$export", headers=auditor | ASYNC)
    assert r.status_code == 202, r.text
    status_url = r.headers["Content-Location"]
    assert status_url.startswith("http") and "/fhir/$export/" in status_url
    done, _ = _poll(client, status_url, auditor)
    assert done.status_code == 200, done.text
    manifest = done.json()
    assert manifest["request"].endswith("/fhir/$export") and manifest["error"] == []
    assert manifest["requiresAccessToken"] is True and manifest["transactionTime"]
    types = {o["type"] for o in manifest["output"]}
    assert {"Organization", "Patient", "Procedure", "MedicationAdministration"} <= types
    lines = _fetch_all(client, manifest, auditor)
    assert sum(o["count"] for o in manifest["output"]) == len(lines)
    text = "\n".join(json.dumps(r) for r in lines)
    assert "a-Rossi" in text and "a-TF1" in text and "a practitioner" in text
    leaked = ("b-Rossi", "Clinic b", "b-TF1", "b practitioner", "b-cellulite")
    assert [word for word in leaked if word in text] == []
    patients = [r for r in lines if r["resourceType"] == "Patient"]
    assert len(patients) == 1 and "a-0001" in json.dumps(patients[0]["identifier"])
    b_kick = client.get("/fhir/$export", headers=b.headers["auditor"] | ASYNC)
    b_done, _ = _poll(client, b_kick.headers["Content-Location"], b.headers["auditor"])
    assert b_done.status_code == 200
    b_plans = client.get(
        next(o["url"] for o in b_done.json()["output"] if o["type"] == "PlanDefinition"),
        headers=b.headers["auditor"],
    ).text
    assert "b-cellulite" in b_plans and "a-Rossi" not in b_plans
    # clinic B sees nothing of it; then the owner removes it
    assert client.get(status_url, headers=b.headers["auditor"]).status_code == 404
    assert client.delete(status_url, headers=b.headers["admin"]).status_code == 404
    assert client.delete(status_url, headers=a.headers["admin"]).status_code == 202
    gone = client.get(status_url, headers=auditor)
    assert gone.status_code == 404 and gone.headers["content-type"] == PROBLEM
    assert client.get(manifest["output"][0]["url"], headers=auditor).status_code == 404


def _fetch_all(client: TestClient, manifest: Any, headers: dict[str, str]) -> list[Any]:
    lines: list[Any] = []
    for item in manifest["output"]:
        assert client.get(item["url"]).status_code == 401  # the files need the token
        r = client.get(item["url"], headers=headers)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/fhir+ndjson")
        found = [json.loads(line) for line in r.text.splitlines()]
        assert len(found) == item["count"]
        for resource in found:
            assert resource["resourceType"] == item["type"]
            assert_valid(resource)
        lines += found
    return lines


def test_a_running_export_reports_progress_and_can_be_cancelled(world: Any) -> None:
    client, a, *_ = world
    admin = a.headers["admin"]
    r = client.get("/fhir/$export", headers=admin | ASYNC)
    assert r.status_code == 202
    url = r.headers["Content-Location"]
    assert client.delete(url, headers=admin).status_code == 202
    assert client.get(url, headers=admin).status_code == 404
    assert client.get(url.rsplit("/", 1)[0] + "/not-a-job", headers=admin).status_code == 404


def test_a_job_reports_progress_while_it_runs_and_stops_when_removed(tmp_path: Path) -> None:
    from mesoplan.entrypoints.api.fhir_jobs import CHECK_EVERY, JobStore

    release, stopped = threading.Event(), threading.Event()

    def export(_uow: Any, folder: Path, progress: Any) -> dict[str, Any]:
        try:
            for n in range(10 * CHECK_EVERY):
                if n == 2 * CHECK_EVERY:
                    release.wait(10)
                progress({"resourceType": "Patient"})
        finally:
            stopped.set()
        raise AssertionError("not cancelled")

    store = JobStore(tmp_path)
    job_id = store.start(SimpleNamespace(clinic_id=7), {"total": 4 * CHECK_EVERY}, export)
    for _ in range(200):
        job = store.get(7, job_id)
        if job is not None and job.state["written"] == 2 * CHECK_EVERY:
            break
        time.sleep(0.01)
    assert job is not None and job.status == "running"
    assert job.progress() == f"50% ({2 * CHECK_EVERY} of about {4 * CHECK_EVERY} resources)"
    assert store.get(8, job_id) is None and store.get(7, "../7") is None
    assert store.running(7) == [job_id] and store.running(8) == []
    assert store.remove(7, job_id)
    release.set()
    assert stopped.wait(10)
    time.sleep(0.05)
    assert store.get(7, job_id) is None and not (tmp_path / "7" / job_id).exists()


def test_type_filter_one_running_export_per_clinic_and_a_dead_job(
    world: Any, tmp_path: Path
) -> None:
    client, a, *_ = world
    md = a.headers["medical_director"]
    r = client.get("/fhir/$export", params={"_type": "Patient,Procedure"}, headers=md | ASYNC)
    assert r.status_code == 202, r.text
    done, _ = _poll(client, r.headers["Content-Location"], md)
    assert {o["type"] for o in done.json()["output"]} == {"Patient", "Procedure"}
    bad = client.get("/fhir/$export", params={"_type": "patient;drop"}, headers=md | ASYNC)
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    # a job of the clinic still running (its state written a moment ago): 429
    job_id = "x" * 24
    folder = tmp_path / "exports" / str(a.clinic_id) / job_id
    folder.mkdir(parents=True)
    state = {"status": "running", "written": 10, "total": 40, "request": "r"}
    (folder / "job.json").write_text(json.dumps(state | {"heartbeat": time.time()}))
    busy = client.get("/fhir/$export", headers=md | ASYNC)
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "30"
    status = client.get(f"/fhir/$export/{job_id}", headers=md)
    assert status.status_code == 202 and status.headers["X-Progress"].startswith("25% (10 of")
    # its process died: silent for long, it is reported failed and no longer blocks
    (folder / "job.json").write_text(json.dumps(state | {"heartbeat": time.time() - 3600}))
    dead = client.get(f"/fhir/$export/{job_id}", headers=md)
    assert dead.status_code == 500 and "process" in dead.json()["detail"]
    again = client.get("/fhir/$export", headers=md | ASYNC)
    assert again.status_code == 202
    assert _poll(client, again.headers["Content-Location"], md)[0].status_code == 200
