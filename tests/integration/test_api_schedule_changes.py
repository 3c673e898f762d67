"""Rescheduling through the API: If-Match on every change (racing writers, one wins),
refusals as problems, the history of changes readable."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from .api_support import ZONES, clinic_with_roles, iso, login, make_client, now

pytestmark = pytest.mark.integration


def _course(client, headers, start: date) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    body = {"family_name": "Neri", "given_name": "Lia", "birth_date": "1980-02-03", "sex": "female"}
    body["history"] = {"consent_given_at": iso(now() - timedelta(days=1))}
    pid = client.post("/patients", json=body, headers=headers).json()["id"]
    r = client.post(
        f"/patients/{pid}/courses",
        json={"protocol": "cellulite", "zones": ZONES, "start_date": start.isoformat()},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"], r.headers["etag"]


def test_racing_moves_with_one_etag_exactly_one_wins(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "m")
    start = date.today() + timedelta(days=2)
    cid, etag = _course(client, c.headers["practitioner"], start)
    writers = [login(client, u) for u in ("m-practitioner", "m-assistant", "m-medical-director")]
    writers *= 2
    barrier = threading.Barrier(len(writers))

    def move(i: int) -> int:
        barrier.wait()
        to = (start + timedelta(days=8 + i)).isoformat()
        r = client.post(
            f"/courses/{cid}/sessions/2/move",
            json={"to_date": to, "reason": f"writer {i}"},
            headers=writers[i] | {"If-Match": etag},
        )
        return r.status_code

    with ThreadPoolExecutor(len(writers)) as pool:
        codes = sorted(pool.map(move, range(len(writers))))
    assert codes == [200] + [412] * (len(writers) - 1)
    reader = c.headers["auditor"]
    history = client.get(f"/courses/{cid}/schedule-changes", headers=reader).json()["items"]
    assert len(history) == 1 and history[0]["revision"] == 1
    winner = int(history[0]["reason"].split()[-1])
    course = client.get(f"/courses/{cid}", headers=reader).json()
    moved = start + timedelta(days=8 + winner)
    assert course["sessions"][1]["date"] == moved.isoformat()
    assert course["sessions"][2]["date"] == (moved + timedelta(days=7)).isoformat()
    assert history[0]["previous_sessions"][1]["date"] == (start + timedelta(days=7)).isoformat()
    assert client.get("/audit/verify", headers=reader).json()["intact"] is True


def test_changes_need_if_match_and_bad_moves_are_problems(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "n")
    anna = c.headers["practitioner"]
    start = date.today() + timedelta(days=1)
    cid, etag = _course(client, anna, start)
    move = {"to_date": (start + timedelta(days=9)).isoformat(), "reason": "x"}
    url = f"/courses/{cid}/sessions/2/move"
    assert client.post(url, json=move, headers=anna).status_code == 428
    close = {"to_date": (start + timedelta(days=2)).isoformat(), "reason": "x"}
    r = client.post(url, json=close, headers=anna | {"If-Match": etag})
    assert r.status_code == 422 and "at least 6 days" in r.json()["detail"]
    r = client.post(url, json={"to_date": move["to_date"]}, headers=anna | {"If-Match": etag})
    assert r.status_code == 422
    bad = client.post(
        f"/courses/{cid}/sessions/0/move", json=move, headers=anna | {"If-Match": etag}
    )
    assert bad.status_code == 422
    r = client.post(f"/courses/{cid}/sessions/2/missed", json={"reason": "no show"}, headers=anna)
    assert r.status_code == 428
    r = client.post(
        f"/courses/{cid}/sessions/2/missed",
        json={"reason": "no show"},
        headers=anna | {"If-Match": etag},
    )
    assert r.status_code == 200, r.text
    assert r.json()["sessions"][1]["status"] == "missed"
    auditor = c.headers["auditor"]
    assert client.post(url, json=move, headers=auditor | {"If-Match": "*"}).status_code == 403
    other = clinic_with_roles(client, engine, "o")
    stranger = other.headers["practitioner"]
    assert client.get(f"/courses/{cid}/schedule-changes", headers=stranger).status_code == 404
    r = client.post(url, json=move, headers=stranger | {"If-Match": "*"})
    assert r.status_code == 404
