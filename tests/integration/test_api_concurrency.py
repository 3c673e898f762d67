"""ETags: stale writes are refused, none is lost, even when writers race."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from .api_support import ZONES, clinic_with_roles, iso, login, make_client, now

pytestmark = pytest.mark.integration


def test_two_practitioners_editing_one_course_lose_nothing(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "e")
    anna, bruno = c.headers["practitioner"], c.headers["medical_director"]
    body = {"family_name": "Neri", "given_name": "Lia", "birth_date": "1980-02-03", "sex": "female"}
    body["history"] = {"consent_given_at": iso(now() - timedelta(days=1))}
    pid = client.post("/patients", json=body, headers=anna).json()["id"]
    start = date.today()
    course = client.post(
        f"/patients/{pid}/courses",
        json={"protocol": "cellulite", "zones": ZONES, "start_date": start.isoformat()},
        headers=anna,
    )
    assert course.status_code == 201, course.text
    cid, first = course.json()["id"], course.headers["etag"]
    assert client.get(f"/courses/{cid}", headers=bruno).headers["etag"] == first

    later = {"start_date": (start + timedelta(days=7)).isoformat()}
    r = client.patch(f"/courses/{cid}", json=later, headers=anna | {"If-Match": first})
    assert r.status_code == 200 and r.headers["etag"] != first
    other = {"start_date": (start + timedelta(days=14)).isoformat(), "at": "11:00:00"}
    stale = client.patch(f"/courses/{cid}", json=other, headers=bruno | {"If-Match": first})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert client.patch(f"/courses/{cid}", json=other, headers=bruno).status_code == 428
    assert client.get(f"/courses/{cid}", headers=bruno).json()["start_date"] == later["start_date"]
    fresh = client.get(f"/courses/{cid}", headers=bruno).headers["etag"]
    r = client.patch(f"/courses/{cid}", json=other, headers=bruno | {"If-Match": fresh})
    assert r.status_code == 200 and r.json()["start_date"] == other["start_date"]
    assert r.json()["sessions"][0]["start"].startswith(f"{other['start_date']}T11:00")
    audit = client.get("/audit", params={"limit": 200}, headers=c.headers["auditor"]).json()
    patches = [e for e in audit["items"] if e["action"] == "PATCH /courses/{course_id}"]
    assert [e["actor"] for e in patches] == [
        "e-practitioner (practitioner)",
        "e-medical-director (medical_director)",
    ]


def test_racing_writers_with_one_etag_exactly_one_wins(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "r")
    body = {"family_name": "Blu", "given_name": "Ada", "birth_date": "1975-05-06", "sex": "female"}
    pid = client.post("/patients", json=body, headers=c.headers["assistant"]).json()["id"]
    etag = client.get(f"/patients/{pid}", headers=c.headers["assistant"]).headers["etag"]
    writers = [
        login(client, u) for u in ("r-practitioner", "r-assistant", "r-medical-director")
    ] * 2
    barrier = threading.Barrier(len(writers))

    def write(i: int) -> int:
        barrier.wait()
        r = client.patch(
            f"/patients/{pid}", json={"phone": f"+39 {i}"}, headers=writers[i] | {"If-Match": etag}
        )
        return r.status_code

    with ThreadPoolExecutor(len(writers)) as pool:
        codes = sorted(pool.map(write, range(len(writers))))
    assert codes == [200] + [412] * (len(writers) - 1)
    phone = client.get(f"/patients/{pid}", headers=c.headers["assistant"]).json()["phone"]
    assert phone in {f"+39 {i}" for i in range(len(writers))}
    verdict = client.get("/audit/verify", headers=c.headers["auditor"]).json()
    assert verdict["intact"] is True
