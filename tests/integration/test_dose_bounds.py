"""The dose model at the edges of the system: a stored format 1 snapshot keeps its hash and
plans as it did; the API preview and the web refuse non-finite, out-of-range and too-large
requests with one clear answer, whatever an uploaded protocol says."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine

from mesoplan.config import Settings
from mesoplan.domain.planner import plan
from mesoplan.domain.protocol_text import protocol_from_data
from mesoplan.entrypoints.api import ApiSettings, create_app
from mesoplan.protocols import export_builtin_text
from mesoplan.services import courses
from mesoplan.services.unit_of_work import UnitOfWork

from .api_support import CHEAP, ZONES, TestClient, clinic_with_roles

V1 = Path(__file__).resolve().parents[1] / "protocols_v1"
V1_CELLULITE_HASH = "sha256:7fa2dc770d5285113f06a3f331e137f14acd87a7b74245790f21e0c8cefec73f"


def test_a_stored_format_1_snapshot_keeps_its_hash_and_plans_as_before(uow: UnitOfWork) -> None:
    v1 = protocol_from_data(tomllib.loads((V1 / "cellulite-1.0.0.toml").read_text("utf-8")))
    with uow:
        row = courses.snapshot_of(uow, v1)
        uow.commit()
    with uow:
        stored = uow.records.snapshot(V1_CELLULITE_HASH)
        assert stored is not None and stored.id == row.id
        again = courses.protocol_of(stored)
    assert (again.format_version, again.version, again.content_hash) == (
        1,
        "1.0.0",
        V1_CELLULITE_HASH,
    )
    # the even split of format 1: 10 mL over the 50 points the thigh cap allows, 0.2 mL
    # each; 5 mL over the 39 lattice points of the hip, in whole nanolitres, on the zone
    # outlines of then (catalogue version 1, which a course stored then keeps)
    both = plan(again, ["thigh-left-lateral@1", "thigh-right-lateral@1"])
    assert (both.point_count, both.volume_ml, both.rules[0].dose_per_point_ml) == (50, 10.0, None)
    hip = plan(again, ["hip-left@1"], volume_ml={"hips": 5})
    vols = hip.zones[0].points.volume_ml
    assert hip.point_count == 39 and abs(float(vols.sum()) - 5.0) < 1e-9
    assert float(vols.max() - vols.min()) <= 1e-6 + 1e-12
    assert not np.isclose(vols[0], 0.2)


def client_with(engine: Engine, max_plan_points: int = 200_000) -> TestClient:
    app = create_app(
        Settings(max_plan_points=max_plan_points), ApiSettings(passwords=CHEAP), engine=engine
    )
    return TestClient(app, raise_server_exceptions=False)


def test_the_preview_refuses_non_finite_and_out_of_range_numbers(engine: Engine) -> None:
    client = client_with(engine)
    dr = clinic_with_roles(client, engine, "d").headers["practitioner"]
    base = {"protocol": "cellulite", "zones": ZONES}
    ok = client.post(
        "/plans/preview", json=base | {"dose_per_point_ml": {"thighs": 0.2}}, headers=dr
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["format_version"] == 2
    assert ok.json()["rules"][0]["dose_per_point_ml"] == 0.2
    for field, value in [
        ("spacing_cm", "NaN"),
        ("spacing_cm", "Infinity"),
        ("spacing_cm", "0.001"),
        ("depth_mm", "31"),
        ("budget_ml", '{"thighs": NaN}'),
        ("budget_ml", '{"thighs": 1000}'),
        ("dose_per_point_ml", '{"thighs": 0.0001}'),
        ("measurements", '{"thigh_circumference_cm": Infinity}'),
    ]:
        raw = json.dumps(base)[:-1] + f', "{field}": {value}}}'
        r = client.post(
            "/plans/preview", content=raw, headers=dr | {"Content-Type": "application/json"}
        )
        assert r.status_code == 422, (field, value, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["pointer"].startswith(f"#/{field}")


def test_the_work_bound_holds_for_the_preview_and_uploaded_protocols(engine: Engine) -> None:
    client = client_with(engine)
    c = clinic_with_roles(client, engine, "w")
    dr = c.headers["practitioner"]
    # a clinic protocol at the plausible minimum spacing, 0.05 cm, over the whole face: the
    # bound (4 x 456 cm2 / (pi x 0.05^2) = 232,000 and more) is above 200,000
    text = export_builtin_text("face").replace('id = "face"', 'id = "w-dense"', 1)
    text = text.replace(
        "spacing_cm = { min = 0.1, default = 0.5", "spacing_cm = { min = 0.05, default = 0.05", 1
    )
    for body in (
        {"protocol_toml": text, "zones": ["face"]},
        {
            "protocol": "face",
            "zones": ["face"],
            "overrides": [{"field": "spacing_cm", "value": 0.05, "reason": "test"}],
        },
    ):
        r = client.post("/plans/preview", json=body, headers=dr)
        assert r.status_code == 422, r.text
        assert "more than the 200,000 a plan may have" in r.json()["detail"]
    r = client.post(
        "/protocols",
        content=text,
        headers=c.headers["admin"] | {"Content-Type": "application/toml"},
    )
    assert r.status_code == 201, r.text
    r = client.post("/plans/preview", json={"protocol": "w-dense", "zones": ["face"]}, headers=dr)
    assert r.status_code == 422 and "MESOPLAN_MAX_PLAN_POINTS" in r.json()["detail"]
    small = client_with(engine, max_plan_points=100)
    r = small.post("/plans/preview", json={"protocol": "cellulite", "zones": ZONES}, headers=dr)
    assert r.status_code == 422 and "more than the 100 a plan may have" in r.json()["detail"]


def test_the_web_plan_keeps_the_work_bound_and_shows_the_dose(engine: Engine, clock: Any) -> None:
    from .test_web_pages import DR, Site, _open, _patient, log_in

    _open(engine, clock, "Bound Clinic", DR)
    app = create_app(
        Settings(max_plan_points=1000), ApiSettings(passwords=CHEAP, docs=False), engine=engine
    )
    app.state.mesoplan.clock = clock
    site = Site(TestClient(app, follow_redirects=False), clock, engine)
    patient_id = _patient(site, log_in(site))
    page = f"/app/patients/{patient_id}/courses/new"
    big = site.client.get(page, params={"protocol": "face", "zone": "face"})
    assert big.status_code == 200
    assert "more than the 1,000 a plan may have (MESOPLAN_MAX_PLAN_POINTS)" in big.text
    small = site.client.get(page, params={"protocol": "face", "zone": "periorbital-left"})
    assert "23 points" in small.text and "0.0016 mL a point" in small.text
    nan = site.client.get(
        page, params={"protocol": "face", "zone": "periorbital-left", "dose.face": "nan"}
    )
    assert "dose per point for face: &#39;nan&#39; is not a finite number" in nan.text
