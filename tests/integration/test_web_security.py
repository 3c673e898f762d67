"""The web app against a hostile record and a hostile neighbour, on SQLite and PostgreSQL:
markup charted into every free-text field prints as text in every PDF; every response
carries the security headers; the login form refuses a tossed cookie; every page asks
each role for the permission the API asks, and shows no form or link the role may not
use."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest

from . import test_web_pages
from .test_web_pages import DR, PASSWORD, Site, _csrf, _mix, log_in

site = test_web_pages.site  # the same fixture: the clinic, its stock, a client of the app

MARKUP = '<font color="red" size="28">X</font> <a href="javascript:app.alert(1)">L</a>'
IMAGE = '<img src="docs/screenshots/dashboard.png" width="200" height="120"/>'
PLAIN = "a<b & c"
PRODUCT = '<font size="28">Tef</font> & <a href="javascript:x()">amin</a>'
"""A product name is free text (lot numbers and vial codes are letters, digits, .-_)."""
ZONES = ["thigh-left-lateral", "thigh-right-lateral"]


def _squashed(text: str) -> str:
    return "".join(text.split())


def _protocol_text() -> str:
    """The built-in cellulite protocol as a clinic's, markup in every text a PDF prints."""
    from mesoplan.protocols import export_builtin_text

    text = export_builtin_text("cellulite").replace('id = "cellulite"', 'id = "clinic-cell"', 1)
    for key, value in (
        ("title", MARKUP),
        ("for_whom", IMAGE),
        ("what_to_expect", PLAIN),
        ("maintenance", MARKUP),
    ):
        text, n = re.subn(rf'(?m)^{key} = ".*"$', f"{key} = '{value}'", text, count=1)
        assert n == 1, key
    return re.sub(r"(?ms)^limits = \[.*?\]", f"limits = ['{PLAIN}', '{IMAGE}']", text, count=1)


def _hostile_records(site: Site) -> dict[str, str]:
    """A clinic protocol, a patient, a course and a signed, amended session, each free-text
    field holding markup; the URL of every document."""
    log_in(site, f"admin-{DR}")
    csrf = _csrf(site.client.get("/app/protocols").text)
    up = site.client.post("/app/protocols", data={"csrf_token": csrf, "text": _protocol_text()})
    assert up.status_code == 303, re.findall(r"alert.{0,400}", up.text, re.S)
    csrf = log_in(site)
    person = {
        "csrf_token": csrf,
        "family_name": MARKUP,
        "given_name": PLAIN,
        "birth_date": "1980-01-02",
        "sex": "female",
        "consent_given_at": "2025-01-10T09:00",
    }
    r = site.client.post("/app/patients", data=person)
    assert r.status_code == 303, r.text
    patient_id = int(r.headers["location"].rsplit("/", 1)[1])
    lot = {"csrf_token": csrf, "product": PRODUCT, "kind": "drug", "lot_number": "TF-MARK"}
    lot |= {"active_ingredient": "aminophylline", "agent_class": "xanthine", "quantity": "5"}
    lot |= {"unit_volume_ml": "1.5", "expiry_date": "2030-01-01", "mg_per_ml": "160"}
    r = site.client.post("/app/stock/lots", data=lot)
    assert r.status_code == 303, re.findall(r"alert.{0,300}", r.text, re.S)
    course = {"csrf_token": csrf, "protocol": "clinic-cell@2.0.0", "zone": ZONES}
    r = site.client.post(f"/app/patients/{patient_id}/courses", data=course)
    assert r.status_code == 303, r.text
    course_url = r.headers["location"]
    details = {
        "anaesthetic": MARKUP,
        "anaesthetic_amount_g": "5",
        "needle_lot": PLAIN,
        "notes": f"{MARKUP}\n{PLAIN}\n{IMAGE}",
        # an anaesthetic of unknown content cannot be counted against the lidocaine maximum
        "override.drug-amount-unknown": "lidocaine content read from the tube",
    }
    course_id = course_url.rsplit("/", 1)[1]
    mix = _mix(csrf, "TF-MARK") | {"use-0_0-lot": f"{PRODUCT}|TF-MARK"}
    r = site.client.post(f"/app/courses/{course_id}/sessions", data=mix | details)
    assert r.status_code == 303, re.findall(r"alert.{0,400}", r.text, re.S)
    session_url = r.headers["location"]
    assert site.client.post(f"{session_url}/sign", data={"csrf_token": csrf}).status_code == 303
    for text in (IMAGE, PLAIN):
        note = {"csrf_token": csrf, "text": text}
        assert site.client.post(f"{session_url}/addenda", data=note).status_code == 303
    return {
        "plan": f"{course_url}/plan.pdf",
        "consent": f"{course_url}/consent.pdf",
        "record": f"{session_url}/record.pdf",
    }


def _links_and_images(pdf: Any) -> tuple[int, int]:
    links = sum(len(page.get("/Annots") or []) for page in pdf.pages)
    return links, sum(len(page.images) for page in pdf.pages)


def test_markup_in_every_free_text_field_prints_as_text_in_every_pdf(site: Site) -> None:
    from pypdf import PdfReader

    documents = _hostile_records(site)
    expected = {
        "plan": [MARKUP, PLAIN],  # the protocol title; the patient's names in the header
        "consent": [MARKUP, IMAGE, PLAIN],
        "record": [MARKUP, IMAGE, PLAIN, PRODUCT],
    }
    for name, url in documents.items():
        r = site.client.get(url)
        assert r.status_code == 200, (name, r.text[:300])
        assert r.headers["content-type"] == "application/pdf"
        pdf = PdfReader(io.BytesIO(r.content))
        text = _squashed("".join(page.extract_text() for page in pdf.pages))
        for payload in expected[name]:
            assert _squashed(payload) in text, (name, payload)
        assert _links_and_images(pdf) == (0, 0), name
    record = PdfReader(io.BytesIO(site.client.get(documents["record"]).content))
    text = "".join(page.extract_text() for page in record.pages)
    assert text.count(PLAIN) >= 2  # the notes and the second addendum, as typed


def _expect_headers(r: Any, policy: str | None, stored: bool = False) -> None:
    from mesoplan.entrypoints.api.security_headers import COMMON

    for name, value in COMMON.items():
        assert r.headers.get(name) == value, (r.url, name)
    if policy is not None:
        assert r.headers["content-security-policy"] == policy, r.url
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"], r.url
    assert (r.headers.get("cache-control") == "no-store") is not stored, r.url


def _ids(site: Site) -> dict[str, str]:
    csrf = log_in(site)
    person = {"csrf_token": csrf, "family_name": "Headers", "given_name": "Ann"}
    person |= {"birth_date": "1981-02-03", "consent_given_at": "2025-01-10T09:00"}
    r = site.client.post("/app/patients", data=person)
    patient_id = r.headers["location"].rsplit("/", 1)[1]
    measurement = {"csrf_token": csrf, "kind": "thigh_circumference_cm", "value": "52"}
    measurement |= {"site": "left", "height_above_kneecap_cm": "15", "taken_at": "2025-03-01T10:00"}
    r = site.client.post(f"/app/patients/{patient_id}/measurements", data=measurement)
    assert r.status_code == 303, re.findall(r"alert.{0,300}", r.text, re.S)
    course = {"csrf_token": csrf, "protocol": "cellulite@2.0.0", "zone": ZONES}
    r = site.client.post(f"/app/patients/{patient_id}/courses", data=course)
    assert r.status_code == 303, re.findall(r"alert.{0,300}", r.text, re.S)
    course_id = r.headers["location"].rsplit("/", 1)[1]
    r = site.client.post(f"/app/courses/{course_id}/sessions", data=_mix(csrf, "TF-NEW"))
    assert r.status_code == 303, re.findall(r"alert.{0,300}", r.text, re.S)
    session_id = r.headers["location"].rsplit("/", 1)[1]
    return {
        "patient_id": patient_id,
        "course_id": course_id,
        "session_id": session_id,
        "key": "cellulite@2.0.0",
    }


def _get_pages(site: Site) -> list[tuple[str, str]]:
    """``(path, permission)`` of every GET page."""
    from mesoplan.entrypoints.web.app import page_permissions

    app = site.client.app
    return [(p, perm) for m, p, perm in page_permissions(app) if m == "GET"]


def test_every_response_carries_the_security_headers(site: Site) -> None:
    from fastapi.testclient import TestClient

    from mesoplan.entrypoints.api.security_headers import (
        DOCUMENT_POLICY,
        PAGE_POLICY,
        SVG_POLICY,
    )

    ids = _ids(site)
    log_in(site, f"md-{DR}")
    for path, _ in _get_pages(site):
        r = site.client.get(path.format(**ids))
        assert r.status_code in (200, 303), (path, r.status_code)
        kind = r.headers.get("content-type", "").split(";")[0]
        policy = {"image/svg+xml": SVG_POLICY, "text/html": PAGE_POLICY}.get(kind)
        _expect_headers(r, policy or DOCUMENT_POLICY)
        if kind == "text/html":
            assert not re.search(r"<script(?![^>]*\bsrc=)", r.text), path  # no inline script
            assert not re.search(r"\son[a-z]+\s*=", r.text), path  # no inline handler
    api = [site.client.get("/patients"), site.client.get("/openapi.json")]
    api.append(site.client.post("/auth/login", json={"username": DR, "password": "x" * 12}))
    for r in api:
        _expect_headers(r, DOCUMENT_POLICY)
    app = site.client.app

    @app.get("/broken-for-the-test")
    def broken() -> None:
        raise RuntimeError("a bug")

    failed = TestClient(app, raise_server_exceptions=False).get("/broken-for-the-test")
    assert failed.status_code == 500
    _expect_headers(failed, DOCUMENT_POLICY)
    static = site.client.get("/app/static/chart.js")
    assert static.status_code == 200
    _expect_headers(static, None, stored=True)
    assert "strict-transport-security" not in static.headers


def test_over_https_hsts_and_host_prefixed_cookies(site: Site) -> None:
    from fastapi.testclient import TestClient

    https = TestClient(site.client.app, base_url="https://testserver", follow_redirects=False)
    page = https.get("/app/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("__Host-mesoplan_login_csrf=") and "Secure" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie
    r = https.post(
        "/app/login",
        data={"csrf_token": _csrf(page.text), "username": DR, "password": PASSWORD},
    )
    assert r.status_code == 303, r.text
    assert "__Host-mesoplan_session=" in r.headers["set-cookie"]
    assert https.get("/app/dashboard").status_code == 200
    assert https.get("/patients").headers["strict-transport-security"].startswith("max-age=")


def _login_post(site: Site, token: str, **headers: str) -> Any:
    form = {"csrf_token": token, "username": DR, "password": PASSWORD}
    return site.client.post("/app/login", data=form, headers=headers)


def test_the_login_form_refuses_a_tossed_cookie_and_another_browsers_token(site: Site) -> None:
    from fastapi.testclient import TestClient

    site.client.cookies.set("mesoplan_login_csrf", "made-up-by-a-neighbour")
    tossed = _login_post(site, "made-up-by-a-neighbour")
    assert tossed.status_code == 403 and "not one of ours" in tossed.text
    assert "mesoplan_session" not in tossed.headers.get("set-cookie", "")
    neighbour = TestClient(site.client.app, follow_redirects=False)
    theirs = _csrf(neighbour.get("/app/login").text)
    site.client.cookies.clear()
    site.client.get("/app/login")
    other = _login_post(site, theirs)
    assert other.status_code == 403 and "another browser" in other.text
    site.client.cookies.set("mesoplan_login_csrf", neighbour.cookies["mesoplan_login_csrf"])
    framed = _login_post(site, theirs, **{"Sec-Fetch-Site": "same-site"})
    assert framed.status_code == 403 and "another site" in framed.text
    assert site.client.get("/app/dashboard").status_code == 303  # still nobody signed in
    site.client.cookies.clear()
    page = site.client.get("/app/login")
    ok = _login_post(site, _csrf(page.text), **{"Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 303 and ok.headers["location"] == "/app/dashboard"


@pytest.fixture
def staff(site: Site) -> Iterator[Site]:
    """The clinic with one user of every role."""
    from mesoplan.adapters.db import session_factory
    from mesoplan.adapters.db.audit import Actor
    from mesoplan.services.accounts import NewUser, PasswordPolicy, create_user
    from mesoplan.services.scoped import ClinicUnitOfWork
    from mesoplan.services.unit_of_work import UnitOfWork

    with UnitOfWork.from_engine(site.engine, site.clock) as uow:
        cid = uow.people.practitioner(DR).clinic_id
    for role in ("assistant", "auditor"):
        scoped = ClinicUnitOfWork(session_factory(site.engine), cid, Actor("t", "t"), site.clock)
        spec = NewUser(f"{role}-{DR}", role.title(), role, PASSWORD)
        create_user(scoped, spec, PasswordPolicy(1, 8, 1))
    yield site


def _route_of(routes: list[tuple[str, str, str]], method: str, url: str) -> str | None:
    path = url.split("?", 1)[0].split("#", 1)[0]
    for m, pattern, permission in routes:
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(pattern)) + "$"
        if m == method and re.match(regex, path):
            return permission
    return None


def test_each_page_asks_each_role_for_the_apis_permission(staff: Site) -> None:
    """The page x role table: a page answers 403 to a role without its permission; a page
    it may open shows no form it may not post and no link to a page it may not open."""
    from mesoplan.entrypoints.api.permissions import ROLES, allowed
    from mesoplan.entrypoints.web.app import page_permissions

    site = staff
    ids = _ids(site)
    routes = page_permissions(site.client.app)
    users = {
        "admin": f"admin-{DR}",
        "medical_director": f"md-{DR}",
        "practitioner": DR,
        "assistant": f"assistant-{DR}",
        "auditor": f"auditor-{DR}",
    }
    assert set(users) == set(ROLES)
    table: dict[tuple[str, str], int] = {}
    for role in ROLES:
        site.client.cookies.clear()
        log_in(site, users[role])
        for path, permission in _get_pages(site):
            r = site.client.get(path.format(**ids))
            table[path, role] = r.status_code
            if permission == "public":
                continue
            if not allowed(permission, role):
                assert r.status_code == 403, (path, role, r.status_code)
                assert f"needs {permission}" in r.text and "role='alert'" in r.text
                continue
            assert r.status_code == 200, (path, role, r.status_code)
            if not r.headers["content-type"].startswith("text/html"):
                continue
            posts = re.findall(r'<form method="post" action="([^"]+)"', r.text)
            posts += re.findall(r'hx-post="([^"]+)"', r.text)
            for action in posts:
                needs = _route_of(routes, "POST", action)
                assert needs and allowed(needs, role), (path, role, action, needs)
            for href in re.findall(r'href="(/app/[^"]*)"', r.text):
                needs = _route_of(routes, "GET", href)
                if needs:
                    assert allowed(needs, role), (path, role, href, needs)
    new_course = "/app/patients/{patient_id}/courses/new"
    new_session = "/app/courses/{course_id}/sessions/new"
    assert table[new_course, "assistant"] == 403 and table[new_course, "practitioner"] == 200
    assert table[new_session, "assistant"] == table[new_session, "auditor"] == 403
    assert table["/app/patients/new", "auditor"] == 403
    assert table["/app/dashboard", "auditor"] == 200


def test_processes_sharing_the_secret_key_accept_each_others_login_forms(site: Site) -> None:
    """Behind one address: a login page from one process, its post to another."""
    from fastapi.testclient import TestClient

    from mesoplan.config import Settings
    from mesoplan.entrypoints.api.app import create_app
    from mesoplan.entrypoints.api.settings import ApiSettings
    from mesoplan.services.accounts import PasswordPolicy

    api = ApiSettings(passwords=PasswordPolicy(1, 8, 1), docs=False)

    def process(key: str | None) -> TestClient:
        app = create_app(Settings(secret_key=key), api, engine=site.engine)
        return TestClient(app, follow_redirects=False)

    first, second, other = process("shared"), process("shared"), process(None)
    page = first.get("/app/login")
    form = {"csrf_token": _csrf(page.text), "username": DR, "password": PASSWORD}
    for client in (second, other):
        client.cookies.set("mesoplan_login_csrf", first.cookies["mesoplan_login_csrf"])
    assert other.post("/app/login", data=form).status_code == 403
    assert second.post("/app/login", data=form).status_code == 303


def test_the_page_table_in_the_docs_matches_the_routes() -> None:
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "docs_tables", root / "scripts/api_permissions.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (root / "docs/web.md").read_text(encoding="utf-8")
    assert "| GET | `/app/courses/{course_id}/sessions/new` | `sessions:chart` |" in text
    assert module.updated_pages(text) == text, "docs/web.md is stale: run make docs"


def test_the_api_docs_page_may_run_its_own_inline_script_and_no_other() -> None:
    import base64
    import hashlib

    from fastapi.testclient import TestClient

    from mesoplan.config import Settings
    from mesoplan.entrypoints.api.app import create_app

    r = TestClient(create_app(Settings(database_url="sqlite://"))).get("/docs")
    assert r.status_code == 200
    inline = re.findall(r"<script>(.*?)</script>", r.text, re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    policy = r.headers["content-security-policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.split()[1:] == ["'self'", "https://cdn.jsdelivr.net", f"'sha256-{digest}'"]
    assert "frame-ancestors 'none'" in policy and r.headers["cache-control"] == "no-store"
