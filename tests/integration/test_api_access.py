"""Who may call what: every route against every role, and clinic A's credentials against
every URL of clinic B's records (nothing read, nothing changed)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from mesoplan.entrypoints.api.permissions import allowed, route_permissions

from .api_support import ROLES, Clinic, Seed, clinic_with_roles, login, make_client, seed_records
from .conftest import dump

pytestmark = pytest.mark.integration
MISSING = {
    "patient_id": 999999,
    "course_id": 999999,
    "session_id": 999999,
    "user_id": 999999,
    "key_id": 999999,
    "measurement_id": 999999,
    "reaction_id": 999999,
    "lot_id": 999999,
    "clinic_id": 999999,
    "ref": "no-such-protocol",
    "code": "NO-SUCH-VIAL",
    "zone_id": "no-such-zone",
    "job_id": "no-such-export-job-000",
    "file_name": "Patient.ndjson",
    "number": 1,
    "name": "no-such-product",
    "feed_id": 999999,
    "token": "mpc_no-such-feed",
}


def probes(client: Any) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(method, path, permission, request kwargs)`` of every route, with the example
    body of its OpenAPI operation."""
    doc = client.get("/openapi.json").json()
    out = []
    for method, path, perm in route_permissions(client.app):
        op = doc["paths"].get(path, {}).get(method.lower())
        if op is None:
            continue
        kwargs: dict[str, Any] = {}
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            kwargs["json"] = content["application/json"]["example"]
        elif "application/toml" in content:
            kwargs["content"] = content["application/toml"]["example"]
            kwargs["headers"] = {"Content-Type": "application/toml"}
        required = [p["name"] for p in op.get("parameters", []) if p.get("required")]
        if "reason" in required:
            kwargs["params"] = {"reason": "probe"}
        out.append((method, path, perm, kwargs))
    return out


def _call(client: Any, method: str, url: str, headers: dict[str, str], kw: dict[str, Any]) -> Any:
    headers = headers | kw.get("headers", {}) | {"If-Match": "*"}
    rest = {k: v for k, v in kw.items() if k != "headers"}
    return client.request(method, url, headers=headers, **rest)


def test_every_route_against_every_role(engine: Engine) -> None:
    client = make_client(engine)
    clinic = clinic_with_roles(client, engine, "m")
    checked = 0
    for method, path, perm, kw in probes(client):
        if perm == "public":
            continue
        url = path.format(**MISSING)
        for role in ROLES:
            headers = clinic.headers[role]
            if path == "/auth/logout":
                headers = login(client, f"m-{role.replace('_', '-')}")
            r = _call(client, method, url, headers, kw)
            assert r.status_code < 500, (method, path, role, r.text)
            if allowed(perm, role):
                assert r.status_code not in (401, 403), (method, path, role, r.text)
            else:
                assert r.status_code == 403, (method, path, role, r.status_code)
                assert r.headers["content-type"] == "application/problem+json"
            checked += 1
    assert checked >= 60 * len(ROLES)
    for method, path, perm, kw in probes(client):
        r = _call(client, method, path.format(**MISSING), {}, kw)
        expected = 401 if perm != "public" else r.status_code
        assert r.status_code == expected, (method, path)


def _b_ids(b: Clinic, seed: Seed) -> dict[str, Any]:
    return {
        "patient_id": seed.patient_id,
        "course_id": seed.course_id,
        "session_id": seed.session_id,
        "user_id": b.users["assistant"],
        "key_id": seed.key_id,
        "measurement_id": seed.measurement_id,
        "reaction_id": seed.reaction_id,
        "lot_id": seed.lot_id,
        "clinic_id": b.clinic_id,
        "ref": seed.protocol_ref,
        "code": seed.vial_code,
        "job_id": "no-such-export-job-000",
        "file_name": "Patient.ndjson",
        "number": 2,
        "name": "Tefamin",
        "feed_id": 999999,
    }


def _role_for(perm: str) -> str:
    return next(r for r in ROLES if allowed(perm, r))


def test_clinic_a_cannot_read_or_change_clinic_b(engine: Engine) -> None:
    client = make_client(engine)
    a = clinic_with_roles(client, engine, "a")
    b = clinic_with_roles(client, engine, "b")
    seed = seed_records(client, b)
    ids = _b_ids(b, seed)
    before = dump(engine)
    tried = 0
    for method, path, perm, kw in probes(client):
        if "{" not in path or "{zone_id}" in path or perm == "public":
            continue
        for sid in {seed.session_id, seed.signed_session_id} if "{session_id}" in path else {0}:
            url = path.format(**(ids | ({"session_id": sid} if sid else {})))
            r = _call(client, method, url, a.headers[_role_for(perm)], kw)
            assert r.status_code == 404, (method, url, r.status_code, r.text)
            assert str(seed.patient_id) not in r.text or "unknown" in r.text
            tried += 1
    assert tried >= 40
    dr = a.headers["practitioner"]
    r = client.get("/recall", params={"lot_number": seed.lot_number}, headers=dr)
    assert r.status_code == 404
    for url in (
        f"/courses?patient_id={seed.patient_id}",
        f"/sessions?course_id={seed.course_id}",
        f"/reactions?patient_id={seed.patient_id}",
        f"/patients/{seed.patient_id}/measurements",
    ):
        r = client.get(url, headers=dr)
        assert r.status_code in (200, 404) and not r.json().get("items"), url
    assert client.get("/patients", headers=dr).json()["items"] == []
    assert client.get("/stock/lots", headers=dr).json()["items"] == []
    assert [c["id"] for c in client.get("/clinics", headers=dr).json()["items"]] == [a.clinic_id]
    assert dump(engine) == before
    mine = client.get("/patients", headers=b.headers["practitioner"]).json()["items"]
    assert [p["id"] for p in mine] == [seed.patient_id]
