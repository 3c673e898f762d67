"""Builders for the API tests: an app on a test database, a clinic with one user per
role, and a full set of records made through HTTP."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from mesoplan.config import Settings
from mesoplan.entrypoints.api import ApiSettings, create_app
from mesoplan.protocols import export_builtin_text
from mesoplan.services.accounts import NewUser, PasswordPolicy, open_clinic
from mesoplan.services.unit_of_work import UnitOfWork

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROLES = ("admin", "medical_director", "practitioner", "assistant", "auditor")
CHEAP = PasswordPolicy(time_cost=1, memory_cost_kib=8, parallelism=1)
PASSWORD = "password-1234"
ZONES = ["thigh-left-lateral", "thigh-right-lateral"]


def make_client(engine: Engine) -> TestClient:
    app = create_app(Settings(), ApiSettings(passwords=CHEAP), engine=engine)
    return TestClient(app, raise_server_exceptions=False)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Clinic:
    """A clinic's id, its users' ids and headers by role."""

    prefix: str
    clinic_id: int
    users: dict[str, int] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


def login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return bearer(r.json()["access_token"])


def clinic_with_roles(client: TestClient, engine: Engine, prefix: str) -> Clinic:
    admin = NewUser(f"{prefix}-admin", f"{prefix} Admin", "admin", PASSWORD)
    view = open_clinic(
        UnitOfWork.from_engine(engine), f"Clinic {prefix}", "Europe/Rome", admin, CHEAP
    )
    c = Clinic(prefix, 0, {"admin": view.id}, {"admin": login(client, admin.username)})
    for role in ROLES[1:]:
        body = {"username": f"{prefix}-{role.replace('_', '-')}", "name": f"{prefix} {role}"}
        body |= {"role": role, "password": PASSWORD}
        r = client.post("/users", json=body, headers=c.headers["admin"])
        assert r.status_code == 201, r.text
        c.users[role] = r.json()["id"]
        c.headers[role] = login(client, body["username"])
    c.clinic_id = _clinic_id(client, c.headers["admin"])
    return c


def _clinic_id(client: TestClient, headers: dict[str, str]) -> int:
    return int(client.get("/clinics", headers=headers).json()["items"][0]["id"])


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(at: datetime) -> str:
    return at.isoformat()


def clinic_protocol_text(protocol_id: str) -> str:
    return export_builtin_text("cellulite").replace('id = "cellulite"', f'id = "{protocol_id}"', 1)


@dataclass
class Seed:
    patient_id: int
    course_id: int
    signed_session_id: int
    session_id: int
    reaction_id: int
    measurement_id: int
    lot_id: int
    lot_number: str
    vial_code: str
    key_id: int
    protocol_ref: str
    extra: dict[str, Any] = field(default_factory=dict)


def _ok(r: Any, status: int = 201) -> dict[str, Any]:
    assert r.status_code == status, r.text
    data: dict[str, Any] = r.json()
    return data


def seed_records(client: TestClient, c: Clinic) -> Seed:
    """A patient with a course, a signed and an unsigned session, a reaction, a
    measurement, stock, an API key and a clinic protocol: all through HTTP."""
    dr, front, md = c.headers["practitioner"], c.headers["assistant"], c.headers["medical_director"]
    p = c.prefix
    consent = iso(now() - timedelta(days=20))
    patient = _ok(
        client.post(
            "/patients",
            json={
                "family_name": f"{p}-Rossi",
                "given_name": "Maria",
                "birth_date": "1985-04-02",
                "sex": "female",
                "identifiers": {"urn:mrn": f"{p}-0001"},
                "history": {"consent_given_at": consent},
            },
            headers=front,
        )
    )
    expiry = (date.today() + timedelta(days=365)).isoformat()
    for product, active, cls, number, mg_per_ml in (
        ("Tefamin", "aminophylline", "xanthine", f"{p}-TF1", 160.0),
        ("Carnitine", "carnitine", "amino acid derivative", f"{p}-CN1", None),
    ):
        lot = _ok(
            client.post(
                "/stock/lots",
                json={
                    "product": product,
                    "active_ingredient": active,
                    "agent_class": cls,
                    "lot_number": number,
                    "expiry_date": expiry,
                    "quantity": 5,
                    "unit_volume_ml": 10.0,
                    "mg_per_ml": mg_per_ml,
                },
                headers=front,
            )
        )
        vial = {"product": product, "lot_number": number, "code": f"{number}-V1"}
        _ok(client.post("/stock/vials", json=vial, headers=front))
    start = (date.today() - timedelta(days=10)).isoformat()
    course = _ok(
        client.post(
            f"/patients/{patient['id']}/courses",
            json={"protocol": "cellulite", "zones": ZONES, "start_date": start},
            headers=dr,
        )
    )
    mix = [
        {"product": "Tefamin", "lot_number": f"{p}-TF1", "volume_ml": 1.0, "vial": f"{p}-TF1-V1"},
        {"product": "Carnitine", "lot_number": f"{p}-CN1", "volume_ml": 2.0, "vial": f"{p}-CN1-V1"},
    ]
    first = _ok(
        client.post(
            f"/courses/{course['id']}/sessions",
            json={"uses": mix, "needle_gauge": 30, "needle_length_mm": 4.0},
            headers=dr,
        )
    )
    _ok(client.post(f"/sessions/{first['id']}/sign", headers=dr), 200)
    _ok(client.post(f"/sessions/{first['id']}/cosign", headers=md), 200)
    second = _ok(
        client.post(
            f"/courses/{course['id']}/sessions",
            json={
                "uses": mix,
                "overrides": {"course-min-interval": "a second record of the same visit"},
            },
            headers=dr,
        )
    )
    reaction = _ok(
        client.post(
            f"/sessions/{first['id']}/reactions",
            json={
                "kind": "redness",
                "zone": ZONES[0],
                "onset_at": iso(now()),
                "duration_min": 30,
                "resolved": True,
            },
            headers=front,
        )
    )
    measurement = _ok(
        client.post(
            f"/patients/{patient['id']}/measurements",
            json={
                "kind": "thigh_circumference_cm",
                "taken_at": iso(now() - timedelta(days=9)),
                "value": 58.5,
                "site": "thigh-left",
                "height_above_kneecap_cm": 15.0,
            },
            headers=front,
        )
    )
    key = _ok(
        client.post(
            f"/users/{c.users['assistant']}/api-keys",
            json={"name": "booking"},
            headers=c.headers["admin"],
        )
    )
    proto = _ok(
        client.post(
            "/protocols",
            content=clinic_protocol_text(f"{p.lower()}-cellulite"),
            headers=c.headers["admin"] | {"Content-Type": "application/toml"},
        )
    )
    return Seed(
        patient_id=patient["id"],
        course_id=course["id"],
        signed_session_id=first["id"],
        session_id=second["id"],
        reaction_id=reaction["id"],
        measurement_id=measurement["id"],
        lot_id=lot["id"],
        lot_number=f"{p}-TF1",
        vial_code=f"{p}-TF1-V1",
        key_id=key["id"],
        protocol_ref=proto["key"],
        extra={"api_key": key["key"]},
    )
