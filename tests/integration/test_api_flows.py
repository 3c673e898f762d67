"""Every use case through HTTP, on SQLite and PostgreSQL: what each answers, in numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from .api_support import (
    ZONES,
    bearer,
    clinic_protocol_text,
    clinic_with_roles,
    iso,
    login,
    make_client,
    now,
    seed_records,
)

pytestmark = pytest.mark.integration


def test_records_through_http(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "f")
    s = seed_records(client, c)
    dr, md, front = (c.headers[r] for r in ("practitioner", "medical_director", "assistant"))

    course = client.get(f"/courses/{s.course_id}", headers=dr).json()
    assert course["point_count"] == 50 and course["volume_ml"] == pytest.approx(10.0)
    assert course["protocol"] == "cellulite@2.0.0" and course["zones"] == ZONES
    assert [x["number"] for x in course["sessions"]][:4] == [1, 2, 3, 4]

    signed = client.get(f"/sessions/{s.signed_session_id}", headers=dr).json()
    assert signed["signed_by"] == "f-practitioner" and signed["cosigned_by"] == "f-medical-director"
    assert signed["points"]["planned"] == 50 and signed["points"]["done"] == 50
    assert [u["volume_ml"] for u in signed["uses"]] == [1.0, 2.0]
    assert client.get(f"/sessions/{s.signed_session_id}/verify", headers=dr).json()["intact"]

    # the vials were drawn down by both sessions: 10 - 2 x 1.0 and 10 - 2 x 2.0
    vials = client.get("/stock/vials", headers=front).json()["items"]
    assert sorted(v["volume_remaining_ml"] for v in vials) == [6.0, 8.0]
    lots = client.get("/stock/lots", params={"product": "Tefamin"}, headers=front).json()
    assert [x["vials_opened"] for x in lots["items"]] == [1]

    # a signed session is never changed; an addendum is appended and signed
    etag = client.get(f"/sessions/{s.signed_session_id}", headers=dr).headers["etag"]
    r = client.patch(
        f"/sessions/{s.signed_session_id}", json={"notes": "x"}, headers=dr | {"If-Match": etag}
    )
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    r = client.post(f"/sessions/{s.signed_session_id}/addenda", json={"text": "bruise"}, headers=dr)
    assert r.status_code == 201 and [a["text"] for a in r.json()["addenda"]] == ["bruise"]
    r = client.post(f"/sessions/{s.signed_session_id}/cosign", headers=md)
    assert r.status_code == 409  # co-signed once already

    # the unsigned session: re-charted (one point skipped), then signed
    etag = client.get(f"/sessions/{s.session_id}", headers=dr).headers["etag"]
    change = {"changes": [{"point_id": "thigh-left-lateral:0", "status": "skipped"}]}
    r = client.patch(f"/sessions/{s.session_id}", json=change, headers=dr | {"If-Match": etag})
    assert r.status_code == 200, r.text
    assert r.json()["points"]["skipped"] == 1 and r.json()["points"]["done"] == 49
    points = client.get(f"/sessions/{s.session_id}/points", params={"limit": 30}, headers=dr)
    page = points.json()
    assert len(page["items"]) == 30 and page["next_cursor"]
    rest = client.get(
        f"/sessions/{s.session_id}/points", params={"cursor": page["next_cursor"]}, headers=dr
    ).json()
    assert len(rest["items"]) == 20 and rest["next_cursor"] is None
    assert sum(p["status"] == "skipped" for p in page["items"] + rest["items"]) == 1
    r = client.post(f"/sessions/{s.session_id}/sign", headers=front)
    assert r.status_code == 403
    r = client.post(f"/sessions/{s.session_id}/sign", headers=dr | {"If-Match": '"stale"'})
    assert r.status_code == 412
    r = client.post(f"/sessions/{s.session_id}/sign", headers=dr)
    assert r.status_code == 200 and r.json()["signature"].startswith("sha256:")
    listed = client.get("/sessions", params={"course_id": s.course_id, "signed": True}, headers=dr)
    assert [x["id"] for x in listed.json()["items"]] == [s.signed_session_id, s.session_id]

    # reactions: an expected redness within its time is not flagged
    reaction = client.get(f"/reactions/{s.reaction_id}", headers=dr).json()
    assert reaction["kind"] == "redness" and reaction["flags"] == []
    r = client.post(
        f"/sessions/{s.signed_session_id}/reactions",
        json={"kind": "nodule", "zone": ZONES[0], "onset_at": iso(now()), "severity": "moderate"},
        headers=front,
    )
    assert r.status_code == 201, r.text
    assert r.json()["flags"]
    listed = client.get("/reactions", params={"patient_id": s.patient_id}, headers=dr).json()
    assert len(listed["items"]) == 2

    # recall: who received the lot, then recall it; charting with it is refused
    who = client.get("/recall", params={"lot_number": s.lot_number}, headers=dr).json()
    assert who["patient_ids"] == [s.patient_id] and len(who["rows"]) == 2 and not who["recalled"]
    r = client.post("/recall", json={"lot_number": s.lot_number, "reason": "notice"}, headers=dr)
    assert r.status_code == 200 and r.json()["recalled"]
    mix = [{"product": "Tefamin", "lot_number": s.lot_number, "volume_ml": 1.0}]
    r = client.post(f"/courses/{s.course_id}/sessions", json={"uses": mix}, headers=dr)
    assert r.status_code == 422 and "recalled" in r.json()["detail"]

    # measurements, review, outcome plot
    r = client.get(f"/patients/{s.patient_id}/measurements", headers=front).json()
    assert [m["value"] for m in r["items"]] == [58.5]
    later = {
        "kind": "thigh_circumference_cm",
        "taken_at": iso(now()),
        "value": 56.0,
        "site": "thigh-left",
        "height_above_kneecap_cm": 15.0,
        "course_id": s.course_id,
    }
    assert (
        client.post(f"/patients/{s.patient_id}/measurements", json=later, headers=front).status_code
        == 201
    )
    review = client.get(f"/courses/{s.course_id}/review", headers=dr).json()
    assert review["protocol_key"] == "cellulite@2.0.0"
    svg = client.get(f"/patients/{s.patient_id}/outcomes.svg", headers=dr)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<?xml") or "<svg" in svg.text[:500]
    m = client.get(f"/measurements/{s.measurement_id}", headers=front)
    r = client.delete(
        f"/measurements/{s.measurement_id}",
        params={"reason": "wrong tape"},
        headers=front | {"If-Match": m.headers["etag"]},
    )
    assert r.status_code == 204
    assert client.get(f"/measurements/{s.measurement_id}", headers=front).status_code == 404


def test_people_protocols_plans_and_accounts(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "g")
    admin, dr, front = c.headers["admin"], c.headers["practitioner"], c.headers["assistant"]
    body = {
        "family_name": "Verdi",
        "given_name": "Anna",
        "birth_date": "1990-01-02",
        "sex": "female",
    }
    ids = [
        client.post("/patients", json=body | {"family_name": f"P{i}"}, headers=front).json()["id"]
        for i in range(5)
    ]
    page = client.get("/patients", params={"limit": 2}, headers=dr).json()
    seen = [p["id"] for p in page["items"]]
    while page["next_cursor"]:
        page = client.get(
            "/patients", params={"limit": 2, "cursor": page["next_cursor"]}, headers=dr
        ).json()
        seen += [p["id"] for p in page["items"]]
    assert seen == ids
    assert [
        p["family_name"]
        for p in client.get("/patients", params={"name": "p3"}, headers=dr).json()["items"]
    ] == ["P3"]
    assert client.get("/patients", params={"cursor": "!!"}, headers=dr).status_code == 400

    pid = ids[0]
    got = client.get(f"/patients/{pid}", headers=dr)
    r = client.patch(
        f"/patients/{pid}",
        json={"phone": "+39 1"},
        headers=front | {"If-Match": got.headers["etag"]},
    )
    assert (
        r.status_code == 200
        and r.json()["phone"] == "+39 1"
        and r.headers["etag"] != got.headers["etag"]
    )
    history = {"pregnant": True, "consent_given_at": iso(now() - timedelta(days=1))}
    assert client.post(f"/patients/{pid}/history", json=history, headers=front).status_code == 201
    versions = client.get(f"/patients/{pid}/history", headers=dr).json()["items"]
    assert [v["flags"]["pregnant"] for v in versions] == [True]
    screening = client.get(
        f"/patients/{pid}/screening", params={"protocol": "cellulite"}, headers=dr
    ).json()
    assert screening["blocked"] is True
    start = {"protocol": "cellulite", "zones": ZONES, "start_date": date.today().isoformat()}
    r = client.post(f"/patients/{pid}/courses", json=start, headers=dr)
    assert r.status_code == 422  # a stop (pregnancy) needs an override with a reason
    rule = next(f["rule_id"] for f in screening["findings"] if f["severity"] == "stop")
    r = client.post(
        f"/patients/{pid}/courses", json=start | {"overrides": {rule: "reviewed"}}, headers=dr
    )
    assert r.status_code == 201, r.text
    course = r.json()
    assert any(f["override_reason"] == "reviewed" for f in course["findings"])
    r = client.delete(
        f"/courses/{course['id']}",
        params={"reason": "error"},
        headers=dr | {"If-Match": r.headers["etag"]},
    )
    assert r.status_code == 204
    gone = client.get(f"/patients/{pid}", headers=dr)
    r = client.delete(
        f"/patients/{pid}",
        params={"reason": "duplicate"},
        headers=front | {"If-Match": gone.headers["etag"]},
    )
    assert r.status_code == 204 and client.get(f"/patients/{pid}", headers=dr).status_code == 404

    # plans: JSON, SVG and iCalendar previews store nothing
    plan = {"protocol": "cellulite", "zones": ZONES, "start_date": "2026-01-05"}
    j = client.post("/plans/preview", json=plan, headers=dr)
    assert j.status_code == 200 and j.json()["totals"]["point_count"] == 50
    svg = client.post("/plans/preview", params={"format": "svg"}, json=plan, headers=dr)
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text
    ics = client.post("/plans/preview", params={"format": "ics"}, json=plan, headers=dr)
    assert ics.text.startswith("BEGIN:VCALENDAR") and ics.text.count("BEGIN:VEVENT") >= 4
    bad = client.post("/plans/preview", json=plan | {"zones": ["elbow"]}, headers=dr)
    assert bad.status_code == 422 and "elbow" in bad.json()["detail"]
    assert client.post("/plans/preview", json=plan, headers=front).status_code == 403

    # protocols: upload, line-numbered errors, withdraw
    text = clinic_protocol_text("g-face")
    toml = admin | {"Content-Type": "application/toml"}
    r = client.post("/protocols", content=text, headers=toml)
    assert r.status_code == 201 and r.json()["key"] == "g-face@2.0.0"
    assert client.post("/protocols", content=text, headers=toml).status_code == 409
    broken = text.replace('version = "2.0.0"', 'version = "one"', 1)
    r = client.post("/protocols", content=broken, headers=toml)
    line = next(i for i, x in enumerate(broken.splitlines(), 1) if x.startswith("version ="))
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == line
    assert r.json()["errors"][0]["pointer"] == "#/version"
    keys = [p["key"] for p in client.get("/protocols", headers=dr).json()["items"]]
    assert keys == ["cellulite@2.0.0", "face@2.0.0", "hair@2.0.0", "g-face@2.0.0"]
    r = client.post("/plans/preview", json=plan | {"protocol": "g-face"}, headers=dr)
    assert r.json()["protocol"]["id"] == "g-face"
    etag = client.get("/protocols/g-face", headers=dr).headers["etag"]
    assert client.delete("/protocols/g-face", headers=admin | {"If-Match": etag}).status_code == 204
    assert client.get("/protocols/g-face", headers=dr).status_code == 404
    zones = client.get("/zones", params={"group": "thighs"}, headers=dr).json()["items"]
    assert "thigh-left-lateral" in [z["id"] for z in zones]

    # accounts: API keys act as their user; deactivation and logout revoke access
    key = client.post(
        f"/users/{c.users['assistant']}/api-keys", json={"name": "crm"}, headers=admin
    ).json()
    assert client.get("/auth/me", headers=bearer(key["key"])).json()["username"] == "g-assistant"
    k = client.get(f"/api-keys/{key['id']}", headers=admin)
    assert (
        client.delete(
            f"/api-keys/{key['id']}", headers=admin | {"If-Match": k.headers["etag"]}
        ).status_code
        == 204
    )
    assert client.get("/auth/me", headers=bearer(key["key"])).status_code == 401
    user = client.get(f"/users/{c.users['auditor']}", headers=admin)
    r = client.patch(
        f"/users/{c.users['auditor']}",
        json={"active": False},
        headers=admin | {"If-Match": user.headers["etag"]},
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get("/auth/me", headers=c.headers["auditor"]).status_code == 401
    r = client.post("/auth/login", json={"username": "g-auditor", "password": "password-1234"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    fresh = login(client, "g-practitioner")
    assert client.post("/auth/logout", headers=fresh).status_code == 204
    assert client.get("/auth/me", headers=fresh).status_code == 401
    assert (
        client.post("/auth/login", json={"username": "nobody", "password": "x"}).status_code == 401
    )


def test_lot_strength_and_kept_overrides_through_http(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "g")
    s = seed_records(client, c)
    dr, front = c.headers["practitioner"], c.headers["assistant"]

    # the second seeded session was charted on the day of the first: its override is kept
    second = client.get(f"/sessions/{s.session_id}", headers=dr).json()
    assert [(f["rule_id"], f["override_reason"]) for f in second["findings"]] == [
        ("course-min-interval", "a second record of the same visit")
    ]
    assert "0 day(s) after session 1" in second["findings"][0]["message"]

    lot = {
        "product": "Tefamin",
        "lot_number": "g-TF2",
        "expiry_date": (date.today() + timedelta(days=90)).isoformat(),
        "quantity": 2,
        "unit_volume_ml": 1.5,
    }
    for bad in (0, -5, 1001):
        r = client.post("/stock/lots", json={**lot, "mg_per_ml": bad}, headers=front)
        assert r.status_code == 422 and "mg_per_ml" in r.text
    raw = '{"product": "Tefamin", "lot_number": "g-TF3", "expiry_date": "2030-01-01", '
    raw += '"quantity": 1, "unit_volume_ml": 1.5, "mg_per_ml": NaN}'
    r = client.post(
        "/stock/lots", content=raw, headers=front | {"content-type": "application/json"}
    )
    assert r.status_code == 422
    r = client.post("/stock/lots", json={**lot, "mg_per_ml": 160}, headers=front)
    assert r.status_code == 201 and r.json()["mg_per_ml"] == 160.0
    listed = client.get("/stock/lots", params={"product": "Tefamin"}, headers=front).json()
    assert sorted(x["mg_per_ml"] for x in listed["items"]) == [160.0, 160.0]
