"""A patient's record read through each entrypoint (API, web, CLI) is in the access log,
which the auditor reads and exports; a session whose content no longer verifies is
marked wherever it is shown."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from .api_support import PASSWORD, clinic_with_roles, make_client, seed_records
from .tamper_support import triggers_bypassed

pytestmark = pytest.mark.integration


def _web_login(client: Any, username: str) -> None:
    page = client.get("/app/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf[1], "username": username, "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def _cli(engine: Engine, *args: str, who: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "MESOPLAN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MESOPLAN_PRACTITIONER": who,
    }
    return subprocess.run(
        [sys.executable, "-m", "mesoplan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _access(client: Any, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    r = client.get("/audit/access", params={"limit": 200, **params}, headers=headers)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_a_read_through_each_entrypoint_is_in_the_access_log(
    engine: Engine, tmp_path: Path
) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "acc")
    seed = seed_records(client, c)
    pid, auditor = seed.patient_id, c.headers["auditor"]
    assert _access(client, auditor) == []  # writes are not reads
    dr = c.headers["practitioner"]
    assert client.get(f"/patients/{pid}", headers=dr).status_code == 200
    assert client.get(f"/sessions/{seed.signed_session_id}", headers=dr).status_code == 200
    assert client.get(f"/fhir/Patient/{pid}/$everything", headers=dr).status_code == 200
    assert (
        client.get("/recall", params={"lot_number": seed.lot_number}, headers=dr).status_code == 200
    )
    _web_login(client, "acc-practitioner")
    assert client.get(f"/app/patients/{pid}").status_code == 200
    shown = _cli(engine, "patient", "show", str(pid), who="acc-practitioner")
    assert shown.returncode == 0, shown.stderr
    bulk = _cli(engine, "export", "fhir", "--all", "-o", str(tmp_path / "bulk"), who="x")
    assert bulk.returncode == 0, bulk.stderr
    log = _access(client, auditor)
    assert [(e["entrypoint"], e["action"], e["patient_id"]) for e in log] == [
        ("api", "read patient", pid),
        ("api", "read session", pid),
        ("api", "export patient (FHIR)", pid),
        ("api", "recall listing", pid),
        ("web", "read patient record", pid),
        ("cli", "read patient record", pid),
        ("cli", "bulk export (FHIR)", pid),
    ]
    assert {e["who"] for e in log} == {"acc-practitioner (practitioner)", "acc-practitioner", "x"}
    assert log[1]["subject"] == f"session {seed.signed_session_id}"
    assert _access(client, auditor, patient_id=pid + 1000) == []
    # the auditor reads and exports it; a practitioner may not
    assert client.get("/audit/access", headers=dr).status_code == 403
    exported = _cli(
        engine, "audit", "access", "--clinic", str(c.clinic_id), "--format", "csv", who="x"
    )
    lines = exported.stdout.strip().splitlines()
    assert lines[0] == "id,at,who,entrypoint,action,patient_id,subject" and len(lines) == 8
    # another clinic's auditor sees none of it
    other = clinic_with_roles(client, engine, "oth")
    assert _access(client, other.headers["auditor"]) == []


def _pdf_text(pdf: bytes) -> bytes:
    """The page streams of a PDF as written by reportlab (ASCII85, then Flate)."""
    out = b""
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        out += zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
    return out


def test_a_session_that_no_longer_verifies_is_marked_where_it_is_shown(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "mrk")
    seed = seed_records(client, c)
    sid, dr = seed.signed_session_id, c.headers["practitioner"]
    assert client.get(f"/sessions/{sid}", headers=dr).json()["verified"] is True
    with triggers_bypassed(engine) as conn:
        conn.execute(
            text("UPDATE product_use SET volume_ul = volume_ul + 1000 WHERE session_id = :s"),
            {"s": sid},
        )
    body = client.get(f"/sessions/{sid}", headers=dr).json()
    assert body["verified"] is False and any("uses" in p for p in body["verification"])
    verify = client.get("/audit/verify", headers=c.headers["auditor"]).json()
    assert verify["intact"] is False
    assert {(m["session_id"], m["field"]) for m in verify["mismatches"]} == {
        (sid, "uses"),
        (sid, None),
    }
    _web_login(client, "mrk-practitioner")
    page = client.get(f"/app/sessions/{sid}")
    assert page.status_code == 200 and "Does not verify" in page.text
    recall = client.get("/app/recall", params={"lot": seed.lot_number})
    assert "does not verify" in recall.text
    pdf = client.get(f"/app/sessions/{sid}/record.pdf")
    assert pdf.status_code == 200 and b"DOES NOT VERIFY" in _pdf_text(pdf.content)
    shown = _cli(engine, "session", "show", str(sid), who="mrk-practitioner")
    assert "DOES NOT VERIFY" in shown.stdout and "uses" in shown.stdout
    listed = _cli(engine, "recall", "--lot", seed.lot_number, who="mrk-practitioner")
    assert "[DOES NOT VERIFY]" in listed.stdout
    cli_verify = _cli(engine, "audit", "verify", who="x")
    assert cli_verify.returncode == 1 and f"session {sid} (uses)" in cli_verify.stdout
