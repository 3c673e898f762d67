"""The audit chain: every write is an entry; altering, deleting or reordering one row is
found, by the API and by `mesoplan audit verify`."""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import pairwise

import pytest
from sqlalchemy import Engine, text

from .api_support import clinic_with_roles, make_client, seed_records

pytestmark = pytest.mark.integration


def _verify(client: object, headers: dict[str, str]) -> dict[str, object]:
    r = client.get("/audit/verify", headers=headers)  # type: ignore[attr-defined]
    assert r.status_code == 200
    data: dict[str, object] = r.json()
    return data


def _cli(engine: Engine) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"MESOPLAN_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run(
        [sys.executable, "-m", "mesoplan", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _sql(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def test_every_write_is_chained_and_tampering_is_found(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "t")
    seed_records(client, c)
    auditor = c.headers["auditor"]
    entries = client.get("/audit", params={"limit": 200}, headers=auditor).json()["items"]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0]["action"] == "open clinic"
    assert all(e["prev_hash"] == p["entry_hash"] for p, e in pairwise(entries))
    assert {"POST /patients", "POST /sessions/{session_id}/sign", "POST /auth/login"} <= {
        e["action"] for e in entries
    }
    n = len(entries)
    report = _verify(client, auditor)
    assert report == {
        "clinic_id": c.clinic_id,
        "entries": n,
        "intact": True,
        "broken_at": None,
        "reason": None,
        "sessions": report["sessions"],
        "mismatches": [],
        "missing_key": None,
    }
    assert report["sessions"] >= 1
    # a refused write leaves no entry; a read leaves none either
    assert client.get("/patients/999", headers=auditor).status_code == 404
    assert (
        client.delete(
            "/patients/999",
            params={"reason": "x"},
            headers=c.headers["assistant"] | {"If-Match": "*"},
        ).status_code
        == 404
    )
    assert _verify(client, auditor)["entries"] == n

    where = "clinic_id = :c AND seq = :s"
    cid = c.clinic_id
    # 1. alter what an entry says was changed
    _sql(engine, f"UPDATE audit_entry SET change = change || ' ' WHERE {where}", c=cid, s=5)
    report = _verify(client, auditor)
    assert (report["intact"], report["broken_at"]) == (False, 5)
    assert "change" in str(report["reason"])
    broken = _cli(engine)
    assert broken.returncode == 1 and "broken at entry 5" in broken.stdout
    _sql(engine, f"UPDATE audit_entry SET change = rtrim(change, ' ') WHERE {where}", c=cid, s=5)
    assert _verify(client, auditor)["intact"] is True
    # 2. alter who did it
    _sql(engine, f"UPDATE audit_entry SET actor = 'someone else' WHERE {where}", c=cid, s=7)
    assert _verify(client, auditor)["broken_at"] == 7
    _sql(
        engine,
        f"UPDATE audit_entry SET actor = :a WHERE {where}",
        a=entries[6]["actor"],
        c=cid,
        s=7,
    )
    assert _verify(client, auditor)["intact"] is True
    # 3. reorder two entries
    _sql(engine, f"UPDATE audit_entry SET seq = -1 WHERE {where}", c=cid, s=3)
    _sql(engine, f"UPDATE audit_entry SET seq = 3 WHERE {where}", c=cid, s=4)
    _sql(engine, f"UPDATE audit_entry SET seq = 4 WHERE {where}", c=cid, s=-1)
    assert _verify(client, auditor)["broken_at"] == 3
    _sql(engine, f"UPDATE audit_entry SET seq = -1 WHERE {where}", c=cid, s=3)
    _sql(engine, f"UPDATE audit_entry SET seq = 3 WHERE {where}", c=cid, s=4)
    _sql(engine, f"UPDATE audit_entry SET seq = 4 WHERE {where}", c=cid, s=-1)
    assert _verify(client, auditor)["intact"] is True
    # 4. delete one entry in the middle, then the last one
    _sql(engine, f"DELETE FROM audit_entry WHERE {where}", c=cid, s=9)
    assert _verify(client, auditor)["broken_at"] == 9
    _sql(engine, "DELETE FROM audit_entry WHERE clinic_id = :c AND seq >= 9", c=cid)
    report = _verify(client, auditor)
    assert report["intact"] is False and "removed" in str(report["reason"])
    assert _cli(engine).returncode == 1
