"""Hostile and careless input through HTTP, on SQLite and PostgreSQL: every case gets
its one documented answer (never 500), and nothing accepted breaks a later read.

The table holds huge ids in paths, filters and bodies; NUL bytes and other control
characters in bodies, queries and paths (the unauthenticated login included); dates and
times far outside a clinical range; points charted far off their zone; a done point with
no volume; birth dates, measurements and consent that make no sense; usernames with
white space. ``docs/api.md`` states how many cases there are.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from .api_support import (
    ZONES,
    Seed,
    clinic_protocol_text,
    clinic_with_roles,
    iso,
    make_client,
    now,
    seed_records,
)

pytestmark = pytest.mark.integration
HUGE = "99999999999999999999"
DOCS = Path(__file__).parents[2] / "docs" / "api.md"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    expect: int
    json: Any = None
    params: dict[str, str] | None = None
    role: str = "practitioner"
    if_match: bool = False
    toml: str | None = None


def _use(p: str) -> list[dict[str, Any]]:
    return [
        {"product": "Tefamin", "lot_number": f"{p}-TF1", "volume_ml": 0.1, "vial": f"{p}-TF1-V1"},
        {"product": "Carnitine", "lot_number": f"{p}-CN1", "volume_ml": 0.1, "vial": f"{p}-CN1-V1"},
    ]


def _nul_protocol(p: str) -> str:
    """A clinic protocol whose title holds an escaped NUL (valid TOML)."""
    return clinic_protocol_text(f"{p}-nul").replace('title = "', 'title = "A\\u0000B ', 1)


PATIENT = {"family_name": "Bianchi", "given_name": "Luca", "sex": "male"}
Z = ZONES[0]
MEASURE = {
    "kind": "thigh_circumference_cm",
    "value": 58.0,
    "site": "thigh-left",
    "height_above_kneecap_cm": 15.0,
}


SAYS = {
    "huge course_id in a body": '"pointer":"#/course_id"',
    "NUL in a family name": '"pointer":"#/family_name"',
    "NUL escape in an uploaded protocol": '"field":"title"',
    "NUL escape in a previewed protocol": '"field":"title"',
    "NUL in ?name=": '"query":"name"',
    "lone surrogate in a name": '"pointer":"#/given_name"',
    "NUL in a login username": '"pointer":"#/username"',
    "NUL in a login password": '"pointer":"#/password"',
    "course start six years ahead": "within five years",
    "reschedule six years back": "within five years",
    "taken_at 0001-01-01T00:00:00+14:00": '"pointer":"#/taken_at"',
    "measurement before birth": "before the patient's birth",
    "measurement next week": "in the future",
    "session performed before birth": "before the patient's birth",
    "consent before birth": '"pointer":"#/consent_given_at"',
    "consent before birth at registration": '"pointer":"#/history/consent_given_at"',
    "added point at (1e6, -1e6)": '"pointer":"#/changes/0"',
    "point moved to (-500, 900)": "outside the zone",
    "point moved to (-500, 900) on re-charting": "outside the zone",
    "done point with 0 mL": '"pointer":"#/changes/0"',
    "moved point with 0 mL": '"pointer":"#/changes/0"',
    "birth date tomorrow": "in the future",
    "username with capitals": "lower-case",
}
"""What the answer of some cases says (the field, or the rule that refused it)."""


def cases(p: str) -> list[Case]:
    """The table; ``{patient}``, ``{course}``, ``{session}``... are the seeded ids."""
    uses = _use(p)
    chart = "/courses/{course}/sessions"
    today = date.today()
    return [
        # huge ids: a path id names no record (404); a filter or a body field is 422
        *(
            Case(f"huge id in {path}", "GET", path.replace("{id}", HUGE), 404)
            for path in (
                "/patients/{id}",
                "/patients/{id}/history",
                "/patients/{id}/measurements",
                "/patients/{id}/outcomes.svg",
                "/patients/{id}/screening",
                "/courses/{id}",
                "/courses/{id}/review",
                "/sessions/{id}",
                "/sessions/{id}/points",
                "/sessions/{id}/verify",
                "/measurements/{id}",
                "/reactions/{id}",
                "/users/{id}",
                "/stock/lots/{id}",
                "/clinics/{id}",
                "/Patient/{id}/$everything",
            )
        ),
        Case("huge user id for api keys", "GET", f"/users/{HUGE}/api-keys", 404, role="admin"),
        Case("huge api key id", "GET", f"/api-keys/{HUGE}", 404, role="admin"),
        Case("negative path id", "GET", "/patients/-1", 404),
        Case("huge id on a write path", "POST", f"/courses/{HUGE}/sessions", 404,
             json={"uses": uses}),
        Case("huge course_id filter", "GET", "/sessions", 422, params={"course_id": HUGE}),
        Case("huge patient_id filter", "GET", "/courses", 422, params={"patient_id": HUGE}),
        Case("huge session_id filter", "GET", "/reactions", 422, params={"session_id": HUGE}),
        Case("huge course_id on the plot", "GET", "/patients/{patient}/outcomes.svg", 422,
             params={"course_id": HUGE}),
        Case("huge course_id in a body", "POST", "/patients/{patient}/measurements", 422,
             json=MEASURE | {"taken_at": iso(now()), "course_id": int(HUGE)}, role="assistant"),
        Case("huge cursor", "GET", "/patients", 400,
             params={"cursor": base64.urlsafe_b64encode(f"id:{HUGE}".encode()).decode()}),
        # NUL bytes and control characters
        Case("NUL in a family name", "POST", "/patients", 422,
             json=PATIENT | {"family_name": "Nul\u0000Name", "birth_date": "1980-01-01"},
             role="assistant"),
        Case("escape in a given name", "POST", "/patients", 422,
             json=PATIENT | {"given_name": "Lu\u001bca", "birth_date": "1980-01-01"},
             role="assistant"),
        Case("lone surrogate in a name", "POST", "/patients", 422,
             json=PATIENT | {"given_name": "Lu\ud800ca", "birth_date": "1980-01-01"},
             role="assistant"),
        Case("NUL in an identifier", "POST", "/patients", 422,
             json=PATIENT | {"birth_date": "1980-01-01", "identifiers": {"urn:x": "a\u0000"}},
             role="assistant"),
        Case("NUL in a login username", "POST", "/auth/login", 422,
             json={"username": "a\u0000b", "password": "whatever-1"}, role=""),
        Case("NUL in a login password", "POST", "/auth/login", 422,
             json={"username": "admin", "password": "pass\u0000word"}, role=""),
        Case("NUL in ?name=", "GET", "/patients", 422, params={"name": "a\u0000b"}),
        Case("NUL in ?product=", "GET", "/stock/lots", 422, params={"product": "a\u0000b"}),
        Case("NUL in ?lot_number=", "GET", "/recall", 422, params={"lot_number": "a\u0000b"}),
        Case("NUL in ?group=", "GET", "/zones", 422, params={"group": "a\u0000b"}),
        Case("NUL in a vial code path", "GET", "/stock/vials/a%00b", 404),
        Case("NUL in a protocol path", "GET", "/protocols/a%00b", 404),
        Case("NUL in a lot number", "POST", "/stock/lots", 422, role="assistant",
             json={"product": "X", "lot_number": "L\u00001", "expiry_date": "2030-01-01",
                   "quantity": 1, "unit_volume_ml": 1.0}),
        Case("NUL in a reaction note", "POST", "/sessions/{signed}/reactions", 422,
             role="assistant", json={"kind": "redness", "zone": Z, "onset_at": iso(now()),
                                     "note": "a\u0000b"}),
        Case("NUL in an approved plan", "POST", "/patients/{patient}/courses", 422,
             json={"protocol": "cellulite", "start_date": today.isoformat(),
                   "plan": {"zones": [{"zone": "a\u0000b"}]}}),
        Case("NUL escape in an uploaded protocol", "POST", "/protocols", 422, role="admin",
             toml=_nul_protocol(p)),
        Case("NUL escape in a previewed protocol", "POST", "/plans/preview", 422,
             json={"protocol_toml": _nul_protocol(p), "zones": [Z]}),
        Case("NUL in a user's name", "POST", "/users", 422, role="admin",
             json={"username": "nul-user", "name": "N\u0000", "role": "assistant",
                   "password": "password-1234"}),
        Case("newline in a note is text", "POST", "/sessions/{signed}/addenda", 201,
             json={"text": "line one\nline two"}),
        # course start dates
        Case("course start 9999-12-31", "POST", "/patients/{patient}/courses", 422,
             json={"protocol": "cellulite", "zones": ZONES, "start_date": "9999-12-31"}),
        Case("course start 0001-01-01", "POST", "/patients/{patient}/courses", 422,
             json={"protocol": "cellulite", "zones": ZONES, "start_date": "0001-01-01"}),
        Case("course start six years ahead", "POST", "/patients/{patient}/courses", 422,
             json={"protocol": "cellulite", "zones": ZONES,
                   "start_date": (today + timedelta(days=6 * 366)).isoformat()}),
        Case("reschedule to 9999-12-31", "PATCH", "/courses/{course}", 422,
             json={"start_date": "9999-12-31"}, if_match=True),
        Case("reschedule six years back", "PATCH", "/courses/{course}", 422,
             json={"start_date": (today - timedelta(days=6 * 366)).isoformat()},
             if_match=True),
        # datetimes at the edge of the calendar
        Case("taken_at 0001-01-01T00:00:00+14:00", "POST", "/patients/{patient}/measurements",
             422, json=MEASURE | {"taken_at": "0001-01-01T00:00:00+14:00"}, role="assistant"),
        Case("taken_at 9999-12-31T23:59:59-14:00", "POST", "/patients/{patient}/measurements",
             422, json=MEASURE | {"taken_at": "9999-12-31T23:59:59-14:00"}, role="assistant"),
        Case("measurement dated 0001-01-01", "POST", "/patients/{patient}/measurements", 422,
             json=MEASURE | {"taken_at": "0001-01-01T00:00:00+00:00"}, role="assistant"),
        Case("outcomes.svg after it", "GET", "/patients/{patient}/outcomes.svg", 200),
        Case("measurement before birth", "POST", "/patients/{patient}/measurements", 422,
             json=MEASURE | {"taken_at": "1984-01-01T09:00:00+00:00"}, role="assistant"),
        Case("measurement next week", "POST", "/patients/{patient}/measurements", 422,
             json=MEASURE | {"taken_at": iso(now() + timedelta(days=7))}, role="assistant"),
        Case("measurement on the day of birth", "POST", "/patients/{patient}/measurements",
             201, json=MEASURE | {"taken_at": "1985-04-02T12:00:00+02:00"}, role="assistant"),
        Case("outcomes.svg over forty years", "GET", "/patients/{patient}/outcomes.svg", 200),
        Case("reaction onset 0001-01-01T00:00:00+14:00", "POST", "/sessions/{signed}/reactions",
             422, role="assistant",
             json={"kind": "redness", "zone": Z, "onset_at": "0001-01-01T00:00:00+14:00"}),
        Case("session performed before birth", "POST", chart, 422,
             json={"uses": uses, "performed_at": "1950-01-01T09:00:00+00:00"}),
        # points and volumes
        Case("added point at (1e6, -1e6)", "POST", chart, 422,
             json={"uses": uses, "changes": [{"point_id": Z, "status": "added",
                                               "x_cm": 1e6, "y_cm": -1e6}]}),
        Case("point moved to (-500, 900)", "POST", chart, 422,
             json={"uses": uses, "changes": [{"point_id": f"{Z}:0", "status": "moved",
                                               "x_cm": -500, "y_cm": 900}]}),
        Case("point moved to (-500, 900) on re-charting", "PATCH", "/sessions/{session}", 422,
             json={"changes": [{"point_id": f"{Z}:0", "status": "moved", "x_cm": -500,
                                "y_cm": 900}]}, if_match=True),
        Case("done point with 0 mL", "POST", chart, 422,
             json={"uses": uses, "changes": [{"point_id": f"{Z}:0", "status": "done",
                                               "volume_ml": 0}]}),
        Case("moved point with 0 mL", "POST", chart, 422,
             json={"uses": uses, "changes": [{"point_id": f"{Z}:1", "status": "moved",
                                               "x_cm": 0.5, "y_cm": 10, "volume_ml": 0}]}),
        Case("a point moved within its zone", "PATCH", "/sessions/{session}", 200,
             json={"changes": [{"point_id": f"{Z}:0", "status": "moved", "x_cm": 0.5,
                                "y_cm": 10}]}, if_match=True),
        # birth dates, consent
        Case("birth date 0001-01-01", "POST", "/patients", 422,
             json=PATIENT | {"birth_date": "0001-01-01"}, role="assistant"),
        Case("birth date 1899-12-31", "POST", "/patients", 422,
             json=PATIENT | {"birth_date": "1899-12-31"}, role="assistant"),
        Case("birth date tomorrow", "POST", "/patients", 422,
             json=PATIENT | {"birth_date": (today + timedelta(days=2)).isoformat()},
             role="assistant"),
        Case("consent before birth", "POST", "/patients/{patient}/history", 422,
             json={"consent_given_at": "1980-01-01T09:00:00+00:00"}, role="assistant"),
        Case("consent before birth at registration", "POST", "/patients", 422,
             json=PATIENT | {"birth_date": "1990-05-05",
                             "history": {"consent_given_at": "1990-05-04T09:00:00+00:00"}},
             role="assistant"),
        # usernames
        Case('username "admin\\n" is the taken "admin"', "POST", "/users", 409, role="admin",
             json={"username": f"{p}-admin\n", "name": "Twin", "role": "admin",
                   "password": "password-1234"}),
        Case("username with capitals", "POST", "/users", 422, role="admin",
             json={"username": "Dr-Rossi", "name": "Dr", "role": "assistant",
                   "password": "password-1234"}),
        Case("username with an inner space", "POST", "/users", 422, role="admin",
             json={"username": "dr rossi", "name": "Dr", "role": "assistant",
                   "password": "password-1234"}),
        Case("username trimmed and normalised", "POST", "/users", 201, role="admin",
             json={"username": f"  {p}-new\n", "name": "New", "role": "assistant",
                   "password": "password-1234"}),
    ]  # fmt: skip


def _ids(seed: Seed) -> dict[str, int]:
    return {
        "patient": seed.patient_id,
        "course": seed.course_id,
        "session": seed.session_id,
        "signed": seed.signed_session_id,
    }


def test_bad_input_table(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "b")
    seed = seed_records(client, c)
    ids = _ids(seed)
    table = cases("b")
    answers: list[tuple[str, int, int, str]] = []
    for case in table:
        path = case.path.format(**ids)
        headers = dict(c.headers[case.role]) if case.role else {}
        if case.if_match:
            headers["If-Match"] = client.get(path, headers=headers).headers["etag"]
        body: str | None = None
        if case.json is not None:  # ASCII JSON: a lone surrogate travels as its escape
            headers["Content-Type"] = "application/json"
            body = json.dumps(case.json)
        elif case.toml is not None:
            headers["Content-Type"] = "application/toml"
            body = case.toml
        r = client.request(case.method, path, content=body, params=case.params, headers=headers)
        answers.append((case.name, case.expect, r.status_code, r.text[:300]))
        assert SAYS.get(case.name, "") in r.text, (case.name, r.text)
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json", case.name
    server_errors = [a for a in answers if a[2] >= 500]
    wrong = [a for a in answers if a[1] != a[2]]
    assert server_errors == [] and wrong == []
    # usernames are stored normalised; the trimmed name logs in, "x\n" names the same user
    users = client.get("/users", headers=c.headers["admin"]).json()["items"]
    assert "b-new" in {u["username"] for u in users}
    r = client.post("/auth/login", json={"username": "b-new\n", "password": "password-1234"})
    assert r.status_code == 200 and r.json()["user"]["username"] == "b-new"


def test_refusals_point_at_the_field(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "q")
    seed = seed_records(client, c)
    front = c.headers["assistant"]
    r = client.post(
        f"/patients/{seed.patient_id}/measurements",
        json=MEASURE | {"taken_at": "1984-01-01T09:00:00+00:00"},
        headers=front,
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"detail": r.json()["errors"][0]["detail"], "pointer": "#/taken_at"}
    ]
    assert "before the patient's birth" in r.json()["errors"][0]["detail"]
    r = client.post(
        f"/courses/{seed.course_id}/sessions",
        json={
            "uses": _use("q"),
            "changes": [
                {"point_id": f"{Z}:0", "status": "skipped"},
                {"point_id": Z, "status": "added", "x_cm": 1e6, "y_cm": -1e6},
            ],
        },
        headers=c.headers["practitioner"],
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/changes/1"
    r = client.post("/patients", json=PATIENT | {"family_name": "a\u0000"}, headers=front)
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert r.status_code == 422 and {"#/family_name", "#/birth_date"} <= pointers
    r = client.get("/patients", params={"name": "a\u0000b"}, headers=front)
    assert r.status_code == 422 and r.json()["errors"][0]["query"] == "name"


def test_docs_state_the_number_of_cases() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert f"{len(cases('x'))} bad requests" in text
