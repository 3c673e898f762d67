"""The web pages over the running app (in process), on SQLite and PostgreSQL: login and
CSRF, a course approved and charted through the forms, an expired lot refused with the
reason, a point tapped through HTMX, another clinic's patient not found, the PDFs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from .conftest import Clock

PASSWORD = "web-pages-pass"
DR = "dr-pages"


@dataclass
class Site:
    client: Any
    clock: Clock
    engine: Engine


def _open(engine: Engine, clock: Clock, clinic: str, username: str) -> int:
    from mesoplan.adapters.db import session_factory
    from mesoplan.adapters.db.audit import Actor
    from mesoplan.services.accounts import NewUser, PasswordPolicy, create_user, open_clinic
    from mesoplan.services.scoped import ClinicUnitOfWork
    from mesoplan.services.unit_of_work import UnitOfWork

    cheap = PasswordPolicy(1, 8, 1)
    admin = NewUser(f"admin-{username}", "Admin", "admin", PASSWORD)
    open_clinic(UnitOfWork.from_engine(engine, clock), clinic, "Europe/Rome", admin, cheap)
    with UnitOfWork.from_engine(engine, clock) as uow:
        cid = uow.people.practitioner(admin.username).clinic_id
    scoped = ClinicUnitOfWork(session_factory(engine), cid, Actor("test", "seed"), clock)
    create_user(scoped, NewUser(username, "Dr Pages", "practitioner", PASSWORD), cheap)
    director = NewUser(f"md-{username}", "Dr Director", "medical_director", PASSWORD)
    create_user(scoped, director, cheap)
    return cid


def _stock(engine: Engine, clock: Clock, cid: int) -> None:
    from mesoplan.adapters.db import session_factory
    from mesoplan.adapters.db.audit import Actor
    from mesoplan.services import stock
    from mesoplan.services.scoped import ClinicUnitOfWork

    def scoped() -> ClinicUnitOfWork:
        return ClinicUnitOfWork(session_factory(engine), cid, Actor("test", "stock"), clock)

    tef = stock.NewProduct("Tefamin", "drug", "aminophylline", "xanthine")
    car = stock.NewProduct("Carnitine", "drug", "carnitine")
    today = clock.now.date()
    stock.receive_stock(scoped(), DR, tef, "TF-OLD", today + timedelta(days=30), 5, 1.5, None, 160)
    stock.receive_stock(scoped(), DR, tef, "TF-NEW", today + timedelta(days=400), 5, 1.5, None, 160)
    stock.receive_stock(scoped(), DR, car, "CN-9", today + timedelta(days=400), 5, 5.0)


@pytest.fixture
def site(engine: Engine, clock: Clock) -> Site:
    from fastapi.testclient import TestClient

    from mesoplan.config import Settings
    from mesoplan.entrypoints.api.app import create_app
    from mesoplan.entrypoints.api.settings import ApiSettings
    from mesoplan.services.accounts import PasswordPolicy

    cid = _open(engine, clock, "Pages Clinic", DR)
    _stock(engine, clock, cid)
    api = ApiSettings(passwords=PasswordPolicy(1, 8, 1), docs=False)
    app = create_app(Settings(), api, engine=engine)
    app.state.mesoplan.clock = clock
    return Site(TestClient(app, follow_redirects=False), clock, engine)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no form on the page"
    return found[1]


def log_in(site: Site, username: str = DR) -> str:
    """Log in; the CSRF token of the session's forms."""
    page = site.client.get("/app/login")
    r = site.client.post(
        "/app/login",
        data={"csrf_token": _csrf(page.text), "username": username, "password": PASSWORD},
    )
    assert r.status_code == 303, r.text
    return _csrf(site.client.get("/app/dashboard").text)


def _patient(site: Site, csrf: str) -> int:
    r = site.client.post(
        "/app/patients",
        data={
            "csrf_token": csrf,
            "family_name": "Pagetest",
            "given_name": "Anna",
            "birth_date": "1980-01-02",
            "sex": "female",
            "consent_given_at": "2025-01-10T09:00",
        },
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def _course(site: Site, csrf: str, patient_id: int) -> int:
    fields = {
        "csrf_token": csrf,
        "protocol": "cellulite@2.0.0",
        "zone": ["thigh-left-lateral", "thigh-right-lateral"],
        "start": site.clock.now.date().isoformat(),
    }
    r = site.client.post(f"/app/patients/{patient_id}/courses", data=fields)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def _mix(csrf: str, tefamine_lot: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "use-0_0-ingredient": "tefamine",
        "use-0_0-lot": f"Tefamin|{tefamine_lot}",
        "use-0_0-volume_ml": "1.5",
        "use-1_0-ingredient": "carnitine",
        "use-1_0-lot": "Carnitine|CN-9",
        "use-1_0-volume_ml": "2",
    }


def test_pages_need_a_login_and_forms_need_their_token(site: Site) -> None:
    r = site.client.get("/app/dashboard")
    assert r.status_code == 303 and r.headers["location"] == "/app/login?next=/app/dashboard"
    page = site.client.get("/app/login")
    wrong = site.client.post(
        "/app/login",
        data={"csrf_token": _csrf(page.text), "username": DR, "password": "not-it-at-all"},
    )
    assert wrong.status_code == 401 and "wrong username or password" in wrong.text
    log_in(site)
    forged = site.client.post("/app/patients", data={"family_name": "X", "given_name": "Y"})
    assert forged.status_code == 403
    assert site.client.get("/app/dashboard").status_code == 200


def test_a_course_is_approved_and_an_expired_lot_is_refused_with_the_reason(site: Site) -> None:
    csrf = log_in(site)
    course_id = _course(site, csrf, _patient(site, csrf))
    page = site.client.get(f"/app/courses/{course_id}")
    assert "50 points, 10 mL a session" in page.text
    board = site.client.get("/app/dashboard").text  # the course starts today
    assert "Pagetest, Anna" in board and f"/app/courses/{course_id}/sessions/new?number=1" in board
    site.clock.advance(days=60)  # TF-OLD expired 30 days ago
    csrf = log_in(site)
    refused = site.client.post(f"/app/courses/{course_id}/sessions", data=_mix(csrf, "TF-OLD"))
    assert refused.status_code == 422
    assert re.search(r"TF-OLD[^<]*expired", refused.text), refused.text
    ok = site.client.post(f"/app/courses/{course_id}/sessions", data=_mix(csrf, "TF-NEW"))
    assert ok.status_code == 303, ok.text
    session_url = ok.headers["location"]
    tapped = site.client.post(
        f"{session_url}/points",
        data={"csrf_token": csrf, "point": "thigh-right-lateral:3", "status": "skipped"},
        headers={"HX-Request": "true"},
    )
    assert tapped.status_code == 200 and "<html" not in tapped.text
    assert "<strong>1</strong> skipped" in tapped.text
    moved = site.client.post(
        f"{session_url}/points",
        data={"csrf_token": csrf, "point": "thigh-right-lateral:4", "status": "moved"},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 422 and "x cm: this field is required" in moved.text
    plot = site.client.get("/app/patients/1/outcomes.svg")
    assert plot.headers["content-type"] == "image/svg+xml" and "<svg" in plot.text
    again = site.client.get(
        "/app/patients/1/outcomes.svg", headers={"If-None-Match": plot.headers["etag"]}
    )
    assert again.status_code == 304
    for doc in (f"/app/courses/{course_id}/plan.pdf", f"{session_url}/record.pdf"):
        pdf = site.client.get(doc)
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")


def test_another_clinics_patient_is_not_found(site: Site) -> None:
    _open(site.engine, site.clock, "Other Clinic", "dr-other")
    csrf = log_in(site, "dr-other")
    theirs = _patient(site, csrf)
    log_in(site)
    hidden = site.client.get(f"/app/patients/{theirs}")
    assert hidden.status_code == 404 and "unknown patient" in hidden.text
    assert hidden.headers["content-type"].startswith("text/html")
    assert "Pagetest" not in site.client.get("/app/patients").text


def test_an_admin_uploads_a_clinic_protocol_and_plans_with_it(site: Site) -> None:
    from mesoplan.protocols import export_builtin_text

    text = export_builtin_text("face").replace('id = "face"', 'id = "clinic-face"', 1)
    log_in(site, "admin-dr-pages")
    csrf = _csrf(site.client.get("/app/protocols").text)
    r = site.client.post("/app/protocols", data={"csrf_token": csrf, "text": text})
    assert r.status_code == 303 and r.headers["location"] == "/app/protocols/clinic-face@2.0.0"
    assert "Facial rejuvenation" in site.client.get(r.headers["location"]).text
    again = site.client.post("/app/protocols", data={"csrf_token": csrf, "text": text})
    assert again.status_code == 422 and "exists already" in again.text
    broken = text.replace('version = "2.0.0"', 'version = "one"', 1)
    bad = site.client.post("/app/protocols", data={"csrf_token": csrf, "text": broken})
    assert bad.status_code == 422 and re.search(r"line \d+: <code>version</code>", bad.text)
    patient_id = _patient(site, log_in(site))
    new = site.client.get(f"/app/patients/{patient_id}/courses/new")
    assert "(clinic-face@2.0.0)" in new.text


def test_a_drug_maximum_asks_for_a_reason_and_the_session_keeps_it(site: Site) -> None:
    csrf = log_in(site)
    course_id = _course(site, csrf, _patient(site, csrf))
    over = {**_mix(csrf, "TF-NEW"), "use-0_0-volume_ml": "2"}  # 320 mg of 240
    refused = site.client.post(f"/app/courses/{course_id}/sessions", data=over)
    assert refused.status_code == 422
    assert "drug-max-dose:tefamine" in refused.text and "320 mg" in refused.text
    assert 'name="override.drug-max-dose:tefamine"' in refused.text
    reason = "two ampoules on the medical director's order"
    ok = site.client.post(
        f"/app/courses/{course_id}/sessions",
        data={**over, "override.drug-max-dose:tefamine": reason},
    )
    assert ok.status_code == 303, ok.text
    page = site.client.get(ok.headers["location"])
    assert "Stops overridden" in page.text and reason.replace("'", "&#39;") in page.text


def test_a_signed_session_is_co_signed_and_amended_never_re_charted(site: Site) -> None:
    csrf = log_in(site)
    course_id = _course(site, csrf, _patient(site, csrf))
    session_url = site.client.post(
        f"/app/courses/{course_id}/sessions", data=_mix(csrf, "TF-NEW")
    ).headers["location"]
    area = {"csrf_token": csrf, "zone": "thigh-left-lateral", "x_cm": "0", "y_cm": "20"}
    skipped = site.client.post(f"{session_url}/area", data=area | {"radius_cm": "60"})
    assert skipped.status_code == 303, re.findall(r"alert.{0,300}", skipped.text)
    assert "<strong>25</strong> skipped" in site.client.get(session_url).text
    empty = site.client.post(f"{session_url}/area", data=area | {"radius_cm": "0.01"})
    assert empty.status_code == 422 and "no planned point" in empty.text
    back = site.client.post(
        f"{session_url}/area", data=area | {"radius_cm": "60", "status": "done"}
    )
    assert back.status_code == 303
    assert "<strong>0</strong> skipped" in site.client.get(session_url).text
    assert site.client.post(f"{session_url}/sign", data={"csrf_token": csrf}).status_code == 303
    late = site.client.post(
        f"{session_url}/points",
        data={"csrf_token": csrf, "point": "thigh-left-lateral:0", "status": "skipped"},
    )
    assert late.status_code == 422 and "is signed" in late.text
    csrf = log_in(site, f"md-{DR}")
    assert site.client.post(f"{session_url}/cosign", data={"csrf_token": csrf}).status_code == 303
    note = {"csrf_token": csrf, "text": "Patient called: mild redness, settling."}
    assert site.client.post(f"{session_url}/addenda", data=note).status_code == 303
    page = site.client.get(session_url).text
    assert f"co-signed by md-{DR}" in page and "mild redness, settling" in page


def test_zones_are_chosen_on_the_overview_charts_without_javascript(site: Site) -> None:
    import html as html_lib

    csrf = log_in(site)
    pid = _patient(site, csrf)
    page = site.client.get(f"/app/patients/{pid}/courses/new?protocol=cellulite@2.0.0").text
    charts = re.findall(r'data-chart="([a-z-]+)"', page)
    assert charts == ["body-front", "body-back"]  # the cellulite protocol's zones are there
    links = dict(
        (m[2], html_lib.unescape(m[1]))
        for m in re.finditer(
            r"<a class='overview-target' href=\"([^\"]+)\" tabindex='-1'><title>[^<]*</title>"
            r"<polygon class='overview-zone' data-zone=\"([a-z-]+)\"",
            page,
        )
    )
    assert "thigh-left-lateral" in links and "abdomen" in links and "face" not in links
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert " onclick=" not in page
    chosen = site.client.get(links["thigh-left-lateral"].split("#", 1)[0]).text
    assert re.search(
        r'id="zone-thigh-left-lateral" [^>]*value="thigh-left-lateral" checked', chosen
    )
    assert "class='overview-zone on' data-zone=\"thigh-left-lateral\"" in chosen
    # the chosen zone's link now takes it off again
    again = re.search(
        r"<a class='overview-target' href=\"([^\"]+)\" tabindex='-1'><title>Left thigh, lateral "
        r"aspect \(chosen\)",
        chosen,
    )
    assert again is not None and "zone=thigh-left-lateral" not in html_lib.unescape(again[1])
